import { errorTable } from '../errors.js';
import { uploadedFile } from '../features/uploads/uploads.schemas.js';
import { failure, success } from '../legacy/envelope.js';
import { legacyFailure } from '../legacy/failures.js';
import { type FieldKind, kinds, type LegacyField } from '../legacy/fields.js';
import { defaultLoginFields, type LegacyRoute } from '../legacy/route.js';
import type { LegacyRouteGroup } from '../legacy/routes/index.js';
import { exampleToken, exampleValue } from './examples.js';
import { type JsonSchema, sampleOf, schemaOfValue, toJsonSchema } from './json-schema.js';
import { legacyOperationId, operationLink, procedureOperationId, typedTag } from './names.js';
import { procedureInput, procedureOutput } from './typed-api.js';

/*
 * The legacy half of the API reference, read from the route rows themselves: their fields (name,
 * label, kind, description, example), their login, the procedure they call (whose zod input gives
 * the limits and which fields are required) and their own encoder (which writes the example answer).
 */

/** A legacy field as documented, with the typed field it feeds. */
export interface ResolvedField {
  readonly name: string;
  readonly zh: string;
  readonly en: string;
  readonly kind: FieldKind;
  readonly typedField: string | undefined;
  readonly required: boolean;
  /** For another accepted name of a field: that field's name. */
  readonly aliasOf?: string;
  readonly schema: JsonSchema;
}

/** Everything the docs say about one legacy URL, before it becomes OpenAPI. */
export interface ResolvedRoute {
  readonly route: LegacyRoute;
  readonly group: LegacyRouteGroup;
  /** The typed procedure the URL calls; undefined for the upload forms, handled beside tRPC. */
  readonly procedure: string | undefined;
  readonly fields: readonly ResolvedField[];
  readonly exampleRequest: Record<string, unknown>;
  readonly exampleResponse: unknown;
  readonly dataSchema: JsonSchema;
}

const pick = (schema: JsonSchema | undefined, keys: readonly string[]): JsonSchema =>
  Object.fromEntries(keys.filter((key) => schema?.[key] !== undefined).map((key) => [key, schema?.[key]]));

/** The "no control characters" rule of every text field is stated once, not as a regex per field. */
const readablePattern = (schema: JsonSchema | undefined) =>
  typeof schema?.pattern === 'string' && !schema.pattern.includes('\\u0000')
    ? { pattern: schema.pattern }
    : {};

const fenToYuanBound = (value: unknown) => (typeof value === 'number' ? value / 100 : undefined);

/** The JSON Schema of a legacy field: what its kind accepts, with the typed field's limits. */
function legacyFieldSchema(kind: FieldKind, typed: JsonSchema | undefined): JsonSchema {
  switch (kind.name) {
    case 'text':
      return {
        type: 'string',
        ...pick(typed, ['minLength', 'maxLength', 'format']),
        ...readablePattern(typed),
      };
    case 'integer':
      return { type: 'integer', ...pick(typed, ['minimum', 'maximum', 'exclusiveMinimum']) };
    case 'yuan': {
      const bounds = {
        minimum: fenToYuanBound(typed?.minimum) ?? 0,
        exclusiveMinimum: fenToYuanBound(typed?.exclusiveMinimum),
        maximum: fenToYuanBound(typed?.maximum),
      };
      return {
        type: 'number',
        multipleOf: 0.01,
        ...Object.fromEntries(Object.entries(bounds).filter(([, v]) => v !== undefined)),
      };
    }
    case 'wanYuan':
      return { type: 'number', minimum: 0 };
    case 'code': {
      const entries = kind.enumeration?.entries ?? [];
      return { enum: [...entries.map((entry) => entry.code), ...entries.map((entry) => entry.label)] };
    }
    case 'date':
      return { type: 'string', examples: ['2026-12-01', '2026-12-01 09:30:00', '1796088600'] };
    case 'objects': {
      const itemProperties = (typed?.items as JsonSchema | undefined)?.properties as
        | Record<string, JsonSchema>
        | undefined;
      const items = Object.entries(kind.items ?? {});
      return {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            items.map(([name, item]) => [
              name,
              describeField(item, legacyFieldSchema(item.kind, itemProperties?.[item.to])),
            ]),
          ),
          required: items.map(([name]) => name),
        },
      };
    }
    case 'file':
      return { type: 'string', format: 'binary' };
    default:
      return { type: 'string' };
  }
}

function describeField(
  field: Pick<LegacyField, 'label' | 'en' | 'kind' | 'example'>,
  schema: JsonSchema,
  typedField?: string,
): JsonSchema {
  const codes = field.kind.enumeration
    ? ` Codes: ${field.kind.enumeration.entries
        .map((entry) => `\`${entry.code}\` ${entry.label} (${[entry.means].flat().join(', ')})`)
        .join('; ')}.`
    : '';
  const typed = typedField ? ` Typed field: \`${typedField}\`.` : '';
  return {
    ...schema,
    description: `**${field.label}** · ${field.en}${codes} ${field.kind.accepts}${typed}`.trim(),
    ...(field.example === undefined ? {} : { example: field.example }),
    'x-zh': field.label,
    'x-legacy-encoding': field.kind.name,
  };
}

/** The login fields of a URL, as documented; they feed no typed field (the door settles the login). */
function loginFields(route: LegacyRoute): Array<[string, Omit<LegacyField, 'to'>]> {
  if (route.auth === 'none') return [];
  const names = route.login ?? defaultLoginFields;
  const userId = {
    label: names.userIdLabel ?? '用户ID',
    kind: kinds.integer,
    en: 'The logged-in user id, as login answered it (clients send it as a string from localStorage).',
    example: '7',
  };
  const token = {
    label: '用户TOKEN',
    kind: kinds.text,
    en: 'The token login answered; it must be live and belong to the user id.',
    example: exampleToken,
  };
  return [
    [names.userId[0] ?? '', { ...userId, aliases: names.userId.slice(1) }],
    [names.token[0] ?? '', { ...token, aliases: names.token.slice(1) }],
  ];
}

function resolveFields(route: LegacyRoute, procedure: string | undefined): ResolvedField[] {
  const input = procedure ? procedureInput(procedure) : undefined;
  const inputSchema = input ? toJsonSchema(input, 'input') : undefined;
  const properties = (inputSchema?.properties ?? {}) as Record<string, JsonSchema>;
  const requiredTyped = new Set((inputSchema?.required ?? []) as string[]);
  const resolve = (
    name: string,
    field: Omit<LegacyField, 'to'>,
    typedField: string | undefined,
    required: boolean,
  ): ResolvedField[] => {
    const typed = typedField ? properties[typedField] : undefined;
    const schema = describeField(field, legacyFieldSchema(field.kind, typed), typedField);
    const main: ResolvedField = {
      name,
      zh: field.label,
      en: field.en,
      kind: field.kind,
      typedField,
      required,
      schema,
    };
    const aliases = (field.aliases ?? []).map(
      (alias): ResolvedField => ({
        ...main,
        name: alias,
        en: `Same as \`${name}\`.`,
        required: false,
        aliasOf: name,
        schema: { ...schema, description: `**${field.label}** · Same as \`${name}\`.` },
      }),
    );
    return [main, ...aliases];
  };
  return [
    ...loginFields(route).flatMap(([name, field]) =>
      resolve(name, field, undefined, route.auth === 'session'),
    ),
    ...Object.entries(route.fields).flatMap(([name, field]) =>
      // The upload forms' file part feeds no procedure, and is what they are for.
      resolve(name, field, field.to, 'upload' in route || requiredTyped.has(field.to)),
    ),
  ];
}

/**
 * The answer of a row to its example, made by the row's own `encode` from a sample of the typed
 * output: labels, dates and yuan come out exactly as the adapter writes them.
 */
function exampleData(route: LegacyRoute, procedure: string | undefined, timeZone: string) {
  const output = 'upload' in route ? uploadedFile : procedure ? procedureOutput(procedure) : undefined;
  const sample = output ? sampleOf(toJsonSchema(output, 'output'), exampleValue) : undefined;
  return route.encode(sample as never, { token: exampleToken, timeZone }) ?? '';
}

/** Sets the labels' enumerations on the data schema, at their paths (`data[].pay`). */
function withLabels(schema: JsonSchema, labels: Readonly<Record<string, readonly string[]>>): JsonSchema {
  const copy = structuredClone(schema);
  for (const [path, values] of Object.entries(labels)) {
    let node: JsonSchema | undefined = copy;
    for (const segment of path.split('.')) {
      const name = segment.replace(/\[\]$/, '');
      node = (node?.properties as Record<string, JsonSchema> | undefined)?.[name];
      if (segment.endsWith('[]')) node = node?.items as JsonSchema | undefined;
    }
    if (!node) continue;
    Object.assign(node, {
      type: 'string',
      enum: [...values],
      description: `Label: ${values.map((v) => (v === '' ? '`""`' : v)).join(' / ')}`,
    });
  }
  return copy;
}

export function resolveRoute(route: LegacyRoute, group: LegacyRouteGroup, timeZone: string): ResolvedRoute {
  const procedure = 'procedure' in route ? route.procedure : undefined;
  const fields = resolveFields(route, procedure);
  const login = Object.fromEntries(
    fields
      .filter((field) => !field.typedField && !field.aliasOf)
      .map((field) => [field.name, field.schema.example]),
  );
  const data = exampleData(route, procedure, timeZone);
  return {
    route,
    group,
    procedure,
    fields,
    exampleRequest:
      route.auth === 'session' ? { ...login, ...route.example.request } : { ...route.example.request },
    exampleResponse: success(data),
    dataSchema: withLabels(schemaOfValue(data), route.labels ?? {}),
  };
}

/** A failure this row really answers: no login for a session URL, else its first validation message. */
function exampleFailure(route: LegacyRoute, procedure: string | undefined) {
  if (route.auth === 'session') return failure(errorTable.UNAUTHENTICATED.zh);
  const parsed = procedure ? procedureInput(procedure)?.safeParse({}) : undefined;
  if (parsed && !parsed.success) return failure(legacyFailure(parsed.error, route.fields).err);
  return failure(errorTable.VALIDATION_FAILED.zh);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The name a legacy URL's shared pieces go by in `components`: `Legacy.user.goods.add`. */
const componentName = (path: string) => `Legacy${path.replaceAll('/', '.')}`;

/**
 * The GET and POST operations of one legacy URL, and the pieces both share (its fields as a body
 * schema, its answer), which go to `components` once.
 */
export function legacyOperations(resolved: ResolvedRoute) {
  const { route, procedure, fields } = resolved;
  const name = componentName(route.path);
  const isUpload = 'upload' in route;
  const bodySchema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field.name, field.schema])),
    required: fields.filter((field) => field.required).map((field) => field.name),
  };
  const calls = procedure
    ? `Calls the typed procedure [\`${procedure}\`](${operationLink(
        typedTag(procedure.split('.')[0] ?? ''),
        procedureOperationId(procedure),
      )}).`
    : 'Handled beside tRPC (multipart).';
  const login = {
    session: 'Needs login: the user id and token login answered.',
    optional: 'Login fields optional.',
    token: 'Needs the token alone; an id beside it is not checked.',
    none: 'No login.',
  }[route.auth];
  const response = {
    description:
      'HTTP 200 for every outcome a procedure decides. Success: `{"res": 1, "err": "", "data": ...}`; ' +
      'failure: `{"res": 0, "err": "<中文>", "data": ""}`.',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { allOf: [ref('LegacySuccess'), { type: 'object', properties: { data: resolved.dataSchema } }] },
            ref('LegacyFailure'),
          ],
        },
        examples: {
          success: { summary: 'Success', value: resolved.exampleResponse },
          failure: { summary: 'Failure', value: exampleFailure(route, procedure) },
        },
      },
    },
  };
  const common = {
    tags: [resolved.group.tag],
    summary: `${route.summary.zh} · ${route.summary.en}`,
    description: [route.description, `${login} ${calls}`].filter(Boolean).join('\n\n'),
    responses: {
      '200': { $ref: `#/components/responses/${name}` },
      '400': { $ref: '#/components/responses/LegacyMalformed' },
      '404': { $ref: '#/components/responses/LegacyNotFound' },
      '413': { $ref: '#/components/responses/LegacyTooLarge' },
      '500': { $ref: '#/components/responses/LegacyBug' },
      '503': { $ref: '#/components/responses/LegacyUnavailable' },
    },
    'x-legacy': {
      procedure: procedure ?? null,
      auth: route.auth,
      fields: fields.map((field) => ({
        name: field.name,
        zh: field.zh,
        en: field.en,
        type: field.kind.name,
        typedField: field.typedField ?? null,
        required: field.required,
      })),
      labels: route.labels ?? {},
    },
  };
  const bodyEncodings = isUpload
    ? ['multipart/form-data']
    : ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];
  const operations = {
    post: {
      ...common,
      operationId: legacyOperationId('post', route.path),
      requestBody: {
        required: true,
        content: Object.fromEntries(
          bodyEncodings.map((type) => [
            type,
            type === 'application/json'
              ? { schema: ref(name), example: resolved.exampleRequest }
              : { schema: ref(name) },
          ]),
        ),
      },
    },
    get: {
      ...common,
      operationId: legacyOperationId('get', route.path),
      description: `${common.description}\n\nThe same fields in the query string (bracket notation for nested ones).`,
      parameters: fields
        .filter((field) => field.kind.name !== 'file')
        .map((field) => {
          const { description, ...schema } = field.schema;
          return {
            name: field.name,
            in: 'query',
            required: field.required,
            ...(field.kind.name === 'objects' ? { style: 'deepObject', explode: true } : {}),
            description,
            schema,
          };
        }),
    },
  };
  return { operations, schemas: { [name]: bodySchema }, responses: { [name]: response } };
}
