import { AppError } from '../../errors.js';
import type { Context } from '../../trpc/context.js';

/** The user a request is logged in as, and the token that proved it. */
export interface AuthUser {
  readonly id: number;
  readonly token: string;
}

/**
 * Who the request's token belongs to. Every door decides login here alike: the authed tier of
 * procedures, the typed upload route and the legacy door (which also holds the token to the user
 * id its clients name). A door that already decided it passes the user in the context.
 */
export async function authenticate(ctx: Context): Promise<AuthUser> {
  if (ctx.user) return ctx.user;
  const token = ctx.credentials.token;
  const userId = token ? await ctx.services.sessions.resolve(token) : null;
  if (userId === null || !token) throw new AppError('UNAUTHENTICATED');
  return { id: userId, token };
}

/** The logged-in user when the token holds, else null: for public procedures that show owners more. */
export async function viewerOf(ctx: Context): Promise<AuthUser | null> {
  if (ctx.user) return ctx.user;
  return ctx.credentials.token
    ? authenticate(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.appCode === 'UNAUTHENTICATED') return null;
        throw error;
      })
    : null;
}
