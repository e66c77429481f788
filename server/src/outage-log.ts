import type { Logger } from 'pino';

/**
 * The log's account of a store's outage: a warning when it first fails, saying why, and a line
 * when it answers again. Requests meanwhile answer 503 and their access lines say only that; the
 * operator needs the reason (`connect ECONNREFUSED 10.0.0.5:3306`) and when it ended. One line per
 * change, however many requests fail between.
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly log: Logger,
    /** The store as the lines name it: `MySQL`, `Redis`. */
    private readonly store: string,
  ) {}

  /** Whether an outage has been told and its end not yet. */
  get isDown(): boolean {
    return this.down;
  }

  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(
      { store: this.store, reason },
      `${this.store} unavailable: requests that need it answer 503`,
    );
  }

  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({ store: this.store }, `${this.store} answers again`);
  }
}
