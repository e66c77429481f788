import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  postDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { expectMoneyConserved, walletBalanceOf } from '../../support/money-checks.js';
import { samplePng, sampleZip } from '../../support/sample-files.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** A small seeded PRNG, so a failing mix can be replayed. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the tasks with at most `limit` in flight at once. */
async function withConcurrency<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await (tasks[index] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

describe.each(backends)('money under concurrency ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    // A database of its own: the conservation check sums every wallet, escrow and recharge, and
    // other files move money out of the shared one (the CLI's withdrawals).
    // One owner posts 50 demands below, past the default hourly cap on posting.
    t = await startTestApp(withPrivateDatabase(backend), { LIMIT_DEMANDS_PER_USER_HOUR: '100' });
  });
  afterAll(() => t.close());

  const post = (path: string, session: Session, fields: Record<string, unknown> = {}) =>
    legacyPost(t.app, path, { ...checkFields(session), ...fields });
  const db = () => t.stores.database.db;
  const balanceOf = (userId: number) => walletBalanceOf(db(), userId);

  /** A demand with one selected, delivered application, paid into escrow. */
  async function deliveredApplication(owner: Session, worker: Session, price: string, source: string) {
    const demandId = await postDemand(t, owner, { price });
    await approveDemand(t, demandId);
    const applicationId = await apply(t, worker, demandId);
    await credit(t, owner, price);
    expect((await post('/user/goods/goodspay', owner, { id: demandId })).body.res).toBe(1);
    expect(
      (await post('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId })).body.res,
    ).toBe(1);
    expect((await post('/user/goods_order/ok', worker, { id: applicationId, source })).body.res).toBe(1);
    return { demandId, applicationId };
  }

  it('pays exactly one of 50 parallel demand payments from a wallet that affords one', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const demandIds: number[] = [];
    for (let i = 0; i < 50; i++) demandIds.push(await postDemand(t, owner, { price: '100' }));
    await credit(t, owner, '100');
    const answers = await Promise.all(demandIds.map((id) => post('/user/goods/goodspay', owner, { id })));
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    expect(
      answers.filter((a) => a.body.err === '余额不足'),
      JSON.stringify(answers.map((a) => a.body.err)),
    ).toHaveLength(49);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await balanceOf(owner.userId)).toBe(0);
    const paid = await db()
      .selectFrom('demands')
      .select('id')
      .where('owner_id', '=', owner.userId)
      .where('paid', '=', 1)
      .execute();
    expect(paid).toHaveLength(1);
  });

  it('pays one demand once under 50 parallel calls, however much the wallet holds', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, owner, { price: '10' });
    await credit(t, owner, '1000');
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post('/user/goods/goodspay', owner, { id: demandId })),
    );
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    expect(answers.filter((a) => a.body.err === '该需求已支付')).toHaveLength(49);
    expect(await balanceOf(owner.userId)).toBe(99_000);
  });

  it('pays out one application once under 50 parallel confirmations', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const worker = await loginBySms(t, undefined, 1);
    const source = await uploadFile(t, worker, sampleZip(), 'work.zip');
    const { applicationId } = await deliveredApplication(owner, worker, '80', source);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post('/user/goods/pay', owner, { id: applicationId, price: '30' })),
    );
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    expect(answers.filter((a) => a.body.err === '该申请已付款')).toHaveLength(49);
    expect(await balanceOf(worker.userId)).toBe(3_000);
    // The only selected application is paid: the demand settled and 50 yuan went back.
    expect(await balanceOf(owner.userId)).toBe(5_000);
  });

  it('conserves money through a random mix of recharges, payments, payouts and refunds at concurrency 16', async () => {
    const random = mulberry32(20261125);
    const employers = [
      await loginBySms(t, undefined, 2),
      await loginBySms(t, undefined, 2),
      await loginBySms(t, undefined, 2),
    ];
    const workers = [await loginBySms(t), await loginBySms(t), await loginBySms(t), await loginBySms(t)];
    const sources = new Map<number, string>();
    for (const worker of workers)
      sources.set(worker.userId, await uploadFile(t, worker, sampleZip(), 'w.zip'));
    await uploadFile(t, workers[0] as Session, samplePng(), 'p.png');
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;

    // Demands ready for payouts (two selected applications each), and unpaid ones to pay during the mix.
    const payable: Array<{ owner: Session; applicationId: number }> = [];
    for (let i = 0; i < 6; i++) {
      const owner = pick(employers);
      const [a, b] = [workers[i % 4] as Session, workers[(i + 1) % 4] as Session];
      const demandId = await postDemand(t, owner, { price: '200' });
      await approveDemand(t, demandId);
      const first = await apply(t, a, demandId);
      const second = await apply(t, b, demandId);
      await credit(t, owner, '200');
      await post('/user/goods/goodspay', owner, { id: demandId });
      await post('/user/goods/ok', owner, { goods_id: demandId, order_id: [first, second] });
      await post('/user/goods_order/ok', a, { id: first, source: sources.get(a.userId) });
      await post('/user/goods_order/ok', b, { id: second, source: sources.get(b.userId) });
      payable.push({ owner, applicationId: first }, { owner, applicationId: second });
    }
    const unpaid: Array<{ owner: Session; demandId: number }> = [];
    for (let i = 0; i < 10; i++) {
      const owner = pick(employers);
      unpaid.push({
        owner,
        demandId: await postDemand(t, owner, { price: String(20 + Math.floor(random() * 200)) }),
      });
    }

    const tasks: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < 120; i++) {
      const roll = random();
      if (roll < 0.3) {
        const user = pick([...employers, ...workers]);
        const yuan = `${1 + Math.floor(random() * 150)}.${Math.floor(random() * 100)}`;
        tasks.push(() => credit(t, user, yuan));
      } else if (roll < 0.6) {
        const { owner, demandId } = pick(unpaid);
        tasks.push(() => post('/user/goods/goodspay', owner, { id: demandId }));
      } else {
        const { owner, applicationId } = pick(payable);
        // The deployed client sends no amount of its own: a third pay the allocated share.
        const price = random() < 0.3 ? '' : `${1 + Math.floor(random() * 150)}`;
        tasks.push(() => post('/user/goods/pay', owner, { id: applicationId, price }));
      }
    }
    const answers = await withConcurrency(16, tasks);
    for (const answer of answers) {
      if (answer && typeof answer === 'object' && 'status' in answer)
        expect((answer as { status: number }).status).toBe(200);
    }

    const wallets = await db().selectFrom('wallets').select(['user_id', 'balance_fen']).execute();
    const demands = await db().selectFrom('demands').select(['id', 'escrow_fen', 'settled']).execute();
    const recharges = await db().selectFrom('recharges').select('amount_fen').execute();

    for (const w of wallets) expect(Number(w.balance_fen)).toBeGreaterThanOrEqual(0);
    for (const d of demands) expect(Number(d.escrow_fen)).toBeGreaterThanOrEqual(0);
    for (const d of demands.filter((d) => d.settled)) expect(Number(d.escrow_fen)).toBe(0);
    const held =
      wallets.reduce((sum, w) => sum + Number(w.balance_fen), 0) +
      demands.reduce((s, d) => s + Number(d.escrow_fen), 0);
    // Nothing is withdrawn here: what is held is what was recharged, and the ledger says so too.
    expect(held).toBe(recharges.reduce((sum, r) => sum + Number(r.amount_fen), 0));
    await expectMoneyConserved(db());
    // The mix did move money each way.
    const kinds = await db().selectFrom('ledger_entries').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['escrow', 'payout', 'recharge', 'refund']);
  });
});
