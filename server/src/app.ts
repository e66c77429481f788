import path from 'node:path';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { docsPlugin } from './docs/plugin.js';
import { AppError, httpStatusOf, toAppError } from './errors.js';
import type { AuthUser, Credentials } from './features/auth/authenticate.js';
import type { FileStorage } from './features/uploads/storage.js';
import { openFileStorage } from './features/uploads/storage-driver.js';
import { bodyDeadline } from './http/body-deadline.js';
import { bodyLimitBytes, tooManyJsonValues } from './http/body-limits.js';
import { closeIfBodyUnread } from './http/body-unread.js';
import { bodyTimedOut } from './http/body-watch.js';
import { capConnectionsPerClient } from './http/connections-per-client.js';
import { consoleHttp, defaultConsoleRoot } from './http/console.js';
import { clientErrorHandler, frameworkErrorHandler } from './http/framework-errors.js';
import { addVaryOrigin, everyAnswerHeaders, requestIdOf } from './http/headers.js';
import { closeSilentConnections } from './http/silent-connections.js';
import { warnOnceOfUntrustedForwarding } from './http/untrusted-forwarding.js';
import { UploadSlots } from './http/upload-slots.js';
import { uploadsHttp } from './http/uploads.js';
import type { KeyValueStore } from './kv/store.js';
import { registerLegacyBodyParsers } from './legacy/body.js';
import { failure } from './legacy/envelope.js';
import { legacyFailure } from './legacy/failures.js';
import { legacyPlugin } from './legacy/plugin.js';
import { legacyRoutes } from './legacy/routes/index.js';
import { AccessLog, createLogger } from './logger.js';
import type { Metrics } from './ops/metrics.js';
import { Readiness } from './ops/readiness.js';
import { createServices } from './services.js';
import { createSmsSender, type SmsSender } from './sms/sms-sender.js';
import { noTelemetry } from './telemetry.js';
import { bearerCredentials, type Context } from './trpc/context.js';
import { serializedErrorOf } from './trpc/init.js';
import { maxBatchSize } from './trpc/limits.js';
import { type AppRouter, appRouter } from './trpc/router.js';

export interface AppDeps {
  readonly database: Database;
  readonly kv: KeyValueStore;
  readonly sms?: SmsSender;
  /** Where uploads live; when absent, the driver config.storage names, closed with the app. */
  readonly storage?: FileStorage;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** With config.metrics set: the instance's metrics (main.ts also serves them on their own port). */
  readonly metrics?: Metrics;
  /** Turned to draining by main.ts on SIGTERM, which makes `/readyz` answer 503. */
  readonly readiness?: Readiness;
  /** The built operators' console; by default the project's `console/dist`. */
  readonly consoleRoot?: string;
}

/** Builds the whole service around the given stores. The instance does not listen; main.ts does. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const log = deps.logger ?? createLogger(config);
  const clock = deps.clock ?? systemClock;
  const sms = deps.sms ?? createSmsSender(config, log);
  const storage = deps.storage ?? (await openFileStorage(config.storage));
  const metrics = config.metrics ? (deps.metrics ?? (await createMetrics(deps))) : undefined;
  const services = createServices({
    config,
    database: deps.database,
    kv: deps.kv,
    sms,
    storage,
    clock,
    log,
    telemetry: metrics?.telemetry ?? noTelemetry,
  });

  const corsOrigins = config.corsOrigin === '*' ? '*' : config.corsOrigin.split(',');
  const accessLog = new AccessLog();
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : typeof config.trustProxy === 'boolean'
          ? config.trustProxy
          : [...config.trustProxy],
    bodyLimit: bodyLimitBytes,
    // Read by requestIdOf, which keeps a client's id only when it is short and plain.
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: accessLog,
    frameworkErrors: frameworkErrorHandler(corsOrigins, accessLog),
    clientErrorHandler: clientErrorHandler(corsOrigins, log as FastifyBaseLogger),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 5000 },
  });
  closeSilentConnections(app.server, config.limits.silentConnectionMs);
  capConnectionsPerClient(app.server, config.limits.connectionsPerClient, config.trustProxy);

  const createContext = (req: FastifyRequest, credentials: Credentials, user?: AuthUser): Context => ({
    config,
    database: deps.database,
    services,
    clock,
    log: req.log as Logger,
    ip: req.ip,
    credentials,
    ...(user ? { user } : {}),
  });

  if (!deps.storage) app.addHook('onClose', () => storage.close());
  if (metrics) {
    const { registerMetrics } = await import('./ops/metrics.js');
    registerMetrics(app, metrics, config.metrics?.token);
  }

  // Once closing starts, answers ask keep-alive clients to hang up, so requests in flight finish
  // and their sockets close instead of holding the shutdown open. So does the answer to a body that
  // timed out: the rest of it never comes, and the connection would wait for it forever.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const corsByOrigin = config.corsOrigin !== '*';
  // A callback hook, not an async one: it runs on every answer, and a promise each is measurable.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    if (corsByOrigin) addVaryOrigin(reply, payload);
    if (closing || bodyTimedOut(req.raw)) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onRequest', everyAnswerHeaders);
  app.addHook('onRequest', bodyDeadline(config.limits.bodyWaitMs));
  if (config.trustProxy === false) app.addHook('onRequest', warnOnceOfUntrustedForwarding());

  await app.register(cors, {
    origin: corsOrigins === '*' ? '*' : [...corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    maxAge: 86400,
    // A web page on another origin reads only the headers named here: a download's file name, and
    // the request id that support asks for when something failed.
    exposedHeaders: ['Content-Disposition', 'X-Request-Id'],
    // An OPTIONS without Origin or Access-Control-Request-Method (a probe, a proxy's check, a
    // client's own) is answered as a preflight is, 204 with the CORS headers, rather than a bare
    // `400 Invalid Preflight Request` outside the envelope: OPTIONS is one of the methods every
    // path allows, and no body is what a preflight's answer has too.
    strictPreflight: false,
  });
  await app.register(multipart, {
    // A resume `/all` of 100 projects is 600 fields; 128 KB per field holds any text we accept
    // (5000 characters) with room, and keeps one form's fields under 128 MB of memory at worst.
    limits: { fieldSize: 128 * 1024, fields: 1000, parts: 1010, files: 10, fileSize: 50 * 1024 * 1024 },
  });
  registerLegacyBodyParsers(app);

  // Failures outside the doors' own handling (unknown URLs, bodies Fastify cannot parse, a store
  // down while serving a file, bugs) answer from the same error table, in the legacy envelope.
  // Either may answer before the body has come (a type Fastify cannot parse, an unknown URL): the
  // connection then closes after the answer rather than read the rest (http/body-unread.ts).
  app.setNotFoundHandler((req, reply) => {
    const { status, err } = legacyFailure(new AppError('ROUTE_NOT_FOUND'));
    closeIfBodyUnread(req, reply);
    return reply.code(status).send(failure(err));
  });
  app.setErrorHandler((error, req, reply) => {
    const appError = logged(req, error);
    const { status, err } = legacyFailure(appError);
    closeIfBodyUnread(req, reply);
    return reply.code(status).send(failure(err));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  const readiness = deps.readiness ?? new Readiness();
  app.get('/readyz', async (_req, reply) => {
    if (readiness.isDraining) return reply.code(503).send({ status: 'draining' });
    const checks = await Promise.allSettled([sql`select 1`.execute(deps.database.db), deps.kv.ping()]);
    const [database, kv] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ready = database === 'ok' && kv === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, kv });
  });

  await app.register(async (trpc) => {
    // What is refused before tRPC reads the request (a body too large, too slow or malformed; a
    // multipart one) answers as a procedure's failure does, so the SDK reads its code; the legacy
    // envelope of the app's handler would reach it as an answer it cannot read.
    trpc.setErrorHandler((error, req, reply) => {
      const appError = logged(req, error);
      closeIfBodyUnread(req, reply);
      const ctx = createContext(req, bearerCredentials(req.headers.authorization));
      return reply.code(httpStatusOf(appError)).send({ error: serializedErrorOf(appError, ctx) });
    });
    // No procedure takes FormData, yet tRPC would read a multipart body whole to build one (on a
    // socket, without Fastify's body limit): such a request is refused before its body is read.
    // (By the header: `isMultipart()` is only known once the body parser has run.)
    trpc.addHook('onRequest', async (req) => {
      if (/^\s*multipart\//i.test(req.headers['content-type'] ?? '')) {
        throw Object.assign(new Error('multipart bodies are not accepted on /trpc'), { statusCode: 415 });
      }
      // tRPC refuses such a batch too, but as a bare BAD_REQUEST that reads as an invalid input.
      if ((req.query as { batch?: unknown }).batch === '1' && callsIn(req.url) > maxBatchSize) {
        throw new AppError('BATCH_TOO_LARGE');
      }
    });
    // tRPC's plugin hands a JSON body over as text and parses it itself: held to the same count of
    // values as the other doors' bodies before it does.
    trpc.addHook('preHandler', async (req) => {
      if (typeof req.body === 'string') {
        const tooMany = tooManyJsonValues(req.body);
        if (tooMany) throw tooMany;
      }
    });
    await trpc.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: ({ req }) => createContext(req, bearerCredentials(req.headers.authorization)),
        maxBatchSize,
        // A query too long for a URL comes as a POST (the SDK sends it so); a read either way, and
        // calls carry their token in a header, never a cookie a page on another origin could ride.
        allowMethodOverride: true,
        // A body Fastify hands over unread is otherwise read by tRPC without any limit: 1 MB, as every
        // other body (multipart, the one such type, is refused above; this holds should another come).
        maxBodySize: bodyLimitBytes,
        onError: ({ error, path }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path }, 'procedure failed');
        },
        // A limit's refusal says when to try again in the standard header too (a batch: the longest).
        responseMeta: ({ errors }) => {
          const waitSeconds = Math.max(0, ...errors.map((error) => toAppError(error).retryAfterSeconds ?? 0));
          return waitSeconds > 0 ? { headers: { 'retry-after': String(waitSeconds) } } : {};
        },
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>);
  });

  const { uploadWait, bodyWaitMs } = config.limits;
  const formWaitLimits = {
    text: { idleMs: uploadWait.idleMs, totalMs: Math.min(bodyWaitMs, uploadWait.totalMs) },
    upload: uploadWait,
  };
  // One count for both doors: a client's uploads take the same slots whichever door they came through.
  const uploadSlots = new UploadSlots(config.limits.uploadsPerClient);
  await app.register(legacyPlugin, {
    routes: legacyRoutes,
    timeZone: config.displayTimeZone,
    createContext,
    formWaitLimits,
    uploadSlots,
  });
  await app.register(uploadsHttp, { createContext, formWaitLimits, uploadSlots });
  await app.register(docsPlugin, { timeZone: config.displayTimeZone });
  await app.register(consoleHttp, { root: path.resolve(deps.consoleRoot ?? defaultConsoleRoot()) });
  return app;
}

/** How many procedures a batch's URL names (`/trpc/a.b,c.d?batch=1`: two). */
const callsIn = (url: string) => (url.split('?', 1)[0] ?? '').split(',').length;

/** A failure outside the procedures, as the error table names it, logged: a bug with its stack. */
function logged(req: FastifyRequest, error: unknown): AppError {
  const appError = toAppError(error);
  if (appError.appCode === 'INTERNAL') req.log.error({ err: error }, 'request failed');
  else if (httpStatusOf(appError) < 500) {
    // The client's fault (a malformed or oversized body): worth a line, not a stack.
    req.log.info({ status: httpStatusOf(appError), reason: (error as Error).message }, 'bad request');
  }
  return appError;
}

/**
 * The metrics of an app on these stores. prom-client is loaded only here, when metrics are on: it
 * takes ~140 ms to import, which a service without metrics (and every test file) need not pay.
 */
export async function createMetrics(stores: Pick<AppDeps, 'database' | 'kv'>): Promise<Metrics> {
  const { Metrics } = await import('./ops/metrics.js');
  return new Metrics({
    database: stores.database,
    kv: stores.kv,
    legacyPaths: legacyRoutes.map((route) => route.path),
    procedures: Object.keys(appRouter._def.procedures),
  });
}
