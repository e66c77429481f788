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
 * File names as a browser sends them and saves them. Chromium writes a form's file name in UTF-8
 * with `"` escaped as `%22` (the HTML standard's form encoding), and saves a download under
 * `filename*` only when that parses as RFC 8187 says; else under the ASCII fallback, where a
 * Chinese name is all underscores.
 */
describe.runIf(hasChromium)('a browser uploading and downloading files with Chinese names', () => {
  let t: TestApp;
  let url: string;
  let chrome: HeadlessChromium;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    chrome = await launchChromium('upload-names');
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const names = ['简历 2024.pdf', '简历 "终稿".pdf', "O'Brien的简历.pdf"];

  it('keeps the name the file had, through both upload doors, and downloads under it', async () => {
    const session = await loginBySms(t);
    const page = await chrome.browser.newPage();
    try {
      await openServiceOrigin(page, url);
      const uploaded = await page.evaluate(
        async ({ names, pdf, token, userId }) => {
          const file = (name: string) => new File([new Uint8Array(pdf)], name, { type: 'application/pdf' });
          const answers: Array<{ name: string; door: string; url: string; originalName?: string }> = [];
          for (const name of names) {
            const legacyForm = new FormData();
            legacyForm.append('user_id_check', String(userId));
            legacyForm.append('token_check', token);
            legacyForm.append('file', file(name));
            const legacy = await fetch('/user/api/file_upload', { method: 'POST', body: legacyForm });
            const { data } = (await legacy.json()) as { data: { url: string } };
            answers.push({ name, door: 'legacy', url: data.url });
            const typedForm = new FormData();
            typedForm.append('file', file(name));
            const typed = await fetch('/api/uploads', {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` },
              body: typedForm,
            });
            const record = (await typed.json()) as { url: string; originalName: string };
            answers.push({ name, door: 'typed', url: record.url, originalName: record.originalName });
          }
          return answers;
        },
        { names, pdf: [...samplePdf()], token: session.token, userId: session.userId },
      );
      expect(uploaded).toHaveLength(names.length * 2);

      for (const { name, door, url: fileUrl, originalName } of uploaded) {
        const what = `${door}: ${name}`;
        if (door === 'typed') expect(originalName, what).toBe(name);
        const key = fileUrl.replace(/^\/uploads\//, '');
        const recorded = await t.stores.database.db
          .selectFrom('uploads')
          .select('original_name')
          .where('storage_key', '=', key)
          .executeTakeFirstOrThrow();
        expect(recorded.original_name, what).toBe(name);

        await page.setContent(`<a href="${fileUrl}">download</a>`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('a')]);
        // Chromium makes a name safe to save as its own way (`"` becomes `_`), whatever the header.
        expect(download.suggestedFilename(), what).toBe(name.replaceAll('"', '_'));
        await download.cancel();
      }
    } finally {
      await page.close();
    }
  }, 30_000);
});
