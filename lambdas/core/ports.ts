/**
 * Ports: the narrow interfaces services depend on. AWS adapters and local adapters implement them;
 * services never see a concrete AWS client (DESIGN.md, "Code layout").
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Role } from '../api/route-table';

/** FHIR search parameters; an array value repeats the parameter (`date=ge…&date=le…`). */
export type FhirSearchParams = Readonly<Record<string, string | readonly string[]>>;

export type ResourceOf<K extends Resource['resourceType']> = Extract<Resource, { resourceType: K }>;

export interface FhirStore {
  /** Throws NotFound when the resource does not exist (or was deleted). */
  read<K extends Resource['resourceType']>(resourceType: K, id: string): Promise<ResourceOf<K>>;
  /** Every match across all pages of the search Bundle. */
  search<K extends Resource['resourceType']>(
    resourceType: K,
    params: FhirSearchParams,
  ): Promise<ResourceOf<K>[]>;
  create<T extends Resource>(resource: T): Promise<T>;
  /**
   * Replaces a resource. With `ifMatchVersion`, the write only succeeds when the stored version is
   * that one (FHIR optimistic locking, `If-Match: W/"<version>"`); otherwise throws Conflict.
   */
  update<T extends Resource>(resource: T, options?: { readonly ifMatchVersion?: string }): Promise<T>;
  delete(resourceType: Resource['resourceType'], id: string): Promise<void>;
}

export const AUDIT_ACTIONS = ['read', 'search', 'create', 'update', 'delete'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Why the record was reached. `patient-request`: the patient acting on their own record (the
 * right of access); `treatment`: a care-team clinician; `break-glass`: emergency access outside
 * the care team; `operations`: scheduling and administration (45 CFR 164.506).
 */
export const AUDIT_PURPOSES = ['patient-request', 'treatment', 'break-glass', 'operations'] as const;
export type AuditPurpose = (typeof AUDIT_PURPOSES)[number];

/** `refused`: an authorized write the record's state turned down (a slot already taken). */
export type AuditOutcome = 'success' | 'denied' | 'refused';

/** One audit event as the application describes it; the sink adds the chain fields. */
export interface AuditEvent {
  readonly eventId: string;
  readonly time: string;
  readonly actor: { readonly sub: string; readonly role: Role };
  /** The patient whose record was reached; absent for clinic-wide events (a day's schedule). */
  readonly patientId?: string;
  readonly resourceType: string;
  readonly resourceId?: string;
  readonly action: AuditAction;
  readonly purpose: AuditPurpose;
  readonly outcome: AuditOutcome;
  readonly operationId: string;
  readonly requestId: string;
  readonly sourceIp: string;
  /** Only with purpose break-glass: the clinician's stated reason, kept in the audit store only. */
  readonly breakGlassReason?: string;
}

/** An event as stored: its position in its chain and the hashes linking it. */
export interface ChainedAuditEvent extends AuditEvent {
  readonly chain: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditSink {
  /** Appends one event durably; throws (DependencyUnavailable) when it cannot. */
  append(event: AuditEvent): Promise<ChainedAuditEvent>;
  /** The events of one patient's chain, oldest first: the accounting of disclosures. */
  listForPatient(patientId: string): Promise<ChainedAuditEvent[]>;
}

/**
 * Holds audit events whose append failed on answers that had to go out anyway
 * (`Audited.deferAuditOnFailure`), until they are appended to the audit trail.
 */
export interface AuditFallbackQueue {
  /** Accepts the exact event (same eventId) durably; throws when it cannot. */
  enqueue(event: AuditEvent): Promise<void>;
}

/** How the fallback queue's consumer appends: queues deliver at least once, the chain holds each event once. */
export interface AuditReplaySink {
  /**
   * Appends the event unless its chain already holds one with its eventId (`appended: false`);
   * throws (DependencyUnavailable) when it cannot tell or cannot append.
   */
  appendOnce(event: AuditEvent): Promise<{ readonly appended: boolean }>;
}

/** A response remembered under an Idempotency-Key, replayed for a repeated request. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
  /** What to audit when the response is replayed (a replay is a read of the same record). */
  readonly audit?: AuditTarget;
}

export type IdempotencyBegin =
  | { readonly state: 'new' }
  | { readonly state: 'replay'; readonly response: StoredResponse }
  | { readonly state: 'in-progress' }
  | { readonly state: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Claims `key` for a request with `fingerprint` (a hash of the caller, operation and body).
   * Exactly one concurrent caller gets `new`; the others see the state the first one left.
   */
  begin(key: string, fingerprint: string): Promise<IdempotencyBegin>;
  complete(key: string, response: StoredResponse): Promise<void>;
  /** Forgets an unfinished claim so the client can retry (used after a 5xx). */
  release(key: string): Promise<void>;
}

/** The booking ledger: one holder per slot, enforced with a conditional write. */
export interface SlotLedger {
  /** True when this call took the slot; false when someone holds it. */
  claim(slotId: string, holder: { readonly patientId: string; readonly requestId: string }): Promise<boolean>;
  /** Records which appointment holds the slot (after the appointment exists). */
  confirm(slotId: string, appointmentId: string, requestId: string): Promise<void>;
  /** Frees the slot if `holderId` (the request id or the appointment id) still holds it. */
  release(slotId: string, holderId: string): Promise<void>;
}

/** The identity provider's user records (Cognito in AWS). */
export interface UserDirectory {
  /** Sets the admin-only `custom:fhir_patient_id` attribute; throws NotFound for an unknown user. */
  linkPatient(username: string, patientId: string): Promise<void>;
}

/** Security metrics (EMF in AWS): each raises an alarm. */
export interface SecurityMetrics {
  breakGlassAccess(dimensions: { readonly operationId: string }): void;
  /** An answer went out with its audit event on the fallback queue. */
  auditEventDeferred(dimensions: { readonly operationId: string }): void;
  /** An answer went out and its audit event could not be queued either. */
  auditFallbackFailed(dimensions: { readonly operationId: string }): void;
}

/** What the router audits for a successful operation; the request context supplies the rest. */
export interface AuditTarget {
  readonly patientId?: string;
  readonly resourceType: string;
  readonly resourceId?: string;
  readonly action: AuditAction;
  readonly purpose: AuditPurpose;
}
