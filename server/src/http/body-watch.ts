import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

/**
 * How long a multipart body may keep the service waiting for its bytes (UPLOAD_IDLE_TIMEOUT_MS,
 * UPLOAD_WAIT_LIMIT_MS). 30 s without a byte is a lost connection on any network. 10 minutes of
 * waiting is a 50 MB archive, the largest upload, at about 85 KB/s: a slow mobile uplink passes,
 * while a sender trickling bytes cannot hold one of S3_UPLOAD_CONCURRENCY's slots for longer.
 */
export interface BodyWaitLimits {
  /** No byte for this long while the service would take one: the sender has stalled. */
  readonly idleMs: number;
  /** The most time, in all, a body may keep the service waiting for it: a sender too slow to finish. */
  readonly totalMs: number;
}

export interface BodyWatch {
  /** Rejects with UPLOAD_TIMEOUT once the sender stalls or runs out of time; never resolves. */
  readonly timedOut: Promise<never>;
  /** That failure, once there is one. */
  readonly failure: AppError | undefined;
  /** Holds the body to other limits from now on; the time it has kept the service waiting still counts. */
  limitTo(limits: BodyWaitLimits): void;
  stop(): void;
}

/** Requests whose body timed out: their answer closes the connection (app.ts), as the rest never comes. */
const timedOutBodies = new WeakSet<IncomingMessage>();

export const bodyTimedOut = (raw: IncomingMessage): boolean => timedOutBodies.has(raw);

/**
 * Watches a request body while a multipart form is read from it. Only time the service spends
 * waiting for the sender counts: the body is being read (flowing) and has not all arrived. Time
 * the service makes the sender wait does not: a form whose file waits for an S3 upload slot, or
 * for a part to reach the store, is paused by backpressure and its client held back by TCP.
 * Node's and Fastify's own timeouts cannot tell the two apart: a socket idle timeout (Fastify's
 * connectionTimeout) would cut the uploads waiting for a slot, and a deadline for the whole request
 * (requestTimeout) every upload that waited long enough; both are off here, so nothing else bounds
 * a stalled body. Start it only once the request is piped into the parser: a `data` listener on
 * a request nobody reads yet would start it flowing, its bytes lost.
 */
export function watchBody(
  raw: IncomingMessage,
  limits: BodyWaitLimits,
  onTimeout: (failure: AppError, reason: string) => void,
): BodyWatch {
  let failure: AppError | undefined;
  let reject: (error: AppError) => void = () => undefined;
  const timedOut = new Promise<never>((_resolve, rejectWith) => {
    reject = rejectWith;
  });
  // Nobody may be waiting on it when it fails; the reader finds `failure` instead.
  timedOut.catch(() => undefined);

  const waitingForSender = () => raw.readableFlowing === true && !(raw.complete || raw.readableEnded);
  let lastByteAt = performance.now();
  let lastTickAt = lastByteAt;
  let waitedMs = 0;
  const onData = () => {
    lastByteAt = performance.now();
  };
  raw.on('data', onData);

  let current = limits;
  const fail = (reason: string) => {
    failure = new AppError('UPLOAD_TIMEOUT');
    timedOutBodies.add(raw);
    stop();
    onTimeout(failure, reason);
    reject(failure);
  };
  // A tick a quarter of the shorter limit, at most a second: a timeout fires that much late at most.
  const tickMs = Math.max(10, Math.min(1000, Math.min(limits.idleMs, limits.totalMs) / 4));
  const ticker = setInterval(() => {
    const now = performance.now();
    const sinceTick = now - lastTickAt;
    lastTickAt = now;
    // Not asking for bytes, the service cannot blame silence on the sender. Nor after a tick that
    // came late: the event loop was busy, and timers run before it reads what the sockets hold.
    if (!waitingForSender() || sinceTick > 2 * tickMs) {
      lastByteAt = now;
      return;
    }
    waitedMs += sinceTick;
    if (now - lastByteAt >= current.idleMs) fail(`no byte for ${current.idleMs} ms`);
    else if (waitedMs >= current.totalMs) fail(`not arrived after waiting ${current.totalMs} ms`);
  }, tickMs);
  // A watch left running (a reader that never finished its form) must not keep the process alive.
  ticker.unref();

  function stop() {
    clearInterval(ticker);
    raw.off('data', onData);
  }

  return {
    timedOut,
    get failure() {
      return failure;
    },
    limitTo(limits: BodyWaitLimits) {
      current = limits;
    },
    stop,
  };
}
