import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  adminSession,
  findPending,
  idNumber,
  info,
  loginBySms,
  post,
  type Session,
} from './account-fixtures.js';

type Kind = 'person' | 'company' | 'individualBusiness';

/**
 * The three verifications submitted, resubmitted and reviewed in unusual orders, through both doors
 * (the legacy forms the deployed client posts, the console's typed procedures), and what the
 * labels the client reads (`userstate`, each record's `state`) say after every step.
 */
describe.each(backends)('verification flows in unusual orders ($name)', (backend) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = createClient({ url, token: (await adminSession(t)).token });
  });
  afterAll(() => t.close());

  const decide = (user: Session, kind: Kind, decision: 'approve' | 'reject', submittedAt?: Date) =>
    admin.account.reviewVerification.mutate({
      userId: user.userId,
      kind,
      decision,
      ...(decision === 'reject' ? { reason: '材料不全' } : {}),
      ...(submittedAt ? { submittedAt } : {}),
    });

  const ok = async (user: Session, url: string, fields: Record<string, unknown>) => {
    const answer = await post(t, user, url, fields);
    expect(answer.body.res, answer.body.err).toBe(1);
    return answer.body.data as Record<string, unknown>;
  };

  it('puts the user to 未认证 when the person identity changes, an approved company notwithstanding', async () => {
    const user = await loginBySms(t, undefined, 2);
    const code = idNumber();
    await ok(user, '/user/info/person', { name: '周一', code });
    await ok(user, '/user/info/company', { name: '周一科技有限公司' });
    await decide(user, 'company', 'approve');
    await decide(user, 'person', 'approve');
    expect(await info(t, user)).toMatchObject({
      userstate: '已认证',
      name: '周一',
      person: { state: '通过' },
      company: { state: '通过' },
    });

    // The work profile alone keeps everything as it was.
    await ok(user, '/user/info/person', { name: '周一', code, money: '300' });
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', person: { state: '通过', money: 300 } });

    // Another name: back to 未审核 and, as CONTRACT.md §5 says, the user to 未认证. Before, the
    // approved company kept 已认证 shown beside a name nobody had checked.
    await ok(user, '/user/info/person', { name: '冒名' });
    expect(await info(t, user)).toMatchObject({
      userstate: '未认证',
      name: '冒名',
      person: { state: '未审核' },
      company: { state: '通过' },
    });
    expect((await admin.admin.user.query({ userId: user.userId })).profile.verified).toBe(false);

    // A company resubmitted meanwhile does not bring 已认证 back while the identity waits.
    await ok(user, '/user/info/geti', { name: '周一小店' });
    await expect(decide(user, 'individualBusiness', 'approve')).resolves.toMatchObject({
      status: 'approved',
      userVerified: false,
    });
    expect((await info(t, user)).userstate).toBe('未认证');

    // The identity rejected: it no longer waits, and the approved company and 个体户 verify the user
    // again (the rule of CONTRACT.md §4: any approved record); approved, the user is verified too.
    await expect(decide(user, 'person', 'reject')).resolves.toMatchObject({ userVerified: true });
    expect(await info(t, user)).toMatchObject({
      userstate: '已认证',
      person: { state: '未审核', reason: '材料不全' },
    });
    await ok(user, '/user/info/person', { name: '周一' });
    expect((await info(t, user)).userstate).toBe('未认证');
    await expect(decide(user, 'person', 'approve')).resolves.toMatchObject({ userVerified: true });
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', person: { state: '通过', reason: '' } });
  });

  it('keeps a first person submission unverified until it is reviewed, whatever else is approved', async () => {
    const user = await loginBySms(t, undefined, 2);
    await ok(user, '/user/info/geti', { name: '某小店' });
    await ok(user, '/user/info/company', { name: '某公司' });
    await ok(user, '/user/info/person', { name: '吴二', code: idNumber() });
    await expect(decide(user, 'company', 'approve')).resolves.toMatchObject({ userVerified: false });
    expect(await info(t, user)).toMatchObject({
      userstate: '未认证',
      person: { state: '未审核' },
      company: { state: '通过' },
      geti: { state: '未审核' },
    });
    await expect(decide(user, 'person', 'approve')).resolves.toMatchObject({ userVerified: true });
    expect((await info(t, user)).userstate).toBe('已认证');

    // The company resubmitted after its approval goes back to review; the approved person keeps the user verified.
    await ok(user, '/user/info/company', { name: '某公司' });
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', company: { state: '未审核' } });
  });

  it.each([
    ['company', '/user/info/company', { name: '甲公司' }, { name: '乙公司' }],
    ['individualBusiness', '/user/info/geti', { name: '甲店' }, { renshu: 9 }],
  ] as const)(
    'refuses a decision on a %s record the user changed since it was read',
    async (kind, url, first, second) => {
      const user = await loginBySms(t, undefined, 2);
      await ok(user, url, first);
      const opened = await findPending(admin, kind, user.userId);
      expect(opened).toBeDefined();

      t.clock.advance(1_000);
      await ok(user, url, second);
      for (const decision of ['approve', 'reject'] as const) {
        await expect(decide(user, kind, decision, opened?.verification.submittedAt)).rejects.toMatchObject({
          data: { appCode: 'VERIFICATION_CHANGED' },
        });
      }
      // Nothing decided: still waiting, the user not verified, no reason shown.
      const label = kind === 'company' ? 'company' : 'geti';
      expect(await info(t, user)).toMatchObject({
        userstate: '未认证',
        [label]: { state: '未审核', reason: '' },
      });

      const reread = await findPending(admin, kind, user.userId);
      await expect(decide(user, kind, 'approve', reread?.verification.submittedAt)).resolves.toMatchObject({
        userVerified: true,
      });
      // Decided: a second decision is told so, and a resubmission of the approved record goes back to review.
      await expect(decide(user, kind, 'reject', reread?.verification.submittedAt)).rejects.toMatchObject({
        data: { appCode: 'VERIFICATION_NOT_PENDING' },
      });
      await ok(user, url, second);
      expect(await info(t, user)).toMatchObject({ userstate: '未认证', [label]: { state: '未审核' } });
    },
  );

  it('ends consistent when an approval and a change of the identity run at once', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await loginBySms(t);
      await ok(user, '/user/info/person', { name: '郑三', code: idNumber() });
      const opened = await findPending(admin, 'person', user.userId);
      t.clock.advance(1_000);
      const [decision, change] = await Promise.allSettled([
        decide(user, 'person', 'approve', opened?.verification.submittedAt),
        post(t, user, '/user/info/person', { name: `郑三${round}` }),
      ]);
      expect(change.status === 'fulfilled' && change.value.body.res).toBe(1);
      // Whichever ran first, the changed identity is never shown approved, nor the user verified.
      const after = await info(t, user);
      expect(after).toMatchObject({ userstate: '未认证', name: `郑三${round}`, person: { state: '未审核' } });
      if (decision.status === 'rejected') {
        expect(decision.reason).toMatchObject({ data: { appCode: 'VERIFICATION_CHANGED' } });
      }
    }
  });

  it('answers an unknown record and a decision on another kind with clear errors', async () => {
    const user = await loginBySms(t);
    await ok(user, '/user/info/person', { name: '冯四', code: idNumber() });
    await expect(decide(user, 'company', 'approve')).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });
    await expect(decide(user, 'individualBusiness', 'reject')).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });
    expect(await info(t, user)).toMatchObject({ userstate: '未认证', company: null, geti: null });
  });
});
