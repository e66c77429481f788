import superjson, { type SuperJSONResult } from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AppError, errorTable, httpStatusOf as statusOf } from '../../server/src/errors.js';
import { typedUploadErrors } from '../../server/src/features/uploads/uploads.schemas.js';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';
import { appRouter } from '../../server/src/trpc/router.js';
import { adminSession } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;

/** The `application/json` content of a documented response. */
const jsonOf = (response: Json | undefined) =>
  ((response?.content ?? {}) as Record<string, Json>)['application/json'] ?? {};

const procedureDefs = () =>
  (
    appRouter._def as unknown as {
      procedures: Record<string, { _def: { type: string; inputs: z.ZodType[]; output?: z.ZodType } }>;
    }
  ).procedures;

/** The served document: OpenAPI 3.1 that a tool can load, and what it promises about both doors. */
describe('GET /docs/openapi.json', () => {
  let t: TestApp;
  let doc: Json & { paths: Record<string, Record<string, Json>>; components: Json };
  beforeAll(async () => {
    t = await startTestApp(embedded);
    const response = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    doc = response.json();
  });
  afterAll(() => t.close());

  it('is OpenAPI 3.1 with every $ref resolving and unique operation ids', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.info as Json).title).toBeTruthy();
    const refs: string[] = [];
    const ids: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string') refs.push(inner);
          else if (key === 'operationId' && typeof inner === 'string') ids.push(inner);
          else walk(inner);
        }
      }
    };
    walk(doc);
    const resolve = (ref: string) =>
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
    expect(refs.filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined)).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has GET and POST for every legacy path, answering the envelope, with examples', () => {
    for (const route of legacyRoutes) {
      const operations = doc.paths[route.path];
      expect(operations, route.path).toBeDefined();
      expect(Object.keys(operations ?? {}).sort(), route.path).toEqual(['get', 'post']);
      for (const operation of Object.values(operations ?? {})) {
        const ok = (operation.responses as Json)['200'] as Json;
        const name = String(ok.$ref).split('/').pop() as string;
        const response = (doc.components.responses as Json)[name] as Json;
        const content = (response.content as Json)['application/json'] as Json;
        expect(JSON.stringify(content.schema), route.path).toContain('#/components/schemas/LegacyFailure');
        const examples = content.examples as Record<string, { value: Json }>;
        expect(examples.success?.value.res).toBe(1);
        expect(examples.failure?.value.res).toBe(0);
        expect(operation.summary, route.path).toMatch(/ · /);
      }
      const post = operations?.post as Json;
      const body = (post.requestBody as Json).content as Record<string, Json>;
      expect(Object.keys(body)).toContain('multipart/form-data');
      if (!('upload' in route)) {
        expect(Object.keys(body)).toEqual([
          'application/json',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
        ]);
        expect(body['application/json']?.example).toBeTypeOf('object');
      }
    }
    const envelope = (doc.components.schemas as Json).LegacyEnvelope as Json;
    expect(Object.keys(envelope.properties as Json)).toEqual(['res', 'err', 'data']);
    expect(JSON.stringify((doc.components.schemas as Json).LegacyFailure)).toContain('LegacyEnvelope');
  });

  it('names the Chinese and English description, type and typed field of legacy fields', () => {
    const fields = (((doc.components.schemas as Json)['Legacy.user.goods.add'] as Json).properties ??
      {}) as Record<string, Json>;
    expect(fields.price).toMatchObject({ type: 'number', 'x-zh': '项目金额', 'x-legacy-encoding': 'yuan' });
    expect(fields.price?.description).toMatch(/Typed field: `priceFen`/);
    // A code or the label the user reads (CONTRACT.md §4).
    expect(fields.titletype).toMatchObject({ enum: [1, 2, 3, '兼职', '全职', '其它'] });
    expect(fields.title).toMatchObject({ type: 'string', maxLength: 100, 'x-zh': '任务名称' });
    expect(fields.user_id_check).toMatchObject({ 'x-zh': '用户ID' });
    const required = ((doc.components.schemas as Json)['Legacy.user.goods.add'] as Json).required;
    expect(required).toEqual(expect.arrayContaining(['title', 'price', 'user_id_check', 'token_check']));
    expect(required).not.toContain('sort');
  });

  it('lists the labels of enumerated outputs', () => {
    const response = (doc.components.responses as Json)['Legacy.user.goods.index'] as Json;
    const text = JSON.stringify(response);
    for (const label of ['兼职', '全职', '月结', '已审核', '已经支付', '已结算', '锁定', '已完结']) {
      expect(text).toContain(label);
    }
  });

  it('describes every procedure of the router with its tier, method and error codes', () => {
    const procedures = (
      appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> }
    ).procedures;
    for (const [name, procedure] of Object.entries(procedures)) {
      const operations = doc.paths[`/trpc/${name}`];
      expect(operations, name).toBeDefined();
      const method = procedure._def.type === 'query' ? 'get' : 'post';
      const operation = operations?.[method] as Json;
      expect(operation, `${name} ${method}`).toBeDefined();
      const trpc = operation['x-trpc'] as { tier: string; errors: string[] };
      expect(trpc.errors).toContain('STORE_UNAVAILABLE');
      for (const code of trpc.errors) expect(Object.keys(errorTable)).toContain(code);
      if (trpc.tier === 'public') {
        expect(trpc.errors).not.toContain('UNAUTHENTICATED');
        expect(operation.security).toBeUndefined();
      } else {
        expect(trpc.errors).toContain('UNAUTHENTICATED');
        expect(operation.security).toEqual([{ bearer: [] }]);
      }
      expect(trpc.errors.includes('ADMIN_ONLY')).toBe(trpc.tier === 'admin');
    }
    const tierOf = (path: string, method: string) =>
      (doc.paths[path]?.[method]?.['x-trpc'] as Json | undefined)?.tier;
    expect(tierOf('/trpc/demands.review', 'post')).toBe('admin');
    expect(tierOf('/trpc/demands.create', 'post')).toBe('authed');
    expect(tierOf('/trpc/demands.list', 'get')).toBe('public');
  });

  it('gives procedures their zod input and output as JSON Schema, dates as date-time', () => {
    const create = doc.paths['/trpc/demands.create']?.post as Json;
    const input = (((create.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
    const fields = ((input.properties as Json).json as Json).properties as Record<string, Json>;
    expect(fields.priceFen).toMatchObject({ type: 'integer' });
    expect(fields.kind).toMatchObject({ enum: ['partTime', 'fullTime', 'other'] });
    expect(fields.workStart).toMatchObject({ type: 'string', format: 'date-time' });
    // A verification's submission says it merges, and what its record cannot do without.
    const person = doc.paths['/trpc/account.submitPersonVerification']?.post as Json;
    const submission = (((person.requestBody as Json).content as Json)['application/json'] as Json)
      .schema as Json;
    expect(((submission.properties as Json).json as Json).description).toMatch(
      /absent field keeps its stored value.*`name` and `idNumber` must be filled/,
    );
    const mine = doc.paths['/trpc/demands.getMine']?.get as Json;
    expect(JSON.stringify(mine.responses)).toContain('"createdAt":{"type":"string","format":"date-time"}');
  });

  it('gives every procedure example input and output its own schemas accept', () => {
    const problems: string[] = [];
    for (const path of Object.keys(procedureDefs())) {
      const operation = Object.values(doc.paths[`/trpc/${path}`] ?? {})[0] as Json;
      const parameters = operation.parameters as Array<{ content: Record<string, Json> }> | undefined;
      const body = (operation.requestBody as { content: Record<string, Json> } | undefined)?.content;
      const input = (body ?? parameters?.[0]?.content)?.['application/json']?.example;
      const ok = (operation.responses as Record<string, { content: Record<string, { example: Json }> }>)[
        '200'
      ];
      const output = (ok?.content['application/json']?.example.result as Json | undefined)?.data;
      const { inputs, output: outputSchema } = procedureDefs()[path]?._def ?? { inputs: [] };
      const [inputSchema] = inputs;
      if (inputSchema) {
        const parsed = inputSchema.safeParse(superjson.deserialize(input as SuperJSONResult));
        if (!parsed.success) problems.push(`${path} input: ${parsed.error.message}`);
      }
      const parsed = outputSchema?.safeParse(superjson.deserialize(output as SuperJSONResult));
      if (parsed && !parsed.success) problems.push(`${path} output: ${parsed.error.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('lists each refusal of POST /api/uploads under its HTTP status, in the shape the route answers', async () => {
    const upload = doc.paths['/api/uploads']?.post as Json;
    const responses = upload.responses as Record<string, Json>;
    expect(upload['x-errors']).toEqual(typedUploadErrors);
    for (const code of typedUploadErrors) {
      const status = String(statusOf(new AppError(code)));
      expect(String(responses[status]?.description), code).toContain(`\`${code}\``);
    }
    expect(String(responses['429']?.description)).toContain('`UPLOAD_TOO_MANY_AT_ONCE`');
    // The example is what the route really answers (plain JSON, no superjson `json` level, no path).
    const documented = jsonOf(responses['401']);
    expect(documented.schema).toEqual({ $ref: '#/components/schemas/UploadError' });
    const live = await t.app.inject({ method: 'POST', url: '/api/uploads' });
    expect(live.statusCode).toBe(401);
    expect(documented.example).toEqual(live.json());
  });

  it('gives a procedure’s failure an example as /trpc answers it, Chinese message included', async () => {
    const me = doc.paths['/trpc/user.me']?.get as Json;
    const documented = jsonOf((me.responses as Record<string, Json>)['401']);
    const live = await t.app.inject({ method: 'GET', url: '/trpc/user.me' });
    expect(live.statusCode).toBe(401);
    expect(documented.example).toEqual(live.json());
  });

  it('marks a query’s input required exactly when the query refuses a call without it', async () => {
    const admin = await adminSession(t);
    const mismatches: string[] = [];
    let required = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      const input = ((operations.get?.parameters ?? []) as Json[]).find((p) => p.name === 'input');
      if (!path.startsWith('/trpc/') || !input) continue;
      if (input.required) required++;
      const live = await t.app.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${admin.token}` },
      });
      const refused = live.json()?.error?.json?.data?.appCode === 'VALIDATION_FAILED';
      if (refused !== input.required)
        mismatches.push(`${path}: documented ${input.required}, refused ${refused}`);
    }
    expect(mismatches).toEqual([]);
    expect(required, 'queries whose input is required').toBeGreaterThan(5);
  });

  it('documents the whole error table once, in both languages', () => {
    const table = doc['x-app-errors'] as Record<string, { en: string; zh: string; httpStatus: number }>;
    expect(Object.keys(table)).toEqual(Object.keys(errorTable));
    expect(table.BALANCE_TOO_LOW).toMatchObject({ zh: '余额不足', httpStatus: 409 });
    expect(String((doc.info as Json).description)).toContain('| `BALANCE_TOO_LOW` |');
  });

  it('serves the reference page and its assets from this service only', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(sources.length).toBeGreaterThan(2);
    expect(sources.filter((s) => /^(https?:)?\/\//.test(s))).toEqual([]);
    for (const source of sources) {
      const asset = await t.app.inject({ method: 'GET', url: source });
      expect(asset.statusCode, source).toBe(200);
    }
    const same = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(same.json()).toEqual(doc);
  });
});
