/**
 * The Cognito user pool that local mode imitates. The pool id must match Cognito's format
 * (`<region>_<id>`) because aws-jwt-verify derives the expected issuer from it and refuses ids
 * of any other shape; the issuer is therefore exactly what a real pool in us-east-1 would use.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_LocalWellgate`;
export const LOCAL_ISSUER = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${LOCAL_USER_POOL_ID}`;
/** The mobile app client id (Cognito app client ids are 26 lowercase alphanumerics). */
export const LOCAL_CLIENT_ID = 'localwellgatemobileclient1';
/** The scope Cognito grants for user-pool API sign-in; the local authorizer requires it. */
export const LOCAL_ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

/** Cognito's defaults for a hardened pool: short-lived tokens mean automatic logoff. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 12 * 60 * 60;
/** Cognito's sign-in session for a pending MFA challenge lasts three minutes. */
export const MFA_SESSION_TTL_SECONDS = 3 * 60;

export const FHIR_PATIENT_CLAIM = 'custom:fhir_patient_id';
export const FHIR_PRACTITIONER_CLAIM = 'custom:fhir_practitioner_id';

/** The Cognito access-token payload, as local mode issues it. */
export interface CognitoAccessClaims {
  readonly sub: string;
  readonly iss: string;
  readonly token_use: 'access';
  readonly client_id: string;
  readonly username: string;
  readonly 'cognito:groups': readonly string[];
  readonly scope: string;
  readonly auth_time: number;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly origin_jti: string;
  readonly event_id: string;
  readonly [FHIR_PATIENT_CLAIM]?: string;
  readonly [FHIR_PRACTITIONER_CLAIM]?: string;
}
