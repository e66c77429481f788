import { describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../client-sdk/index.js';
import { appCodeOf } from '../support/app-codes.js';
import { adminSession, checkFields, loginBySms } from '../support/auth-flow.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import { listen, type TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * Old applications paid (`pay` = 1) that their demand's `order_id` does not list. The service pays
 * only selected applications, but the import keeps old rows as they are: such a payment's
 * application must stay, and its demand must not become unpaid (then deletable, with it).
 */

const employer = { id: 1, phone: '13800000201' };
const paidApplicant = { id: 2, phone: '13900000202' };
const otherApplicant = { id: 3, phone: '13900000203' };

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { ...employer, usertype: 2 },
    { ...paidApplicant, usertype: 1 },
    { ...otherApplicant, usertype: 1 },
  ]);
  const demand = { title: '需求', des: '', user_id: employer.id, order_id: '', pay: 1, suan: 0 };
  await db.insert('h_goods', [
    // Approved: 100.00 paid in, 40.00 paid out, 60.00 left in escrow.
    { ...demand, id: 401, goodsid: 'G401', price: '100.00', show: 1 },
    // Awaiting review: 50.00 paid in, 20.00 paid out, 30.00 left.
    { ...demand, id: 402, goodsid: 'G402', price: '50.00', show: 0 },
  ]);
  const application = { msg: '', time: 1, state: 0 };
  await db.insert('h_goods_order', [
    { ...application, id: 411, goods_id: 401, user_id: paidApplicant.id, price: '40.00', pay: 1, ok: 1 },
    { ...application, id: 412, goods_id: 401, user_id: otherApplicant.id, price: '0.00', pay: 0, ok: 0 },
    { ...application, id: 421, goods_id: 402, user_id: paidApplicant.id, price: '20.00', pay: 1, ok: 1 },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)(
  'imported applications paid but not selected ($name)',
  (backend) => {
    let t: TestApp;
    let url: string;
    let admin: Client;
    importForSuite(backend, fill, async (imported) => {
      ({ t } = imported);
      url = await listen(t);
      admin = createClient({ url, token: (await adminSession(t)).token });
    });
    const demandOf = async (id: number) => (await admin.admin.demand.query({ id })).demand;
    const balanceOf = async (userId: number) => (await admin.admin.user.query({ userId })).balanceFen;

    it('refuses their applicant the withdrawal, on both doors, and keeps the row', async () => {
      const applicant = await loginBySms(t, paidApplicant.phone);
      const del = (id: number) =>
        legacyPost(t.app, '/user/goods_order/del', { ...checkFields(applicant), id: String(id) });
      // Before: deleted, and the payment's application with it.
      expect((await del(411)).body).toEqual({ res: 0, err: '该申请已付款', data: '' });
      const typed = createClient({ url, token: applicant.token });
      expect(await appCodeOf(typed.applications.withdraw.mutate({ applicationId: 421 }))).toBe(
        'APPLICATION_ALREADY_PAID',
      );
      expect(
        (await typed.applications.listMine.query({})).items.map((a) => [a.id, a.paid, a.selected]),
      ).toEqual([
        [421, true, false],
        [411, true, false],
      ]);
      // An unpaid, unselected one is withdrawn as ever.
      const other = await loginBySms(t, otherApplicant.phone);
      const withdrawn = await legacyPost(t.app, '/user/goods_order/del', {
        ...checkFields(other),
        id: '412',
      });
      expect(withdrawn.body).toEqual({ res: 1, err: '', data: '' });
    });

    it('refuses to reject a demand that paid an applicant, which an operator settles instead', async () => {
      // Before: rejected, its 30.00 refunded and the demand unpaid, so its owner could delete it and
      // application 421 with it.
      expect(await appCodeOf(admin.demands.review.mutate({ id: 402, approve: false }))).toBe(
        'DEMAND_HAS_PAYOUTS',
      );
      expect(await demandOf(402)).toMatchObject({
        review: 'pending',
        paid: true,
        settled: false,
        escrowFen: 3_000,
      });
      expect(await balanceOf(employer.id)).toBe(0);
      const audit = await admin.admin.auditLog.query({ userId: employer.id });
      expect(audit.items).toEqual([]);

      // Giving the escrow back settles it, as when every selected applicant is paid: it was spent on them.
      expect(await admin.demands.returnEscrow.mutate({ id: 402 })).toEqual({ refundedFen: 3_000 });
      expect(await demandOf(402)).toMatchObject({ paid: true, settled: true, escrowFen: 0 });
      expect(await admin.demands.returnEscrow.mutate({ id: 401 })).toEqual({ refundedFen: 6_000 });
      expect(await demandOf(401)).toMatchObject({ paid: true, settled: true, escrowFen: 0 });
      expect(await balanceOf(employer.id)).toBe(9_000);
      // 412 was withdrawn above; 411 stays, paid.
      const applications = await admin.admin.demand.query({ id: 401 });
      expect(applications.applications.map((a) => [a.id, a.paid])).toEqual([[411, true]]);
    });
  },
);
