import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../client-sdk/index.js';
import { auditChanges, auditSummary, auditTarget } from '../../console/src/auditEntries.js';
import { idNumber, post } from '../features/account/account-fixtures.js';
import { runAdmin } from '../support/admin-cli.js';
import { adminSession, loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { approvedWithApplicants, fundAndPay, postDemand } from '../support/marketplace-flow.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The console's 操作记录 in an operator's words, read from records the service wrote for real
 * actions (the summary line, the target, the fields changed), so a change of what the service
 * records shows here as words gone missing rather than as raw JSON nobody reads.
 */
describe('the audit trail as the console words it', () => {
  let t: TestApp;
  let url: string;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  }, 60_000);
  afterAll(() => t.close());

  const entriesOf = async (userId: number, action: string) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items.filter((e) => e.action === action);
  const only = async (userId: number, action: string) => {
    const entries = await entriesOf(userId, action);
    expect(entries).toHaveLength(1);
    return entries[0] as (typeof entries)[number];
  };

  it('says a demand was approved, or rejected with its reason and its escrow given back', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const approved = await postDemand(t, owner, { price: '10' });
    await admin.demands.review.mutate({ id: approved, approve: true });
    const rejected = await postDemand(t, owner, { price: '25.5' });
    await fundAndPay(t, owner, rejected, '25.5');
    await admin.demands.review.mutate({ id: rejected, approve: false, reason: '联系方式不全' });

    const [rejection, approval] = await entriesOf(owner.userId, 'demands.review');
    expect(approval && auditSummary(approval)).toBe('通过');
    expect(approval && auditTarget(approval)).toBe(`需求 #${approved}`);
    expect(rejection && auditSummary(rejection)).toBe('驳回：联系方式不全（托管款已退回）');
    expect(rejection && auditChanges(rejection)).toEqual([
      { key: 'review', label: '审核状态', before: '待审核', after: '已驳回', changed: true },
      { key: 'reason', label: '驳回原因', before: '', after: '联系方式不全', changed: true },
      { key: 'paid', label: '已支付', before: '是', after: '否', changed: true },
    ]);
  });

  it('gives the escrow returned in yuan, and who was released from which demand', async () => {
    const { owner, demandId } = await approvedWithApplicants(t, '88.8', 1);
    await fundAndPay(t, owner, demandId, '88.8');
    await admin.demands.returnEscrow.mutate({ id: demandId, reason: '双方协商取消' });
    const returned = await only(owner.userId, 'demands.returnEscrow');
    expect(auditSummary(returned)).toBe('退回 ¥88.80：双方协商取消');
    expect(auditChanges(returned).find((c) => c.key === 'escrowFen')).toMatchObject({
      label: '托管款',
      before: '¥88.80',
      after: '¥0.00',
    });

    const again = await approvedWithApplicants(t, '40', 1);
    await fundAndPay(t, again.owner, again.demandId, '40');
    const [applicationId] = again.ids;
    await createClient({ url, token: again.owner.token }).applications.select.mutate({
      demandId: again.demandId,
      applicationIds: [applicationId as number],
    });
    await admin.demands.releaseSelection.mutate({ applicationId: applicationId as number, reason: '未交付' });
    const worker = again.workers[0] as { userId: number };
    const release = await only(worker.userId, 'demands.releaseSelection');
    expect(auditSummary(release)).toBe(`需求 #${again.demandId} 释放接单人：未交付`);
    expect(auditTarget(release)).toBe(`接单申请 #${applicationId}`);
    expect(auditChanges(release).find((c) => c.key === 'selected')).toMatchObject({
      before: '是',
      after: '否',
    });
  });

  it('names the verification kind and the decision', async () => {
    const person = await loginBySms(t);
    await post(t, person, '/user/info/person', { name: '钱七', code: idNumber(), money: '200' });
    await admin.account.reviewVerification.mutate({
      userId: person.userId,
      kind: 'person',
      decision: 'reject',
      reason: '照片不清晰',
    });
    const entry = await only(person.userId, 'account.reviewVerification');
    expect(auditSummary(entry)).toBe('个人认证 驳回：照片不清晰');
    expect(auditTarget(entry)).toBe(`个人认证（用户） #${person.userId}`);
    expect(auditChanges(entry).map((c) => [c.label, c.before, c.after])).toEqual([
      ['审核状态', '待审核', '已驳回'],
      ['驳回原因', '', '照片不清晰'],
    ]);
  });

  it('gives a credit and a withdrawal with the balance either side and the note', async () => {
    const user = await loginBySms(t);
    await admin.wallet.credit.mutate({ userId: user.userId, amountFen: 10_050, note: '银行转账' });
    await admin.wallet.withdraw.mutate({ userId: user.userId, amountFen: 3000 });
    expect(auditSummary(await only(user.userId, 'wallet.credit'))).toBe(
      '+¥100.50，余额 ¥0.00 → ¥100.50，备注：银行转账',
    );
    const withdrawal = await only(user.userId, 'wallet.withdraw');
    expect(auditSummary(withdrawal)).toBe('-¥30.00，余额 ¥100.50 → ¥70.50');
    expect(auditTarget(withdrawal)).toBe(`钱包（用户） #${user.userId}`);
  });

  it('tells a new admin account from an existing user made admin', async () => {
    const existing = await loginBySms(t);
    await runAdmin(t, 'create-admin', { phone: existing.phone, password: 'admin-pass-2' });
    const made = await only(existing.userId, 'user.grantAdmin');
    expect(auditSummary(made)).toBe(existing.phone);
    expect(auditChanges(made)).toEqual([
      { key: 'isAdmin', label: '管理员', before: '否', after: '是', changed: true },
    ]);
  });
});
