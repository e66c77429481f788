import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { samplePdf } from '../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * A legacy upload refused before its file with HTTP 200 is read to its end first, so a browser
 * shows the refusal (tests/legacy/browser-upload-refusal.test.ts), but only up to the longest form
 * a deployed client sends (a 50 MB file and its fields). A longer one is not read: its refusal
 * must then be a status Chromium shows while it still has body to send, 4xx or 5xx.
 */
describe.runIf(hasChromium)('a browser posting a legacy upload longer than any the service takes', () => {
  let t: TestApp;
  let url: string;
  let chrome: HeadlessChromium;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    chrome = await launchChromium('legacy-upload-too-large');
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  /** What the page's fetch of the deployed form (login fields, then a PDF of `megabytes`) gets. */
  async function postFromPage(login: { token: string; userId: number }, megabytes: number) {
    const page = await chrome.browser.newPage();
    try {
      // A page of the service's own, whose policy lets it call the service (the API reference).
      await page.goto(`${url}/docs/`);
      return await page.evaluate(
        async ({ token, userId, pdf, bytes }) => {
          const file = new Uint8Array(bytes);
          file.set(pdf);
          const form = new FormData();
          form.append('token_check', token);
          form.append('user_id_check', String(userId));
          form.append('file', new Blob([file], { type: 'application/pdf' }), '作品集.pdf');
          try {
            const response = await fetch('/user/api/file_upload', { method: 'POST', body: form });
            return { status: response.status, body: (await response.json()) as unknown };
          } catch (error) {
            return String(error);
          }
        },
        { ...login, pdf: [...samplePdf()], bytes: megabytes * 1024 * 1024 },
      );
    } finally {
      await page.close();
    }
  }

  it('is told its login has expired, not a network error, when its file is past 50 MB', async () => {
    const session = await loginBySms(t);
    expect(await postFromPage({ ...session, token: 'a'.repeat(32) }, 60)).toEqual({
      status: 413,
      body: { res: 0, err: '没有登录或状态过期', data: '' },
    });
  }, 30_000);
});
