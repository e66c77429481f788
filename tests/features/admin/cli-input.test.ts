import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { runAdmin } from '../../support/admin-cli.js';
import { adminSession, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { postDemand } from '../../support/marketplace-flow.js';
import { listen, randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, post } from '../account/account-fixtures.js';

/**
 * What `npm run admin` refuses, and what it ends: an input it cannot read exactly is an error that
 * names the flag, never another row than the one meant, and nothing is changed by it.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('the admin CLI and bad input ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  }, 60_000);
  afterAll(() => t.close());

  /** Ways of writing a number that Number() reads and a person does not mean: hex, exponent, decimals. */
  const misread = (n: number) => [`0x${n.toString(16)}`, `${n}e0`, `${n}.0`, `+${n}`, ` ${n}`];

  it('refuses an id that is not plain digits, and reviews nothing', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, owner);
    for (const id of misread(demandId)) {
      await expect(runAdmin(t, 'review-demand', { id, approve: true }), id).rejects.toThrow(/^--id: /);
    }
    // A reason is the user's explanation of a rejection: with an approval it is a mistake, not taken.
    await expect(
      runAdmin(t, 'review-demand', { id: String(demandId), approve: true, reason: '写错了' }),
    ).rejects.toThrow(/^--reason: /);
    expect((await admin.admin.demand.query({ id: demandId })).demand.review).toBe('pending');

    const person = await loginBySms(t);
    await post(t, person, '/user/info/person', { name: '钱七', code: idNumber() });
    for (const userId of misread(person.userId)) {
      await expect(
        runAdmin(t, 'review-verification', { 'user-id': userId, kind: 'person', approve: true }),
        userId,
      ).rejects.toThrow(/^--user-id: /);
    }
    await expect(
      runAdmin(t, 'review-verification', {
        'user-id': String(person.userId),
        kind: 'person',
        approve: true,
        reason: '写错了',
      }),
    ).rejects.toThrow(/^--reason: /);
    expect((await admin.admin.user.query({ userId: person.userId })).person?.status).toBe('pending');
    await expect(runAdmin(t, 'pending-verifications', { page: '0x1' })).rejects.toThrow(/^--page: /);
    expect(await runAdmin(t, 'pending-verifications', { page: '1' })).toMatch(/pending \(page 1\)$/);
  });

  it("refuses a credit or withdrawal above the typed API's cap on one move", async () => {
    const user = await loginBySms(t);
    for (const command of ['credit', 'withdraw']) {
      await expect(
        runAdmin(t, command, { phone: user.phone, amount: '1000000000.01' }),
        command,
      ).rejects.toThrow(/^--amount: at most 1000000000 yuan/);
    }
    expect((await admin.admin.user.query({ userId: user.userId })).balanceFen).toBe(0);
    await expect(
      admin.wallet.credit.mutate({ userId: user.userId, amountFen: 100_000_000_001 }),
    ).rejects.toMatchObject({ data: { appCode: 'VALIDATION_FAILED' } });
  });

  it('credits and withdraws once per --key, however often the command is run again', async () => {
    const user = await loginBySms(t);
    // Keys name transfers, whoever they were for: unique to this run, as the database is shared.
    const ref = `bank-ref-${randomPhone()}`;
    const run = (command: string, amount: string, key: string) =>
      runAdmin(t, command, {
        phone: user.phone,
        amount,
        note: '银行转账',
        key: key === 'short' ? key : `${ref}-${key}`,
      });
    const credited = await run('credit', '100.00', '001');
    expect(credited).toMatch(/^credited 100\.00 yuan to user \d+ \(recharge (\d+)\); balance 100\.00 yuan$/);
    // Run again, it says that nothing moved: before, it printed "credited" a second time.
    expect(await run('credit', '100.00', '001')).toBe(
      `an earlier run with this --key already ${credited.replace('; balance', ': nothing moved now; balance')}`,
    );
    expect(await run('withdraw', '30.00', '002')).toMatch(
      /^withdrew 30\.00 yuan from user \d+; balance 70\.00 yuan$/,
    );
    expect(await run('withdraw', '30.00', '002')).toMatch(
      /^an earlier run with this --key already withdrew 30\.00 yuan from user \d+: nothing moved now; balance 70\.00 yuan$/,
    );
    expect((await admin.admin.user.query({ userId: user.userId })).balanceFen).toBe(7_000);
    // The same key with another amount is a mistake, said as such; nothing moves.
    await expect(run('credit', '200.00', '001')).rejects.toThrow(/idempotency key/);
    await expect(run('credit', '1.00', 'short')).rejects.toThrow(/^--key: /);
    expect((await admin.admin.user.query({ userId: user.userId })).balanceFen).toBe(7_000);
    const actions = (await admin.admin.auditLog.query({ userId: user.userId })).items;
    expect(actions.map((entry) => [entry.action, entry.adminId])).toEqual([
      ['wallet.withdraw', null],
      ['wallet.credit', null],
    ]);
  });

  it('ends the sessions of an existing account that create-admin gives a new password', async () => {
    const user = await loginBySms(t);
    const before = createClient({ url, token: user.token });
    expect((await before.user.me.query()).isAdmin).toBe(false);

    const message = await runAdmin(t, 'create-admin', { phone: user.phone, password: 'admin-pass-9' });
    // A session opened before (by whoever held it) does not turn into an admin session.
    await expect(before.admin.queueCounts.query()).rejects.toMatchObject({
      data: { appCode: 'UNAUTHENTICATED' },
    });
    // The in-process store is the service's own memory: a real CLI process cannot reach it (this
    // one, sharing the test's store, can), and says so rather than claiming it ended them.
    expect(message).toBe(
      backend.name !== 'embedded'
        ? `user ${user.userId} (${user.phone}) is now an admin; its sessions were ended`
        : `user ${user.userId} (${user.phone}) is now an admin, but its sessions live in the running service's memory (no REDIS_URL): restart the service to end them`,
    );
    const login = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: user.phone, password: 'admin-pass-9' },
      'json',
      { ip: randomIp() },
    );
    const token = (login.body.data as { token: string }).token;
    expect(await createClient({ url, token }).admin.queueCounts.query()).toMatchObject({
      demands: expect.any(Number),
    });
  });
});

describe('the CLI run as `npm run admin` runs it', () => {
  /** The CLI as its own process on a fresh embedded database, `stdin` piped in. */
  async function admin(dataDir: string, args: readonly string[], stdin = '') {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/admin.ts', ...args], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        APP_SECRET: 'cli-input-secret-cli-input-secret-0123456',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stdin.end(stdin);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, out };
  }

  it('takes the password from standard input, off the command line that `ps` shows', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-stdin-'));
    const phone = randomPhone();
    const created = await admin(dataDir, ['create-admin', '--phone', phone], 'piped-pass-123\nignored\n');
    expect(created.out).toMatch(/admin \d+ \(\d+\) created/);
    expect(created.code).toBe(0);
    const db = new SQLite(path.join(dataDir, 'app.db'), { readonly: true });
    try {
      const row = db.prepare('select password_hash from users where phone = ?').get(phone) as {
        password_hash: string;
      };
      expect(await verify(row.password_hash, 'piped-pass-123')).toBe(true);
    } finally {
      db.close();
    }
    // Where it wrote, on standard error: run without the service's environment, a command writes
    // to stores the service does not read, and nothing else would say so.
    expect(created.out).toContain(
      `stores: SQLite ${path.join(dataDir, 'app.db')}; in-process (no REDIS_URL): the running service keeps its sessions and limits in its own memory\n`,
    );
    const again = await admin(dataDir, ['create-admin', '--phone', phone], 'piped-pass-456\n');
    expect(again.out).toMatch(/is now an admin, but its sessions live in the running service's memory/);
    // A piped password refused is named as what was sent: before, "--password: ..." for a flag never given.
    const short = await admin(dataDir, ['create-admin', '--phone', randomPhone()], 'abc\n');
    expect(short.code).toBe(1);
    expect(short.out).toMatch(/^error: the password \(standard input\): /m);
    // Nothing piped and no --password: refused, saying both ways (before: "--password: Too small").
    const refused = await admin(dataDir, ['create-admin', '--phone', randomPhone()]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      /^error: no password: pipe it in \(the first line of standard input\) or give --password$/m,
    );
  }, 60_000);

  it('refuses a bad flag before it opens the database, so a typo creates or migrates nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-flags-'));
    for (const args of [
      ['credit', '--phone', randomPhone(), '--amount', '1e3'],
      ['review-demand', '--id', '0x10', '--approve'],
      ['import-legacy', '--from', 'postgres://old/db'],
    ]) {
      const refused = await admin(dataDir, args);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/^error: --(amount|id|from): /m);
    }
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('answers help with the usage and 0, an unknown command or a missing flag with an error', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-help-'));
    for (const args of [['help'], ['--help']]) {
      const help = await admin(dataDir, args);
      expect(help.code, args[0]).toBe(0);
      expect(help.out).toMatch(/^usage: npm run admin -- <command> \[options\]/);
      expect(help.out).toContain('  credit ');
    }
    const commandHelp = await admin(dataDir, ['credit', '--help']);
    expect(commandHelp).toEqual({
      code: 0,
      out: expect.stringMatching(/^usage: npm run admin -- credit --phone P --amount/),
    });
    const unknown = await admin(dataDir, ['cerdit']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/^unknown command: cerdit\nusage: /);
    const missing = await admin(dataDir, ['credit', '--amount', '10']);
    expect(missing).toEqual({ code: 1, out: 'error: --phone: required\n' });
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('names the refusal’s code after its message, as the README and the API name it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-code-'));
    const refused = await admin(dataDir, ['review-demand', '--id', '999999', '--approve']);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^error: .+ \(NOT_FOUND\)$/m);
  }, 60_000);
});
