/**
 * The verified caller, parsed from the claims API Gateway's Cognito authorizer passes to the
 * function (`event.requestContext.authorizer.claims`). API Gateway has already checked the token's
 * signature and expiry; this module only reads the claims, strictly.
 *
 * Claims arrive as strings: `cognito:groups` is `"patient"`, `"[clinician, admin]"` or a
 * comma/space separated list depending on how many groups there are, so it is parsed robustly.
 */
import { ROLES, type Role } from '../api/route-table';
import { NotAuthenticated } from './errors';

/** The claims this API reads (values as API Gateway passes them: strings). */
export interface CognitoAuthorizerClaims {
  readonly sub: string;
  /** Must be `access`: ID tokens carry profile data and are not meant for APIs. */
  readonly token_use: string;
  readonly username?: string;
  readonly 'cognito:username'?: string;
  readonly 'cognito:groups'?: string;
  /** Admin-set; copied into the access token by the pre-token-generation trigger. */
  readonly 'custom:fhir_patient_id'?: string;
  readonly 'custom:fhir_practitioner_id'?: string;
}

export interface Caller {
  readonly sub: string;
  readonly username: string;
  /** Known roles only, in ROLES order; unknown groups are ignored (no self-asserted roles). */
  readonly roles: readonly Role[];
  readonly patientId?: string;
  readonly practitionerId?: string;
}

/** FHIR ids: [A-Za-z0-9\-\.]{1,64} (https://hl7.org/fhir/R4/datatypes.html#id). */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string').map((g) => g.trim());
  if (typeof raw !== 'string') return [];
  const text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parseGroups(parsed);
    } catch {
      // Not JSON: API Gateway's "[a, b]" rendering without quotes; split below.
    }
    return splitGroupList(text.slice(1, -1));
  }
  return splitGroupList(text);
}

function splitGroupList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter((g) => g.length > 0);
}

function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/** Reads the caller from the authorizer claims; throws NotAuthenticated when they are unusable. */
export function callerFromClaims(rawClaims: unknown): Caller {
  if (typeof rawClaims !== 'object' || rawClaims === null) throw new NotAuthenticated('no claims');
  const claims = rawClaims as Record<string, unknown>;
  const sub = optionalString(claims, 'sub');
  if (!sub) throw new NotAuthenticated('no subject');
  if (optionalString(claims, 'token_use') !== 'access') throw new NotAuthenticated('not an access token');
  const groups = new Set(parseGroups(claims['cognito:groups']));
  const roles = ROLES.filter((role) => groups.has(role));
  const patientId = optionalString(claims, 'custom:fhir_patient_id');
  const practitionerId = optionalString(claims, 'custom:fhir_practitioner_id');
  return {
    sub,
    username: optionalString(claims, 'username') ?? optionalString(claims, 'cognito:username') ?? sub,
    roles,
    ...(patientId && FHIR_ID_PATTERN.test(patientId) ? { patientId } : {}),
    ...(practitionerId && FHIR_ID_PATTERN.test(practitionerId) ? { practitionerId } : {}),
  };
}
