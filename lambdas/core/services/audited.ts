import type { AuditTarget } from '../ports';

/** A service's answer and what the router must audit before returning it. */
export interface Audited<T> {
  readonly value: T;
  /** Undefined only for data that is not PHI (free slots). */
  readonly audit: AuditTarget | undefined;
}
