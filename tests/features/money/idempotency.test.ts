import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { adminSession, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { apply, approveDemand, credit, postDemand, uploadFile } from '../../support/marketplace-flow.js';
import { sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Every idempotent procedure, retried concurrently with one key: the money moves once and every
 * call answers exactly what the first one did (a refund included), then and on a later retry.
 */
describe.each(backends)('idempotent payments under concurrent retries ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  });
  afterAll(() => t.close());

  const balanceOf = async (token: string) =>
    (await createClient({ url, token }).wallet.get.query()).balanceFen;
  /** Ledger entries into one wallet (other test files share the database). */
  const entriesInto = async (userId: number) =>
    (
      await t.stores.database.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('to_account', '=', `wallet:${userId}`)
        .execute()
    ).length;

  async function retriedTogether<T>(call: () => Promise<T>): Promise<T> {
    const answers = await Promise.all(Array.from({ length: 12 }, call));
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(await call()).toEqual(answers[0]);
    return answers[0] as T;
  }

  it('wallet.credit', async () => {
    const user = await loginBySms(t);
    const answer = await retriedTogether(() =>
      admin.wallet.credit.mutate({
        userId: user.userId,
        amountFen: 1234,
        idempotencyKey: 'credit-retry-0001',
      }),
    );
    expect(answer.rechargeId).toBeGreaterThan(0);
    expect(await balanceOf(user.token)).toBe(1234);
    expect(await entriesInto(user.userId)).toBe(1);
  });

  it('payments.payDemand and payments.payApplication, the settling payout with its refund', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const worker = await loginBySms(t, undefined, 1);
    const demandId = await postDemand(t, owner, { price: '50' });
    await approveDemand(t, demandId);
    const applicationId = await apply(t, worker, demandId);
    await credit(t, owner, '80');
    const api = createClient({ url, token: owner.token });

    expect(
      await retriedTogether(() =>
        api.payments.payDemand.mutate({ demandId, idempotencyKey: 'escrow-retry-0001' }),
      ),
    ).toEqual({ paidFen: 5000 });
    expect(await balanceOf(owner.token)).toBe(3000);

    await api.applications.select.mutate({ demandId, applicationIds: [applicationId] });
    const source = await uploadFile(t, worker, sampleZip(), 'work.zip');
    await legacyPost(t.app, '/user/goods_order/ok', {
      user_id_check: String(worker.userId),
      token_check: worker.token,
      id: applicationId,
      source,
    });
    const payout = await retriedTogether(() =>
      api.payments.payApplication.mutate({
        applicationId,
        amountFen: 4000,
        idempotencyKey: 'payout-retry-0001',
      }),
    );
    expect(payout).toEqual({ paidFen: 4000, settled: true, refundedFen: 1000 });
    expect(await balanceOf(worker.token)).toBe(4000);
    expect(await balanceOf(owner.token)).toBe(4000);
  });
});
