import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRowLocks, type Tx } from '../../../server/src/db/database.js';
import { VerificationService } from '../../../server/src/features/account/verification.service.js';
import { FileReferences } from '../../../server/src/features/uploads/file-references.js';
import { UploadUrlSigner } from '../../../server/src/features/uploads/signed-urls.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, info, loginBySms, post } from './account-fixtures.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes of one user's verifications that happen at once (two tabs, a double click, an admin's review). */
describe.each(backends)('verification writes at the same time ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  /**
   * Starts `calls` one after the other while a transaction of the test holds the row `lock` locks,
   * so that with row locks (MySQL) each call gets as far as it can before the test lets go. SQLite
   * runs one write at a time: there the calls just run.
   */
  async function whileLocked<T>(lock: (tx: Tx) => Promise<unknown>, calls: ReadonlyArray<() => Promise<T>>) {
    const started: Promise<T>[] = [];
    await t.stores.database.db.transaction().execute(async (tx) => {
      if (!hasRowLocks(tx)) return;
      await lock(tx);
      for (const call of calls) {
        started.push(call());
        await pause(250);
      }
    });
    return started.length > 0 ? Promise.all(started) : Promise.all(calls.map((call) => call()));
  }

  it('keeps every field of two partial submissions made at once', async () => {
    const user = await loginBySms(t);
    await post(t, user, '/user/info/person', { name: '王五', code: idNumber() });
    await post(t, user, '/user/info/geti', { name: '五金店' });

    const answers = await whileLocked(
      (tx) =>
        sql`select user_id from person_verifications where user_id = ${user.userId} for update`.execute(tx),
      [
        () => post(t, user, '/user/info/person', { money: '500' }),
        () => post(t, user, '/user/info/person', { jobname: 'Go工程师' }),
      ],
    );
    expect(answers.map((a) => a.body.res)).toEqual([1, 1]);
    // Before: both merged into the record as it was, and the later one wrote the earlier one's
    // field back: one of the two changes was lost although both answered res 1.
    expect((await info(t, user)).person).toMatchObject({ name: '王五', money: 500, jobname: 'Go工程师' });

    const partner = idNumber('19800202');
    await whileLocked(
      (tx) =>
        sql`select user_id from individual_business_verifications where user_id = ${user.userId} for update`.execute(
          tx,
        ),
      [
        () =>
          post(t, user, '/user/info/geti', {
            hehuo: [{ hehuoren_name: '合伙人甲', hehuoren_code: partner }],
          }),
        () => post(t, user, '/user/info/geti', { renshu: '7' }),
      ],
    );
    expect((await info(t, user)).geti).toMatchObject({
      name: '五金店',
      renshu: 7,
      hehuo: [{ hehuoren_name: '合伙人甲', hehuoren_code: partner }],
    });
  });

  it('leaves the user verified when an approval and a submission of another record race', async () => {
    const db = t.stores.database.db;
    const verifications = new VerificationService(
      db,
      t.clock,
      new FileReferences(db),
      new UploadUrlSigner('concurrency-test-secret-0123456789'),
    );
    const user = await loginBySms(t, undefined, 2);
    await post(t, user, '/user/info/person', { name: '赵六', code: idNumber() });
    await post(t, user, '/user/info/company', { name: '某公司' });

    await whileLocked<unknown>(
      (tx) => sql`select id from users where id = ${user.userId} for update`.execute(tx),
      [
        () => verifications.review({ userId: user.userId, kind: 'person', decision: 'approve' }),
        () => post(t, user, '/user/info/company', { name: '某某公司' }),
      ],
    );
    // Before: the submission decided the flag from records as they were before the approval was
    // committed, and wrote it after: an approved person showed 未认证.
    expect(await info(t, user)).toMatchObject({
      userstate: '已认证',
      person: { state: '通过' },
      company: { state: '未审核', name: '某某公司' },
    });
  });
});
