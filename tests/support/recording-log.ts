import { Writable } from 'node:stream';
import pino from 'pino';

/** A logger whose lines a test reads, as objects. */
export function recordingLog() {
  const lines: Array<{ level: number; msg: string; reason?: string }> = [];
  const log = pino(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { lines, log };
}
