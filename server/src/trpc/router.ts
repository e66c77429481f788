import { accountRouter } from '../features/account/account.router.js';
import { adminRouter } from '../features/admin/admin.router.js';
import { applicationRouter } from '../features/applications/application.router.js';
import { authRouter } from '../features/auth/auth.router.js';
import { demandRouter } from '../features/demands/demand.router.js';
import { billingRouter, paymentRouter, walletRouter } from '../features/money/money.router.js';
import { resumeRouter } from '../features/resume/resume.router.js';
import { userRouter } from '../features/user/user.router.js';
import { createCallerFactory, router } from './init.js';

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

/** The legacy adapter calls procedures in-process through this, with the same context as /trpc. */
export const createCaller = createCallerFactory(appRouter);
export type AppCaller = ReturnType<typeof createCaller>;
