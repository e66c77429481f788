import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient, isAppError } from '../../../client-sdk/index.js';
import { adminSession, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
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
    // A database of its own: it records a withdrawal, and money/concurrency.test.ts checks that
    // the shared one holds exactly what was recharged.
    t = await startTestApp(withPrivateDatabase(backend));
    url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  });
  afterAll(() => t.close());

  const balanceOf = async (token: string) =>
    (await createClient({ url, token }).wallet.get.query()).balanceFen;
  /** Ledger entries into one wallet. */
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

  /** The call's failure, or a sign that it succeeded. */
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'succeeded',
      (error: unknown) => error,
    );

  it('refuses a key sent again with other parameters, moving nothing and answering the first call still', async () => {
    const user = await loginBySms(t);
    const move = (amountFen: number, idempotencyKey: string) =>
      admin.wallet.credit.mutate({ userId: user.userId, amountFen, idempotencyKey });
    const first = await move(1000, 'credit-other-0001');
    // An operator whose answer was lost types another amount and sends the same key: answering the
    // first call's answer would say 25 yuan were credited when 10 were.
    const other = await failureOf(move(2500, 'credit-other-0001'));
    expect(isAppError(other, 'IDEMPOTENCY_KEY_REUSED'), String(other)).toBe(true);
    expect(await move(1000, 'credit-other-0001')).toEqual(first);
    const withdrawn = await failureOf(
      admin.wallet.withdraw.mutate({
        userId: user.userId,
        amountFen: 100,
        idempotencyKey: 'withdraw-other-0001',
      }),
    );
    expect(withdrawn).toBe('succeeded');
    const withdrawnAgain = await failureOf(
      admin.wallet.withdraw.mutate({
        userId: user.userId,
        amountFen: 200,
        idempotencyKey: 'withdraw-other-0001',
      }),
    );
    expect(isAppError(withdrawnAgain, 'IDEMPOTENCY_KEY_REUSED'), String(withdrawnAgain)).toBe(true);
    expect(await balanceOf(user.token)).toBe(900);
    expect(await entriesInto(user.userId)).toBe(1);

    // A key names one transfer: credited (or paid out) to one wallet, whoever is named next.
    const someoneElse = await loginBySms(t);
    for (const [move, key] of [
      [admin.wallet.credit, 'credit-other-0001'],
      [admin.wallet.withdraw, 'withdraw-other-0001'],
    ] as const) {
      const refused = await failureOf(
        move.mutate({ userId: someoneElse.userId, amountFen: 1000, idempotencyKey: key }),
      );
      expect(isAppError(refused, 'IDEMPOTENCY_KEY_REUSED'), `${key}: ${String(refused)}`).toBe(true);
    }
    const raced = await Promise.all(
      [user, someoneElse].map((u) =>
        failureOf(
          admin.wallet.credit.mutate({ userId: u.userId, amountFen: 500, idempotencyKey: 'credit-two-0001' }),
        ),
      ),
    );
    expect(raced.filter((outcome) => outcome === 'succeeded')).toHaveLength(1);
    expect((await balanceOf(user.token)) + (await balanceOf(someoneElse.token))).toBe(900 + 500);

    // Paying another demand with the key of the first would answer "paid" and leave it unpaid.
    const owner = await loginBySms(t, undefined, 2);
    const [firstDemand, secondDemand] = [
      await postDemand(t, owner, { price: '10' }),
      await postDemand(t, owner, { price: '10' }),
    ];
    await credit(t, owner, '30');
    const api = createClient({ url, token: owner.token });
    await api.payments.payDemand.mutate({ demandId: firstDemand, idempotencyKey: 'escrow-other-0001' });
    const second = await failureOf(
      api.payments.payDemand.mutate({ demandId: secondDemand, idempotencyKey: 'escrow-other-0001' }),
    );
    expect(isAppError(second, 'IDEMPOTENCY_KEY_REUSED'), String(second)).toBe(true);
    expect(await balanceOf(owner.token)).toBe(2000);
    expect(
      await api.payments.payDemand.mutate({ demandId: secondDemand, idempotencyKey: 'escrow-other-0002' }),
    ).toEqual({
      paidFen: 1000,
    });
  });
});
