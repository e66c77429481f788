import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { demandFields, postDemand, uploadFile } from '../../support/marketplace-flow.js';
import { samplePng } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';
import { findPending, idNumber, info, post } from '../account/account-fixtures.js';

/**
 * An operator decides on what the console showed them. A user who changes the record between the
 * operator opening it and deciding (other documents, another name) must not have the change
 * approved unread: the decision names the submission it was made on, and a newer one refuses it.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('a verification changed while an operator reads it ($name)', (backend) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    // A database of its own: the queues are read a page at a time, oldest first.
    t = await startTestApp(withPrivateDatabase(backend));
    const url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  }, 60_000);
  afterAll(() => t.close());

  const auditOf = async (userId: number) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items.map((entry) => entry.action);

  // A second later, and in the very millisecond the operator read (two sessions saving at once).
  it.each([1_000, 0])(
    'refuses a decision on the submission the user has since replaced (%i ms after), and takes one on the new',
    async (afterMs) => {
      const user = await loginBySms(t);
      await post(t, user, '/user/info/person', { name: '孙八', code: idNumber('19880101') });
      const opened = await findPending(admin, 'person', user.userId);
      expect(opened?.verification.name).toBe('孙八');

      t.clock.advance(afterMs);
      expect((await post(t, user, '/user/info/person', { name: '冒名顶替' })).body.res).toBe(1);
      const approveOpened = () =>
        admin.account.reviewVerification.mutate({
          userId: user.userId,
          kind: 'person',
          decision: 'approve',
          submittedAt: opened?.verification.submittedAt,
        });
      await expect(approveOpened()).rejects.toMatchObject({
        data: { appCode: 'VERIFICATION_CHANGED', messageZh: '用户已修改该认证资料，请重新查看后再审核' },
      });
      // Nothing decided, nothing recorded: the record still waits, with the name nobody has read.
      expect(await info(t, user)).toMatchObject({ userstate: '未认证', person: { state: '未审核' } });
      expect(await auditOf(user.userId)).toEqual([]);

      const reread = await findPending(admin, 'person', user.userId);
      expect(reread?.verification.name).toBe('冒名顶替');
      await admin.account.reviewVerification.mutate({
        userId: user.userId,
        kind: 'person',
        decision: 'reject',
        reason: '姓名与身份证不符',
        submittedAt: reread?.verification.submittedAt,
      });
      expect((await info(t, user)).person).toMatchObject({ reason: '姓名与身份证不符' });
      expect(await auditOf(user.userId)).toEqual(['account.reviewVerification']);
    },
  );

  // A second later, and in the very millisecond the operator read (two edits at once from the
  // owner's sessions: the second lands in the millisecond of the first, which is what was opened).
  it.each([1_000, 0])(
    'refuses a review of the demand as it was before its owner changed it (%i ms after), and takes one of the new',
    async (afterMs) => {
      const owner = await loginBySms(t, undefined, 2);
      const id = await postDemand(t, owner, { title: '正常的需求' });
      const inQueue = async () =>
        (await admin.demands.awaitingReview.query({ perPage: 100 })).items.find((demand) => demand.id === id);
      const opened = await inQueue();
      expect(opened?.title).toBe('正常的需求');

      t.clock.advance(afterMs);
      const edited = await legacyPost(t.app, '/user/goods/edit', {
        ...checkFields(owner),
        id,
        ...demandFields({ title: '加微信领红包' }),
      });
      expect(edited.body.res, edited.body.err).toBe(1);
      await expect(
        admin.demands.review.mutate({ id, approve: true, updatedAt: opened?.updatedAt }),
      ).rejects.toMatchObject({
        data: { appCode: 'DEMAND_CHANGED', messageZh: '发布人已修改该需求，请重新查看后再审核' },
      });
      // Still waiting, unpublished, and no review recorded.
      expect((await admin.admin.demand.query({ id })).demand.review).toBe('pending');
      expect(await auditOf(owner.userId)).toEqual([]);

      const reread = await inQueue();
      expect(reread?.title).toBe('加微信领红包');
      await admin.demands.review.mutate({ id, approve: false, reason: '广告', updatedAt: reread?.updatedAt });
      expect((await admin.admin.demand.query({ id })).demand).toMatchObject({
        review: 'rejected',
        reviewReason: '广告',
      });
      expect(await auditOf(owner.userId)).toEqual(['demands.review']);
      // Decided: another review is told so, whatever version it names.
      await expect(
        admin.demands.review.mutate({ id, approve: true, updatedAt: reread?.updatedAt }),
      ).rejects.toMatchObject({ data: { appCode: 'DEMAND_NOT_PENDING' } });
    },
  );

  it('refuses a review of the demand with a file its owner has since deleted', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const id = await postDemand(t, owner, { file: await uploadFile(t, owner, samplePng(), 'brief.png') });
    const opened = (await admin.demands.awaitingReview.query({ perPage: 100 })).items.find(
      (d) => d.id === id,
    );
    const info = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    const [file] = (info.body.data as { files: Array<{ id: number }> }).files;

    t.clock.advance(1_000);
    const deleted = await legacyPost(t.app, '/user/goods/delfile', { ...checkFields(owner), id: file?.id });
    expect(deleted.body).toEqual({ res: 1, err: '', data: '' });
    await expect(
      admin.demands.review.mutate({ id, approve: true, updatedAt: opened?.updatedAt }),
    ).rejects.toMatchObject({ data: { appCode: 'DEMAND_CHANGED' } });
    expect((await admin.admin.demand.query({ id })).demand.review).toBe('pending');
  });
});
