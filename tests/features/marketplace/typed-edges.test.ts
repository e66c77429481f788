import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient, isAppError } from '../../../client-sdk/index.js';
import { hasRowLocks, type Tx } from '../../../server/src/db/database.js';
import {
  deleteApplicationsOf,
  deleteWithdrawable,
} from '../../../server/src/features/applications/application.repository.js';
import { deleteDemandWithFiles, lockDemand } from '../../../server/src/features/demands/demand.repository.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { approveDemand, fundAndPay, type Session } from '../../support/marketplace-flow.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/** Inputs at the edges of what the typed API accepts for demands and applications, and races between calls. */
describe.each(backends)('demands and applications at the edges ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let owner: Session;
  let alice: Session;
  let employer: Client;
  let worker: Client;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
    owner = await loginBySms(t, undefined, 2);
    alice = await loginBySms(t, undefined, 1);
    employer = createClient({ url, token: owner.token });
    worker = createClient({ url, token: alice.token });
  });
  afterAll(() => t.close());

  const demand = {
    title: 'Edge demand',
    kind: 'partTime' as const,
    priceFen: 10_000,
    settlement: 'daily' as const,
    address: 'Shenzhen',
    workStart: new Date('2027-01-01T00:00:00+08:00'),
    workEnd: new Date('2027-01-31T00:00:00+08:00'),
    description: 'At the edges',
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'succeeded',
      (error: unknown) => error,
    );

  it('refuses work dates no calendar shows, on create and on update', async () => {
    // The extremes of a JS Date: accepted before, then read back by the legacy door as `NaN-undefined-...`.
    for (const at of [new Date(8.64e15), new Date(-8.64e15), new Date('1899-12-31T00:00:00Z')]) {
      const created = await failure(
        employer.demands.create.mutate({ ...demand, workStart: at, workEnd: at }),
      );
      expect(isAppError(created, 'VALIDATION_FAILED'), String(at.getTime())).toBe(true);
    }
    const { id } = await employer.demands.create.mutate(demand);
    const farEnd = new Date('2100-01-02T00:00:00Z');
    expect(
      isAppError(
        await failure(employer.demands.update.mutate({ ...demand, id, workEnd: farEnd })),
        'VALIDATION_FAILED',
      ),
    ).toBe(true);
    expect((await employer.demands.getMine.query({ id })).workEnd).toEqual(demand.workEnd);
  });

  it('refuses an application message of control characters only', async () => {
    const { id } = await employer.demands.create.mutate(demand);
    await approveDemand(t, id);
    for (const message of ['\u0000', '\u0001\u0002', ' \u0000 ']) {
      const refused = await failure(worker.applications.submit.mutate({ demandId: id, message }));
      expect(isAppError(refused, 'VALIDATION_FAILED'), JSON.stringify(message)).toBe(true);
    }
    expect(await worker.applications.canApply.query({ demandId: id })).toEqual({ canApply: true });
    // A textarea's line breaks still pass, as LF.
    const { id: applicationId } = await worker.applications.submit.mutate({
      demandId: id,
      message: 'a\r\nb',
    });
    expect((await worker.applications.getMine.query({ applicationId })).message).toBe('a\nb');
  });

  /**
   * Runs `during` while a transaction of the test is between two steps of a write the service makes
   * (`before`, then `after`). With row locks (MySQL) the call starts in between, so it meets the
   * write half done; SQLite runs one write at a time, so there the call runs after the write.
   */
  async function midWrite<T>(
    before: (tx: Tx) => Promise<unknown>,
    during: () => Promise<T>,
    after: (tx: Tx) => Promise<unknown> = async () => undefined,
  ): Promise<T> {
    let call: Promise<T> | undefined;
    await t.stores.database.db.transaction().execute(async (tx) => {
      await before(tx);
      if (hasRowLocks(tx)) {
        call = during();
        // Long enough for the call to reach the point where it must wait for this transaction.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await after(tx);
    });
    return call ?? during();
  }

  it('refuses an application to a demand being deleted, leaving no application behind it', async () => {
    const { id } = await employer.demands.create.mutate(demand);
    await approveDemand(t, id);
    // What demands.remove does, in its order, with an application arriving in the middle.
    const applied = await midWrite(
      async (tx) => {
        await lockDemand(tx, id);
        await deleteApplicationsOf(tx, id);
      },
      () => failure(worker.applications.submit.mutate({ demandId: id, message: 'racing' })),
      (tx) => deleteDemandWithFiles(tx, id),
    );
    // Before: the application was written after the removal had deleted the demand's, so it
    // outlived the demand; listMine counted it without showing it and getMine answered INTERNAL.
    expect(isAppError(applied, 'NOT_FOUND')).toBe(true);
    const mine = await worker.applications.listMine.query({ perPage: 100 });
    expect(mine.items).toHaveLength(mine.total);
  });

  it('answers the whole selection, which only grows, not just the ids sent', async () => {
    const { id } = await employer.demands.create.mutate({ ...demand, priceFen: 100 });
    await approveDemand(t, id);
    const bob = createClient({ url, token: (await loginBySms(t, undefined, 1)).token });
    const first = (await worker.applications.submit.mutate({ demandId: id, message: 'mine' })).id;
    const second = (await bob.applications.submit.mutate({ demandId: id, message: 'me too' })).id;
    await fundAndPay(t, owner, id, '1.00');
    expect(await employer.applications.select.mutate({ demandId: id, applicationIds: [first] })).toEqual({
      selected: [first],
    });
    expect(await employer.applications.select.mutate({ demandId: id, applicationIds: [second] })).toEqual({
      selected: [first, second],
    });
    expect((await employer.demands.getMine.query({ id })).selectedApplicationIds).toEqual([first, second]);
  });

  it('does not answer an application as selected that was withdrawn meanwhile', async () => {
    const { id } = await employer.demands.create.mutate({ ...demand, priceFen: 100 });
    await approveDemand(t, id);
    const { id: applicationId } = await worker.applications.submit.mutate({ demandId: id, message: 'mine' });
    await fundAndPay(t, owner, id, '1.00');
    // The withdrawal's own statement, committed while the selection is under way.
    const selected = await midWrite(
      (tx) => deleteWithdrawable(tx, alice.userId, applicationId),
      () => failure(employer.applications.select.mutate({ demandId: id, applicationIds: [applicationId] })),
    );
    // Before: `{selected: [applicationId]}`, for an application that no longer existed.
    expect(isAppError(selected, 'APPLICATIONS_NOT_OF_DEMAND')).toBe(true);
    expect((await employer.demands.getMine.query({ id })).selectedApplicationIds).toEqual([]);
  });

  it('shows the legacy door dates it can print for every demand the typed API accepted', async () => {
    const { id } = await employer.demands.create.mutate({
      ...demand,
      workStart: new Date('1900-01-01T00:00:00Z'),
      workEnd: new Date('2100-01-01T00:00:00Z'),
    });
    await approveDemand(t, id);
    const info = await legacyPost(t.app, '/index/goods/goodsinfo', { id: String(id) });
    expect(info.body.data).toMatchObject({ timeb: '1900-01-01 08:05:43', timee: '2100-01-01 08:00:00' });
  });
});
