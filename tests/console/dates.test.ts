import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client-sdk/index.js';
import { date, dateTime, showDatesIn } from '../../console/src/dates.js';
import { adminSession, loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The console showed every date in Asia/Shanghai whatever TZ_DISPLAY said, while the legacy door
 * wrote the same dates in TZ_DISPLAY: an operator and a user read two times for one payment.
 */

const instant = new Date('2026-03-01T02:30:00Z');

describe("the console's dates", () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(embedded, { TZ_DISPLAY: 'America/New_York' });
    url = await listen(t);
  }, 60_000);
  afterAll(async () => {
    showDatesIn('Asia/Shanghai');
    await t?.close();
  });

  it('are in China’s time until the service says otherwise', () => {
    expect(dateTime(instant)).toBe('2026/3/1 10:30:00');
    expect(date(instant)).toBe('2026/3/1');
  });

  it('are in the time zone the service is set to (TZ_DISPLAY), which only an admin may ask for', async () => {
    const operator = await adminSession(t);
    const settings = await createClient({ url, token: operator.token }).admin.settings.query();
    expect(settings).toEqual({ displayTimeZone: 'America/New_York' });
    showDatesIn(settings.displayTimeZone);
    expect(dateTime(instant)).toBe('2026/2/28 21:30:00');
    expect(date(instant)).toBe('2026/2/28');

    const user = await loginBySms(t);
    await expect(createClient({ url, token: user.token }).admin.settings.query()).rejects.toMatchObject({
      data: { appCode: 'ADMIN_ONLY' },
    });
  });
});
