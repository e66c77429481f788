import type { AnyProcedure } from '@trpc/server';
import { accountRouter } from '../features/account/account.router.js';
import { adminRouter } from '../features/admin/admin.router.js';
import { applicationRouter } from '../features/applications/application.router.js';
import { authRouter } from '../features/auth/auth.router.js';
import { demandRouter } from '../features/demands/demand.router.js';
import { billingRouter, paymentRouter, walletRouter } from '../features/money/money.router.js';
import { resumeRouter } from '../features/resume/resume.router.js';
import { userRouter } from '../features/user/user.router.js';
import type { Context } from './context.js';
import { router } from './init.js';

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  account: accountRouter,
  demands: demandRouter,
  applications: applicationRouter,
  wallet: walletRouter,
  payments: paymentRouter,
  billing: billingRouter,
  resume: resumeRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/**
 * The procedure at a dotted path as a function of a context and its raw input: the legacy door
 * calls procedures in-process so, through the same middlewares and schemas as /trpc. Looked up once
 * per route at start-up; tRPC's caller would build a proxy and look the path up on every request.
 */
export function procedureAt(path: string): (ctx: Context, input: unknown) => Promise<unknown> {
  // The router keeps its procedures flat, by dotted path (its type describes the nested record).
  const procedure = (appRouter._def.procedures as Record<string, unknown>)[path];
  if (!isProcedure(procedure)) throw new Error(`No procedure at ${path}`);
  const { type } = procedure._def;
  return (ctx, input) =>
    procedure({ ctx, path, type, getRawInput: async () => input, signal: undefined, batchIndex: 0 });
}

const isProcedure = (value: unknown): value is AnyProcedure =>
  typeof value === 'function' && '_def' in value && typeof value._def === 'object';
