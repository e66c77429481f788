import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import {
  apply,
  approveDemand,
  demandFields,
  legacyCalls,
  postDemand,
  type Session,
} from '../../support/marketplace-flow.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * Every demand posted waits on an operator's review, every application on a demand owner's reading:
 * one account posting or applying in a loop buried both, with nothing to stop it. A member may now
 * post LIMIT_DEMANDS_PER_USER_HOUR demands and make LIMIT_APPLICATIONS_PER_USER_HOUR applications
 * an hour (3 each here); an attempt the service refuses for another reason does not count.
 */
describe.each(backends)('hourly caps on posting demands and applying ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend, {
      LIMIT_DEMANDS_PER_USER_HOUR: '3',
      LIMIT_APPLICATIONS_PER_USER_HOUR: '3',
    });
    url = await listen(t);
  });
  afterAll(() => t.close());

  const hour = 60 * 60_000;
  const { post } = legacyCalls(() => t);
  const postOnce = (owner: Session, overrides: Record<string, unknown> = {}) =>
    post('/user/goods/add', owner, demandFields(overrides));
  const applyOnce = (applicant: Session, demandId: number) =>
    post('/user/goods_order/add', applicant, { goods_id: String(demandId), msg: '我能做' });
  const mayApply = (applicant: Session, demandId: number) =>
    post('/user/goods_order/isadd', applicant, { id: String(demandId) });
  const ownDemandCount = async (owner: Session) =>
    ((await post('/user/goods/index', owner)).body.data as { total: number }).total;
  const ownApplicationCount = async (applicant: Session) =>
    ((await post('/user/goods_order/index', applicant)).body.data as { total: number }).total;

  async function approvedDemands(n: number): Promise<number[]> {
    const owner = await loginBySms(t, undefined, 2);
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      // A fresh hour for each, so the owner's own cap does not get in the way.
      t.clock.advance(hour);
      const id = await postDemand(t, owner);
      await approveDemand(t, id);
      ids.push(id);
    }
    return ids;
  }

  it('refuses a fourth demand in the hour, stores nothing for it, and takes posts again the next hour', async () => {
    t.clock.advanceToNext(hour, 1);
    const owner = await loginBySms(t, undefined, 2);
    // Refused for its file: no post made, none counted.
    expect((await postOnce(owner, { file: '/uploads/2026/11/25/never-uploaded.png' })).body.err).toBe(
      '文件无效，请使用本站上传的文件',
    );
    for (let i = 1; i <= 3; i++) expect((await postOnce(owner)).body.res, `post ${i}`).toBe(1);
    expect((await postOnce(owner)).body).toEqual({ res: 0, err: '发布需求过于频繁，请稍后再试', data: '' });
    expect(await ownDemandCount(owner)).toBe(3);

    // Another member is not held back by this one.
    expect((await postOnce(await loginBySms(t, undefined, 2))).body.res).toBe(1);
    t.clock.advance(hour);
    expect((await postOnce(owner)).body.res).toBe(1);
    expect(await ownDemandCount(owner)).toBe(4);
  });

  it('refuses a fourth application in the hour, stores nothing for it; refused applications do not count', async () => {
    const demands = await approvedDemands(5);
    t.clock.advanceToNext(hour, 1);
    const applicant = await loginBySms(t, undefined, 1);
    const [first, second, third, fourth, fifth] = demands as [number, number, number, number, number];
    await apply(t, applicant, first);
    // Refused for applying twice: counted as nothing.
    expect((await applyOnce(applicant, first)).body.res).toBe(0);
    await apply(t, applicant, second);
    expect((await mayApply(applicant, fourth)).body.res, 'isadd with one application left').toBe(1);
    await apply(t, applicant, third);
    const tooFrequent = { res: 0, err: '申请过于频繁，请稍后再试', data: '' };
    // The client asks before it shows the form: told there, not after the message is written.
    expect((await mayApply(applicant, fourth)).body).toEqual(tooFrequent);
    expect((await applyOnce(applicant, fourth)).body).toEqual(tooFrequent);
    expect(await ownApplicationCount(applicant)).toBe(3);
    t.clock.advance(hour);
    expect((await mayApply(applicant, fifth)).body.res, 'isadd the next hour').toBe(1);
    await apply(t, applicant, fifth);
    expect(await ownApplicationCount(applicant)).toBe(4);
  });

  it('answers the typed door with the code and HTTP 429', async () => {
    t.clock.advanceToNext(hour, 1);
    const owner = await loginBySms(t, undefined, 2);
    const client = createClient({ url, token: owner.token });
    const input = {
      title: '海报设计',
      kind: 'partTime' as const,
      priceFen: 10_000,
      settlement: 'daily' as const,
      address: '上海',
      workStart: new Date('2027-01-01T00:00:00Z'),
      workEnd: new Date('2027-01-31T00:00:00Z'),
      category: '设计',
      description: '一张海报',
    };
    for (let i = 0; i < 3; i++) await client.demands.create.mutate(input);
    const refused = await client.demands.create.mutate(input).catch((error: unknown) => error);
    expect(isAppError(refused, 'DEMAND_POST_TOO_FREQUENT')).toBe(true);
    expect((refused as { data?: { httpStatus?: number } }).data?.httpStatus).toBe(429);
  });

  it('tells the typed door why it may not apply once the hour is spent', async () => {
    const [demandId] = (await approvedDemands(1)) as [number];
    t.clock.advanceToNext(hour, 1);
    const applicant = await loginBySms(t, undefined, 1);
    const client = createClient({ url, token: applicant.token });
    for (const other of await approvedDemands(3)) await apply(t, applicant, other);
    expect(await client.applications.canApply.query({ demandId })).toEqual({
      canApply: false,
      reason: 'APPLY_TOO_FREQUENT',
    });
  });
});
