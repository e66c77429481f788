import { describe, expect, it } from 'vitest';
import { ledgerProblems } from '../../server/src/legacy-import/checks.js';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { loginByPassword, loginBySms } from '../support/auth-flow.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import { uploadFile } from '../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import { randomIp, type TestApp } from '../support/test-app.js';
import { demandFiles, expected, fillOldDatabase, importedBalancesFen, old } from './old-data.js';
import { importForSuite, runImport } from './run-import.js';

/** What the deployed client reads of a row of the owner's `/user/goods/index`. */
interface OwnDemandRow {
  readonly id: number;
  readonly order_id: string;
  readonly order_id_ok: ReadonlyArray<{ id: number; state: string; pay: string; price: number }>;
}

const counts = (report: ImportReport) =>
  Object.fromEntries(
    report.tables.map((t) => [
      t.name,
      { imported: t.imported, refused: t.refusals.map((r) => Number(r.id)) },
    ]),
  );

// The old database is MySQL whatever the new one is: without a MySQL server there is none to import.
describe.skipIf(!testDatabaseUrl).each(backends)('importing the old backend ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;
  const post = (path: string, user: { id: number; token: string }, fields: Record<string, unknown> = {}) =>
    legacyPost(t.app, path, { user_id_check: String(user.id), token_check: user.token, ...fields });

  importForSuite(backend, fillOldDatabase, (imported) => ({ legacy, t, report } = imported));

  it('imports every table and refuses the broken rows, each with its reason', () => {
    expect(counts(report)).toEqual(expected);
    const reasons = Object.fromEntries(report.tables.map((table) => [table.name, table.refusals]));
    expect(reasons.users).toEqual([
      { id: 8, reason: 'bad phone "1380013800"' },
      { id: 12, reason: `phone ${old.person.phone} belongs to user 5 too` },
    ]);
    expect(reasons.goods_order).toContainEqual({
      id: 205,
      reason: 'demand 999 was not imported (not in the old database)',
    });
    expect(reasons.goods).toContainEqual({ id: 105, reason: 'user 8 was not imported (refused, see users)' });
    expect(reasons.user_geti_hehuoren).toEqual([
      { id: 3, reason: 'individual business 99 was not imported (not in the old database)' },
    ]);
    expect(reasons.goods).toContainEqual({
      id: 106,
      reason: 'price is no amount of yuan with at most 2 decimals: "99.999"',
    });
    expect(reasons.account).toContainEqual({
      id: 3,
      reason: 'amount is no amount of yuan with at most 2 decimals: "12.345"',
    });
    expect(reasons.user_person).toContainEqual({ id: 5, reason: 'jtime is no time: "下个月"' });
    expect(reasons.bill_log).toEqual([
      { id: 3, reason: 'no invoiced recharge of user 3 over 777.00 yuan is left for it' },
    ]);
    expect(report.refusalCount).toBe(15);
    expect(report.ledgerProblems).toEqual([]);
    expect(report.escrowFen).toBe(old.openDemand.escrowFen);
    expect(report.format()).toContain(
      'wallets: old account total 4017.845 yuan = 4000.50 imported + 0.00 imported before + 17.345 refused',
    );
    const notes = Object.fromEntries(
      report.tables.map((table) => [table.name, Object.fromEntries(table.notes)]),
    );
    expect(notes.users).toMatchObject({
      'no password: logs in by SMS code': 2,
      'password in an unrecognised format (or bcrypt above cost 12) not kept: logs in by SMS code': 1,
      'token shorter than 16 characters not kept: logs in again': 1,
      'token held by another account too, not kept: logs in again': 2,
    });
    expect(notes.goods_order).toEqual({ "state disagrees with the demand's order_id: order_id decides": 1 });
    // Each note names its rows, so the operator can look them up in the old database.
    const text = report.format();
    expect(text).toContain(
      "\n  goods_order: state disagrees with the demand's order_id: order_id decides (1: 206)\n",
    );
    expect(text).toContain(
      '\n  users: token held by another account too, not kept: logs in again (2: 11, 16)\n',
    );
    expect(Object.keys(notes.goods ?? {})).toHaveLength(1);
    expect(report.files).toMatchObject({ copied: 0, external: 14, refusals: [] });
  });

  it('keeps old logins: an old token reads /user/info/info', async () => {
    const info = await post('/user/info/info', { id: old.company.id, token: old.company.token });
    expect(info.body).toMatchObject({
      res: 1,
      data: {
        id: old.company.id,
        token: old.company.token,
        phone: old.company.phone,
        usertype: '企业用户',
        userstate: '已认证',
        balance: 1000.5,
        face: old.company.face,
        address: '上海市,浦东新区,张江高科',
        company: {
          name: '上海某某网络科技有限公司',
          state: '通过',
          pic: '/uploads/company/20190301/licence.jpg',
        },
      },
    });
    // Only for its own user, and only a token that was imported.
    expect((await post('/user/info/info', { id: old.person.id, token: old.company.token })).body.res).toBe(0);
    expect((await post('/user/info/info', { id: 10, token: 'abc' })).body.err).toBe('没有登录或状态过期');
    for (const id of [11, 16]) {
      expect((await post('/user/info/info', { id, token: 'shared-token-0123456789' })).body.res).toBe(0);
    }

    const person = await post('/user/info/info', { id: old.person.id, token: old.person.token });
    expect(person.body.data).toMatchObject({
      usertype: '个人用户',
      balance: 3000,
      name: '张三',
      pic: `${old.person.idFront},${old.person.idBack}`,
      person: {
        state: '通过',
        jtime: '2019-03-01 00:00:00,2019-12-31 00:00:00',
        money: 300,
        des: '五年经验\n熟悉ThinkPHP',
      },
    });
    const business = await post('/user/info/info', { id: old.business.id, token: old.business.token });
    expect(business.body.data).toMatchObject({
      geti: {
        name: '张记小吃店',
        zhiben: 10.5,
        hesuan: '独立核算',
        state: '通过',
        hehuo: [
          { hehuoren_name: '合伙人甲', hehuoren_code: '110105194912310037' },
          { hehuoren_name: '合伙人乙', hehuoren_code: '11010519491231002X' },
        ],
      },
    });
  });

  it('ends an imported token with the others when the password is reset', async () => {
    const first = await post('/user/info/info', { id: old.designer.id, token: old.designer.token });
    expect(first.body.res).toBe(1);
    const ip = randomIp();
    expect(
      (await legacyPost(t.app, '/index/api/sms', { phone: old.business.phone }, 'json', { ip })).body.res,
    ).toBe(1);
    const reset = await legacyPost(
      t.app,
      '/index/api/getpwd',
      { phone: old.business.phone, code: t.sms.lastCodeFor(old.business.phone), newpwd: 'new-password-15' },
      'json',
      { ip },
    );
    expect(reset.body.res).toBe(1);
    expect((await post('/user/info/info', { id: old.business.id, token: old.business.token })).body.res).toBe(
      0,
    );
  });

  it('accepts an old MD5, SHA-1 or bcrypt password once and rehashes it to argon2id', async () => {
    const hashOf = async (id: number) =>
      (
        await t.stores.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    expect(await hashOf(old.company.id)).toMatch(/^\$legacy-md5\$[0-9a-f]{32}$/);
    const login = (phone: string, password: string) => loginByPassword(t, phone, password);

    expect((await login(old.company.phone, 'wrong-password')).body.err).not.toBe('');
    expect(await hashOf(old.company.id)).toMatch(/^\$legacy-md5\$/);
    const answer = await login(old.company.phone, old.company.password);
    expect(answer.body).toMatchObject({ res: 1, data: { user_id: old.company.id } });
    expect(await hashOf(old.company.id)).toMatch(/^\$argon2id\$/);
    expect((await login(old.company.phone, old.company.password)).body.res).toBe(1);

    expect((await login(old.person.phone, old.person.password)).body.res).toBe(1);
    expect((await login(old.designer.phone, old.designer.password)).body.res).toBe(1);
    expect(await hashOf(old.person.id)).toMatch(/^\$argon2id\$/);
    expect(await hashOf(old.designer.id)).toMatch(/^\$argon2id\$/);

    // A password kept in clear text was not kept: that user logs in by SMS code.
    expect((await login(old.plainPassword.phone, old.plainPassword.password)).body.res).toBe(0);
    expect(await hashOf(old.plainPassword.id)).toBeNull();
    const bySms = await loginBySms(t, old.plainPassword.phone);
    expect(bySms.userId).toBe(old.plainPassword.id);
  });

  it('lists the imported demands publicly with their old ids, order numbers and selections', async () => {
    const list = await legacyPost(t.app, '/index/goods/index', { limit: 100 });
    const rows = (list.body.data as { data: Array<Record<string, unknown>> }).data;
    expect(rows.map((row) => row.id)).toEqual([107, 104, 102, 101]);
    expect(rows.find((row) => row.id === 101)).toMatchObject({
      goodsid: old.openDemand.goodsid,
      title: '企业官网开发',
      titletype: '兼职',
      price: 5000,
      pricetype: '月结',
      pay: '已经支付',
      suan: '未结算',
      order_id: '201,202',
      timeb: '2019-03-01 08:00:00',
      file: `${demandFiles.spec},${demandFiles.sketch}`,
    });
    expect(rows.find((row) => row.id === 104)).toMatchObject({
      pay: '已经支付',
      suan: '已结算',
      order_id: '204',
    });
    expect(String(rows.find((row) => row.id === 107)?.goodsid)).toMatch(/^\d{8}00000107$/);
    const info = await legacyPost(t.app, '/index/goods/goodsinfo', { id: 101 });
    expect(info.body.data).toMatchObject({
      id: 101,
      order_sum: 3,
      companyinfo: { name: '上海某某网络科技有限公司' },
      files: [
        { id: 1, url: demandFiles.spec },
        { id: 3, url: demandFiles.sketch },
      ],
    });
    const other = await legacyPost(t.app, '/index/goods/goodsinfo', { id: 102 });
    expect(other.body.data).toMatchObject({
      id: 102,
      title: '宣传海报设计',
      price: 800.5,
      titletype: '全职',
      order_sum: 2,
    });
  });

  it("filters an owner's imported demands as the client asks: show=0 finds the unreviewed ones", async () => {
    // User 11 lost its token (another account held it too) and logs in by SMS code.
    const session = await loginBySms(t, old.secondCompany.phone);
    expect(session.userId).toBe(old.secondCompany.id);
    const owner = { id: session.userId, token: session.token };
    const ids = async (fields: Record<string, unknown>) =>
      (
        (await post('/user/goods/index', owner, fields)).body.data as { data: Array<{ id: number }> }
      ).data.map((row) => row.id);
    expect(await ids({ show: '0' })).toEqual([103]);
    expect(await ids({ show: '1' })).toEqual([107]);
    expect(await ids({ show: ' ', pay: '0' })).toEqual([107, 103]);
  });

  it('shows applications, resumes and invoices as the old apps read them', async () => {
    const mine = await post('/user/goods_order/index', { id: old.person.id, token: old.person.token });
    const applications = (mine.body.data as { data: Array<Record<string, unknown>> }).data;
    expect(applications.find((a) => a.id === 201)).toMatchObject({
      goods_id: 101,
      msg: '我有五年经验',
      state: '锁定',
      pay: '已支付',
      ok: '已完结',
      price: 3000,
      over: '/uploads/over/a1.png,/uploads/over/a2.png',
      source: '/uploads/source/a.zip',
      time: '2019-03-02 08:00:00',
    });
    const skills = await post('/user/user_person_ji/index', { id: old.person.id, token: old.person.token });
    expect(skills.body.data).toMatchObject({ total: 2 });
    const bills = await post('/user/bill_log/index', { id: old.company.id, token: old.company.token });
    expect(bills.body.data).toMatchObject({ total: 1, data: [{ id: 1, price: 1000.5, isbill: '未开票' }] });
    // Made out to the company verified as imported; the person (user 5) has none.
    const titles = await t.stores.database.db
      .selectFrom('invoice_requests')
      .select(['id', 'title'])
      .orderBy('id')
      .execute();
    expect(titles).toEqual([
      { id: 1, title: '上海某某网络科技有限公司' },
      { id: 2, title: null },
    ]);
    const recharges = await post('/user/invest_log/index', { id: old.company.id, token: old.company.token });
    expect(recharges.body.data).toMatchObject({ total: 2 });
  });

  it('lets an imported employer select and pay imported applicants from the imported escrow, to the fen', async () => {
    // The employer goes on with the token its app kept from the old backend; the applicant logs in
    // with the password it had there.
    const owner = { id: old.company.id, token: old.company.token };
    const login = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: old.latecomer.phone, password: old.latecomer.password },
      'json',
      { ip: randomIp() },
    );
    expect(login.body).toMatchObject({ res: 1, data: { user_id: old.latecomer.id } });
    const applicant = { id: old.latecomer.id, token: (login.body.data as { token: string }).token };
    const demand = old.openDemand;
    const selection = `201,202,${demand.unselectedApplication}`;

    const chosen = await post('/user/goods/ok', owner, { goods_id: String(demand.id), order_id: selection });
    expect(chosen.body).toMatchObject({ res: 1 });
    const ownRow = async () => {
      const list = await post('/user/goods/index', owner);
      const rows = (list.body.data as { data: OwnDemandRow[] }).data;
      return rows.find((row) => row.id === demand.id) as OwnDemandRow;
    };
    // What escrow still holds (2000 of 5000) is shared anew among the selected ones not paid yet.
    const selected = await ownRow();
    expect(selected.order_id).toBe(selection);
    expect(selected.order_id_ok.map((a) => [a.id, a.state, a.pay, a.price])).toEqual([
      [201, '锁定', '已支付', 3000],
      [202, '锁定', '未支付', 1000],
      [208, '锁定', '未支付', 1000],
    ]);

    // The applicant sees the selection, and delivers with uploads of its own.
    const mine = await post('/user/goods_order/info', applicant, { id: demand.unselectedApplication });
    expect(mine.body.data).toMatchObject({ state: '锁定', price: 1000, goodsinfo: { order_id: selection } });
    const session = { userId: applicant.id, token: applicant.token, phone: old.latecomer.phone };
    const delivered = await post('/user/goods_order/ok', applicant, {
      id: demand.unselectedApplication,
      over: await uploadFile(t, session, samplePng(), 'preview.png'),
      source: await uploadFile(t, session, sampleZip(), 'result.zip'),
    });
    expect(delivered.body).toMatchObject({ res: 1 });

    // The employer pays each with the row's price, as the client sends it; the last one settles.
    for (const application of (await ownRow()).order_id_ok.filter((a) => a.pay === '未支付')) {
      const paid = await post('/user/goods/pay', owner, { id: application.id, price: application.price });
      expect(paid.body, `application ${application.id}`).toMatchObject({ res: 1 });
    }
    expect((await post('/user/goods/info', owner, { id: demand.id })).body.data).toMatchObject({
      pay: '已经支付',
      suan: '已结算',
    });
    const balance = async (user: { id: number; token: string }) =>
      (await post('/user/info/info', user)).body.data as { balance: number };
    expect(await balance(applicant)).toMatchObject({ balance: 1000 });
    // The designer's old balance (12.345) was refused; the wallet holds the payout alone.
    expect(await balance({ id: old.designer.id, token: old.designer.token })).toMatchObject({
      balance: 1000,
    });
    expect(await balance(owner)).toMatchObject({ balance: 1000.5 });

    // Every wallet and escrow together: what the import opened from the old data, plus what was
    // recharged since, minus what was withdrawn, to the fen.
    const db = t.stores.database.db;
    const sumOf = async (query: Promise<{ n: number | string | null } | undefined>) =>
      Number((await query)?.n ?? 0);
    const held =
      (await sumOf(
        db
          .selectFrom('wallets')
          .select((eb) => eb.fn.sum<number>('balance_fen').as('n'))
          .executeTakeFirst(),
      )) +
      (await sumOf(
        db
          .selectFrom('demands')
          .select((eb) => eb.fn.sum<number>('escrow_fen').as('n'))
          .executeTakeFirst(),
      ));
    const moved = (column: 'from_account' | 'to_account', account: string) =>
      sumOf(
        db
          .selectFrom('ledger_entries')
          .select((eb) => eb.fn.sum<number>('amount_fen').as('n'))
          .where(column, '=', account)
          .executeTakeFirst(),
      );
    const opened = await moved('from_account', 'imported');
    expect(opened).toBe(importedBalancesFen + old.openDemand.escrowFen);
    expect(held).toBe(
      opened + (await moved('from_account', 'outside')) - (await moved('to_account', 'outside')),
    );
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('balances match the old account table, and the imported account opened them all', async () => {
    const db = t.stores.database.db;
    const entries = await db
      .selectFrom('ledger_entries')
      .select(['kind', 'from_account', 'to_account', 'amount_fen'])
      .where('kind', '=', 'opening')
      // By account, not by id: demands (escrow) and wallets are imported side by side, in either order.
      .orderBy('to_account')
      .execute();
    expect(entries.map((e) => [e.from_account, e.to_account, Number(e.amount_fen)])).toEqual([
      ['imported', 'escrow:101', 200_000],
      ['imported', 'wallet:3', 100_050],
      ['imported', 'wallet:5', 300_000],
    ]);
    const wallets = await db
      .selectFrom('wallets')
      .select(['user_id', 'balance_fen'])
      .where('user_id', 'in', [3, 5, 11])
      .execute();
    expect(wallets.reduce((sum, w) => sum + Number(w.balance_fen), 0)).toBe(importedBalancesFen);
  });

  it('lets an owner resubmit a record with its old (external) file URLs, and nobody else use them', async () => {
    const person = { id: old.person.id, token: old.person.token };
    const again = await post('/user/info/person', person, {
      pic: `${old.person.idFront},${old.person.idBack}`,
      picf: old.person.idBack,
    });
    expect(again.body).toMatchObject({ res: 1 });
    const info = await post('/user/info/info', person);
    expect(info.body.data).toMatchObject({
      pic: `${old.person.idFront},${old.person.idBack}`,
      person: { state: '通过' },
    });
    const stranger = { id: old.designer.id, token: old.designer.token };
    const taken = await post('/user/info/person', stranger, { pic: old.person.idFront });
    expect(taken.body).toMatchObject({ res: 0 });
  });

  it('continues ids above the imported ones', async () => {
    const owner = { id: old.company.id, token: old.company.token };
    const added = await post('/user/goods/add', owner, {
      title: '新的需求',
      titletype: 1,
      price: '100',
      pricetype: 1,
      address: '上海',
      timeb: '2026-12-01',
      timee: '2026-12-31',
      des: '导入之后发布',
    });
    expect(added.body.res).toBe(1);
    expect((added.body.data as { id: number }).id).toBeGreaterThan(107);
    const newcomer = await loginBySms(t);
    expect(newcomer.userId).toBeGreaterThan(16);
  });

  it('imports nothing twice when run again', async () => {
    const db = t.stores.database.db;
    const before = await Promise.all(
      (['users', 'demands', 'applications', 'ledger_entries', 'legacy_files', 'recharges'] as const).map(
        async (table) =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
      ),
    );
    const again = await runImport(t, legacy.url);
    for (const table of again.tables) {
      expect(table.imported, table.name).toBe(0);
      expect(table.skipped, table.name).toBe(expected[table.name as keyof typeof expected].imported);
    }
    expect(again.refusalCount).toBe(report.refusalCount);
    const after = await Promise.all(
      (['users', 'demands', 'applications', 'ledger_entries', 'legacy_files', 'recharges'] as const).map(
        async (table) =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
      ),
    );
    expect(after).toEqual(before);
    expect(again.ledgerProblems).toEqual([]);
  });
});
