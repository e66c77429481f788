import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client-sdk/index.js';
import { consoleHttp } from '../../server/src/http/console.js';
import { reviewStateOfCode } from '../../server/src/review-states.js';
import { idNumber, info, post, uploadImage } from '../features/account/account-fixtures.js';
import { runAdmin } from '../support/admin-cli.js';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import {
  chromiumPath,
  dialogOpened,
  type HeadlessChromium,
  hasChromium,
  launchChromium,
} from '../support/chromium.js';
import { legacyGet } from '../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  fundAndPay,
  postDemand,
  uploadFile,
} from '../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import { listen, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

const repository = path.resolve(import.meta.dirname, '../..');

describe('/console/ without a build', () => {
  it('answers a 503 that says how to build it, and the bare path redirects to the slash', async () => {
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await app.register(consoleHttp, { root: path.join(repository, 'no-such-console-build') });
    const page = await app.inject('/console/');
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:console');
    expect((await app.inject('/console/users')).statusCode).toBe(503);
    const bare = await app.inject('/console?x=1');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/console/?x=1');
    await app.close();
  });
});

describe('/console/ files of the build', () => {
  const root = path.join(repository, 'console', 'dist');
  let app: ReturnType<typeof Fastify>;
  beforeAll(async () => {
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await app.register(consoleHttp, { root });
  }, 120_000);
  afterAll(() => app.close());

  it('sends the page and its script compressed to a browser that takes it, and the same bytes', async () => {
    const page = await app.inject('/console/');
    const script = /src="\/console\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const original = readFileSync(path.join(root, script as string));

    for (const [accepted, encoding, decode] of [
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const answer = await app.inject({
        url: `/console/${script}`,
        headers: { 'accept-encoding': accepted },
      });
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.headers['content-type']).toMatch(/javascript/);
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(answer.headers['cache-control']).toContain('immutable');
      expect(answer.rawPayload.length).toBeLessThan(original.length / 2);
      expect(decode(answer.rawPayload).equals(original)).toBe(true);

      const html = await app.inject({ url: '/console/users', headers: { 'accept-encoding': accepted } });
      expect(html.headers['content-encoding']).toBe(encoding);
      expect(decode(html.rawPayload).toString()).toBe(page.body);
    }

    const plain = await app.inject({ url: `/console/${script}`, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.rawPayload.equals(original)).toBe(true);
  });
});

if (!hasChromium) {
  console.warn(`SKIPPED the console browser test: Debian chromium is not installed at ${chromiumPath}`);
}

/** The operators' console as an operator uses it, in a real headless browser against a throwaway service. */
describe.skipIf(!hasChromium)('/console/ in headless chromium', () => {
  let t: TestApp;
  let url: string;
  let chromium: HeadlessChromium;
  let browser: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const outside: string[] = [];
  const admin = { phone: randomPhone(), password: 'console-pass-1' };

  beforeAll(async () => {
    // Built once for the run, by the global setup, when missing or older than its sources.
    t = await startTestApp(embedded);
    url = await listen(t);
    await runAdmin(t, 'create-admin', admin);
    chromium = await launchChromium('console');
    browser = chromium.browser;
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) outside.push(request.url());
    });
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('gives /console/ a policy of its own, and leaves every other answer as strict as it was', async () => {
    const consolePolicy = (await fetch(`${url}/console/`)).headers.get('content-security-policy') ?? '';
    expect(consolePolicy).toContain("script-src 'self'");
    expect(consolePolicy).toContain("style-src 'self' 'unsafe-inline'");
    expect(consolePolicy).not.toContain('unsafe-eval');
    for (const other of ['/healthz', '/console-not', '/index/goods/index']) {
      const policy = (await fetch(`${url}${other}`)).headers.get('content-security-policy');
      expect(policy, other).toBe("default-src 'none';frame-ancestors 'none'");
    }
  });

  const menu = (name: string) => page.getByRole('menuitem', { name: new RegExp(name) });
  /** Finds a user by phone on the 用户 page and opens the details drawer once its balance shows. */
  const openUser = async (phone: string) => {
    await menu('用户').click();
    await page.getByLabel('手机号或用户ID').fill(phone);
    await page.getByLabel('手机号或用户ID').press('Enter');
    await page.getByRole('cell', { name: phone }).click();
    const drawer = page.getByRole('dialog', { name: '用户详情' });
    await drawer.getByText('¥0.00').waitFor();
    return drawer;
  };

  it('refuses an unknown phone and a user who is not an admin, after an SMS login', async () => {
    const smsLogin = async (phone: string) => {
      await page.goto(`${url}/console`);
      await page.getByRole('tab', { name: '验证码登录' }).click();
      const sms = page.getByRole('tabpanel', { name: '验证码登录' });
      await sms.getByLabel('手机号').fill(phone);
      await sms.getByRole('button', { name: '获取验证码' }).click();
      await page.getByText('验证码已发送').waitFor();
      await sms.getByLabel('验证码').fill(t.sms.lastCodeFor(phone));
      await sms.getByRole('button', { name: '登录', exact: true }).click();
    };
    // A phone the service has not seen is refused, and no account is left behind.
    const stranger = randomPhone();
    await smsLogin(stranger);
    await page.getByText('该手机号未注册').waitFor();
    const accounts = await t.stores.database.db
      .selectFrom('users')
      .select('id')
      .where('phone', '=', stranger)
      .execute();
    expect(accounts).toEqual([]);
    // A code asked for again within the minute is refused, and that is what shows, not the failed
    // login before it.
    await page
      .getByRole('tabpanel', { name: '验证码登录' })
      .getByRole('button', { name: '获取验证码' })
      .click();
    await page.getByText('验证码发送过于频繁，请稍后再试').waitFor();
    expect(await page.getByText('该手机号未注册').count()).toBe(0);

    // A marketplace user gets in and is sent back out.
    const user = await loginBySms(t);
    t.clock.advance(61_000);
    await smsLogin(user.phone);
    await page.getByText('仅限管理员').waitFor();
    expect(await page.evaluate("localStorage.getItem('console-token')")).toBeNull();
  }, 60_000);

  it('lets an admin in, and approves and rejects pending demands from the keyboard', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const approved = await postDemand(t, poster, { title: '控制台审核通过的需求', price: '1234.5' });
    const rejected = await postDemand(t, poster, { title: '控制台驳回的需求' });

    const password = page.getByRole('tabpanel', { name: '密码登录' });
    await page.getByRole('tab', { name: '密码登录' }).click();
    await password.getByLabel('手机号').fill(admin.phone);
    await password.getByLabel('密码').fill(admin.password);
    await password.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => menu('需求审核').textContent()).toContain('2');
    await expect.poll(() => page.getByText(`管理员 ${admin.phone}`).count()).toBe(1);

    // The oldest first, selected; its details show, the price in yuan.
    const queue = page.getByRole('region', { name: '待审核需求' });
    await queue.getByText('控制台审核通过的需求').waitFor();
    await page.getByText('¥1234.50').first().waitFor();
    // With who posted it and whether they are verified.
    const card = page.getByRole('heading', { name: '控制台审核通过的需求' });
    await card.waitFor();
    await page.getByText(poster.phone).waitFor();
    await page.getByText('未认证').first().waitFor();
    // j moves down, k back up.
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: '控制台驳回的需求' }).waitFor();
    await page.keyboard.press('k');
    await card.waitFor();
    await page.keyboard.press('a');
    await page.getByText('已通过，需求已公开').waitFor();
    await expect.poll(() => queue.getByText('控制台审核通过的需求').count()).toBe(0);
    await expect.poll(() => menu('需求审核').textContent()).toContain('1');

    const detail = await legacyGet(t.app, '/index/goods/goodsinfo', { id: approved });
    expect(detail.body).toMatchObject({ res: 1, data: { id: approved, title: '控制台审核通过的需求' } });

    // r asks why; the reason is required; Enter sends it.
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog');
    await dialogOpened(dialog);
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('reject_reason');
    await page.keyboard.press('Enter');
    await dialog.getByText('请填写驳回原因').waitFor();
    await dialog.getByLabel('驳回原因').fill('价格与描述不符');
    await page.keyboard.press('Enter');
    await page.getByText('没有待审核的需求').waitFor();
    await expect.poll(() => menu('需求审核').textContent()).toContain('0');
    const mine = await post(t, poster, '/user/goods/index', {});
    expect(JSON.stringify(mine.body.data)).toContain('价格与描述不符');
    expect((await legacyGet(t.app, '/index/goods/goodsinfo', { id: rejected })).body.res).not.toBe(1);
  }, 60_000);

  it('shows a pending verification with its ID card images and rejects it with a reason', async () => {
    const user = await loginBySms(t);
    const front = await uploadImage(t, user, 32);
    const back = await uploadImage(t, user, 24);
    const submitted = await post(t, user, '/user/info/person', {
      name: '韩梅梅',
      code: idNumber('19950412'),
      pic: front.url,
      picf: back.url,
    });
    expect(submitted.body.res).toBe(1);

    await menu('认证审核').click();
    await page.getByRole('region', { name: '待审核认证' }).getByText('韩梅梅').waitFor();
    // The documents are private uploads, shown through the record's signed URLs.
    const image = page.getByRole('img', { name: '身份证正面 1' });
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(32);

    await page.getByRole('button', { name: '驳回 (r)' }).click();
    await dialogOpened(page.getByRole('dialog'));
    await page.getByRole('dialog').getByLabel('驳回原因').fill('身份证照片不清晰');
    await page.getByRole('button', { name: '确认驳回' }).click();
    await page.getByText('没有待审核的认证').waitFor();
    expect((await info(t, user)).person).toMatchObject({ reason: '身份证照片不清晰' });
  }, 60_000);

  it('shows an individual business’s registered capital in 万元, as its form asks for it', async () => {
    const user = await loginBySms(t);
    expect((await post(t, user, '/user/info/geti', { name: '赵六小吃店', zhiben: '50.5' })).body.res).toBe(1);
    // The queue is read when its page opens (the last test left it open).
    await menu('用户').click();
    await menu('认证审核').click();
    await page.getByRole('region', { name: '待审核认证' }).getByText('赵六小吃店').click();
    await page.getByText('50.50 万元（¥505000.00）').waitFor();
    await page.getByRole('button', { name: '通过 (a)' }).click();
    await page.getByText('已通过认证').waitFor();
  }, 60_000);

  it('keeps a verification its user sent again on the card, in its new version, after the refusal', async () => {
    const first = await loginBySms(t);
    const second = await loginBySms(t);
    const identity = { code: idNumber('19880101') };
    expect((await post(t, first, '/user/info/person', { ...identity, name: '李原名' })).body.res).toBe(1);
    expect((await post(t, second, '/user/info/person', { name: '赵某某', code: idNumber() })).body.res).toBe(
      1,
    );

    // Away and back: the page the last test left open would show the queue it read then.
    await menu('需求审核').click();
    await menu('认证审核').click();
    const card = (name: string) => page.locator('.ant-card-head-title', { hasText: name });
    await page.getByRole('region', { name: '待审核认证' }).getByText('李原名').click();
    await card('李原名').waitFor();
    await page.keyboard.press('r');
    await dialogOpened(page.getByRole('dialog'));
    await page.getByRole('dialog').getByLabel('驳回原因').fill('姓名有误');
    // Sent again meanwhile (a moment later): it moves to the queue's end, behind 赵某某.
    t.clock.advance(1_000);
    expect((await post(t, first, '/user/info/person', { ...identity, name: '李新名' })).body.res).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByText('用户已修改该认证资料，请重新查看后再审核').waitFor();
    // The card stays on that user's record, now in the version sent again, never on 赵某某's,
    // where the next key would decide what the operator was not looking at.
    await card('李新名').waitFor();
    expect(await card('赵某某').count()).toBe(0);
    // And says what the user changed.
    await page.getByText('提交人修改了这条认证：姓名', { exact: true }).waitFor();
    expect((await info(t, first)).person).toMatchObject({ name: '李新名', state: '未审核' });
  }, 60_000);

  it('shows whether a pending demand is paid, and names a payment made while it is read', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const id = await postDemand(t, poster, { title: '审核时支付的需求', price: '12' });
    await menu('用户').click();
    await menu('需求审核').click();
    await page.getByRole('region', { name: '待审核需求' }).getByText('审核时支付的需求').click();
    await page.locator('.ant-card-head-title', { hasText: '审核时支付的需求' }).waitFor();
    await page.getByText('未支付', { exact: true }).waitFor();
    // Paid meanwhile: a rejection would now give the price back, so the approval is refused and the
    // card says what changed.
    t.clock.advance(1_000);
    await fundAndPay(t, poster, id, '12');
    await page.keyboard.press('a');
    await page.getByText('提交人修改了这条需求：支付状态', { exact: true }).waitFor();
    await page.getByText('已支付，驳回将退回发布人钱包').waitFor();
    await page.keyboard.press('a');
    await page.getByText('已通过，需求已公开').waitFor();
    // Away: the next test reads the queue anew when it opens it.
    await menu('用户').click();
  }, 60_000);

  it('never turns a decision to another demand: not after another operator decided, nor from a held key', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const decidedElsewhere = await postDemand(t, poster, { title: '另一位管理员已审核的需求' });
    const next = await postDemand(t, poster, { title: '按住按键时的下一条' });
    const last = await postDemand(t, poster, { title: '<img src=x onerror=alert(1)>最后一条' });
    const reviewOf = async (id: number) => {
      const demands = t.stores.database.db.selectFrom('demands').select('review_state');
      return reviewStateOfCode((await demands.where('id', '=', id).executeTakeFirstOrThrow()).review_state);
    };
    await menu('需求审核').click();
    const queue = page.getByRole('region', { name: '待审核需求' });
    await page.getByRole('heading', { name: '另一位管理员已审核的需求' }).waitFor();
    // The menu clicked keeps no focus: ↓ is the queue's alone (the menu moved too, and an Enter
    // then opened 认证审核).
    expect(await page.evaluate('document.activeElement?.closest(\'[role="menu"]\') ?? null')).toBeNull();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('heading', { name: '按住按键时的下一条' }).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.getByRole('heading', { name: '另一位管理员已审核的需求' }).waitFor();

    await page.keyboard.press('r');
    await dialogOpened(page.getByRole('dialog'));
    await page.getByRole('dialog').getByLabel('驳回原因').fill('描述不清');
    await approveDemand(t, decidedElsewhere);
    await page.keyboard.press('Enter');
    // The queue refreshes at once, not once the error's toast has shown its 3 s.
    const refreshed = { timeout: 3_000 };
    await expect.poll(() => queue.getByText('另一位管理员已审核的需求').count(), refreshed).toBe(0);
    await page.getByText('该需求不在待审核状态').waitFor();
    // The dialog was for that demand: it closes, instead of now offering to reject the next one
    // with the reason typed for the first.
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect([await reviewOf(next), await reviewOf(last)]).toEqual(['pending', 'pending']);
    // Nor does the card fall on the next one, where a pressed again to retry would approve it
    // unread: it says the demand left the queue, and a decides nothing until j picks the next.
    await page.getByText('这条需求已不在待审核队列').waitFor();
    const approveButton = page.getByRole('button', { name: '通过 (a)' });
    expect(await approveButton.count()).toBe(0);
    await expect.poll(() => page.locator('.ant-btn-loading').count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('a');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([await reviewOf(next), await reviewOf(last)]).toEqual(['pending', 'pending']);
    await page.keyboard.press('j');
    await approveButton.waitFor();

    // A held a approves one demand; the repeats do not approve the next one unseen. Keys decide
    // nothing while a decision is pending, which lasts until the menu's counts have refreshed too.
    await page.keyboard.down('a');
    await expect.poll(() => queue.getByText('按住按键时的下一条').count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.down('a');
    await page.keyboard.up('a');
    // Long enough for an approval the repeat would have sent to be made.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect([await reviewOf(next), await reviewOf(last)]).toEqual(['approved', 'pending']);
    // User text is shown as text, never as markup.
    await page.getByRole('heading', { name: '<img src=x onerror=alert(1)>最后一条' }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  }, 60_000);

  it('credits a wallet once on a double click, refuses an overdraft, records a withdrawal, and logs both', async () => {
    const customer = await loginBySms(t);
    const drawer = await openUser(customer.phone);

    await drawer.getByRole('button', { name: '充值', exact: true }).click();
    const credit = page.getByRole('dialog', { name: `充值：${customer.phone}` });
    await dialogOpened(credit);
    await credit.getByLabel('金额（元）').fill('100');
    await credit.getByLabel('备注').fill('银行转账');
    await credit.getByRole('button', { name: '确认充值' }).dblclick();
    await page.getByText('已充值 ¥100.00').waitFor();
    await drawer.getByText('¥100.00').first().waitFor();
    // The legacy recharge list shows one recharge: the second click moved no money.
    const recharges = await post(t, customer, '/user/invest_log/index', {});
    expect(recharges.body.data).toMatchObject({ total: 1, data: [{ uid: customer.userId, price: 100 }] });

    // The credit's refreshes settled first, and the amount in its box before the click: a CI run
    // once found the overdraft never sent (no 409), the dialog left open.
    await credit.waitFor({ state: 'hidden' });
    await page.waitForLoadState('networkidle');
    await drawer.getByRole('button', { name: '提现', exact: true }).click();
    const withdraw = page.getByRole('dialog', { name: `提现：${customer.phone}` });
    await dialogOpened(withdraw);
    await withdraw.getByLabel('金额（元）').fill('500');
    await expect.poll(() => withdraw.getByLabel('金额（元）').inputValue()).toBe('500');
    await withdraw.getByRole('button', { name: '确认提现' }).click();
    await withdraw.getByText('余额不足').waitFor();
    await withdraw.getByLabel('金额（元）').fill('30.5');
    await withdraw.getByLabel('备注').fill('工行尾号 1234');
    await withdraw.getByRole('button', { name: '确认提现' }).click();
    await page.getByText('已提现 ¥30.50').waitFor();
    await drawer.getByText('¥69.50').first().waitFor();
    await drawer.getByRole('cell', { name: '-30.50' }).waitFor();
    expect((await info(t, customer)).balance).toBe(69.5);
    await page.keyboard.press('Escape');

    await menu('操作记录').click();
    const withdrawal = page.getByRole('row', { name: /提现（wallet\.withdraw）/ });
    await withdrawal.waitFor();
    expect(await withdrawal.textContent()).toContain(admin.phone);
    expect(await withdrawal.textContent()).toContain(`${customer.phone}（用户 ${customer.userId}）`);
    // What was done, in yuan, on the row itself; the fields it changed once the row is opened.
    expect(await withdrawal.textContent()).toContain('-¥30.50，余额 ¥100.00 → ¥69.50，备注：工行尾号 1234');
    await page
      .getByRole('row', { name: /充值（wallet\.credit）.*\+¥100\.00，余额 ¥0\.00 → ¥100\.00/ })
      .waitFor();
    await withdrawal.getByRole('button', { name: '展开行' }).click();
    await page.getByRole('row', { name: '余额 ¥100.00 ¥69.50', exact: true }).waitFor();
  }, 60_000);

  it('keeps one idempotency key per wallet dialog, so a retry after a failure moves money once', async () => {
    const customer = await loginBySms(t);
    const drawer = await openUser(customer.phone);
    const dialog = page.getByRole('dialog', { name: `充值：${customer.phone}` });
    const creditOf = async (amount: string) => {
      await dialog.getByLabel('金额（元）').fill(amount);
      await dialog.getByRole('button', { name: '确认充值' }).click();
    };
    await drawer.getByRole('button', { name: '充值', exact: true }).click();
    await dialogOpened(dialog);
    await creditOf('99999999999');
    await dialog.getByText('单笔金额不能超过 ¥1000000000.00').waitFor();

    // The audit record is written in the money's transaction: made to fail, the service answers 500
    // and the credit is undone with it. The dialog cannot tell that from a 500 after the money moved.
    const db = t.stores.database.db;
    await sql`create trigger console_audit_down before insert on admin_actions
              begin select raise(abort, 'audit unavailable'); end`.execute(db);
    try {
      await creditOf('25');
      await dialog.getByText(/服务器内部错误.*款项可能已经入账/).waitFor();
    } finally {
      await sql`drop trigger if exists console_audit_down`.execute(db);
    }
    expect((await info(t, customer)).balance).toBe(0);
    await dialog.getByText('当前余额 ¥0.00').waitFor();
    // Clicked again with the same key, the credit is made, once, but its answer is lost on the way,
    // and the service cannot be reached for a moment: the refresh of the page behind fails too. The
    // page stays, and the dialog on it with its key (it gave way to the error before).
    const userPage = (address: URL) => address.pathname.includes('admin.user');
    await page.route(userPage, (route) => route.abort('connectionrefused'));
    await page.route(
      (address) => address.pathname.includes('wallet.credit'),
      async (route) => {
        await route.fetch();
        await route.abort('connectionreset');
      },
      { times: 1 },
    );
    await creditOf('25');
    await dialog.getByText(/无法连接服务.*款项可能已经入账/).waitFor();
    await drawer.getByText(/刷新失败，以下为之前读取的内容/).waitFor();
    await page.unroute(userPage);
    expect((await info(t, customer)).balance).toBe(25);
    // The same key with another amount moves nothing: the first amount may have moved.
    await creditOf('30');
    await dialog.getByText(/本窗口之前提交的另一金额可能已经入账/).waitFor();
    // The first amount again is answered as the first call was, and recorded in the audit trail once.
    await creditOf('25');
    await page.getByText('已充值 ¥25.00').waitFor();
    expect((await info(t, customer)).balance).toBe(25);
    const audited = await db
      .selectFrom('admin_actions')
      .select('action')
      .where('user_id', '=', customer.userId)
      .execute();
    expect(audited).toEqual([{ action: 'wallet.credit' }]);

    // A new dialog is a new move, with a key of its own. (Each step waits for the one before to
    // show, so a failure names the step: the old dialog gone, the new one answered, then the drawer.)
    await dialog.waitFor({ state: 'detached' });
    await drawer.getByRole('button', { name: '充值', exact: true }).click();
    await dialogOpened(dialog);
    await creditOf('25');
    await dialog.waitFor({ state: 'detached' });
    expect((await info(t, customer)).balance).toBe(50);
    await drawer.getByText('¥50.00').first().waitFor();
    await page.keyboard.press('Escape');
  }, 60_000);

  it('says when a phone search shows only the newest 20 accounts, and reads a phone as written', async () => {
    const now = Date.now();
    const phones = Array.from({ length: 20 }, (_, i) => `1770000${String(i).padStart(4, '0')}`);
    await t.stores.database.db
      .insertInto('users')
      .values(
        phones.map((phone) => ({
          ...{ phone, password_hash: null, usertype: 1, userstate: 0, is_admin: 0 },
          ...{ email: '', face: '', address: '', created_at: now, updated_at: now },
        })),
      )
      .execute();
    const search = async (text: string) => {
      await page.getByLabel('手机号或用户ID').fill(text);
      await page.getByLabel('手机号或用户ID').press('Enter');
    };
    await menu('用户').click();
    await search('177 0000');
    await page.getByText('只显示最新注册的 20 个，可能还有更多：请输入更完整的手机号。').waitFor();
    await search('177-0000-0019');
    await page.getByRole('cell', { name: '17700000019' }).waitFor();
    expect(await page.getByText(/只显示最新注册的/).count()).toBe(0);
  }, 60_000);

  it('records an invoice a user asked for as issued, and the user then sees 已开票', async () => {
    const customer = await loginBySms(t, randomPhone(), 2);
    await post(t, customer, '/user/info/company', { name: '开票抬头有限公司' });
    await runAdmin(t, 'review-verification', {
      'user-id': String(customer.userId),
      kind: 'company',
      approve: true,
    });
    await credit(t, customer, '88.8');
    const recharges = (await post(t, customer, '/user/invest_log/index', {})).body.data as {
      data: Array<{ id: number }>;
    };
    const rechargeId = String(recharges.data[0]?.id);
    expect((await post(t, customer, '/user/bill_log/add', { inverst_id: rechargeId })).body.res).toBe(1);
    // A resubmission (pending again) leaves the invoice made out to the name verified when asked.
    await post(t, customer, '/user/info/company', { name: '改名待审有限公司' });

    // Opened by its address, as a bookmark would; the menu counts what waits.
    await page.goto(`${url}/console/invoiceQueue`);
    await expect.poll(() => menu('发票开具').textContent()).toContain('1');
    const row = page.getByRole('table').getByRole('row', { name: new RegExp(customer.phone) });
    await row.waitFor();
    expect(await row.textContent()).toContain('¥88.80');
    expect(await row.textContent()).toContain('开票抬头有限公司');
    // The requester opens to their records, for the invoice's details.
    await row.getByText(customer.phone).click();
    await page.getByRole('dialog', { name: '用户详情' }).getByText('¥88.80').waitFor();
    await page.keyboard.press('Escape');

    await row.getByRole('button', { name: '开具发票' }).click();
    const confirm = page.locator('.ant-popconfirm', { hasText: '确认这张发票已经开具？' });
    await dialogOpened(confirm);
    await confirm.getByRole('button', { name: '已开具' }).click();
    await page.getByText('已记录为已开票').waitFor();
    await page.getByText('没有待开具的发票').waitFor();
    await expect.poll(() => menu('发票开具').textContent()).toContain('0');
    const invoices = await post(t, customer, '/user/bill_log/index', {});
    expect(invoices.body.data).toMatchObject({ total: 1, data: [{ price: 88.8, isbill: '已开票' }] });
  }, 60_000);

  it('finds any demand and opens it read only', async () => {
    await page.getByRole('menuitem', { name: '需求', exact: true }).click();
    await page.getByLabel('需求ID、订单号或标题').fill('控制台审核通过');
    await page.getByLabel('需求ID、订单号或标题').press('Enter');
    await page.getByRole('cell', { name: '控制台审核通过的需求' }).click();
    const drawer = page.getByRole('dialog', { name: '需求详情' });
    await drawer.getByText('¥1234.50').waitFor();
    await drawer.getByText('已通过').waitFor();
    await drawer.getByText('暂无申请').waitFor();
    await page.keyboard.press('Escape');
    // Past the API's 50 characters the box takes no more, rather than the search failing as 参数错误.
    const box = page.getByLabel('需求ID、订单号或标题');
    await box.fill('');
    await box.pressSequentially('需'.repeat(60));
    expect((await box.inputValue()).length).toBe(50);
    await box.press('Enter');
    await page.getByText('没有找到需求').waitFor();
    expect(await page.getByText('参数错误').count()).toBe(0);
  }, 60_000);

  it('gives a paid demand’s escrow back to its poster while nobody is selected', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const demandId = await postDemand(t, poster, { title: '控制台退回托管的需求', price: '66.6' });
    await approveDemand(t, demandId);
    await credit(t, poster, '66.6');
    expect((await post(t, poster, '/user/goods/goodspay', { id: demandId })).body.res).toBe(1);

    await page.getByRole('menuitem', { name: '需求', exact: true }).click();
    await page.getByLabel('需求ID、订单号或标题').fill(String(demandId));
    await page.getByLabel('需求ID、订单号或标题').press('Enter');
    await page.getByRole('cell', { name: '控制台退回托管的需求' }).click();
    const drawer = page.getByRole('dialog', { name: '需求详情' });
    await drawer.getByText('¥66.60').first().waitFor();
    await drawer.getByRole('button', { name: '退回托管款' }).click();
    const confirm = page.locator('.ant-popconfirm', {
      hasText: '将 ¥66.60 退回发布人钱包，需求变为未支付。',
    });
    await dialogOpened(confirm);
    await confirm.getByRole('button', { name: '退回', exact: true }).click();
    await page.getByText('已退回 ¥66.60').waitFor();
    await drawer.getByText('未支付').waitFor();
    expect(await drawer.getByRole('button', { name: '退回托管款' }).count()).toBe(0);
    // The escrow's entries as the escrow sees them: paid in by the poster, given back to them.
    await drawer.getByRole('cell', { name: '托管（发布人支付）' }).waitFor();
    await drawer.getByRole('cell', { name: '退回发布人' }).waitFor();
    expect((await info(t, poster)).balance).toBe(66.6);
    await page.keyboard.press('Escape');
  }, 60_000);

  it('shows a demand’s attachments, and what each applicant sent and delivered, as links that open', async () => {
    const poster = await loginBySms(t, randomPhone(), 2);
    const brief = await uploadFile(t, poster, samplePng(), 'brief.png');
    const demandId = await postDemand(t, poster, { title: '控制台查看交付的需求', price: '20', file: brief });
    await approveDemand(t, demandId);
    await fundAndPay(t, poster, demandId, '20');
    const worker = await loginBySms(t, randomPhone(), 1);
    const applicationId = await apply(t, worker, demandId);
    expect(
      (await post(t, poster, '/user/goods/ok', { goods_id: demandId, order_id: applicationId })).body.res,
    ).toBe(1);
    const over = await uploadFile(t, worker, samplePng(), 'preview.png');
    const source = await uploadFile(t, worker, sampleZip(), 'source.zip');
    expect(
      (await post(t, worker, '/user/goods_order/ok', { id: applicationId, over, source })).body.res,
    ).toBe(1);

    await page.getByRole('menuitem', { name: '需求', exact: true }).click();
    await page.getByLabel('需求ID、订单号或标题').fill(String(demandId));
    await page.getByLabel('需求ID、订单号或标题').press('Enter');
    await page.getByRole('cell', { name: '控制台查看交付的需求' }).click();
    const drawer = page.getByRole('dialog', { name: '需求详情' });
    const fileName = (url: string) => url.slice(url.lastIndexOf('/') + 1);
    await drawer.getByRole('link', { name: fileName(brief) }).waitFor();
    await drawer.getByRole('button', { name: '展开行' }).click();
    for (const url of [over, source]) {
      const link = drawer.getByRole('link', { name: fileName(url) });
      await link.waitFor();
      const href = (await link.getAttribute('href')) as string;
      expect((await fetch(new URL(href, page.url()))).status, href).toBe(200);
    }
    await page.keyboard.press('Escape');
  }, 60_000);

  it('keeps a title, an address and a description without spaces inside their boxes', async () => {
    // What a pasted link or a run of Latin letters is: no place a line may break.
    const title = `W${'x'.repeat(98)}W`;
    const poster = await loginBySms(t, randomPhone(), 2);
    const demandId = await postDemand(t, poster, {
      title,
      address: `A${'d'.repeat(200)}`,
      des: `https://example.com/${'p'.repeat(400)}`,
    });
    /** How far the element's content runs past its own box, in pixels (0 when it wraps within it). */
    // As strings, like the file's other page scripts: the tests are compiled without the DOM's types.
    const overflow = (selector: string) =>
      page.evaluate(
        `(e => e ? e.scrollWidth - e.clientWidth : NaN)(document.querySelector(${JSON.stringify(selector)}))`,
      );
    const pageWidens = () =>
      page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');

    await page.getByRole('menuitem', { name: '需求', exact: true }).click();
    await page.getByLabel('需求ID、订单号或标题').fill(String(demandId));
    await page.getByLabel('需求ID、订单号或标题').press('Enter');
    await page.getByRole('cell', { name: title }).click();
    await page.getByRole('dialog', { name: '需求详情' }).getByText(title).waitFor();
    expect(await pageWidens()).toBe(false);
    await page.keyboard.press('Escape');

    await menu('需求审核').click();
    const queue = page.getByRole('region', { name: '待审核需求' });
    await queue.getByText(title).waitFor();
    await page.getByRole('heading', { name: title }).waitFor();
    expect(await overflow('section[aria-label="待审核需求"] .ant-list-item-meta-title')).toBe(0);
    expect(await pageWidens()).toBe(false);
  }, 60_000);

  it('sends an operator whose session ended elsewhere to the login page, saying why', async () => {
    const token = String(await page.evaluate("localStorage.getItem('console-token')"));
    await createClient({ url, token }).auth.logout.mutate();
    await menu('操作记录').click();
    await page.getByText('登录已失效').waitFor();
    await page.getByRole('tab', { name: '密码登录' }).waitFor();
    expect(await page.evaluate('Object.keys(localStorage)')).toEqual([]);
  }, 60_000);

  it('loaded nothing from elsewhere, and the browser reported no errors', () => {
    expect(outside).toEqual([]);
    // The browser logs every failed request; the failures provoked above are expected: the unknown
    // phone's login (404 ACCOUNT_NOT_FOUND) and its second code within the minute (429); the overdraft, the demand paid while read (DEMAND_CHANGED), the review another operator made first,
    // the verification its user sent again and the dialog's key sent with another amount (409
    // BALANCE_TOO_LOW, DEMAND_NOT_PENDING, VERIFICATION_CHANGED, IDEMPOTENCY_KEY_REUSED); the credit whose audit record failed (500); the credit whose answer
    // was cut off (a reset connection) and the refresh of the page behind it (refused); the calls of the session ended elsewhere (401, as many as
    // were in flight). Anything else (a CSP block, a script error) is not.
    const provoked = {
      '404 (Not Found)': 1,
      '429 (Too Many Requests)': 1,
      '409 (Conflict)': 5,
      '500 (Internal Server Error)': 1,
      'net::ERR_CONNECTION_RESET': 1,
      'net::ERR_CONNECTION_REFUSED': 1,
    };
    const failed = (status: string) => problems.filter((p) => p.includes(status));
    for (const [status, times] of Object.entries(provoked))
      expect(failed(status), status).toHaveLength(times);
    expect(failed('401 (Unauthorized)').length).toBeGreaterThan(0);
    expect(problems.filter((p) => p.startsWith('failed:'))).toEqual([
      `failed: ${url}/trpc/wallet.credit`,
      expect.stringMatching(/^failed: \S+\/trpc\/admin\.user[,?]/),
    ]);
    const expected = [...Object.keys(provoked), '401 (Unauthorized)', 'failed:'];
    expect(problems.filter((p) => !expected.some((status) => p.includes(status)))).toEqual([]);
  });
});
