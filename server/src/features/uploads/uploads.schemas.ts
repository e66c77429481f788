import { z } from 'zod';
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
 * A reference to an earlier upload, by id or by the URL the upload answered. Whether it really is
 * one of ours (and the caller's) is checked by FileReferences, not here.
 */
export const fileRef = z.union([fields.id, z.string().trim().min(1).max(500)]);
export type FileRef = z.infer<typeof fileRef>;

/** Several references, e.g. the images of one field; an empty list clears the field. */
export const fileRefs = z.array(fileRef).max(10);
