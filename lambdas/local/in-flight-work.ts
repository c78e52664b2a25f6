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
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.all([...this.pending]).then(() => false),
        Number.isFinite(left)
          ? new Promise<boolean>((resolve) => {
              timer = setTimeout(() => resolve(true), left);
            })
          : new Promise<boolean>(() => undefined),
      ]);
      clearTimeout(timer);
      if (timedOut) return false;
    }
    return true;
  }
}
