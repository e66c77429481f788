import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectedIndex } from '../../console/src/queueSelection.js';
import { runAdmin } from '../support/admin-cli.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { legacyPost } from '../support/legacy-client.js';
import { approveDemand, demandFields, postDemand } from '../support/marketplace-flow.js';
import { listen, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

describe('which queued item stays selected (selectedIndex)', () => {
  it('follows the item by its key, and takes the next one at its place once it has left', () => {
    expect(selectedIndex(['a', 'b', 'c'], { key: 'b', index: 1 })).toBe(1);
    // `a` was decided elsewhere: `b` is still the one selected, now first.
    expect(selectedIndex(['b', 'c'], { key: 'b', index: 1 })).toBe(0);
    // `b` itself left: the item now at its place.
    expect(selectedIndex(['a', 'c'], { key: 'b', index: 1 })).toBe(1);
    expect(selectedIndex(['a'], { key: 'b', index: 1 })).toBe(0);
    expect(selectedIndex([], { key: 'b', index: 1 })).toBe(0);
    expect(selectedIndex(['a', 'b'], { key: null, index: 0 })).toBe(0);
  });
});

/**
 * Two operators on one queue: what one decides leaves the other's queue at its next refresh. The
 * item the other is reading must stay on their card, or a (approve) decides one they never read.
 */
describe.skipIf(!hasChromium)('the review queue with another operator (headless chromium)', () => {
  let t: TestApp;
  let url: string;
  let chromium: HeadlessChromium;
  let page: Page;
  const admin = { phone: randomPhone(), password: 'console-pass-2' };

  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
    await runAdmin(t, 'create-admin', admin);
    chromium = await launchChromium('console-queue');
    page = await chromium.browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('keeps the selected demand on the card when one above it is decided elsewhere', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const first = await postDemand(t, poster, { title: '队列第一条' });
    await postDemand(t, poster, { title: '队列第二条' });
    await postDemand(t, poster, { title: '队列第三条' });

    await page.goto(`${url}/console/`);
    const password = page.getByRole('tabpanel', { name: '密码登录' });
    await password.getByLabel('手机号').fill(admin.phone);
    await password.getByLabel('密码').fill(admin.password);
    await password.getByRole('button', { name: '登录', exact: true }).click();
    const queue = page.getByRole('region', { name: '待审核需求' });
    await queue.getByText('队列第二条').click();
    // The card's title (the queue's rows have headings of their own).
    const cardTitle = page.locator('.ant-card-head-title');
    await expect.poll(() => cardTitle.textContent()).toBe('队列第二条');

    // Another operator approves the first; the queue refreshes when the tab is looked at again.
    await approveDemand(t, first);
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    await expect.poll(() => queue.getByText('队列第一条').count(), { timeout: 5_000 }).toBe(0);
    // Still the second: the card did not slide onto the third, which sits at its old place now.
    expect(await cardTitle.textContent()).toBe('队列第二条');
  }, 60_000);

  it('refuses to approve a demand its owner changed after the card showed it, and shows the change', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const id = await postDemand(t, poster, { title: '审核前的标题' });
    const queue = page.getByRole('region', { name: '待审核需求' });
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    await queue.getByText('审核前的标题').click();
    const cardTitle = page.locator('.ant-card-head-title');
    await expect.poll(() => cardTitle.textContent()).toBe('审核前的标题');

    t.clock.advance(1_000);
    const edited = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(poster),
      id,
      ...demandFields({ title: '审核时已被改过的标题', price: '2000' }),
    });
    expect(edited.body.res, edited.body.err).toBe(1);
    await page.keyboard.press('a');
    await page.getByText('发布人已修改该需求，请重新查看后再审核').waitFor();
    await expect.poll(() => cardTitle.textContent()).toBe('审核时已被改过的标题');
    // The card says what changed, and when.
    await page.getByText('提交人修改了这条需求：标题、价格', { exact: true }).waitFor();
    await page.getByText(/（修改于 /).waitFor();
    const review = await t.stores.database.db
      .selectFrom('demands')
      .select('review_state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(review.review_state).toBe(0);
  }, 60_000);
});
