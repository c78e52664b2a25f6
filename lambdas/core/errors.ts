import type { AuditTarget } from './ports';
/**
 * Typed domain errors. Services and adapters throw these; `api/problems.ts` is the one place that
 * maps them to HTTP (RFC 9457 problem+json). Messages here are for operators and never reach a
 * client: the problem body is built from the error's kind, not its message, so upstream text and
 * PHI cannot leak through an error path.
 */

export interface FieldError {
  /** Dotted location, e.g. `body.slotId`, `query.from`. */
  readonly path: string;
  readonly message: string;
}

export class ValidationFailed extends Error {
  readonly kind = 'validation-failed' as const;
  constructor(readonly fieldErrors: readonly FieldError[]) {
    super('Request validation failed');
  }
}

export class NotAuthenticated extends Error {
  readonly kind = 'not-authenticated' as const;
  constructor(readonly reason: string) {
    super(`Not authenticated: ${reason}`);
  }
}

/**
 * The caller's role may not call this route, the account lacks a required link, or the patient
 * turned off the consent the route needs (`ai-consent-required`: the assistant, DESIGN.md "Consent").
 */
export class Forbidden extends Error {
  readonly kind = 'forbidden' as const;
  constructor(readonly reason: 'role-not-allowed' | 'account-not-linked' | 'ai-consent-required') {
    super(`Forbidden: ${reason}`);
  }
}

export class NotFound extends Error {
  readonly kind = 'not-found' as const;
  constructor(readonly resourceType: string) {
    super(`${resourceType} not found`);
  }
}

/**
 * The caller reached for a record outside their compartment. Answered exactly like NotFound
 * (no enumeration), after a denied audit event naming the record's patient when known.
 */
export class CompartmentAccessDenied extends Error {
  readonly kind = 'compartment-access-denied' as const;
  constructor(
    readonly target: {
      readonly patientId?: string;
      readonly resourceType: string;
      readonly resourceId?: string;
    },
  ) {
    super(`Access outside the caller's compartment to ${target.resourceType}`);
  }
}

export type ConflictReason =
  | 'slot-unavailable'
  | 'version-conflict'
  | 'idempotency-key-reused'
  | 'idempotency-in-progress'
  | 'appointment-not-cancellable'
  | 'appointment-not-upcoming';

export class Conflict extends Error {
  readonly kind = 'conflict' as const;
  /**
   * @param target when the refused write was aimed at a patient's record, what it was aimed at:
   *   the router records the attempt as an audit event with outcome "refused".
   */
  constructor(
    readonly reason: ConflictReason,
    readonly target?: AuditTarget,
  ) {
    super(`Conflict: ${reason}`);
  }
}

export class PayloadTooLarge extends Error {
  readonly kind = 'payload-too-large' as const;
  constructor(readonly limitBytes: number) {
    super(`Body larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaType extends Error {
  readonly kind = 'unsupported-media-type' as const;
  constructor() {
    super('Body must be application/json');
  }
}

export class RateLimited extends Error {
  readonly kind = 'rate-limited' as const;
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests');
  }
}

export type Dependency = 'fhir' | 'dynamodb' | 'audit' | 'directory';

/** A dependency failed or is throttling after bounded retries: 503 with Retry-After. */
export class DependencyUnavailable extends Error {
  readonly kind = 'dependency-unavailable' as const;
  constructor(
    readonly dependency: Dependency,
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable`, options);
  }
}

/**
 * A request failed after writing, and some of its writes could not be undone: answered 503 like
 * the failure behind it, while what guards the record (the slot claim, the Idempotency-Key) is
 * kept, so nothing can build on the write that stands until an operator repairs it.
 */
export class WritesNotUndone extends DependencyUnavailable {
  constructor(options?: { cause?: unknown }) {
    super('fhir', 2, options);
  }
}

export class NotImplemented extends Error {
  readonly kind = 'not-implemented' as const;
  constructor(readonly operationId: string) {
    super(`${operationId} is not implemented yet`);
  }
}

export type DomainError =
  | ValidationFailed
  | NotAuthenticated
  | Forbidden
  | NotFound
  | CompartmentAccessDenied
  | Conflict
  | PayloadTooLarge
  | UnsupportedMediaType
  | RateLimited
  | DependencyUnavailable
  | NotImplemented;

const DOMAIN_ERROR_CLASSES = [
  ValidationFailed,
  NotAuthenticated,
  Forbidden,
  NotFound,
  CompartmentAccessDenied,
  Conflict,
  PayloadTooLarge,
  UnsupportedMediaType,
  RateLimited,
  DependencyUnavailable,
  NotImplemented,
];

export function isDomainError(error: unknown): error is DomainError {
  return DOMAIN_ERROR_CLASSES.some((errorClass) => error instanceof errorClass);
}
