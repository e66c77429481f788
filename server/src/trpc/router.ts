import { authRouter } from '../features/auth/auth.router.js';
import { userRouter } from '../features/user/user.router.js';
import { createCallerFactory, router } from './init.js';

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
});

export type AppRouter = typeof appRouter;

/** The legacy adapter calls procedures in-process through this, with the same context as /trpc. */
export const createCaller = createCallerFactory(appRouter);
export type AppCaller = ReturnType<typeof createCaller>;
