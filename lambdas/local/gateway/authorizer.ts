import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { LOCAL_ACCESS_SCOPE, LOCAL_CLIENT_ID, LOCAL_USER_POOL_ID } from '../identity/cognito-shape';

export type AuthorizerDecision =
  | { readonly allowed: true; readonly claims: JwtPayload }
  | { readonly allowed: false; readonly reason: AuthorizerRejection };

/** Why a token was refused: for the gateway's log line only, never sent to the client. */
export type AuthorizerRejection = 'missing-token' | 'malformed-header' | 'invalid-token';

/**
 * What API Gateway's Cognito user-pool authorizer does for a method with authorization scopes:
 * it accepts only an ACCESS token, signed by the pool's key, unexpired, issued by the pool for
 * the app client, carrying a required scope. aws-jwt-verify checks the same properties
 * (signature against the pool's JWKS, `iss`, `exp`/`nbf`, `token_use`, `client_id`, `scope`), and
 * refuses `alg: none` and keys not in the JWKS.
 *
 * `verifySync` with a pre-loaded JWKS: a token naming an unknown key fails at once instead of
 * making aws-jwt-verify fetch the pool's JWKS from AWS (local mode has no pool to fetch from).
 */
export class LocalCognitoAuthorizer {
  private readonly verifier;

  constructor(jwks: Jwks) {
    this.verifier = CognitoJwtVerifier.create({
      userPoolId: LOCAL_USER_POOL_ID,
      tokenUse: 'access',
      clientId: LOCAL_CLIENT_ID,
      scope: LOCAL_ACCESS_SCOPE,
    });
    this.verifier.cacheJwks(jwks);
  }

  /** Reads the `Authorization` header: the raw token, or `Bearer <token>`. */
  authorize(authorizationHeader: string | undefined): AuthorizerDecision {
    if (authorizationHeader === undefined || authorizationHeader.trim() === '') {
      return { allowed: false, reason: 'missing-token' };
    }
    const match = /^(?:Bearer\s+)?([A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]*\.[A-Za-z0-9_\-=]*)$/i.exec(
      authorizationHeader.trim(),
    );
    const token = match?.[1];
    if (token === undefined) return { allowed: false, reason: 'malformed-header' };
    try {
      return { allowed: true, claims: this.verifier.verifySync(token) };
    } catch {
      return { allowed: false, reason: 'invalid-token' };
    }
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * The claims as API Gateway hands them to a REST proxy integration: every value a string. Arrays
 * become `[a b]`, booleans `"true"`, and `exp`/`iat` a date such as `Fri Jul 29 18:52:53 UTC 2016`
 * (see awsdocs/amazon-api-gateway-developer-guide#158). Handlers must parse, not assume JSON types.
 */
export function renderClaimsLikeApiGateway(claims: JwtPayload): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') {
      rendered[name] = apiGatewayDate(value);
    } else if (Array.isArray(value)) {
      rendered[name] = `[${value.map((item) => String(item)).join(' ')}]`;
    } else if (typeof value === 'object') {
      rendered[name] = JSON.stringify(value);
    } else {
      rendered[name] = String(value);
    }
  }
  return rendered;
}

function apiGatewayDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
