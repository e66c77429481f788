/**
 * How far a step has decided its table, by id, for the steps whose rows refer to it: a child row
 * is decided only once its parent is (present, or refused). Old ids grow with time, and so do the
 * parents a batch of children refers to, so the children's step can run right behind the
 * parents' instead of after it.
 */
export class DecisionFrontier {
  private through = 0;
  private failure: { error: unknown } | undefined;
  private waiting: Array<{ id: number; resolve: () => void; reject: (error: unknown) => void }> = [];

  /** Every id up to `id` is decided. */
  advance(id: number): void {
    if (id <= this.through) return;
    this.through = id;
    const ready = this.waiting.filter((waiter) => waiter.id <= id);
    this.waiting = this.waiting.filter((waiter) => waiter.id > id);
    for (const waiter of ready) waiter.resolve();
  }

  /** The whole table is decided. */
  finish(): void {
    this.advance(Number.POSITIVE_INFINITY);
  }

  /** The parents' step failed: whoever waits fails with it. */
  fail(error: unknown): void {
    this.failure ??= { error };
    for (const waiter of this.waiting) waiter.reject(error);
    this.waiting = [];
  }

  /** Resolves once every id up to `id` is decided. */
  until(id: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (id <= this.through) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ id, resolve, reject }));
  }
}
