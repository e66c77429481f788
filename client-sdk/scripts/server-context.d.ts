/**
 * What the SDK's types say of the server's per-request context (database, services, logger, ...):
 * nothing. No client ever holds one, and naming it would pull the whole server into a frontend's
 * compile. The build puts this in place of server/src/trpc/context.ts.
 */
export type Context = Record<never, never>;
