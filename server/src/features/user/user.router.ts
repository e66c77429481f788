import { z } from 'zod';
import * as fields from '../../fields.js';
import { adminProcedure, authedProcedure, router } from '../../trpc/init.js';
import { profile } from './user.schemas.js';

export const userRouter = router({
  /** The logged-in user's own profile. */
  me: authedProcedure.output(profile).query(({ ctx }) => ctx.services.users.profile(ctx.user.id)),

  /** Admins look an account up by phone (e.g. before crediting it). */
  byPhone: adminProcedure
    .input(z.object({ phone: fields.phone }))
    .output(profile.nullable())
    .query(({ ctx, input }) => ctx.services.users.findByPhone(input.phone)),
});
