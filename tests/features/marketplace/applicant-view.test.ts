import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  demandFields,
  postDemand,
  rejectDemand,
} from '../../support/marketplace-flow.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/** What an applicant reads of the demand they applied to: never what the reviewer wrote to its owner. */
describe.each(backends)('the applicant’s view of a demand ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  it('leaves out the reason of a rejection, on both doors', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const alice = await loginBySms(t, undefined, 1);
    const demandId = await postDemand(t, owner);
    await approveDemand(t, demandId);
    const applicationId = await apply(t, alice, demandId);
    // The owner edits the approved demand (back to review, applications and all); the reviewer rejects it.
    const edited = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(owner),
      id: demandId,
      ...demandFields({ title: '微信小程序开发（改）' }),
    });
    expect(edited.body.res).toBe(1);
    await rejectDemand(t, demandId, '营业执照与发布主体不符');

    const info = await legacyPost(t.app, '/user/goods_order/info', {
      ...checkFields(alice),
      id: applicationId,
    });
    expect(info.body.res).toBe(1);
    const goodsinfo = (info.body.data as { goodsinfo: Record<string, unknown> }).goodsinfo;
    expect(goodsinfo).toMatchObject({ id: demandId, show: '未审核' });
    expect(goodsinfo).not.toHaveProperty('reason');
    const list = await legacyPost(t.app, '/user/goods_order/index', { ...checkFields(alice) });
    const goods = (list.body.data as { data: Array<{ goods: Record<string, unknown> }> }).data[0]?.goods;
    expect(goods).toMatchObject({ id: demandId });
    expect(goods).not.toHaveProperty('reason');

    const typed = await createClient({ url, token: alice.token }).applications.getMine.query({
      applicationId,
    });
    expect(typed.demand).not.toHaveProperty('reviewReason');
    // Its owner still reads it.
    const own = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id: demandId });
    expect(own.body.data).toMatchObject({ reason: '营业执照与发布主体不符' });
  });
});
