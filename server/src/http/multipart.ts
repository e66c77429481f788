import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

/**
 * The parts of a multipart request as they stream in. When the parser cannot read the body (no
 * boundary, a body cut short, a malformed header), that is the client's fault: its error gets HTTP
 * status 400, whether it surfaces from the iteration or from a file stream a receiver is reading,
 * so every door answers it as a bad request instead of a 500 with a stack in the log.
 */
export async function* multipartParts(req: FastifyRequest): AsyncGenerator<Multipart> {
  let parts: AsyncIterableIterator<Multipart>;
  try {
    // preservePath: a file name like `../x.png` reaches the receiver as sent, so it can refuse it.
    parts = req.parts({ preservePath: true });
  } catch (error) {
    throw asClientFault(error);
  }
  let finished = false;
  try {
    while (true) {
      let step: IteratorResult<Multipart>;
      try {
        step = await parts.next();
      } catch (error) {
        throw asClientFault(error);
      }
      if (step.done) {
        finished = true;
        return;
      }
      // The parser destroys a file stream with its error, maybe already: mark it before a reader sees it.
      if (step.value.type === 'file') {
        const { file } = step.value;
        if (file.errored) asClientFault(file.errored);
        else file.on('error', asClientFault);
      }
      yield step.value;
    }
  } finally {
    if (!finished) stopParsing(req);
  }
}

/**
 * Once the form's reader has stopped early (a limit refused the form, a part failed, the reader
 * took what it wanted), nothing parses the rest of the body. @fastify/multipart keeps the request
 * piped into busboy after a limit error, and busboy then parses every later part only to skip it:
 * ~20 µs a part, about half a second of CPU per megabyte of tiny parts, for a body of any length
 * (multipart bodies have no total size limit, only per-part ones). What is left is read and
 * discarded unparsed instead, so the connection can still carry the answer and the next request.
 */
function stopParsing(req: FastifyRequest): void {
  req.raw.unpipe();
  req.raw.resume();
}

/** Gives a parser error without a status the status 400; errors that have one keep it (413 limits). */
function asClientFault(error: unknown): unknown {
  if (error instanceof Error && (error as { statusCode?: unknown }).statusCode === undefined) {
    Object.assign(error, { statusCode: 400 });
  }
  return error;
}
