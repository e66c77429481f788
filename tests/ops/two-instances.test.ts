import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { createLogger } from '../../server/src/logger.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { approveDemand, demandFields, rareCjk } from '../support/marketplace-flow.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';

interface Paginator {
  readonly total: number;
  readonly last_page: number;
  readonly data: ReadonlyArray<{ id: number }>;
}

/**
 * Two instances of the service in one process, on one database and one key-value store, as behind
 * a balancer: what one instance keeps in its own memory must never make its answers disagree with
 * what the other wrote. (tests/ops/several-instances.test.ts runs separate processes behind HAProxy,
 * but only with the Redis Cluster; this runs on every backend.)
 */
describe.each(backends)('two instances on one database and store ($name)', (backend) => {
  let a: TestApp;
  let b: FastifyInstance;

  beforeAll(async () => {
    // A database of its own, so the unfiltered list's total is this file's demands alone.
    a = await startTestApp(withPrivateDatabase(backend));
    b = await buildApp(a.config, {
      database: a.stores.database,
      kv: a.stores.kv,
      sms: a.sms,
      clock: a.clock,
      logger: createLogger({ logLevel: 'silent' }),
    });
    await b.ready();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Every page of the public list on `app`, two rows a page: each page's total, and the rows. */
  async function allPages(app: FastifyInstance, title?: string) {
    const totals: number[] = [];
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const answer = await legacyPost(
        app,
        '/index/goods/index',
        { ...(title ? { title } : {}), page, limit: 2 },
        'json',
        { ip: randomIp() },
      );
      expect(answer.body.res, answer.body.err).toBe(1);
      const paginator = answer.body.data as Paginator;
      totals.push(paginator.total);
      ids.push(...paginator.data.map((row) => row.id));
      if (page >= paginator.last_page) return { totals, ids };
    }
  }

  it("counts a demand another instance added or removed at once, in the title search's total and its pages", async () => {
    // The client's login on `a`, its demands posted through `b`, as round robin would have it.
    const owner = await loginBySms(a);
    const term = rareCjk(4);
    const post = async (via: FastifyInstance) => {
      const answer = await legacyPost(via, '/user/goods/add', {
        ...checkFields(owner),
        ...demandFields({ title: `${term} 小程序` }),
      });
      expect(answer.body.res, answer.body.err).toBe(1);
      const id = (answer.body.data as { id: number }).id;
      await approveDemand(a, id);
      return id;
    };

    const posted = [await post(a.app)];
    for (let round = 0; round < 3; round++) {
      // `a` has just answered the search (and may remember what it counted); `b` adds a match.
      expect((await allPages(a.app, term)).ids).toEqual([...posted].reverse());
      posted.push(await post(b));
      for (const title of [term, undefined]) {
        const { totals, ids } = await allPages(a.app, title);
        // Every page names the same total, and the pages hold exactly that many rows.
        expect(totals).toEqual(totals.map(() => posted.length));
        expect(ids).toEqual([...posted].reverse());
      }
    }

    // Removed through `b`: gone from `a`'s total and pages at once.
    const removed = posted.shift() as number;
    const deleted = await legacyPost(b, '/user/goods/del', { ...checkFields(owner), id: removed });
    expect(deleted.body.res, deleted.body.err).toBe(1);
    for (const title of [term, undefined]) {
      const { totals, ids } = await allPages(a.app, title);
      expect(totals).toEqual(totals.map(() => posted.length));
      expect(ids).toEqual([...posted].reverse());
    }
  });
});
