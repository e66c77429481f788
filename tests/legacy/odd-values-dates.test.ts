import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { encodings, legacyPost } from '../support/legacy-client.js';
import { demandFields } from '../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A date or time whose parts are out of range is refused, never rolled over into another time:
 * `Date` reads `2026-02-30` as March 2, `10:99` as 11:39 and the year `0050` as 1950, and the
 * service stored that instead of what the client sent.
 */
const rolledOver = [
  '2026-12-01 10:99:00',
  '2026-12-01 10:30:75',
  '2026-12-01T10:30:75',
  '2026-02-30T10:00:00Z',
  '2026-04-31T10:00:00+08:00',
  '2026-12-01T24:00:00+08:00',
  '0050-06-01',
];

describe.each(backends)('out-of-range dates on the legacy door ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('refuses a demand whose times roll over, and writes nothing', async () => {
    const owner = await loginBySms(t, undefined, 2);
    for (const encoding of encodings) {
      for (const time of rolledOver) {
        for (const field of ['timeb', 'timee'] as const) {
          const answer = await legacyPost(
            t.app,
            '/user/goods/add',
            {
              ...checkFields(owner),
              ...demandFields({ timeb: '2026-01-01', timee: '2099-01-01', [field]: time }),
            },
            encoding,
          );
          expect(answer.status, `${field}=${time} ${encoding}`).toBe(200);
          expect(answer.body, `${field}=${time} ${encoding}`).toEqual({
            res: 0,
            err: field === 'timeb' ? '工作时间起格式错误' : '工作时间止格式错误',
            data: '',
          });
        }
      }
    }
    const mine = await legacyPost(t.app, '/user/goods/index', checkFields(owner));
    expect((mine.body.data as { total: number }).total).toBe(0);
  });

  it('refuses a work history entry whose dates roll over, and keeps the in-range ones exact', async () => {
    const person = await loginBySms(t, undefined, 1);
    for (const time of rolledOver) {
      const answer = await legacyPost(t.app, '/user/user_person_job/add', {
        ...checkFields(person),
        begin: time,
        end: '2099-01-01',
        company: '深圳某科技有限公司',
        job: '前端工程师',
      });
      expect(answer.body, time).toEqual({ res: 0, err: '开始时间格式错误', data: '' });
    }
    const list = await legacyPost(t.app, '/user/user_person_job/index', checkFields(person));
    expect((list.body.data as { total: number }).total).toBe(0);

    const kept = await legacyPost(t.app, '/user/user_person_job/add', {
      ...checkFields(person),
      begin: '2020-02-29 23:59:59',
      end: '2024-12-31T16:00:00Z',
      company: '深圳某科技有限公司',
      job: '前端工程师',
    });
    expect(kept.body.data).toMatchObject({ begin: '2020-02-29 23:59:59', end: '2025-01-01 00:00:00' });
  });

  it('refuses a work period whose start is left blank, instead of taking its end for the start', async () => {
    const person = await loginBySms(t, undefined, 1);
    const identity = { ...checkFields(person), name: '李雷', code: '11010519491231002X' };
    for (const encoding of encodings) {
      const refusals = [
        [',2027-06-30', '工作时间格式错误'],
        [['', '2027-06-30'], '工作时间（开始）不能为空'],
        [[' ', '2027-06-30'], '工作时间（开始）不能为空'],
        [['2026-12-01', 'notadate'], '工作时间（结束）格式错误'],
      ] as const;
      for (const [jtime, err] of refusals) {
        const answer = await legacyPost(t.app, '/user/info/person', { ...identity, jtime }, encoding);
        expect(answer.body, `${JSON.stringify(jtime)} ${encoding}`).toEqual({ res: 0, err, data: '' });
      }
    }
    const info = await legacyPost(t.app, '/user/info/info', checkFields(person));
    expect((info.body.data as { person: unknown }).person).toBeNull();

    // A start without an end is a start; both, a period.
    const started = await legacyPost(t.app, '/user/info/person', { ...identity, jtime: '2026-12-01,' });
    expect(started.body.data).toMatchObject({ jtime: '2026-12-01 00:00:00' });
    const both = await legacyPost(t.app, '/user/info/person', {
      ...identity,
      jtime: ['2026-12-01', '2027-06-30'],
    });
    expect(both.body.data).toMatchObject({ jtime: '2026-12-01 00:00:00,2027-06-30 00:00:00' });
  });
});
