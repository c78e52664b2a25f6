/**
 * Local mode's audit fallback queue: what SQS and the consumer function do in AWS, in process.
 * Deferred events are retried into the audit sink on a timer with exponential back-off, oldest
 * first, each appended once by eventId; while any wait, the portal's work in flight includes
 * them, so closing waits for them to drain (up to its limit) before it closes the store.
 */
import type { AuditEvent, AuditFallbackQueue, AuditReplaySink, AuditSink } from '../core/ports';
import type { InFlightWork } from './in-flight-work';
import { type LocalLog, silentLog } from './log';

export interface LocalAuditFallbackQueueOptions {
  readonly sink: AuditReplaySink;
  /** Work the portal waits for before closing its stores. */
  readonly background?: InFlightWork;
  readonly log?: LocalLog;
  /** @default 50 ms, doubling after each failed round */
  readonly baseDelayMs?: number;
  /** @default 2000 ms */
  readonly maxDelayMs?: number;
}

export class LocalAuditFallbackQueue implements AuditFallbackQueue {
  private readonly pending: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failedRounds = 0;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Resolves when the queue next becomes empty (or closes); tracked as work in flight. */
  private emptied: (() => void) | undefined;

  constructor(private readonly options: LocalAuditFallbackQueueOptions) {}

  /** Events still waiting for the audit sink. */
  get size(): number {
    return this.pending.length;
  }

  async enqueue(event: AuditEvent): Promise<void> {
    if (this.closed) throw new Error('the local audit fallback queue is closed');
    this.pending.push(event);
    if (!this.emptied) {
      this.options.background?.track(
        new Promise<void>((resolve) => {
          this.emptied = resolve;
        }),
      );
    }
    this.schedule(this.options.baseDelayMs ?? 50);
  }

  /** Stops retrying; events still waiting are logged by count (their ids were logged when deferred). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.pending.length > 0) {
      this.log('audit events still deferred at close', { pending: this.pending.length });
    }
    this.settle();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.running || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drainOnce().finally(() => {
        this.running = undefined;
        this.afterRound();
      });
    }, delayMs);
    // Waiting events must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  /** One round: appends in order until the queue is empty or an append fails. */
  private async drainOnce(): Promise<void> {
    while (this.pending.length > 0) {
      const event = this.pending[0] as AuditEvent;
      try {
        const { appended } = await this.options.sink.appendOnce(event);
        this.log(appended ? 'deferred audit event appended' : 'deferred audit event already present', {
          eventId: event.eventId,
        });
      } catch {
        this.failedRounds++;
        return;
      }
      this.pending.shift();
      this.failedRounds = 0;
    }
  }

  private afterRound(): void {
    if (this.pending.length === 0) {
      this.settle();
      return;
    }
    const base = this.options.baseDelayMs ?? 50;
    const delayMs = Math.min(this.options.maxDelayMs ?? 2000, base * 2 ** this.failedRounds);
    this.log('deferred audit events not appended yet', { pending: this.pending.length, retryInMs: delayMs });
    this.schedule(delayMs);
  }

  private settle(): void {
    this.emptied?.();
    this.emptied = undefined;
  }

  private log(message: string, fields: Record<string, unknown>): void {
    (this.options.log ?? silentLog)(message, fields);
  }
}

/** The audit sink when it can append redelivered events once, else `fallback` (the local store's own). */
export function replaySinkOf(sink: AuditSink, fallback: AuditReplaySink): AuditReplaySink {
  const candidate = sink as Partial<AuditReplaySink>;
  return typeof candidate.appendOnce === 'function' ? (candidate as AuditReplaySink) : fallback;
}
