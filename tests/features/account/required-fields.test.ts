import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import { backends } from '../../support/backends.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, info, loginBySms, post, withWrongCheck } from './account-fixtures.js';

/** The failure of a call that must fail: its app code, English message and issues. */
async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { appCode?: string; issues?: unknown } }).data;
    return { appCode: data?.appCode, message: (error as Error).message, issues: data?.issues ?? null };
  }
  throw new Error('the call succeeded');
}

/** A first submission must bring what a reviewer cannot do without; the refusal says what is missing. */
describe.each(backends)('fields a verification record cannot do without ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('names the missing field over the typed API, as it does over the legacy door', async () => {
    const user = await loginBySms(t);
    const api = createClient({ url: await listen(t), token: user.token });

    // Before: `Invalid input` with no issues, the field named only in the legacy door's message.
    // Every field missing is named at once, so a form marks them all in one try.
    expect(await failureOf(api.account.submitPersonVerification.mutate({ job: 'IT互联网' }))).toEqual({
      appCode: 'VALIDATION_FAILED',
      message: 'Invalid input: name: Required',
      issues: [
        { path: ['name'], message: 'Required' },
        { path: ['idNumber'], message: 'Required' },
      ],
    });
    expect(await failureOf(api.account.submitPersonVerification.mutate({ name: '王五' }))).toEqual({
      appCode: 'VALIDATION_FAILED',
      message: 'Invalid input: idNumber: Required',
      issues: [{ path: ['idNumber'], message: 'Required' }],
    });
    // A number that fails the check is refused as before, now checked by the service.
    const wrong = withWrongCheck(idNumber());
    expect(
      await failureOf(api.account.submitPersonVerification.mutate({ name: '王五', idNumber: wrong })),
    ).toEqual({
      appCode: 'VALIDATION_FAILED',
      message: 'Invalid input: idNumber: Not a valid 18-character mainland ID number',
      issues: [{ path: ['idNumber'], message: 'Not a valid 18-character mainland ID number' }],
    });
    expect(await failureOf(api.account.submitCompanyVerification.mutate({ industry: '餐饮' }))).toMatchObject(
      {
        message: 'Invalid input: name: Required',
        issues: [{ path: ['name'], message: 'Required' }],
      },
    );
    expect(
      await failureOf(api.account.submitIndividualBusinessVerification.mutate({ postcode: '518000' })),
    ).toMatchObject({ message: 'Invalid input: name: Required', issues: [{ path: ['name'] }] });

    // A birth date after today (China's) is no one's yet; today's is someone's.
    const chinaDay = (offsetDays: number) =>
      new Date(t.clock.now() + 8 * 3_600_000 + offsetDays * 86_400_000)
        .toISOString()
        .slice(0, 10)
        .replaceAll('-', '');
    expect(
      await failureOf(
        api.account.submitPersonVerification.mutate({ name: '王五', idNumber: idNumber(chinaDay(1)) }),
      ),
    ).toMatchObject({
      issues: [{ path: ['idNumber'], message: 'Not a valid 18-character mainland ID number' }],
    });
    expect(
      (await post(t, user, '/user/info/person', { name: '王五', code: idNumber(chinaDay(1)) })).body,
    ).toEqual({
      res: 0,
      err: '身份证号码格式错误',
      data: '',
    });

    for (const [url, fields, err] of [
      ['/user/info/person', { code: idNumber() }, '身份证名字不能为空'],
      ['/user/info/person', { name: '王五' }, '身份证号码不能为空'],
      ['/user/info/company', { type: '餐饮' }, '公司名称不能为空'],
      ['/user/info/geti', { youbian: '518000' }, '名称不能为空'],
    ] as const) {
      expect((await post(t, user, url, fields)).body, url).toEqual({ res: 0, err, data: '' });
    }
    expect(await info(t, user)).toMatchObject({ person: null, company: null, geti: null });
    const bornToday = await api.account.submitPersonVerification.mutate({
      name: '王五',
      idNumber: idNumber(chinaDay(0)),
    });
    expect(bornToday.status).toBe('pending');
  });
});
