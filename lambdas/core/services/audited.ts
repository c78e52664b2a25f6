import type { AuditTarget } from '../ports';

/** A service's answer and what the router must audit before returning it. */
export interface Audited<T> {
  readonly value: T;
  /** Undefined only for data that is not PHI (free slots). */
  readonly audit: AuditTarget | undefined;
  /**
   * Reverses what the operation changed outside the FHIR store (the slot ledger), for when its
   * audit event cannot be written: the router rolls the FHIR writes back itself and, only when all
   * of them were undone, calls this, so no write stands unaudited and no guard is dropped early.
   */
  readonly undo?: () => Promise<void>;
  /**
   * Steps that may only happen once the audit event is written (freeing a cancelled appointment's
   * slot for others): done by the router after the audit write, never rolled back.
   */
  readonly afterAudit?: () => Promise<void>;
  /**
   * Set only for answers that must reach the patient even when the audit trail is down (the
   * emergency answer, which holds no PHI): a failed audit write hands the event to the audit
   * fallback queue for retry instead of failing the request.
   */
  readonly deferAuditOnFailure?: true;
}
