/**
 * The one place domain errors become HTTP: RFC 9457 problem+json with stable type URIs
 * (https://www.rfc-editor.org/rfc/rfc9457). Bodies are built from the error's kind only: no stack
 * traces, no upstream text, no input values.
 */
import { type DomainError, type FieldError, isDomainError } from '../core/errors';

export const PROBLEM_BASE = 'https://wellgate.dev/problems/';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly requestId?: string;
  readonly errors?: readonly FieldError[];
}

export interface ProblemResponse {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
}

function problem(slug: string, title: string, status: number, extra: Partial<Problem> = {}): Problem {
  return { type: `${PROBLEM_BASE}${slug}`, title, status, ...extra };
}

const CONFLICT_TITLES: Record<string, string> = {
  'slot-unavailable': 'The slot is no longer available',
  'version-conflict': 'The record changed meanwhile; retry',
  'idempotency-key-reused': 'The Idempotency-Key was used with a different request',
  'idempotency-in-progress': 'A request with this Idempotency-Key is still in progress',
  'appointment-not-cancellable': 'The appointment can no longer be cancelled',
  'appointment-not-upcoming': 'The appointment is not upcoming',
};

export function problemFor(error: DomainError): ProblemResponse {
  switch (error.kind) {
    case 'validation-failed':
      return {
        problem: problem('validation-failed', 'The request is not valid', 400, { errors: error.fieldErrors }),
        headers: {},
      };
    case 'not-authenticated':
      return {
        problem: problem('not-authenticated', 'Authentication required', 401),
        headers: { 'www-authenticate': 'Bearer' },
      };
    case 'forbidden':
      if (error.reason === 'ai-consent-required') {
        // Stable type the app explains ("the assistant is off because you turned it off"), with
        // the emergency numbers: the message was not read, so the app must not look silent.
        return {
          problem: problem('ai-consent-required', 'The assistant is turned off for this account', 403, {
            detail:
              'Turn on the ai-assistant consent to use the assistant. If this is an emergency, call 911; for a mental-health crisis call or text 988.',
          }),
          headers: {},
        };
      }
      return error.reason === 'account-not-linked'
        ? {
            problem: problem('account-not-linked', 'This account is not linked to a record yet', 403),
            headers: {},
          }
        : { problem: problem('forbidden', 'Not allowed for this role', 403), headers: {} };
    case 'not-found':
    case 'compartment-access-denied':
      // Identical answers: a caller cannot tell someone else's record from a missing one.
      return { problem: problem('not-found', 'Not found', 404), headers: {} };
    case 'conflict':
      return {
        problem: problem(error.reason, CONFLICT_TITLES[error.reason] ?? 'Conflict', 409),
        headers: {},
      };
    case 'payload-too-large':
      return {
        problem: problem('payload-too-large', 'The request body is too large', 413, {
          detail: `Request bodies are limited to ${error.limitBytes} bytes.`,
        }),
        headers: {},
      };
    case 'unsupported-media-type':
      return {
        problem: problem('unsupported-media-type', 'Request bodies must be JSON', 415, {
          detail: 'Send Content-Type: application/json.',
        }),
        headers: {},
      };
    case 'rate-limited':
      return {
        problem: problem('rate-limited', 'Too many requests', 429),
        headers: { 'retry-after': String(error.retryAfterSeconds) },
      };
    case 'dependency-unavailable':
      return {
        problem: problem('service-unavailable', 'Temporarily unavailable; retry later', 503),
        headers: { 'retry-after': String(error.retryAfterSeconds) },
      };
    case 'not-implemented':
      return { problem: problem('not-implemented', 'Not implemented yet', 501), headers: {} };
  }
}

export const ROUTE_NOT_FOUND: Problem = problem('not-found', 'Not found', 404);
export const INTERNAL_ERROR: Problem = problem('internal-error', 'Internal error', 500);

/** Any thrown value to a problem; unknown errors get the generic 500 body. */
export function problemForUnknown(error: unknown): ProblemResponse & { expected: boolean } {
  if (isDomainError(error)) return { ...problemFor(error), expected: true };
  return { problem: INTERNAL_ERROR, headers: {}, expected: false };
}
