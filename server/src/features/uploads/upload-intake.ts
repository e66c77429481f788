import { AppError } from '../../errors.js';
import type { Context } from '../../trpc/context.js';
import { authenticate, storeOutage } from '../../trpc/init.js';
import type { IncomingStream } from './incoming-file.js';
import type { UploadedFile } from './uploads.schemas.js';
import { ReceivedFile, type UploadAudience } from './uploads.service.js';

/** A multipart file part as the doors hand it over. */
export interface IncomingPart {
  readonly filename: string;
  readonly file: IncomingStream;
}

/**
 * Uploads are multipart, so they come in beside tRPC (which takes JSON). A door whose form may name
 * its login only after the file (the legacy forms) receives the file first and accepts it once
 * the whole form is read; this is where both steps apply the same rules as the typed upload route.
 */
export function uploadIntake(audience: UploadAudience) {
  return {
    receive: (part: IncomingPart, ctx: Context): Promise<ReceivedFile> =>
      translated(() => ctx.services.uploads.receive(part.file, part.filename, audience, ctx.ip)),

    discard: (received: unknown, ctx: Context): Promise<void> =>
      received instanceof ReceivedFile ? ctx.services.uploads.discard(received) : Promise.resolve(),

    /** Records the received file for the caller; a member door refuses callers who are not logged in. */
    accept: (ctx: Context, received: unknown): Promise<UploadedFile> =>
      translated(async () => {
        const uploaderId = audience === 'member' ? (await authenticate(ctx)).id : null;
        // Only a file part becomes a ReceivedFile; a text field named `file` never does.
        if (!(received instanceof ReceivedFile)) throw new AppError('UPLOAD_MISSING');
        return ctx.services.uploads.record(received, uploaderId);
      }),
  };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeOutage(error) ?? error;
  }
}
