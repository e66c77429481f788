/**
 * React hooks for the service, the way tRPC v11 recommends: TanStack Query's own `useQuery` and
 * `useMutation`, fed typed options by `useTRPC()`.
 *
 *   const trpc = useTRPC();
 *   const page = useQuery(trpc.demands.list.queryOptions({ page: 1 }));
 *
 * Wrap the app once in `<TRPCProvider trpcClient={createClient(...)} queryClient={new QueryClient()}>`.
 */
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCContext, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { FC, ReactNode } from 'react';
// Through the main entry, which the package build turns into an import of the package itself.
import type { AppRouter, Client } from './index.js';

const context = createTRPCContext<AppRouter>();

export interface TRPCProviderProps {
  readonly children: ReactNode;
  readonly queryClient: QueryClient;
  /** The client from `createClient`, with the app's URL and token getter. */
  readonly trpcClient: Client;
}

/** Makes the client and the query cache available to the hooks below it. */
export const TRPCProvider: FC<TRPCProviderProps> = context.TRPCProvider;

/** Typed query and mutation options of every procedure: `useQuery(trpc.user.me.queryOptions())`. */
export const useTRPC: () => TRPCOptionsProxy<AppRouter> = context.useTRPC;

/** The client itself, for calls outside TanStack Query (e.g. in an event handler). */
export const useTRPCClient: () => Client = context.useTRPCClient;
