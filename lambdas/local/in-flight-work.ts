/**
 * Work the local portal started (requests being served, training runs it answered 201 for) and
 * must let finish before it closes the stores under it: a run that outlives the store would
 * fail half-written, and the clinic would see a run stuck at "started".
 */
export class InFlightWork {
  private readonly pending = new Set<Promise<void>>();

  /** Follows `work` until it settles; its outcome stays with whoever started it. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is in flight, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
