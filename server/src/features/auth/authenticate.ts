import { AppError } from '../../errors.js';
import type { Sessions } from './sessions.js';

/** The user a request is logged in as, and the token that proved it. */
export interface AuthUser {
  readonly id: number;
  readonly token: string;
}

/** What the request presents to prove who it is. Whether it holds is decided by `authenticate`. */
export interface Credentials {
  readonly token?: string;
}

/** What deciding a login reads of a request's context (the tRPC context is one). */
interface LoginContext {
  readonly credentials: Credentials;
  /** Set when a door has already authenticated the request (the legacy door does, once). */
  readonly user?: AuthUser | undefined;
  readonly services: { readonly sessions: Pick<Sessions, 'resolve'> };
}

/**
 * Who the request's token belongs to. Every door decides login here alike: the authed tier of
 * procedures, the typed upload route and the legacy door (which also holds the token to the user
 * id its clients name). A door that already decided it passes the user in the context.
 */
export async function authenticate(ctx: LoginContext): Promise<AuthUser> {
  if (ctx.user) return ctx.user;
  const token = ctx.credentials.token;
  const userId = token ? await ctx.services.sessions.resolve(token) : null;
  if (userId === null || !token) throw new AppError('UNAUTHENTICATED');
  return { id: userId, token };
}

/** The logged-in user when the token holds, else null: for public procedures that show owners more. */
export async function viewerOf(ctx: LoginContext): Promise<AuthUser | null> {
  if (ctx.user) return ctx.user;
  return ctx.credentials.token
    ? authenticate(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.appCode === 'UNAUTHENTICATED') return null;
        throw error;
      })
    : null;
}
