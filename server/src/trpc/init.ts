import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { isDatabaseUnavailable } from '../db/database.js';
import { AppError, type AppErrorCode, errorTable, StoreUnavailableError } from '../errors.js';
import { findUserById } from '../features/user/user.repository.js';
import type { Context } from './context.js';
import { serializeOutput } from './superjson-output.js';

/** Who may call a procedure; set by the tier it is built from, read by the generated docs. */
export type ProcedureTier = 'public' | 'authed' | 'admin';
export interface ProcedureMeta {
  readonly tier?: ProcedureTier;
}

const withMeta = initTRPC.context<Context>().meta<ProcedureMeta>();
const t = withMeta.create({
  transformer: {
    input: superjson,
    output: { serialize: serializeOutput, deserialize: superjson.deserialize },
  },
  errorFormatter({ shape, error }) {
    const appCode = appCodeOf(error);
    const issues = validationIssues(error.cause);
    return {
      ...shape,
      // Internal failures keep their details in the log, never in the answer.
      message:
        appCode === 'INTERNAL'
          ? errorTable.INTERNAL.en
          : issues?.[0]
            ? `${errorTable.VALIDATION_FAILED.en}: ${issues[0].path.join('.') || 'input'}: ${issues[0].message}`
            : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode,
        issues: issues?.map((issue) => ({ path: issue.path.map(String), message: issue.message })) ?? null,
      },
    };
  },
});

export interface ValidationIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
}

/** The issues of a failed input parse (zod's or any standard schema's), or undefined. */
export function validationIssues(cause: unknown): readonly ValidationIssue[] | undefined {
  const issues = (cause as { issues?: unknown } | null | undefined)?.issues;
  return Array.isArray(issues) ? (issues as ValidationIssue[]) : undefined;
}

export function appCodeOf(error: unknown): AppErrorCode {
  if (error instanceof AppError) return error.appCode;
  const { code, cause } = error as { code?: string; cause?: unknown };
  if (validationIssues(cause)) return 'VALIDATION_FAILED';
  switch (code) {
    case 'UNAUTHORIZED':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
      return 'ADMIN_ONLY';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
      return 'VALIDATION_FAILED';
    default:
      return 'INTERNAL';
  }
}

/** A store that cannot be reached is a 503 (retry later), not a bug: translate it once, here. */
const storeOutagesAre503 = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof StoreUnavailableError || isDatabaseUnavailable(cause)) {
      throw new AppError('STORE_UNAVAILABLE', { cause });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(storeOutagesAre503).meta({ tier: 'public' });

/**
 * Who the request's credentials belong to: a live token, and (when the legacy door names one) the
 * same user id. The authed tier and the doors outside tRPC (file uploads) decide it here alike.
 */
export async function authenticate(ctx: Context): Promise<{ id: number; token: string }> {
  const { token, claimedUserId } = ctx.credentials;
  const userId = token ? await ctx.services.sessions.resolve(token) : null;
  if (userId === null || !token || (claimedUserId !== undefined && claimedUserId !== userId)) {
    throw new AppError('UNAUTHENTICATED');
  }
  return { id: userId, token };
}

/** The logged-in user when the credentials hold, else null: for public procedures that show owners more. */
export async function viewerOf(ctx: Context): Promise<{ id: number; token: string } | null> {
  return ctx.credentials.token
    ? authenticate(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.appCode === 'UNAUTHENTICATED') return null;
        throw error;
      })
    : null;
}

/** The 503 a store outage becomes, for doors outside tRPC; undefined for any other failure. */
export function storeOutage(error: unknown): AppError | undefined {
  return error instanceof StoreUnavailableError || isDatabaseUnavailable(error)
    ? new AppError('STORE_UNAVAILABLE', { cause: error })
    : undefined;
}

export const authedProcedure = publicProcedure
  .use(async ({ ctx, next }) => {
    const user = await authenticate(ctx);
    // tRPC merges what `next` is given into the context; no copy of ours on top of its own.
    return next({ ctx: { user } });
  })
  .meta({ tier: 'authed' });

export const adminProcedure = authedProcedure
  .use(async ({ ctx, next }) => {
    const user = await findUserById(ctx.database.db, ctx.user.id);
    if (!user?.is_admin) throw new AppError('ADMIN_ONLY');
    return next();
  })
  .meta({ tier: 'admin' });
