import { TRPCError } from '@trpc/server';
import { errorTable } from '../errors.js';
import { loginFieldDocs } from '../legacy/docs/common.js';
import type { LegacyDocGroup } from '../legacy/docs/index.js';
import type { LegacyEncoding, LegacyFieldDoc, LegacyRouteDoc } from '../legacy/docs/types.js';
import { failure, success } from '../legacy/envelope.js';
import { legacyFailure } from '../legacy/failures.js';
import type { AnyLegacyRoute } from '../legacy/route.js';
import { exampleToken, exampleValue } from './examples.js';
import { type JsonSchema, sampleOf, schemaOfValue, toJsonSchema } from './json-schema.js';
import { legacyOperationId, operationLink, procedureOperationId, typedTag } from './names.js';
import { probeRoute, type RouteProbe } from './route-probe.js';
import { procedureInput, procedureOutput } from './typed-api.js';

/** A legacy field as documented: its doc, the typed field it feeds and that field's schema. */
export interface ResolvedField {
  readonly name: string;
  readonly doc: LegacyFieldDoc | undefined;
  readonly zh: string;
  readonly typedField: string | undefined;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** Everything the docs say about one legacy URL, before it becomes OpenAPI. */
export interface ResolvedRoute {
  readonly path: string;
  readonly group: LegacyDocGroup | undefined;
  readonly doc: LegacyRouteDoc | undefined;
  readonly probe: RouteProbe;
  readonly fields: readonly ResolvedField[];
  readonly exampleRequest: Record<string, unknown>;
  readonly exampleResponse: unknown;
  readonly dataSchema: JsonSchema;
}

const encodingNotes: Record<LegacyEncoding, string> = {
  text: 'Text; a number is taken as its digits.',
  integer: 'An integer, as a number or its decimal text (`12` or `"12"`).',
  yuan: 'Yuan with at most two decimals, as a number or text (`100`, `"100.5"`); never negative.',
  wanYuan: '万元 (ten thousand yuan) with at most two decimals, as a number or text.',
  code: 'A numeric code, as a number or text, or its label.',
  flag: '`0` or `1`, as a number or text, or its label; absent, empty or blank means no filter.',
  date: 'Unix seconds, `YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss` (display time zone) or ISO 8601.',
  dates: 'Dates (from, to) comma-joined or as an array, each in any format of a date field.',
  idList: 'Ids comma-joined (`"2,5,7"`), one id, or an array.',
  fileRef: 'An upload of this service: the `url` or the `id` the upload route answered.',
  fileRefs: 'Uploads of this service by `url` or `id`, comma-joined or as an array; empty clears.',
  cascader: 'Text, or an array (antd cascader) joined with `,`.',
  objects: 'An array of objects: JSON, or bracket form fields (`name[0][field]=...`).',
  file: 'A file part of a `multipart/form-data` body.',
};

const pick = (schema: JsonSchema | undefined, keys: readonly string[]): JsonSchema =>
  Object.fromEntries(keys.filter((key) => schema?.[key] !== undefined).map((key) => [key, schema?.[key]]));

/** The "no control characters" rule of every text field is stated once, not as a regex per field. */
const readablePattern = (schema: JsonSchema | undefined) =>
  typeof schema?.pattern === 'string' && !schema.pattern.includes('\\u0000')
    ? { pattern: schema.pattern }
    : {};

const fenToYuanBound = (value: unknown) => (typeof value === 'number' ? value / 100 : undefined);

/** The JSON Schema of a legacy field: its legacy encoding, with the typed field's limits. */
function legacyFieldSchema(doc: LegacyFieldDoc, typed: JsonSchema | undefined): JsonSchema {
  switch (doc.type) {
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
    case 'code':
      return { type: 'integer', enum: Object.keys(doc.codes ?? {}).map(Number) };
    case 'flag':
      return { type: 'integer', enum: [0, 1] };
    case 'date':
      return { type: 'string', examples: ['2026-12-01', '2026-12-01 09:30:00', '1796088600'] };
    case 'objects': {
      const items = Object.entries(doc.items ?? {});
      return {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            items.map(([name, item]) => [
              name,
              describeField(item, legacyFieldSchema(item, undefined), item.zh ?? ''),
            ]),
          ),
          required: items.filter(([, item]) => item.required).map(([name]) => name),
        },
      };
    }
    case 'file':
      return { type: 'string', format: 'binary' };
    default:
      return { type: 'string' };
  }
}

function describeField(doc: LegacyFieldDoc, schema: JsonSchema, zh: string, typedField?: string): JsonSchema {
  const codes = doc.codes
    ? ` Codes: ${Object.entries(doc.codes)
        .map(([code, value]) => `\`${code}\` ${value}`)
        .join(', ')}.`
    : '';
  const typed = typedField ? ` Typed field: \`${typedField}\`.` : '';
  return {
    ...schema,
    description: `**${zh}** · ${doc.en}${codes} ${encodingNotes[doc.type]}${typed}`.trim(),
    ...(doc.example === undefined ? {} : { example: doc.example }),
    'x-zh': zh,
    'x-legacy-encoding': doc.type,
  };
}

/** Joins a row, its probe and its docs into the fields a client sends. */
function resolveFields(route: AnyLegacyRoute, doc: LegacyRouteDoc | undefined, probe: RouteProbe) {
  const input = probe.procedure ? procedureInput(probe.procedure) : undefined;
  const inputSchema = input ? toJsonSchema(input, 'input') : undefined;
  const properties = (inputSchema?.properties ?? {}) as Record<string, JsonSchema>;
  const requiredTyped = new Set((inputSchema?.required ?? []) as string[]);
  const isUserRoute = route.path.startsWith('/user/');
  const documented = { ...doc?.fields };
  for (const name of probe.fields) {
    const login = loginFieldDocs[name];
    if (login && !documented[name]) documented[name] = { ...login, required: isUserRoute };
  }
  const names = [...Object.keys(documented), ...probe.fields.filter((name) => !documented[name])];
  return names.map((name): ResolvedField => {
    const field = documented[name];
    const typedField =
      probe.typedField[name] ?? (field?.aliasOf ? probe.typedField[field.aliasOf] : undefined);
    const zh = field?.zh ?? (typedField ? route.labels[typedField] : undefined) ?? '';
    const required = field?.aliasOf
      ? false
      : (field?.required ?? (typedField !== undefined && requiredTyped.has(typedField)));
    const typed = typedField ? properties[typedField] : undefined;
    const schema = field
      ? describeField(field, legacyFieldSchema(field, typed), zh, typedField)
      : { description: 'Undocumented field.', 'x-undocumented': true };
    return { name, doc: field, zh, typedField, required, schema };
  });
}

/**
 * The answer of a row to its example, made by the row's own `encode` from a sample of the typed
 * output: labels, dates and yuan come out exactly as the adapter writes them.
 */
function exampleData(
  route: AnyLegacyRoute,
  doc: LegacyRouteDoc | undefined,
  probe: RouteProbe,
  timeZone: string,
) {
  const output = doc?.output ?? (probe.procedure ? procedureOutput(probe.procedure) : undefined);
  const sample = output ? sampleOf(toJsonSchema(output, 'output'), exampleValue) : undefined;
  return route.encode(sample, { credentials: { token: exampleToken }, timeZone }) ?? '';
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

export function resolveRoute(route: AnyLegacyRoute, groups: readonly LegacyDocGroup[], timeZone: string) {
  const group = groups.find((g) => route.path in g.routes);
  const doc = group?.routes[route.path];
  const probe = probeRoute(route);
  const fields = resolveFields(route, doc, probe);
  const login = route.path.startsWith('/user/')
    ? {
        user_id_check: loginFieldDocs.user_id_check?.example,
        token_check: loginFieldDocs.token_check?.example,
      }
    : {};
  const data = exampleData(route, doc, probe, timeZone);
  return {
    path: route.path,
    group,
    doc,
    probe,
    fields,
    exampleRequest: { ...login, ...doc?.example.request },
    exampleResponse: success(data),
    dataSchema: withLabels(schemaOfValue(data), doc?.labels ?? {}),
  } satisfies ResolvedRoute;
}

/** A failure this row really answers: no login for `/user/...`, else its first validation message. */
function exampleFailure(route: AnyLegacyRoute, probe: RouteProbe) {
  if (route.path.startsWith('/user/')) return failure(errorTable.UNAUTHENTICATED.zh);
  const input = probe.procedure ? procedureInput(probe.procedure) : undefined;
  const parsed = input?.safeParse({});
  if (parsed && !parsed.success) {
    return failure(
      legacyFailure(new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error }), route.labels, {}).err,
    );
  }
  return failure(errorTable.VALIDATION_FAILED.zh);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The name a legacy URL's shared pieces go by in `components`: `Legacy.user.goods.add`. */
export const componentName = (path: string) => `Legacy${path.replaceAll('/', '.')}`;

/**
 * The GET and POST operations of one legacy URL, and the pieces both share (its fields as a body
 * schema, its answer), which go to `components` once.
 */
export function legacyOperations(route: AnyLegacyRoute, resolved: ResolvedRoute) {
  const { doc, probe, fields } = resolved;
  const name = componentName(route.path);
  const isUpload = fields.some((field) => field.doc?.type === 'file');
  const bodySchema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field.name, field.schema])),
    required: fields.filter((field) => field.required).map((field) => field.name),
  };
  const calls = probe.procedure
    ? `Calls the typed procedure [\`${probe.procedure}\`](${operationLink(
        typedTag(probe.procedure.split('.')[0] ?? ''),
        procedureOperationId(probe.procedure),
      )}).`
    : 'Handled beside tRPC (multipart).';
  const login = route.path.startsWith('/user/')
    ? 'Needs login: `user_id_check` and `token_check`.'
    : probe.fields.includes('token_check')
      ? 'Login fields optional.'
      : 'No login.';
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
          failure: { summary: 'Failure', value: exampleFailure(route, probe) },
        },
      },
    },
  };
  const common = {
    tags: [resolved.group?.tag ?? 'Legacy · undocumented'],
    summary: doc ? `${doc.summary.zh} · ${doc.summary.en}` : route.path,
    description: [doc?.description, `${login} ${calls}`].filter(Boolean).join('\n\n'),
    responses: {
      '200': { $ref: `#/components/responses/${name}` },
      '404': { $ref: '#/components/responses/LegacyNotFound' },
      '413': { $ref: '#/components/responses/LegacyTooLarge' },
      '500': { $ref: '#/components/responses/LegacyBug' },
      '503': { $ref: '#/components/responses/LegacyUnavailable' },
    },
    'x-legacy': {
      procedure: probe.procedure ?? null,
      fields: fields.map((field) => ({
        name: field.name,
        zh: field.zh,
        en: field.doc?.en ?? '',
        type: field.doc?.type ?? null,
        typedField: field.typedField ?? null,
        required: field.required,
      })),
      labels: doc?.labels ?? {},
      ...(doc ? {} : { undocumented: true }),
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
        .filter((field) => field.doc?.type !== 'file')
        .map((field) => {
          const { description, ...schema } = field.schema;
          return {
            name: field.name,
            in: 'query',
            required: field.required,
            ...(field.doc?.type === 'objects' ? { style: 'deepObject', explode: true } : {}),
            description,
            schema,
          };
        }),
    },
  };
  return { operations, schemas: { [name]: bodySchema }, responses: { [name]: response } };
}
