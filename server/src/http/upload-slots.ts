import { AppError } from '../errors.js';
import { rateSubjectOf } from '../kv/client-address.js';

/**
 * Uploads in flight at once per client (UPLOADS_PER_CLIENT), counted by the subject per-IP limits
 * use (kv/client-address.ts). An upload holds what the instance has few of while its sender
 * sends, one of S3_UPLOAD_CONCURRENCY's slots or a temp file on disk, for as long as
 * UPLOAD_WAIT_LIMIT_MS; without a cap one client trickling a few uploads would hold every slot
 * and make everyone else's uploads wait. Past the cap an upload is refused before its file is read
 * (on the typed door before any byte of the body; on the legacy door at its file part, once the
 * login fields sent before it have been checked), and its connection is closed after the answer
 * (http/body-unread.ts), so the refused one holds nothing.
 *
 * Counted in this process's memory, not in the key-value store: the slots it protects are this
 * instance's own, and a count here cannot outlive the uploads it counts (an instance that dies
 * takes them along, where a shared count would stay up and lock the client out until its TTL).
 */
export class UploadSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  /**
   * Takes one of the client's slots, or refuses at once with UPLOAD_TOO_MANY_AT_ONCE. The function
   * it answers gives the slot back; calling it again does nothing, so a door may call it on every
   * way out.
   */
  take(ip: string): () => void {
    const subject = rateSubjectOf(ip);
    const held = this.inFlight.get(subject) ?? 0;
    if (held >= this.perClient) throw new AppError('UPLOAD_TOO_MANY_AT_ONCE');
    this.inFlight.set(subject, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.inFlight.get(subject) ?? 1) - 1;
      if (left > 0) this.inFlight.set(subject, left);
      else this.inFlight.delete(subject);
    };
  }

  /** Runs `upload` in one of the client's slots, or refuses it at once with UPLOAD_TOO_MANY_AT_ONCE. */
  async hold<T>(ip: string, upload: () => Promise<T>): Promise<T> {
    const giveBack = this.take(ip);
    try {
      return await upload();
    } finally {
      // Every way an upload ends (stored, refused, timed out, its client gone) comes through here:
      // a count left up would refuse the client's uploads for as long as the process lives.
      giveBack();
    }
  }

  /** Uploads the client at `ip` has in flight now. */
  heldBy(ip: string): number {
    return this.inFlight.get(rateSubjectOf(ip)) ?? 0;
  }
}
