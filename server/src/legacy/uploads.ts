import { AppError } from '../errors.js';
import { authenticate } from '../features/auth/authenticate.js';
import type { UploadedFile } from '../features/uploads/uploads.schemas.js';
import { ReceivedFile, type UploadAudience } from '../features/uploads/uploads.service.js';
import type { Context } from '../trpc/context.js';
import { drain, type MultipartFilePart } from './body.js';
import type { RawFields } from './fields.js';

/**
 * The legacy upload forms: multipart, and the login fields may come after the file. So the file
 * part `file` is streamed to storage while the form is read, and recorded once the whole form (and
 * so the login) is known; if the request fails in between, what was stored is discarded. A
 * refusal of the file is kept until the form is read, so the answer is the refusal, not a broken
 * connection.
 *
 * `admit` runs once, when the file part begins and before a byte of it is read, with the fields
 * sent before it: what it throws (no login, too many uploads at once) ends the form there, its file
 * unparsed and nothing stored; so does an anonymous upload past its hourly limit. (The rest of the
 * body is still read, and dropped, before the answer: see readRestOfBody.)
 */
export function legacyUploadIntake(
  audience: UploadAudience,
  context: Context,
  admit: (fieldsBefore: RawFields) => Promise<void>,
) {
  const kept: ReceivedFile[] = [];
  let refusal: { error: unknown } | undefined;
  let taken = false;
  return {
    onFile: async (part: MultipartFilePart, fieldsBefore: () => RawFields): Promise<unknown> => {
      if (part.fieldname !== 'file' || taken) return drain(part.file);
      taken = true;
      await admit(fieldsBefore());
      // Past its hourly limit an anonymous file is refused unread, as one past the client's slots is.
      if (audience === 'anonymous') await context.services.uploads.countAnonymous(context.ip);
      try {
        const received = await context.services.uploads.receive(part.file, part.filename, audience);
        kept.push(received);
        return received;
      } catch (error) {
        refusal = { error };
        // The receiver leaves a refused file's rest unread; the form goes on past it, to the login
        // fields that may follow. An error here only means there is nothing left.
        return drain(part.file).catch(() => undefined);
      }
    },
    /** Why a file was refused, if it was: it explains the request's failure best. */
    get refusal(): { error: unknown } | undefined {
      return refusal;
    },
    async discardAll(): Promise<void> {
      await Promise.allSettled(kept.splice(0).map((received) => context.services.uploads.discard(received)));
    },
  };
}

/** Records the received file for its uploader; a member form refuses callers who are not logged in. */
export async function acceptUpload(
  context: Context,
  audience: UploadAudience,
  received: unknown,
): Promise<UploadedFile> {
  const uploaderId = audience === 'member' ? (await authenticate(context)).id : null;
  // Only a file part becomes a ReceivedFile; a text field named `file` never does.
  if (!(received instanceof ReceivedFile)) throw new AppError('UPLOAD_MISSING');
  // A member past the hourly limit: the file received is dropped with the failure (discardAll).
  if (uploaderId !== null) await context.services.uploads.countMember(uploaderId);
  return context.services.uploads.record(received, uploaderId, context.ip);
}
