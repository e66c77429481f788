import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The deployed web client posts its upload form with fetch. A refusal answered before the browser
 * has sent the whole form, its connection then closed, reaches the page as "Failed to fetch"
 * instead of the answer (seen with a 5 MB file): so the legacy door reads a refused file's form to
 * its end before it answers.
 */
describe.runIf(hasChromium)('a browser posting a legacy upload the service refuses', () => {
  let t: TestApp;
  let url: string;
  let chrome: HeadlessChromium;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    chrome = await launchChromium('legacy-upload');
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('gets the refusal, not a network error, however large the file', async () => {
    const session = await loginBySms(t);
    const page = await chrome.browser.newPage();
    // A page of the service's own, whose policy lets it call the service (the API reference).
    await page.goto(`${url}/docs/`);
    for (const megabytes of [1, 5, 20]) {
      const answer = await page.evaluate(
        async ({ token, userId, bytes }) => {
          const form = new FormData();
          form.append('token_check', token);
          form.append('user_id_check', String(userId));
          form.append('file', new Blob([new Uint8Array(bytes).fill(65)]), 'notes.txt');
          try {
            const response = await fetch('/user/api/file_upload', { method: 'POST', body: form });
            return (await response.json()) as unknown;
          } catch (error) {
            return String(error);
          }
        },
        { token: session.token, userId: session.userId, bytes: megabytes * 1024 * 1024 },
      );
      expect(answer, `${megabytes} MB`).toEqual({
        res: 0,
        err: '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf文件',
        data: '',
      });
    }
  }, 60_000);
});
