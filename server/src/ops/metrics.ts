import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { MemoryStore } from '../kv/memory-store.js';
import { RedisStore } from '../kv/redis-store.js';
import type { KeyValueStore } from '../kv/store.js';
import { canonicalPath } from '../legacy/route.js';
import type { Telemetry } from '../telemetry.js';
import { maxBatchSize } from '../trpc/limits.js';

/** Which way a request came in: a legacy URL, a typed procedure, or anything else (files, ops, docs). */
type Door = 'legacy' | 'trpc' | 'http';

export interface MetricsSources {
  readonly database: Database;
  readonly kv: KeyValueStore;
  /** Every legacy path (canonical form) and procedure name: the only route labels besides patterns. */
  readonly legacyPaths: Iterable<string>;
  readonly procedures: Iterable<string>;
}

/** Latency buckets in seconds: the service answers in milliseconds; uploads and searches take longer. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const unknownRoute = '(unknown)';

/**
 * Prometheus metrics of one instance, in a registry of its own (tests build many apps in one
 * process). Requests are labelled by door and route: the legacy path or procedure name as the route
 * table knows it, else the Fastify route pattern. A raw URL never becomes a label, so ids in paths
 * and made-up URLs cannot grow the series without bound.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly telemetry: Telemetry;
  private readonly requests: Histogram<'door' | 'route' | 'status'>;
  /** One labelled child per (door, route, status) seen: a request costs a map lookup and an observe. */
  private readonly children = new Map<string, { observe(seconds: number): void }>();
  private readonly legacyPaths: ReadonlySet<string>;
  private readonly procedures: ReadonlySet<string>;

  constructor(sources: MetricsSources) {
    this.legacyPaths = new Set(sources.legacyPaths);
    this.procedures = new Set(sources.procedures);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Requests answered, by door (legacy, trpc, http), route (legacy path, procedure or route pattern) and status; _count counts them',
      labelNames: ['door', 'route', 'status'],
      buckets: latencyBuckets,
      registers,
    });

    const { database, kv } = sources;
    const pool = database.poolStats;
    if (pool) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'MySQL pool connections by state (in_use, idle) and the pool limit',
        labelNames: ['state'],
        registers,
        collect() {
          const stats = pool();
          this.set({ state: 'in_use' }, stats.inUse);
          this.set({ state: 'idle' }, stats.idle);
          this.set({ state: 'limit' }, stats.limit);
        },
      });
      new Gauge({
        name: 'db_pool_waiting',
        help: 'Queries waiting for a MySQL pool connection',
        registers,
        collect() {
          this.set(pool().waiting);
        },
      });
    }
    new Gauge({
      name: 'kv_up',
      help: 'Whether the key-value store answers (1) or not (0), as /readyz asks it, by kind: redis, redis-cluster, memory',
      labelNames: ['store'],
      registers,
      // Asked at each scrape, as /readyz asks: the client's own status stays `ready` while a cluster's
      // master is down, though that master's keys fail every request.
      async collect() {
        if (kv instanceof RedisStore) {
          const answers = await kv.ping().then(
            () => true,
            () => false,
          );
          this.set({ store: kv.kind }, answers ? 1 : 0);
        } else if (kv instanceof MemoryStore) this.set({ store: 'memory' }, 1);
      },
    });

    const smsSent = new Counter({
      name: 'sms_sent_total',
      help: 'SMS codes handed to the gateway',
      registers,
    });
    const smsRefused = new Counter({
      name: 'sms_refused_total',
      help: 'SMS requests refused by a limit: rule ip (per client IP) or phone (per phone number)',
      labelNames: ['rule'],
      registers,
    });
    const smsFailed = new Counter({
      name: 'sms_failed_total',
      help: 'SMS the gateway failed to take',
      registers,
    });
    const loginsFailed = new Counter({
      name: 'logins_failed_total',
      help: 'Failed logins by method (password, sms) and reason (wrong: bad password or code; locked: refused by the failure limit)',
      labelNames: ['method', 'reason'],
      registers,
    });
    const uploads = new Counter({
      name: 'uploads_total',
      help: 'Files uploaded and recorded, by kind (image, document)',
      labelNames: ['kind'],
      registers,
    });
    const uploadBytes = new Counter({
      name: 'uploads_bytes_total',
      help: 'Bytes of files uploaded and recorded, by kind (image, document)',
      labelNames: ['kind'],
      registers,
    });
    // Every series exists from the start, so a rate over a fresh instance reads 0, not nothing.
    for (const rule of ['ip', 'phone']) smsRefused.inc({ rule }, 0);
    for (const method of ['password', 'sms'])
      for (const reason of ['wrong', 'locked']) loginsFailed.inc({ method, reason }, 0);
    for (const kind of ['image', 'document']) {
      uploads.inc({ kind }, 0);
      uploadBytes.inc({ kind }, 0);
    }

    this.telemetry = {
      smsSent: () => smsSent.inc(),
      smsRefused: (rule) => smsRefused.inc({ rule }),
      smsFailed: () => smsFailed.inc(),
      loginFailed: (method, reason) => loginsFailed.inc({ method, reason }),
      uploadStored: (kind, bytes) => {
        uploads.inc({ kind });
        uploadBytes.inc({ kind }, bytes);
      },
    };
  }

  /** Counts one answered request; Fastify's onResponse hook calls it. */
  observe(req: FastifyRequest, reply: FastifyReply): void {
    const seconds = reply.elapsedTime / 1000;
    const status = reply.statusCode;
    const pattern = req.routeOptions.url;
    // tRPC's adapter registers `/trpc/:path`.
    if (pattern?.startsWith('/trpc/')) {
      // A batch names several procedures (`/trpc/a.b,c.d`); each is counted with the batch's status.
      const names = (req.url.split('?')[0] ?? '').slice('/trpc/'.length).split(',');
      // tRPC refuses a batch of more than maxBatchSize calls whole, so none of them ran: one
      // request, one observation. Counted per name, one refused URL of a few thousand names made
      // the request counts (and the work of this hook) thousands of times what was served.
      if (names.length > maxBatchSize) {
        this.child('trpc', unknownRoute, status).observe(seconds);
        return;
      }
      for (const name of names)
        this.child('trpc', this.procedures.has(name) ? name : unknownRoute, status).observe(seconds);
      return;
    }
    if (pattern === '/index/*' || pattern === '/user/*') {
      const path = canonicalPath(req.url);
      this.child('legacy', this.legacyPaths.has(path) ? path : unknownRoute, status).observe(seconds);
      return;
    }
    this.child('http', pattern ?? unknownRoute, status).observe(seconds);
  }

  /** The text Prometheus scrapes. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private child(door: Door, route: string, status: number) {
    const key = `${door} ${route} ${status}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.requests.labels(door, route, String(status));
      this.children.set(key, child);
    }
    return child;
  }
}

/** Records every request and, when a token is configured, serves `GET /metrics` behind it. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  // A callback hook, not an async one: it runs on every answer, and a promise each is measurable.
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observe(req, reply);
    done();
  });
  if (token === undefined) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'metrics need the bearer token' });
    }
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * `/metrics` on an address of its own (METRICS_PORT), without a token: for a scraper on a private
 * network, so the public port never serves metrics at all. Answers the listening instance.
 */
export async function serveMetricsSeparately(
  metrics: Metrics,
  listen: { readonly host: string; readonly port: number },
): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
  await server.listen({ host: listen.host, port: listen.port });
  return server;
}
