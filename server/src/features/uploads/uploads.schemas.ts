import { z } from 'zod';
import type { AppErrorCode } from '../../errors.js';
import * as fields from '../../fields.js';

/** An upload as the typed API shows it. `url` is a path on this service, served by GET. */
export const uploadedFile = z.object({
  id: z.number().int(),
  url: z.string(),
  mime: z.string(),
  size: z.number().int(),
  originalName: z.string(),
  createdAt: z.date(),
});
export type UploadedFile = z.infer<typeof uploadedFile>;

/** The JSON the upload route answers: the record with its time as an ISO string. */
export type UploadedFileJson = Omit<UploadedFile, 'createdAt'> & { createdAt: string };

/**
 * Every code `POST /api/uploads` (the SDK's `uploadFile`) answers a refusal with, as a procedure's
 * meta declares its own: the docs list these by HTTP status, and a test drives the route into them.
 * Only members upload there, so the anonymous-only UPLOAD_IMAGES_ONLY is the legacy door's alone;
 * UPLOAD_TOO_FREQUENT is a member's hourly limit here (LIMIT_UPLOAD_PER_USER_HOUR), and
 * UPLOAD_DAILY_QUOTA_USED the day's bytes (LIMIT_UPLOAD_MB_PER_USER_DAY).
 */
export const typedUploadErrors = [
  'UNAUTHENTICATED',
  'UPLOAD_MISSING',
  'UPLOAD_EMPTY',
  'UPLOAD_TOO_MANY_FILES',
  'UPLOAD_NAME_INVALID',
  'UPLOAD_TYPE_NOT_ALLOWED',
  'UPLOAD_NAME_MISMATCH',
  'UPLOAD_TOO_LARGE',
  'UPLOAD_TIMEOUT',
  'UPLOAD_TOO_MANY_AT_ONCE',
  'UPLOAD_TOO_FREQUENT',
  'UPLOAD_DAILY_QUOTA_USED',
  // A form the multipart parser cannot read, or whose text fields are too large.
  'MALFORMED_REQUEST',
  'BODY_TOO_LARGE',
  // A body that is no form, trickled past BODY_WAIT_LIMIT_MS (http/body-deadline.ts).
  'BODY_TIMEOUT',
  'STORE_UNAVAILABLE',
  'INTERNAL',
] as const satisfies readonly AppErrorCode[];

/**
 * A reference to an earlier upload, by id or by the URL the upload answered. Whether it really is
 * one of ours (and the caller's) is checked by FileReferences, not here.
 */
export const fileRef = z.union([fields.id, z.string().trim().min(1).max(500)]);
export type FileRef = z.infer<typeof fileRef>;

/** Several references, e.g. the images of one field; an empty list clears the field. */
export const fileRefs = z.array(fileRef).max(10);
