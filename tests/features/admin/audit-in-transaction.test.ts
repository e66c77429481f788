import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { runAdmin } from '../../support/admin-cli.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { postDemand } from '../../support/marketplace-flow.js';
import { listen, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, post } from '../account/account-fixtures.js';

/**
 * An admin action and its audit record commit together or not at all: with the record's insert
 * made to fail (a trigger on admin_actions, standing for the database failing at that moment),
 * nothing the action would have changed is left changed, and the action made again is recorded
 * once. On a database of its own, since the trigger stops every insert into the table.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('admin actions and their audit records, one transaction ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(backend));
    url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  }, 60_000);
  afterAll(() => t.close());

  /** Runs `work` while every insert into admin_actions fails. */
  const withAuditDown = async (work: () => Promise<void>) => {
    const db = t.stores.database.db;
    await sql
      .raw(
        backend.name === 'embedded'
          ? `create trigger audit_down before insert on admin_actions
             begin select raise(abort, 'audit unavailable'); end`
          : `CREATE TRIGGER audit_down BEFORE INSERT ON admin_actions FOR EACH ROW
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit unavailable'`,
      )
      .execute(db);
    try {
      await work();
    } finally {
      await sql`drop trigger if exists audit_down`.execute(db);
    }
  };
  const failsOnTheAudit = { data: { appCode: 'INTERNAL' } };

  const balanceOf = async (userId: number) => (await admin.admin.user.query({ userId })).balanceFen;
  const ledgerOf = async (userId: number) =>
    (await admin.admin.ledger.query({ userId })).items.map((entry) => [entry.kind, entry.amountFen]);
  const auditOf = async (userId: number) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items.map((entry) => [
      entry.action,
      entry.before,
      entry.after,
    ]);
  /** The answers the money feature stored under the key, whatever the kind of move. */
  const answersUnder = (key: string) =>
    t.stores.database.db
      .selectFrom('idempotent_answers')
      .select('answer')
      .where('idempotency_key', 'like', `%:${key}`)
      .execute();
  const rechargesOf = (userId: number) =>
    t.stores.database.db.selectFrom('recharges').select('amount_fen').where('user_id', '=', userId).execute();
  const newKey = () => `audit-${randomBytes(6).toString('hex')}`;

  it('moves no money on a credit whose audit record fails, and credits once when retried with its key', async () => {
    const user = await loginBySms(t);
    const key = newKey();
    const credit = () =>
      admin.wallet.credit.mutate({
        userId: user.userId,
        amountFen: 10_000,
        note: '银行转账',
        idempotencyKey: key,
      });

    await withAuditDown(() => expect(credit()).rejects.toMatchObject(failsOnTheAudit));
    expect(await balanceOf(user.userId)).toBe(0);
    expect(await ledgerOf(user.userId)).toEqual([]);
    expect(await rechargesOf(user.userId)).toEqual([]);
    expect(await answersUnder(key)).toEqual([]);
    expect(await auditOf(user.userId)).toEqual([]);

    // The retry, sent twice at once: one move, one record, one answer for both.
    const [first, second] = await Promise.all([credit(), credit()]);
    expect(second).toEqual(first);
    expect(await credit()).toEqual(first);
    expect(await balanceOf(user.userId)).toBe(10_000);
    expect(await ledgerOf(user.userId)).toEqual([['recharge', 10_000]]);
    expect(await rechargesOf(user.userId)).toHaveLength(1);
    expect(await answersUnder(key)).toHaveLength(1);
    expect(await auditOf(user.userId)).toEqual([
      ['wallet.credit', { balanceFen: 0 }, { balanceFen: 10_000 }],
    ]);
  });

  it('records each of several moves made at once on one wallet with the balances on either side of it', async () => {
    const user = await loginBySms(t);
    const amounts = [1_000, 2_000, 3_000, 4_000];
    // Each dialog its own key, as when operators credit one wallet at the same moment.
    await Promise.all(
      amounts.map((amountFen) =>
        admin.wallet.credit.mutate({ userId: user.userId, amountFen, idempotencyKey: newKey() }),
      ),
    );
    const records = (await auditOf(user.userId)).map(([, before, after]) => [
      (before as { balanceFen: number }).balanceFen,
      (after as { balanceFen: number }).balanceFen,
    ]);
    // Read oldest first, the records chain: each starts where the one before it ended.
    const chain = records.reverse();
    const moved = chain.map(([before, after]) => (after ?? 0) - (before ?? 0));
    expect(moved.sort((a, b) => a - b)).toEqual(amounts);
    expect(chain.map(([before]) => before)).toEqual([0, ...chain.slice(0, -1).map(([, after]) => after)]);
    expect(chain.at(-1)?.[1]).toBe(10_000);
  });

  it('takes no money on a withdrawal whose audit record fails, and withdraws once when retried with its key', async () => {
    const user = await loginBySms(t);
    await admin.wallet.credit.mutate({ userId: user.userId, amountFen: 5_000 });
    const key = newKey();
    const withdraw = () =>
      admin.wallet.withdraw.mutate({ userId: user.userId, amountFen: 2_000, idempotencyKey: key });

    await withAuditDown(() => expect(withdraw()).rejects.toMatchObject(failsOnTheAudit));
    expect(await balanceOf(user.userId)).toBe(5_000);
    expect(await ledgerOf(user.userId)).toEqual([['recharge', 5_000]]);
    expect(await answersUnder(key)).toEqual([]);
    expect(await auditOf(user.userId)).toEqual([['wallet.credit', { balanceFen: 0 }, { balanceFen: 5_000 }]]);

    expect(await Promise.all([withdraw(), withdraw(), withdraw()])).toEqual([
      { balanceFen: 3_000 },
      { balanceFen: 3_000 },
      { balanceFen: 3_000 },
    ]);
    expect(await balanceOf(user.userId)).toBe(3_000);
    expect(await ledgerOf(user.userId)).toEqual([
      ['withdrawal', -2_000],
      ['recharge', 5_000],
    ]);
    expect(await answersUnder(key)).toHaveLength(1);
    expect(await auditOf(user.userId)).toEqual([
      ['wallet.withdraw', { balanceFen: 5_000 }, { balanceFen: 3_000 }],
      ['wallet.credit', { balanceFen: 0 }, { balanceFen: 5_000 }],
    ]);
  });

  it('leaves a demand pending when the audit record of its review fails', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, owner);
    const review = () => admin.demands.review.mutate({ id: demandId, approve: true });

    await withAuditDown(() => expect(review()).rejects.toMatchObject(failsOnTheAudit));
    expect((await admin.admin.demand.query({ id: demandId })).demand.review).toBe('pending');
    expect(await auditOf(owner.userId)).toEqual([]);

    await review();
    expect((await admin.admin.demand.query({ id: demandId })).demand.review).toBe('approved');
    expect(await auditOf(owner.userId)).toEqual([
      [
        'demands.review',
        { review: 'pending', reason: '', paid: false },
        { review: 'approved', reason: '', paid: false },
      ],
    ]);
  });

  it('leaves a verification pending and its user unverified when the audit record of its approval fails', async () => {
    const person = await loginBySms(t);
    await post(t, person, '/user/info/person', { name: '钱七', code: idNumber() });
    const mine = createClient({ url, token: person.token });
    const approve = () =>
      admin.account.reviewVerification.mutate({ userId: person.userId, kind: 'person', decision: 'approve' });

    await withAuditDown(() => expect(approve()).rejects.toMatchObject(failsOnTheAudit));
    expect((await mine.account.getMyVerifications.query()).person?.status).toBe('pending');
    expect((await admin.admin.user.query({ userId: person.userId })).profile.verified).toBe(false);
    expect(await auditOf(person.userId)).toEqual([]);

    await approve();
    expect((await mine.account.getMyVerifications.query()).person?.status).toBe('approved');
    expect((await admin.admin.user.query({ userId: person.userId })).profile.verified).toBe(true);
    expect(await auditOf(person.userId)).toEqual([
      [
        'account.reviewVerification',
        { status: 'pending', rejectReason: '' },
        { status: 'approved', rejectReason: '' },
      ],
    ]);
  });

  it('leaves an invoice request unissued when the audit record of its issue fails', async () => {
    const user = await loginBySms(t);
    const { rechargeId } = await admin.wallet.credit.mutate({ userId: user.userId, amountFen: 8_800 });
    const asked = await legacyPost(t.app, '/user/bill_log/add', {
      ...checkFields(user),
      inverst_id: String(rechargeId),
    });
    expect(asked.body.res).toBe(1);
    const request = async () =>
      (await admin.billing.invoicesToIssue.query({})).items.find((item) => item.rechargeId === rechargeId);
    const invoiceRequestId = (await request())?.id as number;
    const issue = () => admin.billing.markInvoiceIssued.mutate({ invoiceRequestId });

    await withAuditDown(() => expect(issue()).rejects.toMatchObject(failsOnTheAudit));
    expect(await request()).toMatchObject({ id: invoiceRequestId, issued: false, issuedAt: null });
    expect((await auditOf(user.userId)).map(([action]) => action)).toEqual(['wallet.credit']);

    await issue();
    expect(await request()).toBeUndefined();
    expect(await auditOf(user.userId)).toContainEqual([
      'billing.markInvoiceIssued',
      { issued: false },
      { issued: true },
    ]);
  });

  it('makes no admin, nor an account, when the audit record of create-admin fails', async () => {
    const user = await loginBySms(t);
    const newcomer = randomPhone();
    const isAdmin = async (userId: number) => (await admin.admin.user.query({ userId })).profile.isAdmin;

    await withAuditDown(async () => {
      await expect(
        runAdmin(t, 'create-admin', { phone: user.phone, password: 'admin-pass-3' }),
      ).rejects.toThrow('audit unavailable');
      await expect(
        runAdmin(t, 'create-admin', { phone: newcomer, password: 'admin-pass-3' }),
      ).rejects.toThrow('audit unavailable');
    });
    expect(await isAdmin(user.userId)).toBe(false);
    expect(await admin.admin.findUsers.query({ query: newcomer })).toEqual([]);
    expect(await auditOf(user.userId)).toEqual([]);

    await runAdmin(t, 'create-admin', { phone: user.phone, password: 'admin-pass-3' });
    expect(await isAdmin(user.userId)).toBe(true);
    expect(await auditOf(user.userId)).toEqual([['user.grantAdmin', { isAdmin: false }, { isAdmin: true }]]);
  });
});
