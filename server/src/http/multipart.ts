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
  while (true) {
    let step: IteratorResult<Multipart>;
    try {
      step = await parts.next();
    } catch (error) {
      throw asClientFault(error);
    }
    if (step.done) return;
    // The parser destroys a file stream with its error, maybe already: mark it before a reader sees it.
    if (step.value.type === 'file') {
      const { file } = step.value;
      if (file.errored) asClientFault(file.errored);
      else file.on('error', asClientFault);
    }
    yield step.value;
  }
}

/** Gives a parser error without a status the status 400; errors that have one keep it (413 limits). */
function asClientFault(error: unknown): unknown {
  if (error instanceof Error && (error as { statusCode?: unknown }).statusCode === undefined) {
    Object.assign(error, { statusCode: 400 });
  }
  return error;
}
