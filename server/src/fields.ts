import { z } from 'zod';

/** Building blocks for procedure inputs that several features share. */

// Control characters (NUL included) have no business in any text field of this service.
const noControlCharacters = /^[^\u0000-\u001f\u007f]*$/;

/** Single-line text with a length cap, trimmed. */
export const text = (max: number) => z.string().trim().max(max).regex(noControlCharacters);

/** A mainland China mobile number: 1, then 3–9, then nine digits. */
export const phone = z.string().regex(/^1[3-9]\d{9}$/);

export const password = z.string().min(6).max(64).regex(noControlCharacters);

export const smsCode = z.string().regex(/^\d{6}$/);

export const id = z.number().int().positive().max(2_147_483_647);
