import { getTRPCErrorShape, initTRPC, type TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { AppError, type AppErrorCode, errorTable, toAppError, validationIssues } from '../errors.js';
import { authenticate } from '../features/auth/authenticate.js';
import { findUserById } from '../features/user/user.repository.js';
import type { Context } from './context.js';
import { deserializeInput } from './input.js';
import { serializeOutput } from './superjson-output.js';

/** Who may call a procedure; set by the tier it is built from, read by the generated docs. */
export type ProcedureTier = 'public' | 'authed' | 'admin';
export interface ProcedureMeta {
  readonly tier?: ProcedureTier;
  /**
   * The codes this procedure itself fails with, beside those of its tier (`implicitErrors`). The
   * docs list them; a procedure failing with a code it does not declare logs a warning, which the
   * test suite turns into a failure.
   */
  readonly errors?: readonly AppErrorCode[];
}

/** Codes any procedure of a tier may fail with, without declaring them. */
const anyCall: readonly AppErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_REQUEST',
  'BODY_TOO_LARGE',
  'STORE_UNAVAILABLE',
  'INTERNAL',
];
export const implicitErrors: Readonly<Record<ProcedureTier, readonly AppErrorCode[]>> = {
  public: anyCall,
  authed: [...anyCall, 'UNAUTHENTICATED'],
  admin: [...anyCall, 'UNAUTHENTICATED', 'ADMIN_ONLY'],
};

const withMeta = initTRPC.context<Context>().meta<ProcedureMeta>();
const t = withMeta.create({
  transformer: {
    // Deserializes what clients send, refusing first what would cost far more than it weighs.
    input: { serialize: superjson.serialize, deserialize: deserializeInput },
    output: { serialize: serializeOutput, deserialize: superjson.deserialize },
  },
  errorFormatter({ shape, error }) {
    const appError = toAppError(error);
    const issues = validationIssues(appError);
    return {
      ...shape,
      // Internal failures keep their details in the log, never in the answer.
      message: issues?.[0]
        ? `${errorTable.VALIDATION_FAILED.en}: ${issues[0].path.join('.') || 'input'}: ${issues[0].message}`
        : errorTable[appError.appCode].en,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appError.appCode,
        // The same failure in Chinese, from the one error table, for frontends that speak it (the console).
        messageZh: errorTable[appError.appCode].zh,
        issues: issues?.map((issue) => ({ path: issue.path.map(String), message: issue.message })) ?? null,
        // A limit's refusal: seconds until one more try is allowed, for a countdown; otherwise null.
        retryAfterSeconds: appError.retryAfterSeconds ?? null,
      },
    };
  },
});

/**
 * Every failure leaves a procedure as an AppError of the table (a store outage as
 * STORE_UNAVAILABLE, a refused input as VALIDATION_FAILED), so each door answers from the code; a
 * code the procedure does not declare is logged, so the declarations the docs show stay true.
 */
function throwAsAppError(error: unknown, ctx: Context, meta: ProcedureMeta | undefined, path: string): never {
  const appError = toAppError(error);
  const tier = meta?.tier ?? 'public';
  if (!implicitErrors[tier].includes(appError.appCode) && !meta?.errors?.includes(appError.appCode)) {
    ctx.log.warn({ procedure: path, appCode: appError.appCode }, 'undeclared error code');
  }
  throw appError;
}

const failuresAsAppErrors = t.middleware(async ({ ctx, meta, path, next }) => {
  const result = await next();
  return result.ok ? result : throwAsAppError(result.error, ctx, meta, path);
});

/**
 * The authed tier's own middleware, doing what `failuresAsAppErrors` does as well: one level of
 * tRPC's middleware chain fewer, each of which copies the call's options and the context.
 */
const authenticatedWithFailuresAsAppErrors = t.middleware(async ({ ctx, meta, path, next }) => {
  const user = await authenticate(ctx).catch((error: unknown) => throwAsAppError(error, ctx, meta, path));
  // tRPC merges what `next` is given into a copy of the context: none when a door already set the user.
  const result = await next({ ctx: ctx.user ? undefined : { user } });
  return result.ok ? result : throwAsAppError(result.error, ctx, meta, path);
});

/**
 * A failure exactly as /trpc answers it (the formatter above), for doors beside /trpc that serve
 * typed clients: the SDK recognises both with one `isAppError`.
 */
export function errorShapeOf(error: TRPCError, ctx: Context) {
  return getTRPCErrorShape({
    config: t._config,
    error,
    type: 'mutation',
    path: undefined,
    input: undefined,
    ctx,
  });
}

/** The same failure serialized as a /trpc answer carries it (superjson), for refusals made before tRPC runs. */
export function serializedErrorOf(error: TRPCError, ctx: Context) {
  return t._config.transformer.output.serialize(errorShapeOf(error, ctx));
}

export const router = t.router;

export const publicProcedure = t.procedure.use(failuresAsAppErrors).meta({ tier: 'public' });

export const authedProcedure = t.procedure.use(authenticatedWithFailuresAsAppErrors).meta({ tier: 'authed' });

export const adminProcedure = authedProcedure
  .use(async ({ ctx, next }) => {
    const user = await findUserById(ctx.database.db, ctx.user.id);
    if (!user?.is_admin) throw new AppError('ADMIN_ONLY');
    return next();
  })
  .meta({ tier: 'admin' });
