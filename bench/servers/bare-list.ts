import { createHmac } from 'node:crypto';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { openDatabase } from '../../server/src/db/database.js';
import { benchKeyPrefix, benchSecret, perPage } from '../data.js';
import { serveParent } from './ipc.js';

/**
 * B3: bare Fastify doing by hand what `demands.listMine` does: the token's keyed hash looked up
 * in Redis (the service's key layout), then the owner's page and count, the page's files, and the
 * page's applications with the applicants' phones, as the same Kysely queries in the same order,
 * in one transaction (the service's snapshot, db/transaction.ts readConsistently).
 * No validation, no framework between the route and the queries, no logger. It builds the queries
 * on every request, as a handler written by hand would; the service compiles them once per shape
 * (server/src/db/compiled-once.ts).
 */
const database = openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: '.tmp/bench',
  poolSize: Number(process.env.DB_POOL_SIZE ?? 10),
});
const db = database.db;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', {
  keyPrefix: benchKeyPrefix,
  enableAutoPipelining: process.env.REDIS_AUTO_PIPELINING === 'true',
});

const demandColumns = [
  'id',
  'owner_id',
  'order_no',
  'title',
  'kind',
  'price_fen',
  'settlement',
  'address',
  'work_start',
  'work_end',
  'category',
  'description',
  'review_state',
  'review_reason',
  'paid',
  'settled',
  'created_at',
] as const;

async function ownerOf(authorization: string | undefined): Promise<number | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  const id = createHmac('sha256', benchSecret).update(`session:${token}`).digest('base64url');
  const raw = await redis.get(`session:${id}`);
  if (!raw) return null;
  const session = JSON.parse(raw) as { u: number; e: number };
  return session.e > Date.now() ? session.u : null;
}

const app = Fastify();
app.get('/list', async (req, reply) => {
  const userId = await ownerOf(req.headers.authorization);
  if (userId === null) return reply.code(401).send({ error: 'unauthenticated' });
  // One snapshot for the page, its count, files and applications, as the service reads them.
  const { rows, count, files, applications } = await db.transaction().execute(async (tx) => {
    const owned = tx.selectFrom('demands').where('owner_id', '=', userId);
    const [rows, count] = await Promise.all([
      owned.select(demandColumns).orderBy('id', 'desc').limit(perPage).offset(0).execute(),
      owned.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((r) => r.id);
    const files = ids.length
      ? await tx
          .selectFrom('demand_files')
          .select(['id', 'demand_id', 'url'])
          .where('demand_id', 'in', ids)
          .orderBy('id')
          .execute()
      : [];
    const applications = ids.length
      ? await tx
          .selectFrom('applications')
          .innerJoin('users', 'users.id', 'applications.applicant_id')
          .selectAll('applications')
          .select('users.phone as applicant_phone')
          .where('applications.demand_id', 'in', ids)
          .orderBy('applications.id')
          .execute()
      : [];
    return { rows, count, files, applications };
  });
  const total = Number(count.n);
  return {
    items: rows.map((row) => ({
      ...row,
      files: files.filter((f) => f.demand_id === row.id),
      applications: applications.filter((a) => a.demand_id === row.id),
    })),
    total,
    page: 1,
    perPage,
    lastPage: Math.max(1, Math.ceil(total / perPage)),
  };
});

await app.listen({ port: 0, host: '127.0.0.1' });
serveParent((app.server.address() as { port: number }).port, async () => {
  await app.close();
  redis.disconnect();
  await database.close();
});
