import type { FastifyReply, FastifyRequest } from 'fastify';
import { maxBytesOf } from '../features/uploads/file-types.js';
import { bodyLimitBytes } from './body-limits.js';
import { type BodyWaitLimits, bodyTimedOut, watchBody } from './body-watch.js';

/**
 * A body this small is read to its end after the answer, as for any keep-alive request, rather than
 * cut off: it is most likely on its way already, and closing the connection would race the client's
 * write of it. The client's write then fails (EPIPE) and fetch reports a network error instead of
 * the answer it was sent (an anonymous upload's 401, say). It is given `smallBodyWaitMs` to arrive.
 */
const smallBodyBytes = 64 * 1024;
const smallBodyWaitMs = 10_000;

/**
 * Whether nothing of the body is left to come: all read, or its client gone (the request destroyed).
 * A gone client's body was waited for all the same, since its `close` had passed already: the
 * request was held for the upload's idle limit, then logged as a sender too slow.
 */
const nothingToCome = (raw: FastifyRequest['raw']) => raw.complete || raw.readableEnded || raw.destroyed;

/**
 * Ends the connection after this answer when the request's body has not all arrived: a refusal
 * decided before the body was read (an upload past the client's cap, no login) or partway through
 * it (a form refused at its file).
 *
 * Left alone, Node keeps such a connection open: once the answer is sent, its HTTP server reads
 * the rest of the body to its end and throws it away (`req._dump()`), however long it is (up to
 * 50 MB a file) and however slowly it comes, with no wait limit watching it any more. So the
 * refused client kept its socket and the service read every byte it sent. With `Connection: close`
 * Node sends the whole answer, then closes the socket (`destroySoon`: FIN after the answer's last
 * byte); Fastify does the same for a body its own parser refuses. A small body is read instead,
 * within a time limit (above).
 */
export function closeIfBodyUnread(req: FastifyRequest, reply: FastifyReply): void {
  if (nothingToCome(req.raw)) return;
  const declared = Number(req.headers['content-length']);
  if (Number.isInteger(declared) && declared <= smallBodyBytes) {
    const timer = setTimeout(() => req.raw.destroy(), smallBodyWaitMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    req.raw.once('end', done);
    req.raw.once('close', done);
    return;
  }
  reply.header('connection', 'close');
}

/**
 * Once a typed upload's refusal is answered, reads the rest of its body and throws it away, within
 * the upload's wait limits, rather than close the connection (closeIfBodyUnread): Node's fetch
 * reports a request whose body it could not finish sending as a network error ("fetch failed",
 * EPIPE), never the answer that came meanwhile, so a script uploading a few megabytes with an
 * expired login, or past its upload slots, was never told why. Browsers show these error statuses
 * mid-upload either way. A body the rest of which is not read (restUnread) closes the connection
 * after the answer, and so does one that stalls. Call it before the answer is sent: Node would
 * otherwise read the rest itself, with no limit watching it.
 */
export function drainAfterAnswer(req: FastifyRequest, reply: FastifyReply, limits: BodyWaitLimits): void {
  const raw = req.raw;
  if (nothingToCome(raw)) return;
  if (restUnread(req)) {
    reply.header('connection', 'close');
    return;
  }
  void dropRest(req, limits).then((outcome) => outcome === 'unread' && raw.destroy());
}

/**
 * Reads what is left of a body the service has stopped parsing, and throws it away, so that an
 * answer decided before its end reaches the sender. Chromium drops any answer but a 4xx or 5xx
 * that comes while it still has body to send (its HTTP stream parser keeps the upload's error
 * instead), and fetch reports "Failed to fetch": the legacy door's refusals are HTTP 200
 * (CONTRACT.md §2), so a deployed client whose login had expired, uploading 5 MB, was never told
 * to log in again. Bounded: only a body whose declared length a deployed client's form could have,
 * within the upload's wait limits. Past either, the answer closes the connection
 * (closeIfBodyUnread), as it did for every such refusal before. Answers `tooLarge` for a body
 * declared longer than any such form, which the caller must answer with a status a browser shows.
 */
export async function readRestOfBody(
  req: FastifyRequest,
  limits: BodyWaitLimits,
): Promise<'read' | 'tooLarge' | 'unread'> {
  const raw = req.raw;
  if (nothingToCome(raw)) return 'read';
  return restUnread(req) ?? dropRest(req, limits);
}

/** The longest form a deployed client sends: its largest upload, its text fields, their part headers. */
const largestFormBytes = maxBytesOf.document + 2 * bodyLimitBytes;

/**
 * Why the rest of a body is not read, if it is not: it timed out already (waiting would only hold
 * the connection for a sender that trickles on), it declares no length, or more than any form.
 */
function restUnread(req: FastifyRequest): 'unread' | 'tooLarge' | undefined {
  if (bodyTimedOut(req.raw)) return 'unread';
  const declared = Number(req.headers['content-length']);
  if (!Number.isInteger(declared)) return 'unread';
  return declared > largestFormBytes ? 'tooLarge' : undefined;
}

/**
 * Reads the rest of the body and drops it, within the wait limits: `unread` when the sender was too
 * slow. Starts at once (its reading is set flowing before the first await).
 */
async function dropRest(req: FastifyRequest, limits: BodyWaitLimits): Promise<'read' | 'unread'> {
  const raw = req.raw;
  const ended = new Promise<void>((resolve) => {
    raw.once('end', resolve);
    raw.once('close', resolve);
  });
  // Nothing takes its bytes any more (the form's parser was unpiped): flowing, they are dropped.
  raw.resume();
  const watch = watchBody(raw, limits, (_failure, reason) =>
    req.log.info({ reason }, 'refused body timed out'),
  );
  try {
    await Promise.race([ended, watch.timedOut]);
    return 'read';
  } catch {
    return 'unread';
  } finally {
    watch.stop();
  }
}
