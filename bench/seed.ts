import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { systemClock } from '../server/src/clock.js';
import { type Database, openDatabase } from '../server/src/db/database.js';
import { migrateToLatest } from '../server/src/db/migrator.js';
import { PasswordHasher } from '../server/src/features/auth/passwords.js';
import { Sessions } from '../server/src/features/auth/sessions.js';
import { titleGrams } from '../server/src/features/demands/title-search.js';
import { RedisStore } from '../server/src/kv/redis-store.js';
import {
  benchKeyPrefix,
  benchPassword,
  benchSecret,
  demandDescription,
  demandTitle,
  ownerCount,
  phoneOf,
  randomSource,
} from './data.js';

/** Bump when the generated data changes, so an old seed is not reused. */
const seedVersion = 1;
const metaKey = 'seed-meta';

export interface SeededData {
  readonly users: number;
  readonly demands: number;
  /** Reviewed demands: the public list's total. */
  readonly reviewed: number;
  /** Reviewed demands per kind code, from the counts the database keeps. */
  readonly reviewedOfKind: Readonly<Record<number, number>>;
  /** Live login tokens, index = user id - 1. */
  readonly tokens: readonly string[];
}

interface Meta extends Omit<SeededData, 'reviewedOfKind'> {
  readonly version: number;
}

const log = (message: string) => process.stdout.write(`[seed] ${message}\n`);

/**
 * Seeds `svc_bench` and Redis unless data of this scale is already there (or `reseed`): users with
 * live tokens, demands with Chinese titles, applications. Multi-row INSERTs, tokens through the
 * service's own Sessions class so the key layout and HMAC are the service's.
 */
export async function seed(options: {
  databaseUrl: string;
  redisUrl: string;
  users: number;
  demands: number;
  reseed: boolean;
}): Promise<SeededData> {
  const kv = new RedisStore({ url: options.redisUrl, keyPrefix: benchKeyPrefix });
  await kv.waitUntilReady(5000);
  try {
    if (!options.reseed) {
      const reused = await reusable(options, kv);
      if (reused) {
        log(`reusing ${reused.demands} demands and ${reused.users} users (--reseed to seed again)`);
        return { ...reused, reviewedOfKind: await reviewedOfKind(options.databaseUrl) };
      }
    }
    const started = Date.now();
    await recreateDatabase(options.databaseUrl);
    await clearKeys(options.redisUrl);
    const database = openDatabase({ url: options.databaseUrl, dataDir: '.tmp/bench', poolSize: 4 });
    try {
      await migrateToLatest(database.db);
      await seedUsers(database, options.users);
      const reviewed = await seedDemands(database, options.demands, options.users);
      log(`rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const tokens = await issueTokens(kv, options.users);
      const meta: Meta = {
        version: seedVersion,
        users: options.users,
        demands: options.demands,
        reviewed,
        tokens,
      };
      await kv.set(metaKey, JSON.stringify(meta), 25 * 24 * 3600_000);
      log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { ...meta, reviewedOfKind: await reviewedOfKind(options.databaseUrl) };
    } finally {
      await database.close();
    }
  } finally {
    await kv.close();
  }
}

async function reusable(options: { databaseUrl: string; users: number; demands: number }, kv: RedisStore) {
  const raw = await kv.get(metaKey);
  const meta = raw ? (JSON.parse(raw) as Meta) : undefined;
  if (
    !meta ||
    meta.version !== seedVersion ||
    meta.users !== options.users ||
    meta.demands !== options.demands
  ) {
    return undefined;
  }
  let database: Database | undefined;
  try {
    database = openDatabase({ url: options.databaseUrl, dataDir: '.tmp/bench', poolSize: 1 });
    const row = await database.db
      .selectFrom('demands')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const sessions = new Sessions(kv, systemClock, benchSecret);
    const live = await sessions.resolve(meta.tokens[0] ?? '');
    return Number(row.n) === meta.demands && live === 1 ? meta : undefined;
  } catch {
    return undefined;
  } finally {
    await database?.close();
  }
}

async function reviewedOfKind(databaseUrl: string): Promise<Record<number, number>> {
  const database = openDatabase({ url: databaseUrl, dataDir: '.tmp/bench', poolSize: 1 });
  try {
    const rows = await database.db
      .selectFrom('demand_counts')
      .select(['kind', 'n'])
      .where('review_state', '=', 1)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  } finally {
    await database.close();
  }
}

async function recreateDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`bench database name must be a plain identifier: ${name}`);
  parsed.pathname = '/';
  const connection = await createConnection({ uri: parsed.toString() });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

async function clearKeys(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${benchKeyPrefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function inBatches(total: number, size: number, insert: (from: number, to: number) => Promise<void>) {
  for (let from = 1; from <= total; from += size) await insert(from, Math.min(total, from + size - 1));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function seedUsers(database: Database, users: number): Promise<void> {
  // One argon2id hash for everyone: hashing 10k passwords would take minutes and prove nothing.
  const passwordHash = await new PasswordHasher().hash(benchPassword);
  const now = Date.now();
  await inBatches(users, 2000, async (from, to) => {
    await database.db
      .insertInto('users')
      .values(
        range(from, to).map((id) => ({
          id,
          phone: phoneOf(id),
          password_hash: passwordHash,
          usertype: id <= ownerCount ? 2 : 1,
          userstate: 0,
          is_admin: 0,
          email: '',
          face: '',
          address: '',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  });
  log(`${users} users`);
}

async function seedDemands(database: Database, demands: number, users: number): Promise<number> {
  const random = randomSource(20261125);
  const start = Date.now() - demands * 60_000;
  const members = users - ownerCount;
  let reviewed = 0;
  await inBatches(demands, 1000, async (from, to) => {
    const rows = range(from, to).map((id) => {
      const title = demandTitle(random, id);
      const roll = random.next();
      const review = roll < 0.8 ? 1 : roll < 0.95 ? 0 : 2;
      if (review === 1) reviewed++;
      const created = start + id * 60_000;
      return {
        id,
        owner_id: ((id - 1) % ownerCount) + 1,
        order_no: `20261125${String(id).padStart(8, '0')}`,
        title,
        title_grams: titleGrams(title),
        kind: 1 + Math.floor(random.next() * 3),
        price_fen: 10_000 + Math.floor(random.next() * 1_000_000),
        settlement: 1 + Math.floor(random.next() * 3),
        address: '广东省,深圳市,南山区',
        work_start: created + 86_400_000,
        work_end: created + 31 * 86_400_000,
        category: '软件开发',
        description: demandDescription(random),
        review_state: review,
        review_reason: review === 2 ? '信息不完整' : '',
        paid: 0,
        settled: 0,
        created_at: created,
        updated_at: created,
      };
    });
    await database.db.insertInto('demands').values(rows).execute();
    // Reviewed demands get 0–2 applications from members (users after the owners).
    const applications = rows
      .filter((row) => row.review_state === 1)
      .flatMap((row) =>
        range(1, row.id % 3).map((k) => ({
          demand_id: row.id,
          applicant_id: ownerCount + 1 + ((row.id * 37 + k * 4001) % members),
          message: '我有相关经验，可以按时交付',
          files: '',
          selected: k === 1 && row.id % 10 === 0 ? 1 : 0,
          delivered: 0,
          delivery_preview: '',
          delivery_source: '',
          paid: 0,
          paid_fen: 0,
          delivered_at: null,
          created_at: row.created_at + 3_600_000,
          updated_at: row.created_at + 3_600_000,
        })),
      );
    if (applications.length) await database.db.insertInto('applications').values(applications).execute();
    if (to % 20_000 === 0 || to === demands) log(`${to} demands`);
  });
  await sql`analyze table demands, applications, users`.execute(database.db);
  return reviewed;
}

async function issueTokens(kv: RedisStore, users: number): Promise<string[]> {
  const sessions = new Sessions(kv, systemClock, benchSecret);
  const tokens: string[] = [];
  for (let from = 1; from <= users; from += 500) {
    const ids = range(from, Math.min(users, from + 499));
    tokens.push(...(await Promise.all(ids.map(async (id) => (await sessions.issue(id)).token))));
  }
  log(`${tokens.length} tokens`);
  return tokens;
}
