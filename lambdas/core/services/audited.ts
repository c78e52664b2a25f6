import type { AuditTarget } from '../ports';

/** A service's answer and what the router must audit before returning it. */
export interface Audited<T> {
  readonly value: T;
  /** Undefined only for data that is not PHI (free slots). */
  readonly audit: AuditTarget | undefined;
  /**
   * Reverses what the operation changed outside the FHIR store (the slot ledger), for when its
   * audit event cannot be written: the router rolls the FHIR writes back itself, then calls this,
   * so no write stands unaudited.
   */
  readonly undo?: () => Promise<void>;
}
