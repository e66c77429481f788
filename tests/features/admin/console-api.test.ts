import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { runAdmin } from '../../support/admin-cli.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { apply, fundAndPay, postDemand, rareCjk } from '../../support/marketplace-flow.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, post } from '../account/account-fixtures.js';

/**
 * The admin procedures behind the operators' console, through the SDK as the console calls them,
 * on a database of their own so the queue counts are exact. Redis plays no part beyond sessions,
 * so the cluster backend is left to the suites about the key-value store.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)("the console's admin API ($name)", (backend) => {
  let t: TestApp;
  let url: string;
  let operator: { userId: number; token: string; phone: string };
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(backend));
    url = await listen(t);
    operator = await adminSession(t);
    admin = createClient({ url, token: operator.token });
  }, 60_000);
  afterAll(() => t.close());

  const balanceOf = async (userId: number) => (await admin.admin.user.query({ userId })).balanceFen;
  const auditOf = async (userId: number) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items;

  it('refuses every admin procedure to a user who is not an admin', async () => {
    const user = await loginBySms(t);
    const api = createClient({ url, token: user.token });
    await expect(api.admin.queueCounts.query()).rejects.toMatchObject({ data: { appCode: 'ADMIN_ONLY' } });
    await expect(api.admin.findUsers.query({ query: user.phone })).rejects.toMatchObject({
      data: { appCode: 'ADMIN_ONLY' },
    });
    await expect(api.wallet.withdraw.mutate({ userId: user.userId, amountFen: 1 })).rejects.toMatchObject({
      data: { appCode: 'ADMIN_ONLY' },
    });
    expect(await auditOf(user.userId)).toEqual([]);
  });

  it('counts the queues, shows who posted a pending demand, and records the review', async () => {
    expect(await admin.admin.queueCounts.query()).toEqual({ demands: 0, verifications: 0, invoices: 0 });
    const owner = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, owner);
    const person = await loginBySms(t);
    await post(t, person, '/user/info/person', { name: '赵六', code: idNumber(), money: '200' });
    expect(await admin.admin.queueCounts.query()).toEqual({ demands: 1, verifications: 1, invoices: 0 });

    const queue = await admin.demands.awaitingReview.query({});
    expect(queue.items.map((demand) => [demand.id, demand.poster])).toEqual([
      [
        demandId,
        { id: owner.userId, phone: owner.phone, userType: 'company', verified: false, companyName: null },
      ],
    ]);

    await admin.demands.review.mutate({ id: demandId, approve: true });
    await admin.account.reviewVerification.mutate({
      userId: person.userId,
      kind: 'person',
      decision: 'reject',
      reason: '照片不清晰',
    });
    expect(await admin.admin.queueCounts.query()).toEqual({ demands: 0, verifications: 0, invoices: 0 });

    const [demandReview] = await auditOf(owner.userId);
    expect(demandReview).toMatchObject({
      adminId: operator.userId,
      adminPhone: operator.phone,
      action: 'demands.review',
      targetType: 'demand',
      targetId: demandId,
      userId: owner.userId,
      userPhone: owner.phone,
      before: { review: 'pending', reason: '', paid: false },
      after: { review: 'approved', reason: '', paid: false },
      detail: { id: demandId, approve: true },
    });
    expect(demandReview?.createdAt).toBeInstanceOf(Date);
    expect(await auditOf(person.userId)).toMatchObject([
      {
        action: 'account.reviewVerification',
        targetType: 'verification:person',
        before: { status: 'pending', rejectReason: '' },
        after: { status: 'rejected', rejectReason: '照片不清晰' },
      },
    ]);
    // A decision that changes nothing (the record is no longer pending) is refused and not recorded.
    await expect(admin.demands.review.mutate({ id: demandId, approve: false })).rejects.toMatchObject({
      data: { appCode: 'DEMAND_NOT_PENDING' },
    });
    expect(await auditOf(owner.userId)).toHaveLength(1);
  });

  it('records that rejecting a paid demand made it unpaid, its price back in the wallet', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, owner, { price: '100' });
    await fundAndPay(t, owner, demandId, '100');
    await admin.demands.review.mutate({ id: demandId, approve: false, reason: '信息不全' });
    expect(await balanceOf(owner.userId)).toBe(10_000);

    const reviews = (await auditOf(owner.userId)).filter((entry) => entry.action === 'demands.review');
    // Before: the review and its reason only, so the refund left no trace on the demand's side.
    expect(reviews.map((entry) => [entry.before, entry.after])).toEqual([
      [
        { review: 'pending', reason: '', paid: true },
        { review: 'rejected', reason: '信息不全', paid: false },
      ],
    ]);
  });

  it('credits and withdraws once per key, never below zero, each in the ledger and the audit trail', async () => {
    const user = await loginBySms(t);
    const credit = () =>
      admin.wallet.credit.mutate({
        userId: user.userId,
        amountFen: 10_000,
        note: '银行转账',
        idempotencyKey: 'console-credit-0001',
      });
    const [first, doubleClick] = await Promise.all([credit(), credit()]);
    expect(doubleClick).toEqual(first);
    expect(await balanceOf(user.userId)).toBe(10_000);

    await expect(
      admin.wallet.withdraw.mutate({ userId: user.userId, amountFen: 10_001 }),
    ).rejects.toMatchObject({ data: { appCode: 'BALANCE_TOO_LOW', messageZh: '余额不足' } });
    const withdraw = () =>
      admin.wallet.withdraw.mutate({
        userId: user.userId,
        amountFen: 4_000,
        note: '提现到银行卡',
        idempotencyKey: 'console-withdraw-0001',
      });
    const answers = await Promise.all([withdraw(), withdraw(), withdraw()]);
    expect(answers).toEqual([{ balanceFen: 6_000 }, { balanceFen: 6_000 }, { balanceFen: 6_000 }]);

    const ledger = await admin.admin.ledger.query({ userId: user.userId });
    expect(ledger.items.map((entry) => [entry.kind, entry.amountFen, entry.note])).toEqual([
      ['withdrawal', -4_000, '提现到银行卡'],
      ['recharge', 10_000, '银行转账'],
    ]);
    // Retries are one action each; the refused withdrawal is none.
    expect((await auditOf(user.userId)).map((entry) => [entry.action, entry.before, entry.after])).toEqual([
      ['wallet.withdraw', { balanceFen: 10_000 }, { balanceFen: 6_000 }],
      ['wallet.credit', { balanceFen: 0 }, { balanceFen: 10_000 }],
    ]);

    // Six concurrent withdrawals of 25 yuan from 60: two fit, the others are refused whole.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        admin.wallet.withdraw.mutate({ userId: user.userId, amountFen: 2_500 }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        expect(outcome.reason).toMatchObject({ data: { appCode: 'BALANCE_TOO_LOW' } });
    }
    expect(await balanceOf(user.userId)).toBe(1_000);

    // What the console's dialog refuses, the service refuses too, whoever calls it: nothing rounded.
    for (const amountFen of [0, -100, 10.5, 100_000_000_001, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(
        admin.wallet.credit.mutate({ userId: user.userId, amountFen }),
        String(amountFen),
      ).rejects.toMatchObject({ data: { appCode: 'VALIDATION_FAILED' } });
    }
    expect(await balanceOf(user.userId)).toBe(1_000);

    await expect(admin.wallet.credit.mutate({ userId: 2_000_000_000, amountFen: 100 })).rejects.toMatchObject(
      { data: { appCode: 'NOT_FOUND' } },
    );
    // An unknown account has no history to show, not an empty one.
    await expect(admin.admin.ledger.query({ userId: 2_000_000_000 })).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });
  });

  it('keeps every wallet and escrow equal to recharges minus withdrawals', async () => {
    const db = t.stores.database.db;
    const held = await sql<{ fen: string | number }>`
      select (select coalesce(sum(balance_fen), 0) from wallets)
           + (select coalesce(sum(escrow_fen), 0) from demands) as fen`.execute(db);
    const moved = await sql<{ fen: string | number }>`
      select (select coalesce(sum(amount_fen), 0) from ledger_entries where kind = 'recharge')
           - (select coalesce(sum(amount_fen), 0) from ledger_entries where kind = 'withdrawal') as fen`.execute(
      db,
    );
    expect(Number(held.rows[0]?.fen)).toBeGreaterThan(0);
    expect(Number(held.rows[0]?.fen)).toBe(Number(moved.rows[0]?.fen));
  });

  it('queues invoice requests oldest first with who asked, issues each once, and the user sees 已开票', async () => {
    const company = await loginBySms(t, undefined, 2);
    await post(t, company, '/user/info/company', { name: '开票测试有限公司' });
    await admin.account.reviewVerification.mutate({
      userId: company.userId,
      kind: 'company',
      decision: 'approve',
    });
    const person = await loginBySms(t);
    const rechargeOf = async (userId: number, amountFen: number) =>
      (await admin.wallet.credit.mutate({ userId, amountFen })).rechargeId;
    const [first, second] = [
      await rechargeOf(company.userId, 50_000),
      await rechargeOf(company.userId, 12_345),
    ];
    const personal = await rechargeOf(person.userId, 1_000);
    const ask = (session: typeof company, ids: number[]) =>
      legacyPost(t.app, '/user/bill_log/add', { ...checkFields(session), inverst_id: ids.join(',') });
    expect((await ask(company, [second])).body.res).toBe(1);
    expect((await ask(person, [personal])).body.res).toBe(1);
    expect((await ask(company, [first])).body.res).toBe(1);
    expect((await admin.admin.queueCounts.query()).invoices).toBe(3);

    const queue = await admin.billing.invoicesToIssue.query({});
    expect(queue.total).toBe(3);
    expect(queue.items.map((request) => [request.rechargeId, request.amountFen, request.requester])).toEqual([
      [
        second,
        12_345,
        {
          id: company.userId,
          phone: company.phone,
          userType: 'company',
          verified: true,
          companyName: '开票测试有限公司',
        },
      ],
      [
        personal,
        1_000,
        { id: person.userId, phone: person.phone, userType: 'unknown', verified: false, companyName: null },
      ],
      [first, 50_000, expect.objectContaining({ id: company.userId })],
    ]);
    expect(queue.items.map((request) => request.title)).toEqual([
      '开票测试有限公司',
      null,
      '开票测试有限公司',
    ]);
    // A resubmission, pending again, leaves the invoices made out to the name verified when asked.
    await post(t, company, '/user/info/company', { name: '改名待审有限公司' });
    const resubmitted = (await admin.billing.invoicesToIssue.query({})).items;
    expect(resubmitted.map((request) => [request.title, request.requester?.companyName])).toEqual([
      ['开票测试有限公司', null],
      [null, null],
      ['开票测试有限公司', null],
    ]);

    const issue = (invoiceRequestId: number) => admin.billing.markInvoiceIssued.mutate({ invoiceRequestId });
    const oldest = queue.items[0]?.id as number;
    const outcomes = await Promise.allSettled([issue(oldest), issue(oldest)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    await expect(issue(oldest)).rejects.toMatchObject({
      data: { appCode: 'INVOICE_ALREADY_ISSUED', messageZh: expect.any(String) },
    });
    await expect(issue(2_000_000_000)).rejects.toMatchObject({ data: { appCode: 'NOT_FOUND' } });
    const user = createClient({ url, token: company.token });
    await expect(user.billing.markInvoiceIssued.mutate({ invoiceRequestId: oldest })).rejects.toMatchObject({
      data: { appCode: 'ADMIN_ONLY' },
    });

    expect(
      (await admin.billing.invoicesToIssue.query({})).items.map((request) => request.rechargeId),
    ).toEqual([personal, first]);
    expect((await admin.admin.queueCounts.query()).invoices).toBe(2);
    // The user's own list (the legacy client's 发票 page), newest first: the issued one with its time.
    const listed = await legacyPost(t.app, '/user/bill_log/index', checkFields(company));
    expect(listed.body.data).toMatchObject({
      total: 2,
      data: [
        { price: 500, isbill: '未开票', opentime: '' },
        {
          price: 123.45,
          isbill: '已开票',
          opentime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        },
      ],
    });
    expect(
      (await auditOf(company.userId)).map((entry) => [entry.action, entry.targetId, entry.after]),
    ).toContainEqual(['billing.markInvoiceIssued', oldest, { issued: true }]);

    for (const request of (await admin.billing.invoicesToIssue.query({})).items) await issue(request.id);
    expect((await admin.admin.queueCounts.query()).invoices).toBe(0);
  });

  it('finds accounts by id and phone, and shows one with its demands, applications and money', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const worker = await loginBySms(t);
    const title = `后台${rareCjk(6)}`;
    const demandId = await postDemand(t, owner, { title, price: '100.01' });
    await admin.demands.review.mutate({ id: demandId, approve: true });
    const applicationId = await apply(t, worker, demandId);

    expect((await admin.admin.findUsers.query({ query: String(worker.userId) })).map((u) => u.id)).toContain(
      worker.userId,
    );
    expect(
      (await admin.admin.findUsers.query({ query: worker.phone.slice(0, 9) })).map((u) => u.phone),
    ).toContain(worker.phone);
    expect(await admin.admin.findUsers.query({ query: '张三' })).toEqual([]);
    // LIKE's wildcards are text that is no phone, not patterns that match every phone.
    for (const query of ['%', '1__', `${worker.phone.slice(0, 3)}%`]) {
      expect(await admin.admin.findUsers.query({ query }), query).toEqual([]);
    }

    const shown = await admin.admin.user.query({ userId: owner.userId });
    expect(shown.profile).toMatchObject({ id: owner.userId, phone: owner.phone, userType: 'company' });
    expect(shown.demands.map((d) => [d.id, d.applications.map((a) => a.id)])).toEqual([
      [demandId, [applicationId]],
    ]);
    expect((await admin.admin.user.query({ userId: worker.userId })).applications).toMatchObject([
      { id: applicationId, demand: { id: demandId, title } },
    ]);
    await expect(admin.admin.user.query({ userId: 2_000_000_000 })).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });

    // The demand, found by title, id and order number, opened with its escrow and the selection's share.
    await fundAndPay(t, owner, demandId, '100.01');
    const selected = await legacyPost(t.app, '/user/goods/ok', {
      ...checkFields(owner),
      goods_id: String(demandId),
      order_id: String(applicationId),
    });
    expect(selected.body.res).toBe(1);
    const byTitle = await admin.admin.findDemands.query({ query: title });
    expect(byTitle.items.map((d) => d.id)).toEqual([demandId]);
    const orderNo = byTitle.items[0]?.orderNo as string;
    expect((await admin.admin.findDemands.query({ query: orderNo })).items.map((d) => d.id)).toEqual([
      demandId,
    ]);
    expect(
      (await admin.admin.findDemands.query({ query: String(demandId) })).items.map((d) => d.id),
    ).toContain(demandId);

    const detail = await admin.admin.demand.query({ id: demandId });
    expect(detail.demand).toMatchObject({
      id: demandId,
      paid: true,
      escrowFen: 10_001,
      selectedApplicationIds: [applicationId],
    });
    expect(detail.poster).toMatchObject({ id: owner.userId, phone: owner.phone });
    expect(detail.applications).toMatchObject([
      { id: applicationId, selected: true, allocatedFen: 10_001, paidFen: 0 },
    ]);
    expect(detail.escrowEntries.map((entry) => [entry.kind, entry.amountFen])).toEqual([['escrow', 10_001]]);
    await expect(admin.admin.demand.query({ id: 2_000_000_000 })).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });
  });

  it('finds a title among demands whose ids lie slices apart, one match past the page at a time', async () => {
    const word = rareCjk(5);
    const now = Date.now();
    // Far apart, so the search walks several 32,768-id slices; pending, rejected and approved alike.
    const ids = [150_001, 80_001, 5_001];
    await t.stores.database.db
      .insertInto('demands')
      .values(
        ids.map((id, i) => ({
          id,
          owner_id: operator.userId,
          order_no: `slice-${id}`,
          title: `${word}${i}`,
          title_grams: '',
          kind: 1,
          price_fen: 100,
          settlement: 1,
          address: '深圳',
          work_start: now,
          work_end: now,
          category: '',
          description: '',
          review_state: i,
          review_reason: '',
          paid: 0,
          settled: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const page = (n: number) => admin.admin.findDemands.query({ query: word, page: n, perPage: 1 });
    // Found down to one past the page: the paginator offers the next page while there may be more.
    expect(await page(1)).toMatchObject({ items: [{ id: 150_001 }], total: 2, lastPage: 2 });
    expect(await page(2)).toMatchObject({ items: [{ id: 80_001 }], total: 3, lastPage: 3 });
    expect(await page(3)).toMatchObject({ items: [{ id: 5_001 }], total: 3, lastPage: 3 });
    expect(
      (await admin.admin.findDemands.query({ query: word, perPage: 10 })).items.map((d) => d.id),
    ).toEqual(ids);
  });

  it('withdraws by CLI with the same rule, recorded as the CLI', async () => {
    const user = await loginBySms(t);
    await admin.wallet.credit.mutate({ userId: user.userId, amountFen: 500 });
    expect(await runAdmin(t, 'withdraw', { phone: user.phone, amount: '1.50', note: '线下' })).toBe(
      `withdrew 1.50 yuan from user ${user.userId}; balance 3.50 yuan`,
    );
    await expect(runAdmin(t, 'withdraw', { phone: user.phone, amount: '3.51' })).rejects.toThrow(
      'The wallet balance is too low',
    );
    expect(await balanceOf(user.userId)).toBe(350);
    expect((await auditOf(user.userId))[0]).toMatchObject({
      adminId: null,
      adminPhone: null,
      action: 'wallet.withdraw',
      detail: { amountFen: 150, note: '线下' },
    });
  });

  it('records making an admin by CLI, a new account and an existing one', async () => {
    expect(await auditOf(operator.userId)).toMatchObject([
      { adminId: null, action: 'user.grantAdmin', before: null, after: { isAdmin: true } },
    ]);
    const user = await loginBySms(t);
    await runAdmin(t, 'create-admin', { phone: user.phone, password: 'admin-pass-2' });
    expect(await auditOf(user.userId)).toMatchObject([
      {
        action: 'user.grantAdmin',
        targetId: user.userId,
        before: { isAdmin: false },
        after: { isAdmin: true },
      },
    ]);
  });

  it('keeps the audit trail append-only, in the database itself', async () => {
    const db = t.stores.database.db;
    await expect(db.updateTable('admin_actions').set({ action: 'forged' }).execute()).rejects.toThrow(
      /immutable/,
    );
    await expect(db.deleteFrom('admin_actions').execute()).rejects.toThrow(/immutable/);
  });

  it('finds an account by a phone as people write it, and by an id that is also a phone prefix', async () => {
    const now = Date.now();
    const account = (id: number, phone: string) => ({
      ...{ id, phone, password_hash: null, usertype: 1, userstate: 0, is_admin: 0 },
      ...{ email: '', face: '', address: '', created_at: now, updated_at: now },
    });
    // Account 139, and 21 newer ones whose phones start with 139: the id's account comes first.
    await t.stores.database.db
      .insertInto('users')
      .values([
        account(139, '15000000139'),
        ...Array.from({ length: 21 }, (_, i) => account(5000 + i, `139000050${String(i).padStart(2, '0')}`)),
      ])
      .execute();
    const found = await admin.admin.findUsers.query({ query: '139' });
    expect(found).toHaveLength(20);
    expect(found[0]?.id).toBe(139);
    expect(found.slice(1).map((u) => u.id)).toEqual(Array.from({ length: 19 }, (_, i) => 5020 - i));

    const phone = '13900005007';
    const fullWidth = [...phone].map((digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)).join('');
    for (const query of ['139 0000 5007', '139-0000-5007', `+86 ${phone}`, fullWidth]) {
      expect(
        (await admin.admin.findUsers.query({ query })).map((u) => u.phone),
        query,
      ).toEqual([phone]);
    }
  });
});
