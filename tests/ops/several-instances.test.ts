import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from '../../server/src/cli/commands.js';
import { systemClock } from '../../server/src/clock.js';
import { loadConfig } from '../../server/src/config.js';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { migrationsDir } from '../../server/src/db/migrator.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { openKeyValueStore } from '../../server/src/kv/open-store.js';
import { createLogger } from '../../server/src/logger.js';
import { createServices } from '../../server/src/services.js';
import { noTelemetry } from '../../server/src/telemetry.js';
import { testDatabaseUrl, testRedisClusterUrl, testRequestLimits } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { freePort, Haproxy, ServiceInstance, SmsInbox } from '../support/instances.js';
import { expectMoneyConserved } from '../support/money-checks.js';
import { sample } from '../support/prometheus.js';
import { createTestBucket, s3Env } from '../support/s3-server.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import { randomIp, randomPhone } from '../support/test-app.js';
import { multipartBody } from '../support/upload-client.js';

const haproxyHere = await Haproxy.available();
const metricsToken = 'several-instances-metrics-token';
/** HAProxy checks every 250 ms and takes 2 failures: an instance is out within ~750 ms. */
const checkInterval = '250ms';
/** Long enough for those checks even on a loaded machine; the test shows HAProxy noticed in time. */
const shutdownDelayMs = 3000;

interface Answer {
  readonly status: number;
  readonly body: { res: number; err: string; data: unknown };
}
interface Session {
  readonly userId: number;
  readonly token: string;
  readonly phone: string;
}

/**
 * Two instances of the service as separate processes on one MySQL database, the Redis Cluster and
 * the S3 server, with HAProxy (deploy/haproxy.cfg) in front: they behave as one service.
 */
describe.runIf(testDatabaseUrl && testRedisClusterUrl && haproxyHere)(
  'several instances behind HAProxy',
  () => {
    const inbox = new SmsInbox();
    let database: Database;
    let admin: Database;
    let databaseName: string;
    let a: ServiceInstance;
    let b: ServiceInstance;
    let balancer: Haproxy;
    let instanceEnv: Record<string, string> = {};
    const closeAtEnd: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      await inbox.start();
      // An empty database of its own: both instances must migrate it, once.
      const url = new URL(testDatabaseUrl as string);
      databaseName = `svc_instances_${randomBytes(5).toString('hex')}`;
      admin = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
      await sql
        .raw(`create database ${databaseName} character set utf8mb4 collate utf8mb4_unicode_ci`)
        .execute(admin.db);
      url.pathname = `/${databaseName}`;
      database = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 4 });

      const s3Endpoint = inject('s3Endpoint');
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: url.toString(),
        REDIS_URL: testRedisClusterUrl,
        ...s3Env(s3Endpoint, await createTestBucket(s3Endpoint)),
        APP_SECRET: `shared-${randomBytes(24).toString('hex')}`,
        SMS_PROVIDER: 'webhook',
        SMS_WEBHOOK_URL: inbox.url,
        // HAProxy and this test are the proxies on loopback: the client address is X-Forwarded-For's.
        TRUST_PROXY: '127.0.0.1',
        METRICS_TOKEN: metricsToken,
        SHUTDOWN_DELAY_MS: String(shutdownDelayMs),
        LOG_LEVEL: 'info',
        // The suite's generous limits: on a slow machine four payments queued on one demand's row
        // lock outlast production's 750 ms and answer 503 (tests/ops/outage.test.ts checks those).
        DB_STATEMENT_TIMEOUT_MS: String(testRequestLimits.statementTimeoutMs),
        DB_TIMEOUT_MS: String(testRequestLimits.timeoutMs),
      };
      const [portA, portB, front, stats] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      instanceEnv = env;
      a = new ServiceInstance('a', portA, env);
      b = new ServiceInstance('b', portB, env);
      // Both at once against the empty database.
      await Promise.all([a.start(), b.start()]);
      balancer = new Haproxy(
        { front, stats },
        { INSTANCE_A: `127.0.0.1:${portA}`, INSTANCE_B: `127.0.0.1:${portB}` },
        checkInterval,
      );
      await balancer.start();
      await balancer.waitFor('a', 'UP');
      await balancer.waitFor('b', 'UP');
    }, 240_000);

    afterAll(async () => {
      for (const close of closeAtEnd) await close();
      await balancer?.stop();
      await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
      await inbox.stop();
      await database?.close();
      if (admin) {
        await sql.raw(`drop database if exists ${databaseName}`).execute(admin.db);
        await admin.close();
      }
    });

    /** Posts legacy JSON fields to one instance or the balancer, as a client at `ip`. */
    async function post(base: string, path: string, fields: Record<string, unknown>, ip = '203.0.113.7') {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify(fields),
      });
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    }
    const check = (session: Session) => ({
      user_id_check: String(session.userId),
      token_check: session.token,
    });

    /** Asks for a code through one door and logs in with it through another, as a new or known user. */
    async function login(sendVia: string, loginVia: string, usertype?: number): Promise<Session> {
      const phone = randomPhone();
      const ip = randomIp();
      expect((await post(sendVia, '/index/api/sms', { phone }, ip)).body.res).toBe(1);
      const answer = await post(
        loginVia,
        '/index/api/loginphone',
        { phone, smscode: inbox.lastCodeFor(phone), ...(usertype ? { usertype } : {}) },
        ip,
      );
      expect(answer.body).toMatchObject({ res: 1 });
      const data = answer.body.data as { user_id: number; token: string };
      return { userId: data.user_id, token: data.token, phone };
    }

    const scrape = async (instance: ServiceInstance) => {
      const response = await fetch(`${instance.url}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(response.status).toBe(200);
      return response.text();
    };

    it('migrated the empty database exactly once, though both instances started at the same moment', async () => {
      const files = readdirSync(migrationsDir)
        .filter((file) => /^\d{14}_[a-z0-9_]+\.ts$/.test(file))
        .map((file) => file.replace(/\.ts$/, ''))
        .sort();
      const appliedBy = (instance: ServiceInstance) => {
        const line = instance.output.split('\n').find((l) => l.includes('"msg":"migrations"'));
        expect(line, instance.output.slice(0, 2000)).toBeDefined();
        return (JSON.parse(line as string) as { applied: string[] }).applied;
      };
      const applied = [...appliedBy(a), ...appliedBy(b)];
      expect(applied.sort()).toEqual(files);
      const recorded = await sql<{ name: string }>`select name from kysely_migration`.execute(database.db);
      expect(recorded.rows.map((row) => row.name).sort()).toEqual(files);
    });

    it('takes a token issued by one instance on the other; logout on one ends it on both; a password change everywhere', async () => {
      const info = (instance: ServiceInstance, session: Session) =>
        post(instance.url, '/user/info/info', check(session));
      const loggedOut = { res: 0, err: '没有登录或状态过期', data: '' };
      const bySms = await login(a.url, b.url);
      for (const instance of [a, b]) expect((await info(instance, bySms)).body.res).toBe(1);

      const password = 'several-1nstances';
      expect((await post(b.url, '/user/info/editpassword', { ...check(bySms), password })).body.res).toBe(1);
      const byPassword = async (instance: ServiceInstance, secret: string): Promise<Session> => {
        const answer = await post(
          instance.url,
          '/index/api/loginpassword',
          { phone: bySms.phone, password: secret },
          randomIp(),
        );
        expect(answer.body.res).toBe(1);
        return { ...bySms, token: (answer.body.data as { token: string }).token };
      };
      const onA = await byPassword(a, password);
      const onB = await byPassword(b, password);

      // A password change through a, with the session a issued: every other session ends, on both.
      expect(
        (await post(a.url, '/user/info/editpassword', { ...check(onA), password: `${password}-2` })).body.res,
      ).toBe(1);
      for (const instance of [a, b]) {
        expect((await info(instance, bySms)).body).toEqual(loggedOut);
        expect((await info(instance, onB)).body).toEqual(loggedOut);
        expect((await info(instance, onA)).body.res).toBe(1);
      }

      // Logout through b of the session a issued ends it on a as well.
      expect((await post(b.url, '/index/api/loginout', check(onA))).body.res).toBe(1);
      for (const instance of [a, b]) expect((await info(instance, onA)).body).toEqual(loggedOut);
      await byPassword(b, `${password}-2`);
    });

    it('counts SMS and login limits across instances', async () => {
      const phone = randomPhone();
      expect((await post(a.url, '/index/api/sms', { phone }, randomIp())).body.res).toBe(1);
      // The same phone a moment later through the other instance (and another address): 1 a minute.
      expect((await post(b.url, '/index/api/sms', { phone }, randomIp())).body).toMatchObject({ res: 0 });

      const session = await login(a.url, b.url);
      const password = 'right-password-1';
      expect((await post(a.url, '/user/info/editpassword', { ...check(session), password })).body.res).toBe(
        1,
      );
      // Five failures spread over both instances lock the phone on both, even for the right password.
      for (let i = 0; i < 5; i++) {
        const via = i % 2 === 0 ? a : b;
        const wrong = await post(
          via.url,
          '/index/api/loginpassword',
          { phone: session.phone, password: 'wrong' },
          randomIp(),
        );
        expect(wrong.body.res).toBe(0);
      }
      for (const instance of [a, b]) {
        const locked = await post(
          instance.url,
          '/index/api/loginpassword',
          { phone: session.phone, password },
          randomIp(),
        );
        expect(locked.body.res).toBe(0);
        expect(locked.body.err).not.toBe('');
      }
      const failed = (await Promise.all([scrape(a), scrape(b)])).map(
        (text) => sample(text, 'logins_failed_total', { method: 'password', reason: 'wrong' }) ?? 0,
      );
      expect(failed[0]).toBeGreaterThanOrEqual(3);
      expect(failed[1]).toBeGreaterThanOrEqual(2);
    });

    it('serves a file uploaded through one instance from the other, with the same headers', async () => {
      const session = await login(a.url, b.url);
      const png = samplePng(90, 60);
      const { payload, contentType } = await multipartBody({
        content: png,
        filename: 'shared.png',
        fields: check(session),
      });
      const uploaded = await fetch(`${a.url}/user/api/file_upload`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(payload),
      });
      const { url } = ((await uploaded.json()) as { data: { url: string } }).data;
      const fromA = await fetch(`${a.url}${url}`);
      const fromB = await fetch(`${b.url}${url}`);
      const viaBalancer = await fetch(`${balancer.url}${url}`);
      for (const served of [fromA, fromB, viaBalancer]) {
        expect(served.status).toBe(200);
        expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
      }
      for (const header of [
        'content-type',
        'content-length',
        'content-disposition',
        'x-content-type-options',
        'content-security-policy',
        'cache-control',
      ]) {
        expect(fromB.headers.get(header), header).toBe(fromA.headers.get(header));
      }
    });

    it('conserves every sum and ledger invariant under a concurrent money workload spread over both', async () => {
      const via = balancer.url;
      // The operator's `npm run admin` on a machine of the deployment: the same configuration.
      const config = loadConfig({ ...instanceEnv, DATA_DIR: tmpdir() });
      const kv = await openKeyValueStore(config);
      const storage = await openFileStorage(config.storage);
      closeAtEnd.push(
        () => kv.close(),
        () => storage.close(),
      );
      const log = createLogger({ logLevel: 'silent' });
      const services = createServices({
        config,
        database,
        kv,
        sms: { send: async () => {} },
        storage,
        clock: systemClock,
        log,
        telemetry: noTelemetry,
      });
      const cli = async (name: 'credit' | 'review-demand', values: Record<string, string | boolean>) => {
        const work = await commands[name]?.prepare(values, async () => '');
        return work?.({ config, database, kv, services });
      };
      const employers = await Promise.all([1, 2, 3].map(() => login(via, via, 2)));
      const workers = await Promise.all([1, 2, 3, 4].map(() => login(via, via, 1)));
      const sources = new Map<number, string>();
      for (const worker of workers) {
        const { payload, contentType } = await multipartBody({
          content: sampleZip(),
          filename: 'work.zip',
          fields: check(worker),
        });
        const answer = await fetch(`${via}/user/api/file_upload`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: new Uint8Array(payload),
        });
        sources.set(worker.userId, ((await answer.json()) as { data: { url: string } }).data.url);
      }

      let operations = 0;
      const answers: Answer[] = [];
      const act = async (path: string, session: Session, fields: Record<string, unknown>) => {
        const answer = await post(via, path, { ...check(session), ...fields });
        operations++;
        answers.push(answer);
        return answer;
      };
      /** One demand's whole life, with the duplicate clicks a real client sends. */
      const lifecycle = async (index: number) => {
        const owner = employers[index % employers.length] as Session;
        const [first, second] = [workers[index % 4] as Session, workers[(index + 1) % 4] as Session];
        const posted = await act('/user/goods/add', owner, {
          title: `并发结算 ${index}`,
          titletype: '1',
          price: '200',
          pricetype: '2',
          address: ['广东省', '深圳市', '南山区'],
          timeb: '2026-12-01',
          timee: '2026-12-31',
          sort: '软件开发',
          des: '多实例并发测试',
        });
        const demandId = (posted.body.data as { id: number }).id;
        await cli('review-demand', { id: String(demandId), approve: true });
        const applied = await Promise.all(
          [first, second].map((worker) =>
            act('/user/goods_order/add', worker, { goods_id: String(demandId), msg: '我来' }),
          ),
        );
        const [appA, appB] = applied.map((answer) => (answer.body.data as { id: number }).id);
        await cli('credit', { phone: owner.phone, amount: '200' });
        await Promise.all([1, 2, 3].map(() => act('/user/goods/goodspay', owner, { id: demandId })));
        await act('/user/goods/ok', owner, { goods_id: demandId, order_id: [appA, appB] });
        await Promise.all(
          [
            [first, appA],
            [second, appB],
          ].map(([worker, id]) =>
            act('/user/goods_order/ok', worker as Session, {
              id,
              source: sources.get((worker as Session).userId),
            }),
          ),
        );
        await Promise.all(
          [appA, appB, appA, appB].map((id, n) =>
            act('/user/goods/pay', owner, { id, price: String(40 + ((index + n) % 3) * 20) }),
          ),
        );
      };
      await Promise.all(Array.from({ length: 18 }, (_, index) => lifecycle(index)));

      expect(operations).toBeGreaterThanOrEqual(200);
      for (const answer of answers) expect(answer.status).toBe(200);
      // Every money step succeeded at least once per demand; duplicates were refused, never repeated.
      const wallets = await database.db.selectFrom('wallets').select(['user_id', 'balance_fen']).execute();
      const demands = await database.db
        .selectFrom('demands')
        .select(['id', 'escrow_fen', 'settled', 'paid'])
        .execute();
      const recharges = await database.db.selectFrom('recharges').select('amount_fen').execute();
      const entries = await database.db
        .selectFrom('ledger_entries')
        .select(['kind', 'amount_fen', 'from_account', 'to_account', 'demand_id', 'application_id'])
        .execute();
      expect(demands.filter((d) => d.paid)).toHaveLength(18);
      for (const w of wallets) expect(Number(w.balance_fen)).toBeGreaterThanOrEqual(0);
      for (const d of demands) expect(Number(d.escrow_fen)).toBeGreaterThanOrEqual(0);
      for (const d of demands.filter((d) => d.settled)) expect(Number(d.escrow_fen)).toBe(0);
      expect(demands.filter((d) => d.settled)).toHaveLength(18);
      const held =
        wallets.reduce((sum, w) => sum + Number(w.balance_fen), 0) +
        demands.reduce((s, d) => s + Number(d.escrow_fen), 0);
      const recharged = recharges.reduce((sum, r) => sum + Number(r.amount_fen), 0);
      expect(recharged).toBe(18 * 200 * 100);
      // Nothing is withdrawn here: what is held is what was recharged, and the ledger says so too.
      expect(held).toBe(recharged);
      for (const e of entries) expect(Number(e.amount_fen)).toBeGreaterThan(0);
      await expectMoneyConserved(database.db);
      // One escrow payment per demand and one payout per application, whatever the duplicates.
      const escrows = entries.filter((e) => e.kind === 'escrow');
      expect(new Set(escrows.map((e) => e.demand_id)).size).toBe(escrows.length);
      const payouts = entries.filter((e) => e.kind === 'payout');
      expect(payouts).toHaveLength(36);
      expect(new Set(payouts.map((e) => e.application_id)).size).toBe(36);

      // Both instances did their share of it.
      for (const text of await Promise.all([scrape(a), scrape(b)])) {
        for (const route of [
          '/user/goods/goodspay',
          '/user/goods/pay',
          '/user/goods/ok',
          '/user/goods_order/ok',
        ]) {
          expect(
            sample(text, 'http_request_duration_seconds_count', { door: 'legacy', route, status: '200' }),
            route,
          ).toBeGreaterThan(0);
        }
      }
    }, 300_000);

    it('scrapes both instances: their SMS counts add up to what the gateway received', async () => {
      const [textA, textB] = await Promise.all([scrape(a), scrape(b)]);
      const sent = (sample(textA, 'sms_sent_total') ?? 0) + (sample(textB, 'sms_sent_total') ?? 0);
      expect(sent).toBe(inbox.count);
      expect(sample(textA, 'kv_up', { store: 'redis-cluster' })).toBe(1);
      expect(sample(textB, 'kv_up', { store: 'redis-cluster' })).toBe(1);
      expect(sample(textA, 'db_pool_waiting')).toBe(0);
      expect(
        (sample(textA, 'uploads_bytes_total', { kind: 'image' }) ?? 0) +
          (sample(textB, 'uploads_bytes_total', { kind: 'image' }) ?? 0),
      ).toBeGreaterThan(0);
    });

    it("passes no instance's keep-alive hint on to clients", async () => {
      // The hint is about the instance's connection with HAProxy, which closes a client's idle
      // connection far sooner. Relayed, it kept fetch's connections past that: under load a
      // request of the rolling restart below went out on one HAProxy was closing ("other side closed").
      const keepAliveOf = async (url: string) => {
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.headers.get('keep-alive');
      };
      expect(await keepAliveOf(`${a.url}/healthz`)).toMatch(/^timeout=\d+$/);
      expect(await keepAliveOf(`${balancer.url}/healthz`)).toBeNull();
    });

    it('fails no request at the balancer through a rolling restart under load', async () => {
      const session = await login(balancer.url, balancer.url);
      const png = samplePng(40, 30);
      const { payload, contentType } = await multipartBody({
        content: png,
        filename: 'load.png',
        fields: check(session),
      });
      const uploaded = await fetch(`${balancer.url}/user/api/file_upload`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(payload),
      });
      const fileUrl = ((await uploaded.json()) as { data: { url: string } }).data.url;

      const failures: string[] = [];
      let answered = 0;
      let loading = true;
      /** One client: public list, own profile and a file, over and over, each answer checked. */
      const client = async (n: number) => {
        const requests: Array<() => Promise<string | undefined>> = [
          async () => {
            const r = await post(balancer.url, '/index/goods/index', { page: 1 });
            return r.status === 200 && r.body.res === 1
              ? undefined
              : `list ${r.status} ${JSON.stringify(r.body)}`;
          },
          async () => {
            const r = await post(balancer.url, '/user/info/info', check(session));
            return r.status === 200 && r.body.res === 1
              ? undefined
              : `info ${r.status} ${JSON.stringify(r.body)}`;
          },
          async () => {
            const r = await fetch(`${balancer.url}${fileUrl}`);
            const bytes = Buffer.from(await r.arrayBuffer());
            return r.status === 200 && bytes.equals(png) ? undefined : `file ${r.status} ${bytes.length}`;
          },
        ];
        for (let i = n; loading; i++) {
          const request = requests[i % requests.length] as () => Promise<string | undefined>;
          const failure = await request().catch(
            (error: Error) => `${error.message} ${String(error.cause ?? '')}`,
          );
          answered++;
          if (failure) failures.push(failure);
        }
      };
      const clients = Array.from({ length: 6 }, (_, n) => client(n));

      const countBefore = () => answered;
      for (const [instance, server] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        const before = countBefore();
        const exit = instance.stop('SIGTERM');
        // Still serving, but no longer ready: the balancer takes it out before it stops accepting.
        await eventually(
          () => fetch(`${instance.url}/readyz`).then((r) => r.status),
          (status) => status === 503,
          shutdownDelayMs,
        );
        await balancer.waitFor(server, 'DOWN', shutdownDelayMs + 5000);
        // HAProxy took it out while it still accepts: it noticed before the instance stopped.
        expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
        expect(await exit).toBe(0);
        await instance.start();
        await balancer.waitFor(server, 'UP');
        expect(answered).toBeGreaterThan(before);
      }
      // A moment with both back, then the clients stop.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      loading = false;
      await Promise.all(clients);

      expect(failures).toEqual([]);
      expect(answered).toBeGreaterThan(100);
      // Not even rescued: no failed connection or response, no retry, no request sent elsewhere.
      expect(await balancer.backendTrouble()).toEqual({ econ: 0, eresp: 0, wretr: 0, wredis: 0 });
      // Both restarted instances took traffic from the balancer.
      for (const text of await Promise.all([scrape(a), scrape(b)])) {
        expect(
          sample(text, 'http_request_duration_seconds_count', {
            door: 'legacy',
            route: '/user/info/info',
            status: '200',
          }),
        ).toBeGreaterThan(0);
      }
    }, 300_000);
  },
);
