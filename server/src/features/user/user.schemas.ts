import { z } from 'zod';

export const userTypes = ['unknown', 'person', 'company'] as const;
export type UserType = (typeof userTypes)[number];
export const userType = z.enum(userTypes);

export const profile = z.object({
  id: z.number().int(),
  phone: z.string(),
  userType,
  verified: z.boolean(),
  email: z.string(),
  face: z.string(),
  address: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.date(),
});
export type Profile = z.infer<typeof profile>;
