import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';
import type { ProcedureMeta } from '../../server/src/trpc/init.js';
import { appRouter } from '../../server/src/trpc/router.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyGet, legacyPost } from '../support/legacy-client.js';
import {
  apply,
  approveDemand,
  demandFields,
  fundAndPay,
  postDemand,
  rejectDemand,
} from '../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { postFile } from '../support/upload-client.js';
import { getiForm, idNumber } from './account/account-fixtures.js';

/**
 * A sweep of every door as every kind of caller: what each answer carries of other people's data.
 * A world holds an employer with all three verification records, a demand with two applicants and
 * a rejected one; every answer a caller gets is searched for the personal values it may not see
 * (phones, ID numbers, legal representatives' and partners' codes, private file keys, email,
 * address, review reasons, delivered files). A field added to an output later that carries one fails here.
 */
type Session = { userId: number; token: string; phone: string };
/** A /trpc answer, as far as these checks read it. */
type TrpcAnswer = { error?: { json?: { data?: { appCode?: string } } } };

interface World {
  owner: Session;
  applicant: Session;
  rival: Session;
  outsider: Session;
  approvedId: number;
  rejectedId: number;
  applicationId: number;
  rivalApplicationId: number;
  skillId: number;
  rechargeId: number;
  /** Every personal value of the world, named, with who may read it. */
  secrets: Record<string, { value: string; readers: Session[] }>;
}

const tierOf = (path: string) =>
  (appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; type: string } }>)[
    path
  ];
const procedurePaths = Object.keys(appRouter._def.procedures);

const typedDemand = {
  title: '改过的需求',
  kind: 'partTime',
  priceFen: 100,
  settlement: 'daily',
  address: '深圳',
  workStart: new Date('2026-12-01T00:00:00Z'),
  workEnd: new Date('2026-12-31T00:00:00Z'),
  description: '改',
};

describe.each(backends)('privacy and authorization sweep ($name)', (backend) => {
  let t: TestApp;
  let w: World;

  async function upload(session: Session, width: number): Promise<string> {
    const answer = await postFile(t.app, '/user/api/file_upload', {
      content: samplePng(width, 8),
      filename: 'doc.png',
      fields: checkFields(session),
    });
    if (answer.body.res !== 1) throw new Error(`upload failed: ${answer.body.err}`);
    return (answer.body.data as { url: string }).url;
  }

  const post = async (session: Session | null, url: string, fields: Record<string, unknown> = {}) =>
    legacyPost(t.app, url, { ...(session ? checkFields(session) : {}), ...fields });

  async function typed(session: Session | null, path: string, input?: unknown) {
    const type = tierOf(path)?._def.type;
    const serialized = input === undefined ? undefined : JSON.stringify(superjson.serialize(input));
    const headers: Record<string, string> = session ? { authorization: `Bearer ${session.token}` } : {};
    const response =
      type === 'query'
        ? await t.app.inject({
            method: 'GET',
            url: `/trpc/${path}${serialized ? `?input=${encodeURIComponent(serialized)}` : ''}`,
            headers,
          })
        : await t.app.inject({
            method: 'POST',
            url: `/trpc/${path}`,
            headers: { ...headers, 'content-type': 'application/json' },
            payload: serialized ?? '{"json":null}',
          });
    return { status: response.statusCode, text: response.body, body: response.json() as TrpcAnswer };
  }

  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = await loginBySms(t, undefined, 2);
    const applicant = await loginBySms(t, undefined, 1);
    const rival = await loginBySms(t, undefined, 1);
    const outsider = await loginBySms(t, undefined, 1);

    const email = `owner${owner.userId}@example.com`;
    const address = `南山区隐私路${owner.userId}号`;
    expect((await post(owner, '/user/info/edit', { email, address })).body.res).toBe(1);

    const ownerId = idNumber('19800101');
    const idFront = await upload(owner, 20);
    const idBack = await upload(owner, 21);
    const person = await post(owner, '/user/info/person', {
      name: '张三',
      code: ownerId,
      pic: idFront,
      picf: idBack,
    });
    expect(person.body.res, person.body.err).toBe(1);
    const license = await upload(owner, 22);
    const farenZ = await upload(owner, 23);
    const farenF = await upload(owner, 24);
    const company = await post(owner, '/user/info/company', {
      name: '深圳隐私科技有限公司',
      type: '软件和信息技术服务业',
      pic: license,
      pro: '广东省',
      city: '深圳市',
      address: '南山区科技园1号',
      year: '5',
      faren_name: '李四',
      faren_z: farenZ,
      faren_f: farenF,
    });
    expect(company.body.res, company.body.err).toBe(1);
    const legal = idNumber('19700202');
    const partner = idNumber('19750303');
    const shouji = `0755-${String(owner.userId).padStart(8, '7').slice(-8)}`;
    const geti = await post(
      owner,
      '/user/info/geti',
      getiForm({ shouji, faren_code: legal, hehuo: [{ hehuoren_name: '合伙人甲', hehuoren_code: partner }] }),
    );
    expect(geti.body.res, geti.body.err).toBe(1);

    const applicantId = idNumber('19950505');
    const applicantFront = await upload(applicant, 25);
    const applicantBack = await upload(applicant, 26);
    expect(
      (
        await post(applicant, '/user/info/person', {
          name: '王五',
          code: applicantId,
          pic: applicantFront,
          picf: applicantBack,
        })
      ).body.res,
    ).toBe(1);

    const approvedId = await postDemand(t, owner, { price: '977.31' });
    await approveDemand(t, approvedId);
    await fundAndPay(t, owner, approvedId, '977.31');
    const applicationId = await apply(t, applicant, approvedId, '申请人的私信');
    const rivalApplicationId = await apply(t, rival, approvedId, '另一位申请人');
    const selected = await post(owner, '/user/goods/ok', {
      goods_id: approvedId,
      order_id: String(applicationId),
    });
    expect(selected.body.res, selected.body.err).toBe(1);
    const archive = await postFile(t.app, '/user/api/file_upload', {
      content: sampleZip(),
      filename: 'result.zip',
      fields: checkFields(applicant),
    });
    const source = (archive.body.data as { url: string }).url;
    const delivered = await post(applicant, '/user/goods_order/ok', { id: applicationId, source });
    expect(delivered.body.res, delivered.body.err).toBe(1);
    const skill = await post(owner, '/user/user_person_ji/add', { name: 'Go', fen: 5 });
    expect(skill.body.res, skill.body.err).toBe(1);
    const recharges = await post(owner, '/user/pay_log/index', {});
    const rechargeId = (recharges.body.data as { data: Array<{ id: number }> }).data[0]?.id ?? 0;
    const rejectedId = await postDemand(t, owner, { title: '被驳回的需求' });
    const reason = `驳回理由${owner.userId}`;
    await rejectDemand(t, rejectedId, reason);

    const key = (url: string) => url.replace(/^.*\/uploads\//, '');
    const only = (...readers: Session[]) => readers;
    w = {
      owner,
      applicant,
      rival,
      outsider,
      approvedId,
      rejectedId,
      applicationId,
      rivalApplicationId,
      skillId: (skill.body.data as { id: number }).id,
      rechargeId,
      secrets: {
        ownerPhone: { value: owner.phone, readers: only(owner) },
        applicantPhone: { value: applicant.phone, readers: only(applicant, owner) },
        rivalPhone: { value: rival.phone, readers: only(rival, owner) },
        ownerEmail: { value: email, readers: only(owner) },
        ownerAddress: { value: address, readers: only(owner) },
        ownerIdNumber: { value: ownerId, readers: only(owner) },
        applicantIdNumber: { value: applicantId, readers: only(applicant) },
        legalCode: { value: legal, readers: only(owner) },
        partnerCode: { value: partner, readers: only(owner) },
        getiPhone: { value: shouji, readers: only(owner) },
        ownerIdPhoto: { value: key(idFront), readers: only(owner) },
        licensePhoto: { value: key(license), readers: only(owner) },
        legalPhoto: { value: key(farenZ), readers: only(owner) },
        applicantIdPhoto: { value: key(applicantFront), readers: only(applicant) },
        rejectReason: { value: reason, readers: only(owner) },
        deliveredSource: { value: key(source), readers: only(applicant, owner) },
        applicationMessage: { value: '申请人的私信', readers: only(applicant, owner) },
      },
    };
  }, 120_000);
  afterAll(() => t.close());

  /** The personal values `reader` (null: anonymous) may not see, found in `text`. */
  function leaks(text: string, reader: Session | null): string[] {
    return Object.entries(w.secrets)
      .filter(([, s]) => !s.readers.some((r) => r.userId === reader?.userId) && text.includes(s.value))
      .map(([name]) => name);
  }

  it('refuses every logged-in procedure to an anonymous caller and every admin one to a non-admin', async () => {
    const wrong: string[] = [];
    for (const path of procedurePaths) {
      const tier = tierOf(path)?._def.meta?.tier;
      if (tier === 'public' || tier === undefined) continue;
      const anonymous = await typed(null, path);
      if (anonymous.body.error?.json?.data?.appCode !== 'UNAUTHENTICATED') {
        wrong.push(`${path} anonymous: ${anonymous.text.slice(0, 120)}`);
      }
      if (tier === 'admin') {
        for (const caller of [w.owner, w.outsider]) {
          const answer = await typed(caller, path);
          if (answer.body.error?.json?.data?.appCode !== 'ADMIN_ONLY' || answer.status !== 403) {
            wrong.push(`${path} as user ${caller.userId}: ${answer.status} ${answer.text.slice(0, 120)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every /user/ legacy route without a live session', async () => {
    const wrong: string[] = [];
    for (const route of legacyRoutes) {
      if (route.auth !== 'session') continue;
      for (const fields of [{}, { user_id_check: String(w.owner.userId), token_check: 'forged' }]) {
        const answer = await legacyPost(t.app, route.path, { ...fields, id: w.approvedId });
        if (answer.body.res !== 0 || answer.body.err !== '没有登录或状态过期') {
          wrong.push(`${route.path}: ${JSON.stringify(answer.body).slice(0, 120)}`);
        }
      }
      // Another user's token with the owner's id is no session of the owner.
      const swapped = await legacyPost(t.app, route.path, {
        user_id_check: String(w.owner.userId),
        token_check: w.outsider.token,
        id: w.approvedId,
      });
      if (swapped.body.err !== '没有登录或状态过期') wrong.push(`${route.path}: swapped token answered`);
      // The same door under the spellings the contract accepts, and by GET.
      const spelled = await legacyPost(t.app, `${route.path.toUpperCase()}/`, { id: w.approvedId });
      if (spelled.body.err !== '没有登录或状态过期') wrong.push(`${route.path}: upper case answered`);
      const got = await legacyGet(t.app, `${route.path}.html`, {
        user_id_check: String(w.owner.userId),
        token_check: 'forged',
        id: w.approvedId,
      });
      if (got.body.err !== '没有登录或状态过期') wrong.push(`${route.path}: GET answered`);
    }
    expect(wrong).toEqual([]);
  });

  /** Typed reads naming the world's rows, and the caller's own lists. */
  const typedReads = (): Array<[string, unknown]> => [
    ['demands.get', { id: w.approvedId }],
    ['demands.get', { id: w.rejectedId }],
    ['demands.list', { page: 1, perPage: 100 }],
    ['demands.getMine', { id: w.approvedId }],
    ['demands.getMine', { id: w.rejectedId }],
    ['demands.listMine', { page: 1, perPage: 100 }],
    ['applications.getMine', { applicationId: w.applicationId }],
    ['applications.getMine', { applicationId: w.rivalApplicationId }],
    ['applications.listMine', { page: 1, perPage: 100 }],
    ['applications.canApply', { demandId: w.approvedId }],
    ['resume.ofUser', { userId: w.owner.userId }],
    ['resume.ofUser', { userId: w.applicant.userId }],
    ['user.me', undefined],
    ['account.overview', undefined],
    ['account.getMyVerifications', undefined],
    ['wallet.get', undefined],
    ['wallet.entries', { page: 1, perPage: 100 }],
    ['billing.recharges', { page: 1, perPage: 100 }],
    ['billing.invoiceRequests', { page: 1, perPage: 100 }],
  ];

  /** Legacy reads naming the world's rows. */
  const legacyReads = (): Array<[string, Record<string, unknown>]> => [
    ['/index/goods/index', { limit: 100 }],
    ['/index/goods/goodsinfo', { id: w.approvedId }],
    ['/index/goods/goodsinfo', { id: w.rejectedId }],
    ['/user/goods/info', { id: w.approvedId }],
    ['/user/goods/info', { id: w.rejectedId }],
    ['/user/goods/index', { limit: 100 }],
    ['/user/goods_order/info', { id: w.applicationId }],
    ['/user/goods_order/info', { id: w.rivalApplicationId }],
    ['/user/goods_order/index', { limit: 100 }],
    ['/user/goods_order/isadd', { id: w.approvedId }],
    ['/user/info/info', {}],
    ['/user/pay_log/index', {}],
    ['/user/invest_log/index', {}],
    ['/user/bill_log/index', {}],
    ['/user/user_person_des/index', { user_id: w.owner.userId }],
  ];

  it('answers each caller only the personal data that is theirs to read', async () => {
    const callers: Array<[string, Session | null]> = [
      ['anonymous', null],
      ['outsider', w.outsider],
      ['applicant', w.applicant],
      ['rival applicant', w.rival],
      ['owner', w.owner],
    ];
    const found: string[] = [];
    for (const [who, caller] of callers) {
      for (const [path, input] of typedReads()) {
        const answer = await typed(caller, path, input);
        const leaked = leaks(answer.text, caller);
        if (leaked.length > 0) found.push(`${who} ${path} ${JSON.stringify(input)}: ${leaked.join(', ')}`);
      }
      for (const [path, fields] of legacyReads()) {
        const answer = await post(caller, path, fields);
        const leaked = leaks(JSON.stringify(answer.body), caller);
        if (leaked.length > 0) found.push(`${who} ${path} ${JSON.stringify(fields)}: ${leaked.join(', ')}`);
      }
    }
    expect(found).toEqual([]);
  });

  /** What the world's people read of their own rows: no refused write may change any of it. */
  async function snapshot() {
    const reads: Array<[Session, string]> = [
      [w.owner, '/user/goods/index'],
      [w.owner, '/user/info/info'],
      [w.owner, '/user/pay_log/index'],
      [w.owner, '/user/bill_log/index'],
      [w.owner, '/user/user_person_ji/index'],
      [w.applicant, '/user/goods_order/index'],
      [w.rival, '/user/goods_order/index'],
    ];
    return Promise.all(reads.map(async ([session, url]) => (await post(session, url, { limit: 100 })).body));
  }

  it('refuses every write to another user’s rows, answering as for a row that does not exist', async () => {
    const missing = 2_000_000_000;
    const before = await snapshot();
    const writes: Array<[Session, string, (id: number) => Record<string, unknown>, number]> = [
      [w.outsider, '/user/goods/edit', (id) => ({ id, ...demandFields() }), w.rejectedId],
      [w.outsider, '/user/goods/del', (id) => ({ id }), w.rejectedId],
      [w.outsider, '/user/goods/goodspay', (id) => ({ id }), w.rejectedId],
      [w.outsider, '/user/goods/info', (id) => ({ id }), w.rejectedId],
      [
        w.outsider,
        '/user/goods/ok',
        (id) => ({ goods_id: id, order_id: w.rivalApplicationId }),
        w.approvedId,
      ],
      [
        w.applicant,
        '/user/goods/ok',
        (id) => ({ goods_id: id, order_id: w.rivalApplicationId }),
        w.approvedId,
      ],
      [w.outsider, '/user/goods/pay', (id) => ({ id }), w.applicationId],
      [w.applicant, '/user/goods/pay', (id) => ({ id }), w.applicationId],
      [w.outsider, '/user/goods_order/info', (id) => ({ id }), w.rivalApplicationId],
      [w.outsider, '/user/goods_order/del', (id) => ({ id }), w.rivalApplicationId],
      [w.applicant, '/user/goods_order/del', (id) => ({ id }), w.rivalApplicationId],
      [w.outsider, '/user/goods_order/ok', (id) => ({ id, source: 'x.zip' }), w.applicationId],
      [w.outsider, '/user/bill_log/add', (id) => ({ inverst_id: id }), w.rechargeId],
      [w.outsider, '/user/user_person_ji/edit', (id) => ({ id, name: 'x', fen: 1 }), w.skillId],
      [w.outsider, '/user/user_person_ji/del', (id) => ({ id }), w.skillId],
    ];
    const wrong: string[] = [];
    for (const [session, url, fields, id] of writes) {
      const other = await post(session, url, fields(id));
      const none = await post(session, url, fields(missing));
      if (other.body.res !== 0 || other.body.err !== none.body.err) {
        wrong.push(`${url} by ${session.userId}: ${other.body.err} / nonexistent: ${none.body.err}`);
      }
    }
    const typedWrites: Array<[string, (id: number) => unknown, number]> = [
      ['demands.update', (id) => ({ id, ...typedDemand }), w.rejectedId],
      ['demands.remove', (id) => ({ id }), w.rejectedId],
      ['demands.getMine', (id) => ({ id }), w.rejectedId],
      ['demands.get', (id) => ({ id }), w.rejectedId],
      ['applications.canApply', (demandId) => ({ demandId }), w.rejectedId],
      [
        'applications.select',
        (demandId) => ({ demandId, applicationIds: [w.rivalApplicationId] }),
        w.approvedId,
      ],
      ['applications.withdraw', (applicationId) => ({ applicationId }), w.rivalApplicationId],
      ['applications.getMine', (applicationId) => ({ applicationId }), w.rivalApplicationId],
      ['applications.deliver', (applicationId) => ({ applicationId, source: 'x.zip' }), w.applicationId],
      ['payments.payDemand', (demandId) => ({ demandId }), w.rejectedId],
      ['payments.payApplication', (applicationId) => ({ applicationId }), w.applicationId],
      ['billing.requestInvoices', (id) => ({ rechargeIds: [id] }), w.rechargeId],
      ['resume.skills.update', (id) => ({ id, name: 'x', score: 1 }), w.skillId],
      ['resume.skills.remove', (id) => ({ id }), w.skillId],
    ];
    for (const [path, input, id] of typedWrites) {
      const other = await typed(w.outsider, path, input(id));
      const none = await typed(w.outsider, path, input(missing));
      const code = (a: { body: TrpcAnswer }) => a.body.error?.json?.data?.appCode;
      if (code(other) === undefined || code(other) !== code(none)) {
        wrong.push(`${path}: ${code(other)} / nonexistent: ${code(none)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('lets the owner and the applicant read what is theirs (the sweep above would pass on empty answers)', async () => {
    const own = await post(w.owner, '/user/goods/index', { limit: 100 });
    const text = JSON.stringify(own.body);
    expect(text).toContain(w.applicant.phone);
    expect(text).toContain(w.rival.phone);
    expect(text).toContain(w.secrets.deliveredSource?.value);
    const rejected = await post(w.owner, '/user/goods/info', { id: w.rejectedId });
    expect(rejected.body.data).toMatchObject({ reason: w.secrets.rejectReason?.value });
    const mine = await post(w.applicant, '/user/goods_order/info', { id: w.applicationId });
    expect(mine.body.data).toMatchObject({ phone: w.applicant.phone, msg: '申请人的私信' });
    const info = await post(w.owner, '/user/info/info');
    expect(JSON.stringify(info.body)).toContain(w.secrets.partnerCode?.value);
    // Another's rows answer as if they did not exist.
    const other = await post(w.outsider, '/user/goods_order/info', { id: w.applicationId });
    expect(other.body).toMatchObject({ res: 0 });
    const otherDemand = await typed(w.outsider, 'demands.getMine', { id: w.approvedId });
    expect(otherDemand.body.error?.json?.data?.appCode).toBe('NOT_FOUND');
    const unreviewed = await typed(w.outsider, 'demands.get', { id: w.rejectedId });
    expect(unreviewed.body.error?.json?.data?.appCode).toBe('NOT_FOUND');
    // The optional login of the public detail: the owner's id with another's token is no owner.
    const swapped = await post(null, '/index/goods/goodsinfo', {
      user_id_check: String(w.owner.userId),
      token_check: w.outsider.token,
      id: w.rejectedId,
    });
    expect(swapped.body).toMatchObject({ res: 0 });
    const ownerView = await post(w.owner, '/index/goods/goodsinfo', { id: w.rejectedId });
    expect(ownerView.body.data).toMatchObject({ id: w.rejectedId });
    expect(leaks(JSON.stringify(ownerView.body), null)).toEqual([]);
  });

  it('serves private files only through signed URLs, and no operator door without its credentials', async () => {
    for (const name of ['ownerIdPhoto', 'licensePhoto', 'legalPhoto', 'applicantIdPhoto'] as const) {
      const key = w.secrets[name]?.value;
      const response = await t.app.inject({ method: 'GET', url: `/uploads/${key}` });
      expect(response.statusCode, name).toBeGreaterThanOrEqual(400);
      expect(response.rawPayload.subarray(1, 4).toString()).not.toBe('PNG');
    }
    // The typed upload door is for members only, a forged token no better than none.
    for (const authorization of [undefined, 'Bearer forged-token']) {
      const answer = await t.app.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: authorization ? { authorization } : {},
      });
      expect(answer.statusCode).toBe(401);
    }
    // Metrics are off without METRICS_TOKEN / METRICS_PORT: nothing served.
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    for (const url of ['/healthz', '/readyz']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(leaks(response.body, null), url).toEqual([]);
    }
  });
});
