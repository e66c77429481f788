import { z } from 'zod';
import * as fields from '../../fields.js';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';

const loginResult = z.object({
  userId: z.number().int(),
  token: z.string(),
  expiresAt: z
    .date()
    .describe(
      'When the session ends at the latest (30 days on); a logout, a password change or a 21st session ends it sooner.',
    ),
});

export const authRouter = router({
  /**
   * Sends a 6-digit code to the phone. Known and unknown phones answer alike. `SMS_SEND_FAILED`
   * after the gateway refused it leaves the phone's quota as it was; after no answer in time the
   * code stays valid, as the message may still arrive.
   */
  requestSmsCode: publicProcedure
    .meta({ errors: ['SMS_TOO_FREQUENT', 'SMS_SEND_FAILED'] })
    .input(z.object({ phone: fields.phone }))
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.auth.requestSmsCode(input.phone, ctx.ip)),

  /**
   * Logs in with an SMS code; a new phone registers, as `userType` when given. With `register:
   * false` (the operators' console) an unknown phone is refused instead: a login page that only
   * admins may pass should not leave marketplace accounts behind.
   */
  loginWithSmsCode: publicProcedure
    .meta({ errors: ['SMS_CODE_INVALID', 'SMS_CODE_TRIES_USED', 'LOGIN_LOCKED', 'ACCOUNT_NOT_FOUND'] })
    .input(
      z.object({
        phone: fields.phone,
        code: fields.smsCode,
        userType: z.enum(['person', 'company']).optional(),
        register: z.boolean().default(true),
      }),
    )
    .output(loginResult)
    .mutation(({ ctx, input }) => ctx.services.auth.loginWithSmsCode(input, ctx.ip)),

  loginWithPassword: publicProcedure
    .meta({ errors: ['LOGIN_FAILED', 'LOGIN_LOCKED', 'LOGIN_TOO_FREQUENT'] })
    .input(z.object({ phone: fields.phone, password: z.string().min(1).max(64) }))
    .output(loginResult)
    .mutation(({ ctx, input }) => ctx.services.auth.loginWithPassword(input, ctx.ip)),

  /** Ends the presented session. Idempotent: an unknown or expired token is already logged out. */
  logout: publicProcedure.output(z.void()).mutation(async ({ ctx }) => {
    if (ctx.credentials.token) await ctx.services.auth.logout(ctx.credentials.token);
  }),

  /** Sets a new password with an SMS code sent to the account's phone; ends every session. */
  resetPassword: publicProcedure
    .meta({ errors: ['SMS_CODE_INVALID', 'SMS_CODE_TRIES_USED', 'LOGIN_LOCKED', 'ACCOUNT_NOT_FOUND'] })
    .input(z.object({ phone: fields.phone, code: fields.smsCode, newPassword: fields.password }))
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.auth.resetPassword(input, ctx.ip)),

  /** Changes the password; the caller's session stays, every other one ends. */
  changePassword: authedProcedure
    .meta({ errors: ['PASSWORD_CHANGE_TOO_FREQUENT'] })
    .input(z.object({ newPassword: fields.password }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      ctx.services.auth.changePassword(ctx.user.id, ctx.user.token, input.newPassword),
    ),
});
