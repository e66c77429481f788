import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { StoreUnavailableError } from '../../../server/src/errors.js';
import { TitleSearchGuard } from '../../../server/src/features/demands/search-guard.js';
import { MemoryStore } from '../../../server/src/kv/memory-store.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { listen, ManualClock, randomIp, startTestApp, type TestApp } from '../../support/test-app.js';

const searchesPerIp = 2;

describe.each(backends)('title searches in flight per client IP ($name)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_TITLE_SEARCHES_PER_IP: String(searchesPerIp) });
  });
  afterAll(() => t.close());

  /**
   * Searches of `ip` held in flight by another instance sharing the key-value store, until released:
   * the cap is counted in the store, so it holds whichever instance runs them.
   */
  async function holdSearches(ip: string, count: number) {
    const otherInstance = new TitleSearchGuard(t.stores.kv, t.clock, searchesPerIp, 100);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Each search signals once it holds its place, so the test goes on only when all are taken.
    const taken: Promise<void>[] = [];
    const running = Array.from({ length: count }, () => {
      let signal = () => {};
      taken.push(new Promise<void>((resolve) => (signal = resolve)));
      return otherInstance.run(ip, () => {
        signal();
        return held;
      });
    });
    await Promise.all(taken);
    return async () => {
      release();
      await Promise.all(running);
    };
  }

  const search = (ip: string, fields: Record<string, unknown> = { title: '小程序' }) =>
    legacyPost(t.app, '/index/goods/index', fields, 'json', { ip });

  it('refuses a search past the cap with res 0 and a Chinese message, never a 5xx', async () => {
    const ip = randomIp();
    expect((await search(ip)).body.res).toBe(1);
    const release = await holdSearches(ip, searchesPerIp);
    try {
      const refused = await search(ip);
      expect(refused.status).toBe(200);
      expect(refused.body).toEqual({ res: 0, err: '搜索请求过多，请稍后再试', data: '' });
      // Another client, and the list without a term, are served meanwhile.
      expect((await search(randomIp())).body.res).toBe(1);
      expect((await search(ip, { page: 1 })).body.res).toBe(1);
    } finally {
      await release();
    }
    // Finished searches give their places back, refused ones too.
    expect((await search(ip)).body.res).toBe(1);
    const releaseOne = await holdSearches(ip, searchesPerIp - 1);
    try {
      expect((await search(ip)).body.res).toBe(1);
    } finally {
      await releaseOne();
    }
  });

  it('counts an IPv6 client by its /64, as a host holds the whole network', async () => {
    const network = `2001:db8:${randomInt(1, 0xffff).toString(16)}:1`;
    const release = await holdSearches(`${network}::1`, searchesPerIp);
    try {
      expect((await search(`${network}:0:0:0:beef`)).body.err).toBe('搜索请求过多，请稍后再试');
      expect((await search(`${network.slice(0, -1)}2::1`)).body.res).toBe(1);
    } finally {
      await release();
    }
  });

  it('answers the typed API with SEARCH_TOO_MANY (HTTP 429)', async () => {
    const api = createClient({ url: await listen(t) });
    const release = await holdSearches('127.0.0.1', searchesPerIp);
    try {
      const error = await api.demands.list.query({ title: '小程序' }).catch((e: unknown) => e);
      expect(isAppError(error, 'SEARCH_TOO_MANY')).toBe(true);
      expect((error as { data?: { httpStatus?: number } }).data?.httpStatus).toBe(429);
    } finally {
      await release();
    }
    expect((await api.demands.list.query({ title: '小程序' })).totalIsExact).toBe(true);
  });

  it('keeps the cap past a minute of searches in flight, however long the client keeps it full', async () => {
    const ip = randomIp();
    // Held from a second into a minute, so that 61 s on is the next minute, not the one after: the
    // guard counts the minute a search started in and the one before, as a search lasts seconds.
    t.clock.advance(60_000 - (t.clock.now() % 60_000) + 1_000);
    const releaseEarly = await holdSearches(ip, searchesPerIp);
    // A minute on, those searches still hold their places...
    t.clock.advance(61_000);
    expect((await search(ip)).body.err).toBe('搜索请求过多，请稍后再试');
    await releaseEarly();
    // ...and when they end, they give back only what they took: the cap is the cap again.
    const releaseLater = await holdSearches(ip, searchesPerIp);
    try {
      expect((await search(ip)).body.err).toBe('搜索请求过多，请稍后再试');
    } finally {
      await releaseLater();
    }
    expect((await search(ip)).body.res).toBe(1);
  });

  it('answers a burst from one client without a 5xx, and gives every place back', async () => {
    const ip = randomIp();
    const answers = await Promise.all(Array.from({ length: 12 }, () => search(ip)));
    for (const answer of answers) expect(answer.status).toBe(200);
    const served = answers.filter((a) => a.body.res === 1).length;
    expect(served).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((a) => a.body.res !== 1)) {
      expect(answer.body.err).toBe('搜索请求过多，请稍后再试');
    }
    // Every place is given back: the next search is served.
    expect((await search(ip)).body.res).toBe(1);
  });
});

/** The in-process store, its reads failing while `down` is set: the Redis Cluster master holding a key is down. */
class ReadsDown extends MemoryStore {
  down = false;
  override async get(key: string): Promise<string | null> {
    if (this.down) throw new StoreUnavailableError('kv', new Error('CLUSTERDOWN'));
    return super.get(key);
  }
}

describe('a title search whose previous minute cannot be read', () => {
  it('fails, and takes its count back: the address is not refused once the store is whole', async () => {
    const clock = new ManualClock();
    const store = new ReadsDown(() => clock.now());
    const guard = new TitleSearchGuard(store, clock, searchesPerIp, 100);
    store.down = true;
    for (let i = 0; i < 3; i++) {
      await expect(guard.run('10.0.0.1', async () => 'found')).rejects.toBeInstanceOf(StoreUnavailableError);
    }
    store.down = false;
    expect(await guard.run('10.0.0.1', async () => 'found')).toBe('found');
    await store.close();
  });
});

describe('title searches in flight on one instance, from every address', () => {
  it('runs half the pool at once, queues four times as many in turn, and refuses one more with SEARCH_BUSY', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(() => clock.now());
    // One at once, four waiting; a place per address is not what is tested here.
    const guard = new TitleSearchGuard(store, clock, 100, 1);
    const order: number[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = guard.run('10.0.0.1', async () => {
      await held;
      order.push(0);
    });
    // Before the queue, these four were refused at once: ordinary users searching together.
    const queued = [1, 2, 3, 4].map((n) =>
      guard.run(`10.0.0.${n + 1}`, async () => {
        order.push(n);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Before the cap, a sixth address (and a seventh...) went on to the database, filling its pool.
    await expect(guard.run('10.0.0.9', async () => 'found')).rejects.toMatchObject({
      appCode: 'SEARCH_BUSY',
    });
    expect(order).toEqual([]);
    release();
    await Promise.all([running, ...queued]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(await guard.run('10.0.0.9', async () => 'found')).toBe('found');
    await store.close();
  });
});
