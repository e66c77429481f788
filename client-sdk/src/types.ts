import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/src/trpc/router.js';

/*
 * Types only: the package's build inlines the router's types into its one `.d.ts`, so a frontend
 * compiles against them without the server's source or dependencies.
 */

export type { AppRouter };

/** Every procedure's input, by path: `RouterInputs['demands']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Every procedure's output, by path, Dates as Dates: `RouterOutputs['demands']['list']['items'][number]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** A failure as the service shapes it, on /trpc and /api/uploads alike. */
export type AppErrorShape = AppRouter['_def']['_config']['$types']['errorShape'];

/** The service's error codes (`'BALANCE_TOO_LOW'`, ...), each with an English and a Chinese message. */
export type AppErrorCode = AppErrorShape['data']['appCode'];
