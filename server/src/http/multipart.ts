import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { bodyLimitBytes, maxJsonValues } from './body-limits.js';
import { type BodyWaitLimits, type BodyWatch, watchBody } from './body-watch.js';

/**
 * How long a multipart form may keep the service waiting for its bytes. Its text is held to what
 * any body's is (BODY_WAIT_LIMIT_MS), as it is to 1 MB: fields trickled a byte at a time kept up to
 * 1 MB in memory per connection for the 10 minutes an upload may take. On a door that stores the
 * form's part `file`, the form is held to the upload's limits (UPLOAD_*) once that part begins: a
 * 50 MB file from a slow phone needs minutes, and holds one of the client's few upload slots.
 */
export interface FormWaitLimits {
  readonly text: BodyWaitLimits;
  readonly upload?: BodyWaitLimits;
}

/**
 * The parts of a multipart request as they stream in. When the parser cannot read the body (no
 * boundary, a body cut short, a malformed header), that is the client's fault: its error gets HTTP
 * status 400, whether it surfaces from the iteration or from a file stream a receiver is reading,
 * so every door answers it as a bad request instead of a 500 with a stack in the log.
 *
 * A sender that stalls, or sends too slowly to finish within `waitLimits`, fails the form with
 * UPLOAD_TIMEOUT: the file part being read is destroyed with it (its receiver stops, the storage
 * drops what it had and lets go of its upload slot), and so is the wait for the next part.
 *
 * Text fields together are held to bodyLimitBytes on every door, whether it reads them or not:
 * the parser keeps each one until the request ends; and to maxJsonValues values, as a JSON body
 * is, counting those of a part sent as `application/json` (`valuesOf`).
 */
export async function* multipartParts(
  req: FastifyRequest,
  waitLimits: FormWaitLimits,
): AsyncGenerator<Multipart> {
  let parts: AsyncIterableIterator<Multipart>;
  try {
    // preservePath: a file name like `../x.png` reaches the receiver as sent, so it can refuse it.
    parts = req.parts({ preservePath: true });
  } catch (error) {
    throw asClientFault(error);
  }
  let watch: BodyWatch | undefined;
  let lastFile: MultipartFile['file'] | undefined;
  let textBytes = 0;
  let textValues = 0;
  let finished = false;
  try {
    while (true) {
      if (watch?.failure) throw watch.failure;
      let step: IteratorResult<Multipart>;
      try {
        const next = parts.next();
        // Only now: the first call is what pipes the request into the parser.
        watch ??= watchBody(req.raw, waitLimits.text, (failure, reason) => {
          req.log.info({ reason }, 'multipart body timed out');
          if (lastFile && !lastFile.readableEnded) lastFile.destroy(failure);
        });
        step = await Promise.race([next, watch.timedOut]);
      } catch (error) {
        throw error === watch?.failure ? error : asClientFault(error);
      }
      // A destroyed file part ends the parser's iteration as if the form were whole.
      if (watch.failure) throw watch.failure;
      if (step.done) {
        finished = true;
        return;
      }
      // The parser destroys a file stream with its error, maybe already: mark it before a reader sees it.
      if (step.value.type === 'file') {
        const { file } = step.value;
        if (file.errored) asClientFault(file.errored);
        else file.on('error', asClientFault);
        lastFile = file;
        // The parser's type says string; a part with no name (`filename=""`) has none at all.
        if (step.value.filename) step.value.filename = unescapedFileName(step.value.filename);
        if (step.value.fieldname === 'file' && waitLimits.upload) watch.limitTo(waitLimits.upload);
      } else {
        // Counted first: a value within the cap is nested too shallowly to overflow bytesOfValue.
        textValues += valuesOf(step.value.value, maxJsonValues - textValues);
        if (textValues > maxJsonValues) throw new FormFieldsTooLargeError();
        textBytes += Buffer.byteLength(step.value.fieldname) + bytesOfValue(step.value.value);
        if (textBytes > bodyLimitBytes) throw new FormFieldsTooLargeError();
      }
      yield step.value;
    }
  } finally {
    watch?.stop();
    if (!finished) stopParsing(req);
  }
}

/** A multipart field over its size cap, or fields over theirs together; answered like any too-large body. */
export class FormFieldsTooLargeError extends Error {
  readonly statusCode = 413;
  constructor() {
    super('multipart field too large');
  }
}

/**
 * How many values a field's value holds, counted up to one past `cap`: 1 for text; for a part sent
 * as `application/json`, which the parser hands over parsed, its objects, arrays and leaves. The
 * legacy door merges such a value into its fields as qs would, at a cost that grows with the values
 * (bench/README.md, "Hostile bodies"), and 120 KB of `[[[...]]]` overflowed the stack. Walked with
 * a list, not recursion, for that nesting.
 */
function valuesOf(value: unknown, cap: number): number {
  if (typeof value !== 'object' || value === null) return 1;
  const unseen: unknown[] = [value];
  let count = 0;
  while (unseen.length > 0 && count <= cap) {
    const next = unseen.pop();
    count++;
    if (typeof next === 'object' && next !== null)
      unseen.push(...Object.values(next).slice(0, cap + 1 - count));
  }
  return count;
}

/**
 * The size of a field's value as sent. A part sent as `application/json` reaches us parsed, and an
 * object would otherwise count as the 15 bytes of `[object Object]`, whatever it held.
 */
function bytesOfValue(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
}

/**
 * The file name as the sender's file had it. Browsers (and fetch's FormData, undici's too) write
 * `"` in a part's filename as `%22`, as the HTML standard's form encoding says, and leave `%` as it
 * is; the parser hands the name over escaped, so `简历 "终稿".pdf` was recorded, and downloaded, as
 * `简历 %22终稿%22.pdf`. Only `%22` is turned back: the standard's `%0A` and `%0D` would make names
 * the service refuses, and a name really holding `%22` is rarer than a quoted word.
 */
function unescapedFileName(filename: string): string {
  return filename.replaceAll('%22', '"');
}

/**
 * Once the form's reader has stopped early (a limit refused the form, a part failed, the reader
 * took what it wanted), nothing parses the rest of the body. @fastify/multipart keeps the request
 * piped into busboy after a limit error, and busboy then parses every later part only to skip it:
 * seconds of CPU for a body of tiny parts (bench/README.md, "Measured choices"), of any length
 * (multipart bodies have no total size limit, only per-part ones). What is left is read and
 * discarded unparsed instead, so the connection can still carry the answer and the next request.
 */
function stopParsing(req: FastifyRequest): void {
  req.raw.unpipe();
  req.raw.resume();
}

/**
 * Gives a parser error without a status the status 400; errors that have one keep it (413 limits),
 * and so do the service's own (a timed-out body's UPLOAD_TIMEOUT, passed through a file part).
 * The parser's 406, a text part whose Content-Type says JSON and whose value is not, is a malformed
 * form too: no door has an answer for 406, so it was a 500 with a stack in the log.
 */
function asClientFault(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === undefined || status === 406) Object.assign(error, { statusCode: 400 });
  return error;
}
