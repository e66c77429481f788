import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import {
  AppError,
  type AppErrorCode,
  errorTable,
  limitRefusals,
  httpStatusOf as statusOfError,
} from '../errors.js';
import { typedUploadErrors } from '../features/uploads/uploads.schemas.js';
import { individualBusinessLabels, verificationLabels } from '../legacy/codecs/account.js';
import { applicationLabels, demandLabels } from '../legacy/codecs/demand.js';
import { billingLabels } from '../legacy/codecs/money.js';
import { userLabels } from '../legacy/codecs/user.js';
import { type LegacyRouteGroup, legacyRouteGroups } from '../legacy/routes/index.js';
import { exampleValue } from './examples.js';
import { type JsonSchema, sampleOf } from './json-schema.js';
import { legacyOperations, type ResolvedRoute, resolveRoute } from './legacy-api.js';
import { procedureOperationId, typedTag } from './names.js';
import { describeProcedures, type ProcedureDoc } from './typed-api.js';

export type OpenApiDocument = {
  readonly openapi: '3.1.0';
  readonly info: JsonSchema;
  readonly tags: readonly JsonSchema[];
  readonly paths: Record<string, Record<string, JsonSchema>>;
  readonly components: JsonSchema;
  readonly [extension: `x-${string}`]: unknown;
};

const httpStatusOf = (code: AppErrorCode) => statusOfError(new AppError(code));

function errorTableMarkdown(): string {
  const rows = Object.entries(errorTable).map(
    ([code, e]) => `| \`${code}\` | ${e.trpc} | ${httpStatusOf(code as AppErrorCode)} | ${e.en} | ${e.zh} |`,
  );
  return [
    '| appCode | tRPC code | HTTP (/trpc) | English | 中文 (legacy `err`) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function labelsMarkdown(): string {
  const entities: Array<[string, Readonly<Record<string, readonly string[]>>]> = [
    ['user', userLabels],
    ['person / company', verificationLabels],
    ['geti', individualBusinessLabels],
    ['goods (demand)', demandLabels],
    ['goods_order (application)', applicationLabels],
    ['recharge / invoice', billingLabels],
  ];
  const rows = entities.flatMap(([entity, set]) =>
    Object.entries(set).map(
      ([field, labels]) =>
        `| ${entity} | \`${field}\` | ${labels.map((l) => (l ? l : '`""`')).join(' / ')} |`,
    ),
  );
  return ['| entity | field | labels |', '|---|---|---|', ...rows].join('\n');
}

const description = () => `
The backend of the freelance marketplace, through two doors onto the same procedures. Everything
here is generated from the code: the legacy route table and its codecs, the tRPC router and its zod
schemas, the error table.

## Legacy URLs (tags \`Legacy · ...\`)

The URLs deployed apps call (\`/index/...\` public, \`/user/...\` logged in).

- **Methods**: every URL answers **POST** and **GET**; fields come from the query string and the
  body, merged (body wins).
- **Encodings**: \`application/json\` (values as numbers or strings, arrays as JSON arrays),
  \`application/x-www-form-urlencoded\` (bracket notation \`a[0][b]=\`, repeated keys) and
  \`multipart/form-data\`, with or without \`; charset=UTF-8\`. Text is UTF-8: a JSON or form body, a
  form's or query string's percent escapes, or a multipart text part, that is not (GBK) is refused,
  HTTP 400 \`请求格式错误\` (a multipart text part holding U+FFFD, what such bytes read as, likewise).
- **Paths**: any letter case, a trailing slash or a \`.html\` suffix. Unknown paths: HTTP 404.
- **Envelope**: \`{"res": 1, "err": "", "data": ...}\` or \`{"res": 0, "err": "<中文>", "data": ""}\`,
  HTTP 200 for every outcome a procedure decides; only 400 (a body or query string that cannot be
  read), 404 (unknown path), 413 (body too large), 503 (a store is down) and 500 (a bug) change the
  status, still with the envelope.
- **Login**: \`/user/...\` routes take \`user_id_check\` and \`token_check\` from the login answer;
  failure is \`没有登录或状态过期\`.
- **Values**: text fields refuse control characters (line breaks are allowed in long texts); an
  enumerated input takes its code or its label (\`titletype\` \`2\` or \`全职\`, \`hesuan\` \`独立核算\`);
  an optional filter that is empty or only whitespace means no filter; dates come back as \`YYYY-MM-DD HH:mm:ss\` in the display time zone; money as yuan numbers;
  multi-file fields as comma-joined URLs; lists as the ThinkPHP paginator
  \`{total, per_page, current_page, last_page, data}\`.

- **Money flow**: \`/user/goods/ok\` allocates the demand's escrow among the selected applications
  (split evenly in fen, the remainder fen to the earliest ids; again when the selection grows);
  an application's \`price\` is that share until paid, then what was paid. \`/user/goods/pay\` with
  \`price\` 0, empty or absent pays the share, with an amount that amount.

### Enumerated outputs

Clients compare these labels; they come back exactly so.

${labelsMarkdown()}

## Typed API (tags \`Typed API · ...\`)

One tRPC v11 procedure per operation under \`/trpc/<path>\`, for TypeScript frontends through
\`client-sdk\`: \`createClient({ url, token: () => token })\`, then \`api.demands.create.mutate(input)\` or
\`api.demands.list.query(input)\`. Over raw HTTP the bodies are superjson: a query is
\`GET /trpc/<path>?input=<URL-encoded {"json": input}>\`, a mutation \`POST /trpc/<path>\` with body
\`{"json": input}\`; answers are \`{"result": {"data": {"json": output, "meta": ...}}}\` where \`meta\`
marks the values that are \`Date\`s (sent as ISO strings). Money is integer **fen**; enums are
English strings. Log in with \`auth.loginWithSmsCode\` or \`auth.loginWithPassword\` and send
\`Authorization: Bearer <token>\`.

Each procedure says whether it needs login (\`authed\`) or an administrator (\`admin\`), and every
code it can fail with: those of its tier and its own, which it declares (a test holds the
declarations to what the procedures throw). Failures carry \`error.json.data.appCode\` from this
table (the SDK's \`isAppError(e, 'BALANCE_TOO_LOW')\`).

${errorTableMarkdown()}
`;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function components(): JsonSchema {
  const envelopeFailure = (code: AppErrorCode, what: string) => ({
    description: `${what}: \`{"res": 0, "err": "${errorTable[code].zh}", "data": ""}\``,
    content: {
      'application/json': {
        schema: ref('LegacyFailure'),
        example: { res: 0, err: errorTable[code].zh, data: '' },
      },
    },
  });
  return {
    schemas: {
      LegacyEnvelope: {
        type: 'object',
        description: 'The body of every legacy answer (CONTRACT.md §2).',
        properties: {
          res: {
            type: 'integer',
            enum: [0, 1],
            description: '1 success, 0 failure; clients test `res === 1`.',
          },
          err: { type: 'string', description: 'Empty on success; a Chinese message to show on failure.' },
          data: { description: 'The payload; `""` on failure and for routes that answer nothing.' },
        },
        required: ['res', 'err', 'data'],
      },
      LegacySuccess: {
        allOf: [
          ref('LegacyEnvelope'),
          { type: 'object', properties: { res: { const: 1 }, err: { const: '' } } },
        ],
      },
      LegacyFailure: {
        allOf: [
          ref('LegacyEnvelope'),
          {
            type: 'object',
            properties: { res: { const: 0 }, err: { type: 'string', minLength: 1 }, data: { const: '' } },
          },
        ],
      },
      AppFailure: {
        type: 'object',
        description: 'A failure of the typed API: the code to branch on is `data.appCode`.',
        properties: {
          message: { type: 'string', description: 'English message.' },
          code: { type: 'integer', description: 'JSON-RPC code.' },
          data: {
            type: 'object',
            properties: {
              code: { type: 'string', description: 'tRPC code, e.g. `CONFLICT`.' },
              httpStatus: { type: 'integer' },
              path: { type: 'string', description: 'The procedure (/trpc only).' },
              appCode: { type: 'string', enum: Object.keys(errorTable) },
              messageZh: {
                type: 'string',
                description: 'The same failure in Chinese (the error table’s 中文).',
              },
              issues: {
                description: 'Which input fields were invalid, for VALIDATION_FAILED; otherwise null.',
                anyOf: [
                  {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        path: { type: 'array', items: { type: 'string' } },
                        message: { type: 'string' },
                      },
                    },
                  },
                  { type: 'null' },
                ],
              },
              retryAfterSeconds: {
                description: `For a limit’s refusal (${limitRefusals.join(', ')}): in how many seconds one more try is allowed, also sent as the \`Retry-After\` header; otherwise null.`,
                anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }],
              },
            },
          },
        },
      },
      TrpcError: {
        type: 'object',
        description:
          'A failed procedure call (superjson): the code to branch on is `error.json.data.appCode`.',
        properties: {
          error: { type: 'object', properties: { json: ref('AppFailure') } },
        },
      },
      // The upload route answers plain JSON, not superjson: no `json` level.
      UploadError: {
        type: 'object',
        description: 'A refused upload: the code to branch on is `error.data.appCode`.',
        properties: { error: ref('AppFailure') },
      },
    },
    responses: {
      LegacyMalformed: envelopeFailure('MALFORMED_REQUEST', 'A body that cannot be read'),
      LegacyNotFound: envelopeFailure('ROUTE_NOT_FOUND', 'Unknown path'),
      LegacyTooLarge: envelopeFailure(
        'BODY_TOO_LARGE',
        "Body too large (an upload form declaring more than 52 MB, refused before its end, carries its refusal's own `err`)",
      ),
      LegacyBug: envelopeFailure('INTERNAL', 'A bug (details only in the log)'),
      LegacyUnavailable: envelopeFailure('STORE_UNAVAILABLE', 'MySQL or Redis is down; retry later'),
    },
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The token `auth.loginWith...` answered.' },
    },
  };
}

const tierWords = {
  public: 'Public: no login.',
  authed: 'Needs login (`Authorization: Bearer <token>`).',
  admin: 'Administrators only (`Authorization: Bearer <token>` of an admin).',
} as const;

/** A failure as the typed API answers it (the error formatter's shape); `path` on /trpc only. */
function failureExample(code: AppErrorCode, path: string | undefined) {
  const { trpc, en, zh } = errorTable[code];
  return {
    message: en,
    code: TRPC_ERROR_CODES_BY_KEY[trpc],
    data: {
      code: trpc,
      httpStatus: httpStatusOf(code),
      ...(path === undefined ? {} : { path }),
      appCode: code,
      messageZh: zh,
      issues: code === 'VALIDATION_FAILED' ? [{ path: ['<field>'], message: '<why>' }] : null,
      retryAfterSeconds: (limitRefusals as readonly AppErrorCode[]).includes(code) ? 60 : null,
    },
  };
}

/** Where a failure is answered: /trpc (superjson, no meta) for a procedure, or the upload route (plain JSON). */
type FailureDoor = { readonly procedure: string } | 'upload';

/**
 * The failure answers of an operation, one per HTTP status, each naming its codes: what a client
 * branches on, and the same shape whether /trpc or /api/uploads answered.
 */
function errorResponses(codes: readonly AppErrorCode[], door: FailureDoor): Record<string, JsonSchema> {
  const byStatus = new Map<number, AppErrorCode[]>();
  for (const code of codes) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, sameStatus]) => [
      String(status),
      {
        description: sameStatus.map((code) => `\`${code}\`: ${errorTable[code].en}`).join('; '),
        content: {
          'application/json': {
            schema: ref(door === 'upload' ? 'UploadError' : 'TrpcError'),
            example:
              door === 'upload'
                ? { error: failureExample(sameStatus[0] ?? 'INTERNAL', undefined) }
                : { error: { json: failureExample(sameStatus[0] ?? 'INTERNAL', door.procedure) } },
          },
        },
      },
    ]),
  );
}

/** One procedure as an HTTP operation of the tRPC adapter. */
function procedureOperation(procedure: ProcedureDoc): Record<string, JsonSchema> {
  const [namespace] = procedure.path.split('.');
  const call = `${procedure.type === 'query' ? 'query' : 'mutate'}(${procedure.input ? 'input' : ''})`;
  const wrapped = (schema: JsonSchema) => ({
    type: 'object',
    properties: { json: schema, meta: { type: 'object', description: 'superjson: which values are Dates' } },
    required: ['json'],
  });
  // Examples as the wire carries them: superjson's `{json, meta}`, dates marked in `meta`.
  const exampleOf = (schema: JsonSchema) => superjson.serialize(sampleOf(schema, exampleValue));
  const operation = {
    tags: [typedTag(namespace ?? '')],
    operationId: procedureOperationId(procedure.path),
    summary: `${procedure.path} (${procedure.type}, ${procedure.tier})`,
    description: [
      tierWords[procedure.tier],
      `SDK: \`await api.${procedure.path}.${call}\``,
      `Fails with ${procedure.errors.map((code) => `\`${code}\``).join(', ')} (see the error table).`,
    ].join('\n\n'),
    ...(procedure.tier === 'public' ? {} : { security: [{ bearer: [] }] }),
    responses: {
      '200': {
        description: 'The output, under `result.data.json`.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { result: { type: 'object', properties: { data: wrapped(procedure.output) } } },
            },
            example: { result: { data: exampleOf(procedure.output) } },
          },
        },
      },
      ...errorResponses(procedure.errors, { procedure: procedure.path }),
    },
    'x-trpc': { path: procedure.path, type: procedure.type, tier: procedure.tier, errors: procedure.errors },
  };
  if (procedure.type === 'query') {
    return {
      get: {
        ...operation,
        parameters: procedure.input
          ? [
              {
                name: 'input',
                in: 'query',
                required: !procedure.inputOptional,
                description: 'URL-encoded JSON `{"json": <input>}`.',
                content: {
                  'application/json': {
                    schema: wrapped(procedure.input),
                    example: exampleOf(procedure.input),
                  },
                },
              },
            ]
          : [],
      },
    };
  }
  return {
    post: {
      ...operation,
      ...(procedure.input
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: wrapped(procedure.input), example: exampleOf(procedure.input) },
              },
            },
          }
        : {}),
    },
  };
}

/** The doors beside tRPC that the SDK and frontends use. */
function sidePaths(): Record<string, Record<string, JsonSchema>> {
  return {
    '/api/uploads': {
      post: {
        tags: [typedTag('uploads')],
        operationId: 'uploads_post',
        summary: 'Upload a file (SDK `uploadFile`)',
        description:
          'Multipart part `file`, `Authorization: Bearer <token>`. Images up to 5 MB; zip, rar, 7z, pdf, docx, xlsx and pptx up ' +
          'to 50 MB; the type is decided by the bytes. The answer’s `url` or `id` is what file fields take. ' +
          'Failures as /trpc answers them, so the SDK handles both alike: `{"error": {"message": "<English>", ' +
          '"code": <JSON-RPC code>, "data": {"code": "<tRPC code>", "httpStatus": <status>, "appCode": "<appCode>", ' +
          '"messageZh": "<中文>", "issues": null, "retryAfterSeconds": null}}}` with the HTTP status of the code; ' +
          'the codes are listed below by status (and in `x-errors`). `UPLOAD_TOO_MANY_AT_ONCE` (429): the ' +
          'client has UPLOADS_PER_CLIENT uploads in flight already; retry once one has finished. ' +
          '`UPLOAD_TOO_FREQUENT` (429): the user has uploaded LIMIT_UPLOAD_PER_USER_HOUR files this hour. ' +
          '`UPLOAD_DAILY_QUOTA_USED` (429): the user has stored LIMIT_UPLOAD_MB_PER_USER_DAY megabytes today (from midnight in TZ_DISPLAY).',
        'x-errors': typedUploadErrors,
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { file: { type: 'string', format: 'binary' } },
                required: ['file'],
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The stored file.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    url: { type: 'string' },
                    mime: { type: 'string' },
                    size: { type: 'integer' },
                    originalName: { type: 'string' },
                    createdAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
          ...errorResponses(typedUploadErrors, 'upload'),
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['Operations'],
        operationId: 'ops_healthz',
        summary: 'The process is alive',
        responses: { '200': { description: '`{"status": "ok"}`' } },
      },
    },
    '/readyz': {
      get: {
        tags: ['Operations'],
        operationId: 'ops_readyz',
        summary: 'The database and the key-value store answer',
        responses: { '200': { description: 'Ready' }, '503': { description: 'A store is down' } },
      },
    },
  };
}

export interface GeneratedDocs {
  readonly document: OpenApiDocument;
  /** What the document was made from, for tests that hold it to the code. */
  readonly legacy: readonly ResolvedRoute[];
  readonly procedures: readonly ProcedureDoc[];
}

export function generateDocs(options: {
  timeZone: string;
  groups?: readonly LegacyRouteGroup[];
}): GeneratedDocs {
  const groups = options.groups ?? legacyRouteGroups;
  const legacy = groups.flatMap((group) =>
    group.routes.map((route) => resolveRoute(route, group, options.timeZone)),
  );
  const procedures = describeProcedures();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const shared = components() as { schemas: JsonSchema; responses: JsonSchema };
  for (const resolved of legacy) {
    const { operations, schemas, responses } = legacyOperations(resolved);
    paths[resolved.route.path] = operations;
    Object.assign(shared.schemas, schemas);
    Object.assign(shared.responses, responses);
  }
  for (const procedure of procedures) paths[`/trpc/${procedure.path}`] = procedureOperation(procedure);
  Object.assign(paths, sidePaths());
  const namespaces = [...new Set(procedures.map((p) => p.path.split('.')[0]))];
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: 'Marketplace service', version: '1', description: description() },
    tags: [
      ...groups.map((group) => ({ name: group.tag, description: group.description })),
      ...namespaces.map((name) => ({
        name: typedTag(name ?? ''),
        description: `Procedures \`${name}.*\`.`,
      })),
      { name: typedTag('uploads'), description: 'Uploads for the SDK.' },
      { name: 'Operations', description: 'Health and readiness.' },
    ],
    paths,
    components: shared,
    'x-app-errors': Object.fromEntries(
      Object.entries(errorTable).map(([code, e]) => [
        code,
        { ...e, httpStatus: httpStatusOf(code as AppErrorCode) },
      ]),
    ),
  };
  return { document, legacy, procedures };
}

const cache = new Map<string, OpenApiDocument>();
const textCache = new Map<string, string>();

/** The document for a display time zone, made once per process. */
export function openApiDocument(timeZone: string): OpenApiDocument {
  let document = cache.get(timeZone);
  if (!document) {
    document = generateDocs({ timeZone }).document;
    cache.set(timeZone, document);
  }
  return document;
}

/**
 * The document as the JSON text it is served as, also made once per process: it is large, and
 * serialized again for each request it cost milliseconds of CPU per anonymous GET.
 */
export function openApiText(timeZone: string): string {
  let text = textCache.get(timeZone);
  if (text === undefined) {
    text = JSON.stringify(openApiDocument(timeZone));
    textCache.set(timeZone, text);
  }
  return text;
}
