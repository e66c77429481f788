import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, AdminActions } from '../../../server/src/features/admin/admin-actions.js';
import type { Services } from '../../../server/src/services.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { eventually } from '../../support/eventually.js';
import { legacyPost } from '../../support/legacy-client.js';
import { postDemand } from '../../support/marketplace-flow.js';
import { openServices } from '../../support/services.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, post } from '../account/account-fixtures.js';

/**
 * The audit record's state before an admin action is the state the action changed: another change
 * landing between the operator's click and the action's transaction (the owner paying the demand
 * an operator is rejecting) shows in it, and what the record says moved is what moved. The other
 * change is made, through the public services, as the action calls into its service: after the
 * action has begun, before its transaction has.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('the state before an admin action ($name)', (backend) => {
  let t: TestApp;
  let services: Services;
  let closeServices: () => Promise<void>;
  let actor: Actor;
  beforeAll(async () => {
    t = await startTestApp(backend);
    ({ services, close: closeServices } = await openServices(t));
    actor = { adminId: (await adminSession(t)).userId };
  }, 60_000);
  afterAll(async () => {
    await closeServices();
    await t.close();
  });

  /** Admin actions whose `feature` runs `first` each time `method` is called, then the call itself. */
  const actionsWith = <K extends 'demands' | 'money' | 'verifications' | 'billing' | 'users'>(
    feature: K,
    method: keyof Services[K],
    first: () => Promise<unknown>,
  ) => {
    const service = services[feature];
    const original = service[method] as (...args: unknown[]) => Promise<unknown>;
    const changedFirst = Object.assign(Object.create(service) as Services[K], {
      [method]: async (...args: unknown[]) => {
        await first();
        return original.apply(service, args);
      },
    });
    return new AdminActions(t.clock, { ...services, [feature]: changedFirst });
  };

  it('shows a demand rejected just after its owner paid it as paid before the rejection', async () => {
    const { owner, demandId, pay } = await demandPayableBy(t, services);

    await actionsWith('demands', 'review', pay).reviewDemand(actor, {
      id: demandId,
      approve: false,
      reason: '信息不全',
    });

    // The rejection gave the payment back: the record says so.
    expect(await services.money.balance(owner.userId)).toBe(30_000);
    expect(await auditRecords(services, owner.userId)).toEqual([
      [
        'demands.review',
        { review: 'pending', reason: '', paid: true },
        { review: 'rejected', reason: '信息不全', paid: false },
      ],
    ]);
  });

  it('shows the escrow returned just after the owner paid it as held before the return', async () => {
    const { owner, demandId, pay } = await demandPayableBy(t, services);

    const { refundedFen } = await actionsWith('money', 'returnEscrow', pay).returnEscrow(actor, {
      id: demandId,
    });

    expect(refundedFen).toBe(30_000);
    expect(await auditRecords(services, owner.userId)).toEqual([
      [
        'demands.returnEscrow',
        { paid: true, settled: false, escrowFen: 30_000 },
        { paid: false, settled: false, escrowFen: 0 },
      ],
    ]);
  });

  it('shows a verification approved just after its user resubmitted it as pending before the approval', async () => {
    const user = await loginBySms(t);
    await post(t, user, '/user/info/person', { name: '周九', code: idNumber() });
    await services.adminActions.reviewVerification(actor, {
      userId: user.userId,
      kind: 'person',
      decision: 'reject',
      reason: '照片不清晰',
    });
    const resubmit = async () => {
      const sent = await post(t, user, '/user/info/person', { name: '周九' });
      expect(sent.body.res, sent.body.err).toBe(1);
    };

    await actionsWith('verifications', 'review', resubmit).reviewVerification(actor, {
      userId: user.userId,
      kind: 'person',
      decision: 'approve',
    });

    expect((await auditRecords(services, user.userId))[0]).toEqual([
      'account.reviewVerification',
      { status: 'pending', rejectReason: '' },
      { status: 'approved', rejectReason: '' },
    ]);
  });

  it('records an invoice request marked issued by another operator meanwhile once, by the one who issued it', async () => {
    const user = await loginBySms(t);
    const { rechargeId } = await services.money.recharge(user.userId, 8_800);
    const asked = await post(t, user, '/user/bill_log/add', { inverst_id: String(rechargeId) });
    expect(asked.body.res, asked.body.err).toBe(1);
    const requests = await services.billing.invoiceRequests(
      { userId: user.userId },
      { page: 1, perPage: 10 },
    );
    const invoiceRequestId = requests.items[0]?.id as number;
    const otherOperator = () => services.adminActions.markInvoiceIssued(actor, invoiceRequestId);

    await expect(
      actionsWith('billing', 'markIssued', otherOperator).markInvoiceIssued(actor, invoiceRequestId),
    ).rejects.toMatchObject({ appCode: 'INVOICE_ALREADY_ISSUED' });
    expect(await auditRecords(services, user.userId)).toEqual([
      ['billing.markInvoiceIssued', { issued: false }, { issued: true }],
    ]);
  });

  it('shows an account made an admin by another grant meanwhile as an admin before', async () => {
    const user = await loginBySms(t);
    // The other grant goes straight to the service: only the action under test is recorded.
    const otherGrant = () => services.users.grantAdmin(user.phone, 'another-hash');

    await actionsWith('users', 'grantAdmin', otherGrant).grantAdmin(actor, user.phone, 'a-hash');

    expect(await auditRecords(services, user.userId)).toEqual([
      ['user.grantAdmin', { isAdmin: true }, { isAdmin: true }],
    ]);
  });
});

/**
 * The same on MySQL, with the payment really in progress as the action starts: the payment holds
 * the demand's lock and waits on the owner's wallet, which the test holds. The action must wait for
 * the demand's lock before it reads what it changes; a read ahead of the lock, in its transaction
 * or before it, would not see the payment, which has not committed yet.
 */
const withRowLocks = stores.filter((backend) => backend.name !== 'embedded');

describe.each(withRowLocks)('the state before an admin action waiting on a payment ($name)', (backend) => {
  let t: TestApp;
  let services: Services;
  let closeServices: () => Promise<void>;
  let actor: Actor;
  beforeAll(async () => {
    // A database of its own, so that the only lock waits in it are this test's.
    t = await startTestApp(withPrivateDatabase(backend));
    ({ services, close: closeServices } = await openServices(t));
    actor = { adminId: (await adminSession(t)).userId };
  }, 60_000);
  afterAll(async () => {
    await closeServices();
    await t.close();
  });

  /** Transactions of this database waiting on a row lock. */
  const lockWaits = async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.innodb_trx w
      join information_schema.processlist p on p.id = w.trx_mysql_thread_id
      where w.trx_state = 'LOCK WAIT' and p.db = database()`.execute(t.stores.database.db);
    return Number(rows[0]?.n);
  };

  it.each([
    {
      action: 'demands.review',
      act: (id: number) =>
        services.adminActions.reviewDemand(actor, { id, approve: false, reason: '信息不全' }),
      before: { review: 'pending', reason: '', paid: true },
      after: { review: 'rejected', reason: '信息不全', paid: false },
    },
    {
      action: 'demands.returnEscrow',
      act: (id: number) => services.adminActions.returnEscrow(actor, { id }),
      before: { paid: true, settled: false, escrowFen: 30_000 },
      after: { paid: false, settled: false, escrowFen: 0 },
    },
  ])('reads the demand for $action once the payment in progress has committed', async (action) => {
    const { owner, demandId, pay } = await demandPayableBy(t, services);
    const holder = await t.stores.database.db.startTransaction().execute();
    let paying: Promise<void> | undefined;
    let acting: Promise<unknown> | undefined;
    try {
      await sql`select user_id from wallets where user_id = ${owner.userId} for update`.execute(holder);
      paying = pay();
      await eventually(lockWaits, (waiting) => waiting === 1);
      acting = action.act(demandId);
      await eventually(lockWaits, (waiting) => waiting === 2);
    } finally {
      await holder.commit().execute();
    }
    await paying;
    await acting;

    expect(await services.money.balance(owner.userId)).toBe(30_000);
    expect(await auditRecords(services, owner.userId)).toEqual([
      [action.action, action.before, action.after],
    ]);
  });
});

/** A demand awaiting review whose owner has its price (300 yuan) in the wallet, and pays it with `pay`. */
async function demandPayableBy(t: TestApp, services: Services) {
  const owner = await loginBySms(t, undefined, 2);
  const demandId = await postDemand(t, owner, { price: '300.00' });
  await services.money.recharge(owner.userId, 30_000);
  const pay = async () => {
    const paid = await legacyPost(t.app, '/user/goods/goodspay', {
      ...checkFields(owner),
      id: String(demandId),
    });
    expect(paid.body.res, paid.body.err).toBe(1);
  };
  return { owner, demandId, pay };
}

/** The user's audit records, newest first: action, state before, state after. */
async function auditRecords(services: Services, userId: number) {
  const { items } = await services.admin.auditLog({ userId, page: 1, perPage: 100 });
  return items.map((entry) => [entry.action, entry.before, entry.after]);
}
