import { setTimeout as delay } from 'node:timers/promises';

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

  /**
   * Resolves true once nothing is in flight, including work started while waiting, or false when
   * `timeoutMs` passes first (a stuck run must not keep the portal from stopping).
   */
  async settled(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const timeout = new AbortController();
    const timedOut = Number.isFinite(timeoutMs)
      ? delay(timeoutMs, false, { signal: timeout.signal }).catch(() => false)
      : undefined;
    try {
      while (this.pending.size > 0) {
        const drained = Promise.all([...this.pending]).then(() => true);
        if (!(await (timedOut ? Promise.race([drained, timedOut]) : drained))) return false;
      }
      return true;
    } finally {
      timeout.abort();
    }
  }
}
