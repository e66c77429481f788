import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { systemClock } from '../../../server/src/clock.js';
import { openDatabase } from '../../../server/src/db/database.js';
import { migrateToLatest } from '../../../server/src/db/migrator.js';
import { VerificationService } from '../../../server/src/features/account/verification.service.js';
import { FileReferences } from '../../../server/src/features/uploads/file-references.js';
import { UploadUrlSigner } from '../../../server/src/features/uploads/signed-urls.js';
import { findUserById, insertUser } from '../../../server/src/features/user/user.repository.js';
import { runAdmin } from '../../support/admin-cli.js';
import { backends } from '../../support/backends.js';
import { randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';
import { adminSession, findPending, idNumber, info, loginBySms, post } from './account-fixtures.js';

describe.each(backends)('verification review ($name)', (backend) => {
  let t: TestApp;
  let admin: Client;
  const review = (values: Record<string, unknown>) => runAdmin(t, 'review-verification', values);

  beforeAll(async () => {
    t = await startTestApp(backend);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = createClient({ url, token: (await adminSession(t)).token });
  });
  afterAll(() => t.close());

  it('lists a submission for admins, rejects it with a reason the user reads, then approves it by CLI', async () => {
    const user = await loginBySms(t);
    const code = idNumber('19920815');
    await post(t, user, '/user/info/person', { name: '赵六', code, money: '200' });

    const pending = await findPending(admin, 'person', user.userId);
    expect(pending).toMatchObject({
      kind: 'person',
      phone: user.phone,
      verification: {
        userId: user.userId,
        name: '赵六',
        idNumber: code,
        status: 'pending',
        dailyRateFen: 20000,
      },
    });
    expect(pending?.verification.submittedAt).toBeInstanceOf(Date);

    const rejected = await admin.account.reviewVerification.mutate({
      userId: user.userId,
      kind: 'person',
      decision: 'reject',
      reason: '身份证照片不清晰',
    });
    expect(rejected).toEqual({
      userId: user.userId,
      kind: 'person',
      status: 'rejected',
      userVerified: false,
    });
    expect(await info(t, user)).toMatchObject({
      userstate: '未认证',
      person: { state: '未审核', reason: '身份证照片不清晰' },
    });
    expect(await findPending(admin, 'person', user.userId)).toBeUndefined();
    await expect(
      admin.account.reviewVerification.mutate({ userId: user.userId, kind: 'person', decision: 'approve' }),
    ).rejects.toMatchObject({ data: { appCode: 'VERIFICATION_NOT_PENDING' } });

    // Resubmitting clears the reason and queues it again; the CLI approves it.
    await post(t, user, '/user/info/person', { name: '赵六' });
    expect((await info(t, user)).person).toMatchObject({ state: '未审核', reason: '' });
    expect(await review({ 'user-id': String(user.userId), kind: 'person', approve: true })).toBe(
      `person verification of user ${user.userId} approved; user verified`,
    );
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', person: { state: '通过', reason: '' } });
    expect((await admin.account.getMyVerifications.query()).person).toBeNull();

    // Work preferences just save (the resume wizard re-sends the identity with them)...
    await post(t, user, '/user/info/person', { name: '赵六', code, money: '250' });
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', person: { state: '通过', money: 250 } });
    // ...while a change of a reviewed field goes back to review, and the user is no longer verified.
    await post(t, user, '/user/info/person', { name: '赵六六' });
    expect(await info(t, user)).toMatchObject({ userstate: '未认证', person: { state: '未审核' } });
  });

  it('verifies the user when any of the three kinds is approved', async () => {
    const user = await loginBySms(t, undefined, 2);
    await post(t, user, '/user/info/company', { name: '某公司' });
    await post(t, user, '/user/info/geti', { name: '某店' });
    expect((await findPending(admin, 'individualBusiness', user.userId))?.verification).toMatchObject({
      name: '某店',
      partners: [],
    });
    await review({ 'user-id': String(user.userId), kind: 'geti', reject: true, reason: '材料不全' });
    expect(await info(t, user)).toMatchObject({
      userstate: '未认证',
      geti: { state: '未审核', reason: '材料不全' },
    });
    const outcome = await admin.account.reviewVerification.mutate({
      userId: user.userId,
      kind: 'company',
      decision: 'approve',
    });
    expect(outcome.userVerified).toBe(true);
    expect(await info(t, user)).toMatchObject({
      userstate: '已认证',
      company: { state: '通过' },
      geti: { state: '未审核' },
    });
  });

  it('explains bad CLI use and unknown records', async () => {
    const user = await loginBySms(t);
    await expect(
      review({ 'user-id': String(user.userId), kind: 'person', approve: true, reject: true }),
    ).rejects.toThrow('give exactly one of --approve and --reject');
    await expect(review({ 'user-id': 'abc', kind: 'person', approve: true })).rejects.toThrow(/^--user-id: /);
    await expect(review({ 'user-id': String(user.userId), kind: 'people', approve: true })).rejects.toThrow(
      /^--kind: /,
    );
    await expect(review({ 'user-id': String(user.userId), kind: 'company', approve: true })).rejects.toThrow(
      'Not found',
    );
  });
});

/** The test process's environment without the given variables, so the CLI uses the embedded store. */
function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

describe('review-verification through npm run admin', () => {
  it('approves a pending record in the configured database', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'svc-admin-'));
    const database = openDatabase({ url: undefined, dataDir, poolSize: 1 });
    try {
      await migrateToLatest(database.db);
      const userId = await insertUser(database.db, { phone: randomPhone(), usertype: 1, now: Date.now() });
      const verifications = new VerificationService(
        database.db,
        systemClock,
        new FileReferences(database.db),
        new UploadUrlSigner('x'.repeat(40)),
      );
      await verifications.submitPerson(userId, { name: '钱七', idNumber: idNumber() });

      const { stdout } = await promisify(execFile)(
        'npm',
        [
          'run',
          '--silent',
          'admin',
          '--',
          'review-verification',
          '--user-id',
          String(userId),
          '--kind',
          'person',
          '--approve',
        ],
        {
          cwd: path.resolve(import.meta.dirname, '../../..'),
          env: {
            ...envWithout('DATABASE_URL', 'REDIS_URL'),
            DATA_DIR: dataDir,
            NODE_ENV: 'test',
            APP_SECRET: 'review-test-secret-0123456789-abcdef',
          },
        },
      );
      expect(stdout.trim()).toBe(`person verification of user ${userId} approved; user verified`);
      expect((await verifications.mine(userId)).person?.status).toBe('approved');
      expect((await findUserById(database.db, userId))?.userstate).toBe(1);
    } finally {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
