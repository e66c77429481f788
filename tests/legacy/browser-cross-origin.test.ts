import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { samplePng } from '../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The deployed web client is served from an origin of its own. A browser lets its page read an
 * answer of the service only when the answer carries Access-Control-Allow-Origin (CONTRACT.md §1);
 * any answer without it, a failure's too, reaches the page as "Failed to fetch", and the client
 * can show no `err`. So every kind of answer is fetched here from a page on another origin, with
 * the origin allowed by name (CORS_ORIGIN) and with the default `*`.
 */
describe.runIf(hasChromium).each(['listed', 'any'] as const)(
  'a browser page on another origin (%s)',
  (allowed) => {
    let pageServer: Server;
    let pageOrigin: string;
    let t: TestApp;
    let url: string;
    let chrome: HeadlessChromium;
    beforeAll(async () => {
      // The client's page: any page of another origin.
      pageServer = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html><title>client</title>');
      });
      await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
      pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
      t = await startTestApp(embedded, { CORS_ORIGIN: allowed === 'listed' ? pageOrigin : '*' });
      url = await listen(t);
      chrome = await launchChromium('cross-origin');
    }, 60_000);
    afterAll(async () => {
      await chrome?.close();
      await t?.close();
      await new Promise((resolve) => pageServer?.close(resolve));
    });

    it('reads every answer: successes, refusals and failures outside the routes', async () => {
      const session = await loginBySms(t);
      const page = await chrome.browser.newPage();
      try {
        await page.goto(`${pageOrigin}/`);
        const answers = await page.evaluate(
          async ({ base, png, token, userId }) => {
            const json = (body: string, type = 'application/json;charset=UTF-8') => ({
              method: 'POST',
              headers: { 'content-type': type },
              body,
            });
            const upload = new FormData();
            upload.append('user_id_check', String(userId));
            upload.append('token_check', token);
            upload.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '头像.png');
            const requests: Record<string, [string, RequestInit]> = {
              // Preflighted, as the deployed client's axios calls are.
              json: [
                '/user/info/info',
                json(JSON.stringify({ user_id_check: String(userId), token_check: token })),
              ],
              refusal: [
                '/index/api/loginphone',
                json(JSON.stringify({ phone: '13800138000', smscode: '000000' })),
              ],
              form: [
                '/user/info/info',
                json(`user_id_check=${userId}&token_check=${token}`, 'application/x-www-form-urlencoded'),
              ],
              upload: ['/user/api/file_upload', { method: 'POST', body: upload }],
              unknownUrl: ['/index/api/nothing', json('{}')],
              tooLarge: ['/index/api/sms', json(JSON.stringify({ phone: 'x'.repeat(2 * 1024 * 1024) }))],
              malformed: ['/index/api/sms', json('{"phone":')],
              unsupported: ['/index/api/sms', json('<phone/>', 'application/xml')],
              // A legacy GET with its fields in the query string, past Node's 16 KB of request head.
              longQuery: [`/index/goods/index?title=${encodeURIComponent('标题'.repeat(3000))}`, {}],
            };
            const answered: Record<string, unknown> = {};
            for (const [name, [path, init]] of Object.entries(requests)) {
              try {
                const response = await fetch(base + path, init);
                const body = (await response.json()) as { res: number; err: string };
                answered[name] = { status: response.status, res: body.res, err: body.err };
              } catch (error) {
                answered[name] = String(error);
              }
            }
            return answered;
          },
          { base: url, png: [...samplePng()], token: session.token, userId: session.userId },
        );
        expect(answers).toEqual({
          json: { status: 200, res: 1, err: '' },
          refusal: { status: 200, res: 0, err: '验证码错误或已过期' },
          form: { status: 200, res: 1, err: '' },
          upload: { status: 200, res: 1, err: '' },
          unknownUrl: { status: 404, res: 0, err: '接口不存在' },
          tooLarge: { status: 413, res: 0, err: '请求内容过大' },
          malformed: { status: 400, res: 0, err: '请求格式错误' },
          unsupported: { status: 415, res: 0, err: '不支持的请求格式' },
          longQuery: { status: 431, res: 0, err: '请求内容过大' },
        });
      } finally {
        await page.close();
      }
    }, 30_000);
  },
);
