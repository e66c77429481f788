import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatusOf, toAppError } from '../errors.js';
import { authenticate, type Credentials } from '../features/auth/authenticate.js';
import type { UrlSignature } from '../features/uploads/signed-urls.js';
import { isStorageKey } from '../features/uploads/storage.js';
import {
  typedUploadErrors,
  type UploadedFile,
  type UploadedFileJson,
} from '../features/uploads/uploads.schemas.js';
import type { ReceivedFile } from '../features/uploads/uploads.service.js';
import { bearerCredentials, type Context } from '../trpc/context.js';
import { errorShapeOf } from '../trpc/init.js';
import { closeIfBodyUnread, drainAfterAnswer } from './body-unread.js';
import type { BodyWaitLimits } from './body-watch.js';
import { type FormWaitLimits, multipartParts } from './multipart.js';
import type { UploadSlots } from './upload-slots.js';

export interface UploadsHttpOptions {
  readonly createContext: (req: FastifyRequest, credentials: Credentials) => Context;
  /** How long the form may keep the service waiting for its bytes. */
  readonly formWaitLimits: FormWaitLimits;
  /** The client's uploads in flight at once, shared with the legacy door. */
  readonly uploadSlots: UploadSlots;
}

/**
 * The HTTP routes beside the two doors' tables: `POST /api/uploads` (multipart part `file`,
 * `Authorization: Bearer`), the typed SDK's upload, answering the file record as JSON and failures
 * as /trpc does (`{error: {message, code, data: {appCode, ...}}}`); and `GET /uploads/<key>`, which
 * serves stored uploads to everyone's `<img>` tags and downloads.
 */
export async function uploadsHttp(app: FastifyInstance, options: UploadsHttpOptions): Promise<void> {
  const contextOf = (req: FastifyRequest) =>
    options.createContext(req, bearerCredentials(req.headers.authorization));

  // A body that is not a form holds no file part, whatever its type: left unread for the route to
  // answer (UPLOAD_MISSING, once the login is settled). Without this a type Fastify has no parser
  // for was refused before the route, 415 in the legacy envelope, and its body read to the end.
  // Only in this plugin's scope: the legacy door keeps its own answer for those.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  const uploadWait = options.formWaitLimits.upload ?? options.formWaitLimits.text;
  // What Fastify refuses before the route runs (a JSON body over the limit, a malformed one) is
  // answered in the route's own shape, not the legacy envelope of the app's error handler.
  const errorHandler = (error: unknown, req: FastifyRequest, reply: FastifyReply) =>
    sendFailure(reply, contextOf(req), error, uploadWait);
  app.post('/api/uploads', { errorHandler }, async (req, reply) => {
    const ctx = contextOf(req);
    try {
      // Settled first, from the header alone: a caller not logged in is told so, whatever else, and
      // takes no upload slot.
      const user = await authenticate(ctx);
      if (!req.isMultipart()) throw new AppError('UPLOAD_MISSING');
      // Taken before a byte of the form is read, given back once the file is stored or dropped.
      const received = await options.uploadSlots.hold(ctx.ip, async () => {
        // Past the member's hourly limit the file is refused unread; one refused a slot is not counted.
        await ctx.services.uploads.countMember(user.id);
        return receiveFormFile(req, ctx, options.formWaitLimits);
      });
      if (!received) throw new AppError('UPLOAD_MISSING');
      const uploaded = await ctx.services.uploads.record(received, user.id, ctx.ip);
      return reply.send({
        ...uploaded,
        createdAt: uploaded.createdAt.toISOString(),
      } satisfies UploadedFileJson);
    } catch (error) {
      return sendFailure(reply, ctx, error, uploadWait);
    }
  });

  app.get('/uploads/*', async (req, reply) => {
    const key = (req.params as { '*': string })['*'];
    // Unknown files answer like unknown URLs (the envelope, from the app's not-found handler); so do
    // private ones without a valid signature (unsigned, badly signed, expired): no byte of the file.
    if (!isStorageKey(key)) return reply.callNotFound();
    const opened = await options.createContext(req, {}).services.uploads.open(key, req.query as UrlSignature);
    if (!opened) return reply.callNotFound();
    const { file, body, size } = opened;
    // HEAD (answered by this route too) sends no body, but Fastify would still read the stream to
    // its end to discard it: the whole file pulled from storage, as fast as the store sends it, for
    // each HEAD. The stream is closed unread instead; the answer keeps the headers a GET has.
    if (req.method === 'HEAD') body.destroy();
    return (
      reply
        .header('content-type', file.mime)
        .header('content-length', size)
        .header('content-disposition', dispositionOf(file))
        // Even if a browser were talked into rendering a stored file, it could run nothing.
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox")
        .header(
          'cache-control',
          opened.private
            ? // The URL stops working when it expires; no shared cache keeps an identity document.
              `private, max-age=${opened.maxAgeS}`
            : `private, max-age=${opened.maxAgeS}, immutable`,
        )
        .send(body)
    );
  });
}

/**
 * Stores the form's part `file` while the form streams, and gives it back once the form has ended;
 * a form with two is refused. A form that fails after its file (a stall, a limit, a malformed part)
 * fails whole: the client is told it failed, so the file is dropped rather than recorded as an
 * upload it never learns of.
 */
async function receiveFormFile(
  req: FastifyRequest,
  ctx: Context,
  waitLimits: FormWaitLimits,
): Promise<ReceivedFile | undefined> {
  let received: ReceivedFile | undefined;
  try {
    for await (const part of multipartParts(req, waitLimits)) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      // One record is answered: a second file would be silently dropped while its sender believed
      // it stored. (The legacy door keeps the old backend's way: the first file, the rest ignored.)
      if (received) throw new AppError('UPLOAD_TOO_MANY_FILES');
      received = await ctx.services.uploads.receive(part.file, part.filename, 'member');
    }
    return received;
  } catch (error) {
    // The form's own failure is the answer, even when the store cannot drop the file just now.
    if (received) await ctx.services.uploads.discard(received).catch(() => undefined);
    throw error;
  }
}

/**
 * Images show inline; everything else downloads, under its original name with the extension of
 * the type its bytes showed: `x.html` that is a PDF downloads as `x.pdf`, never as a page.
 */
function dispositionOf(file: UploadedFile): string {
  if (file.mime.startsWith('image/')) return 'inline';
  const storedName = file.url.slice(file.url.lastIndexOf('/') + 1);
  const ext = storedName.slice(storedName.lastIndexOf('.') + 1);
  const original = file.originalName || storedName;
  const dot = original.lastIndexOf('.');
  const stem = dot > 0 ? original.slice(0, dot) : original;
  const name = original.slice(dot + 1).toLowerCase() === ext && dot > 0 ? original : `${stem}.${ext}`;
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${extValue(name)}`;
}

/**
 * The name as RFC 8187 writes it in `filename*`. encodeURIComponent leaves `'()*` as they are,
 * which that grammar does not allow: a browser then drops `filename*` whole and downloads under
 * the ASCII fallback, `O'Brien简历.pdf` as `O_Brien__.pdf` (seen in Chromium).
 */
const extValue = (name: string) =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Failures in the shape /trpc gives them (the same error formatter, the same HTTP status per code),
 * so the SDK turns both into one kind of error. A bug is logged and answered as INTERNAL, as /trpc does.
 */
function sendFailure(reply: FastifyReply, ctx: Context, error: unknown, uploadWait: BodyWaitLimits) {
  const appError = toAppError(error);
  if (appError.appCode === 'INTERNAL') reply.request.log.error({ err: error }, 'upload failed');
  // The client's fault (a malformed or oversized form): worth a line, not a stack.
  if (appError.appCode === 'MALFORMED_REQUEST' || appError.appCode === 'BODY_TOO_LARGE') {
    reply.request.log.info({ reason: (error as Error).message }, 'bad request');
  }
  // A file over multipart's own cap is a file too large; too many fields, parts or files are not.
  const fileTooLarge = (error as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE';
  const answered = fileTooLarge ? new AppError('UPLOAD_TOO_LARGE', { cause: error }) : appError;
  // As a procedure's undeclared code is (trpc/init.ts): the list /docs shows must stay true.
  if (!(typedUploadErrors as readonly string[]).includes(answered.appCode)) {
    reply.request.log.warn(
      { procedure: 'POST /api/uploads', appCode: answered.appCode },
      'undeclared error code',
    );
  }
  // A form's rest is read after the answer, for the SDK in Node; any other body is no upload.
  if (reply.request.isMultipart()) drainAfterAnswer(reply.request, reply, uploadWait);
  else closeIfBodyUnread(reply.request, reply);
  if (answered.retryAfterSeconds) reply.header('retry-after', String(answered.retryAfterSeconds));
  return reply.code(httpStatusOf(answered)).send({ error: errorShapeOf(answered, ctx) });
}
