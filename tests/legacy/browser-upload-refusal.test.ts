import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import {
  type HeadlessChromium,
  hasChromium,
  launchChromium,
  openServiceOrigin,
} from '../support/chromium.js';
import { samplePdf } from '../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The deployed web client posts its upload form with fetch, and the legacy door answers a refusal
 * with HTTP 200 (CONTRACT.md §2). Chromium shows a response that came before it could send the
 * whole body only when its status is 4xx or 5xx; any other, once the connection closes under the
 * upload, reaches the page as "Failed to fetch" (seen with a 5 MB file). So a form the legacy door
 * refuses is read to its end before the answer, whether it is refused at its file's first bytes
 * or before them (a login that does not hold); but only up to the longest form a deployed client
 * sends (a 50 MB file and its fields). A longer one is not read: its refusal is then a body too
 * large, 413, which Chromium shows mid-upload.
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

  /**
   * What the page's fetch of a form with the login fields first and a file of `megabytes` gets: a
   * text file (a type the service refuses) or a PDF (one it takes, up to 50 MB).
   */
  async function postFromPage(
    login: { token: string; userId: number },
    megabytes: number,
    kind: 'text' | 'pdf',
  ) {
    const page = await chrome.browser.newPage();
    try {
      await openServiceOrigin(page, url);
      return await page.evaluate(
        async ({ token, userId, head, bytes, name }) => {
          const file = new Uint8Array(bytes).fill(65);
          file.set(head);
          const form = new FormData();
          form.append('token_check', token);
          form.append('user_id_check', String(userId));
          form.append('file', new Blob([file]), name);
          try {
            const response = await fetch('/user/api/file_upload', { method: 'POST', body: form });
            return { status: response.status, body: (await response.json()) as unknown };
          } catch (error) {
            return String(error);
          }
        },
        {
          ...login,
          head: kind === 'pdf' ? [...samplePdf()] : [],
          bytes: megabytes * 1024 * 1024,
          name: kind === 'pdf' ? '作品集.pdf' : 'notes.txt',
        },
      );
    } finally {
      await page.close();
    }
  }
  const expiredLogin = (session: { userId: number }) => ({ ...session, token: 'a'.repeat(32) });

  it('gets the refusal of its file, not a network error, however large the file', async () => {
    const session = await loginBySms(t);
    for (const megabytes of [1, 5, 20]) {
      expect(await postFromPage(session, megabytes, 'text'), `${megabytes} MB`).toEqual({
        status: 200,
        body: {
          res: 0,
          err: '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf、docx、xlsx、pptx文件',
          data: '',
        },
      });
    }
  }, 60_000);

  it('is sent to log in when its login has expired, however large the file', async () => {
    const session = await loginBySms(t);
    for (const megabytes of [1, 5, 20]) {
      expect(await postFromPage(expiredLogin(session), megabytes, 'pdf'), `${megabytes} MB`).toEqual({
        status: 200,
        body: { res: 0, err: '没有登录或状态过期', data: '' },
      });
    }
    // Past any form the service takes: not read, answered as too large with the refusal's own err.
    expect(await postFromPage(expiredLogin(session), 60, 'pdf')).toEqual({
      status: 413,
      body: { res: 0, err: '没有登录或状态过期', data: '' },
    });
  }, 60_000);
});
