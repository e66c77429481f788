import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorTable } from '../../errors.js';
import { multipartParts } from '../../http/multipart.js';
import { failure, transportFailures } from '../../legacy/envelope.js';
import { bearerCredentials, type Context, type Credentials } from '../../trpc/context.js';
import { authenticate, storeOutage } from '../../trpc/init.js';
import { isStorageKey } from './storage.js';
import type { UploadedFile, UploadedFileJson } from './uploads.schemas.js';

export interface UploadsHttpOptions {
  readonly createContext: (req: FastifyRequest, credentials: Credentials) => Context;
}

/**
 * `POST /api/uploads` (multipart part `file`, `Authorization: Bearer`) for the typed SDK, answering
 * the file record as JSON; and `GET /uploads/<key>`, which serves stored uploads.
 */
export async function uploadsHttp(app: FastifyInstance, options: UploadsHttpOptions): Promise<void> {
  app.post('/api/uploads', async (req, reply) => {
    const ctx = options.createContext(req, bearerCredentials(req.headers.authorization));
    try {
      const user = await authenticate(ctx);
      if (!req.isMultipart()) throw new AppError('UPLOAD_MISSING');
      let uploaded: UploadedFile | undefined;
      for await (const part of multipartParts(req)) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' || uploaded) {
          part.file.resume();
          continue;
        }
        const received = await ctx.services.uploads.receive(part.file, part.filename, 'member', ctx.ip);
        uploaded = await ctx.services.uploads.record(received, user.id);
      }
      if (!uploaded) throw new AppError('UPLOAD_MISSING');
      return reply.send({
        ...uploaded,
        createdAt: uploaded.createdAt.toISOString(),
      } satisfies UploadedFileJson);
    } catch (error) {
      return sendFailure(reply, error);
    }
  });

  app.get('/uploads/*', async (req, reply) => {
    const key = (req.params as { '*': string })['*'];
    const notFound = () => reply.code(404).send(failure(transportFailures[404]));
    if (!isStorageKey(key)) return notFound();
    let opened: Awaited<ReturnType<Context['services']['uploads']['open']>>;
    try {
      opened = await options.createContext(req, {}).services.uploads.open(key);
    } catch (error) {
      if (storeOutage(error)) return reply.code(503).send(failure(transportFailures[503]));
      throw error;
    }
    if (!opened) return notFound();
    const { file, body, size } = opened;
    return (
      reply
        .header('content-type', file.mime)
        .header('content-length', size)
        .header('content-disposition', dispositionOf(file))
        .header('x-content-type-options', 'nosniff')
        // Even if a browser were talked into rendering a stored file, it could run nothing.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(body)
    );
  });
}

/** Images show inline; everything else downloads, under its original name. */
function dispositionOf(file: UploadedFile): string {
  if (file.mime.startsWith('image/')) return 'inline';
  const name = file.originalName || file.url.slice(file.url.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Failures as the typed API states them: the AppError code and its English message. */
function sendFailure(reply: FastifyReply, error: unknown) {
  const known = error instanceof AppError ? error : (storeOutage(error) ?? clientFault(reply, error));
  if (!known) throw error;
  return reply
    .code(getHTTPStatusCodeFromError(known))
    .send({ error: { code: known.appCode, message: errorTable[known.appCode].en } });
}

/** Multipart's own cap (413) and a malformed form (400) are the client's doing: a log line, no stack. */
function clientFault(reply: FastifyReply, error: unknown): AppError | undefined {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 413 && status !== 400) return undefined;
  reply.request.log.info({ status, reason: (error as Error).message }, 'bad request');
  return new AppError(status === 413 ? 'UPLOAD_TOO_LARGE' : 'VALIDATION_FAILED', { cause: error });
}
