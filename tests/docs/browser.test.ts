import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';
import { embedded } from '../support/backends.js';
import { chromiumPath, type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

if (!hasChromium) {
  console.warn(`SKIPPED the /docs browser test: Debian chromium is not installed at ${chromiumPath}`);
}

/** The reference as a person sees it: a real headless browser renders /docs from this service alone. */
describe.skipIf(!hasChromium)('/docs in headless chromium', () => {
  let t: TestApp;
  let url: string;
  let chromium: HeadlessChromium;
  let browser: BrowserContext;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    chromium = await launchChromium('docs');
    browser = chromium.browser;
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('loads, lists every legacy route and the typed API, with no console errors or outside requests', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) outside.push(request.url());
    });

    const response = await page.goto(`${url}/docs`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('.opblock-summary-path', { timeout: 45_000 });
    expect(await page.title()).toContain('API reference');
    expect(await page.textContent('.info .title')).toContain('Marketplace service');

    const listed = new Set(
      await page.$$eval('.opblock-summary-path', (elements) =>
        elements.map((element) => element.getAttribute('data-path') ?? element.textContent ?? ''),
      ),
    );
    expect(legacyRoutes.map((route) => route.path).filter((p) => !listed.has(p))).toEqual([]);
    expect(listed).toContain('/trpc/demands.create');
    expect(listed).toContain('/trpc/payments.payDemand');

    // Opening an operation shows both summaries, the example request and the procedure it calls.
    const addDemand = page
      .locator('.opblock.opblock-post')
      .filter({ has: page.locator('[data-path="/user/goods/add"]') });
    await addDemand.locator('.opblock-summary').click();
    await addDemand.locator('.responses-wrapper').waitFor();
    const opened = await addDemand.textContent();
    expect(opened).toContain('需求发布 · Post a demand');
    expect(opened).toContain('微信小程序开发');
    expect(opened).toContain('demands.create');

    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  }, 90_000);
});
