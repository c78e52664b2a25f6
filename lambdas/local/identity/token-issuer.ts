import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  type CognitoAccessClaims,
  FHIR_PATIENT_CLAIM,
  FHIR_PRACTITIONER_CLAIM,
  LOCAL_ACCESS_SCOPE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
} from './cognito-shape';
import type { SigningKey } from './signing-key';
import type { LocalUser } from './user-store';

export interface IssuedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly expiresIn: number;
}

export interface TokenOptions {
  /** Epoch seconds the tokens are issued at (tests move it to make expired tokens). */
  readonly issuedAt: number;
  /** When the user authenticated; a refresh keeps the original value, as Cognito does. */
  readonly authTime: number;
  /** The sign-in this token descends from; refreshes share it (Cognito's `origin_jti`). */
  readonly originJti: string;
}

/**
 * Signs Cognito-shaped tokens with the local pool's key. The claim set follows what Cognito puts
 * in access and ID tokens (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html),
 * plus the FHIR links that the pre-token-generation trigger adds in AWS.
 */
export class TokenIssuer {
  constructor(private readonly key: SigningKey) {}

  async issue(user: LocalUser, options: TokenOptions): Promise<IssuedTokens> {
    const exp = options.issuedAt + ACCESS_TOKEN_TTL_SECONDS;
    const eventId = randomUUID();
    const links = linkClaims(user);
    const accessClaims: CognitoAccessClaims = {
      sub: user.sub,
      iss: LOCAL_ISSUER,
      token_use: 'access',
      client_id: LOCAL_CLIENT_ID,
      username: user.username,
      'cognito:groups': [...user.groups],
      scope: LOCAL_ACCESS_SCOPE,
      auth_time: options.authTime,
      iat: options.issuedAt,
      exp,
      jti: randomUUID(),
      origin_jti: options.originJti,
      event_id: eventId,
      ...links,
    };
    const idClaims = {
      sub: user.sub,
      iss: LOCAL_ISSUER,
      aud: LOCAL_CLIENT_ID,
      token_use: 'id',
      'cognito:username': user.username,
      'cognito:groups': [...user.groups],
      email: user.email,
      email_verified: true,
      auth_time: options.authTime,
      iat: options.issuedAt,
      exp,
      jti: randomUUID(),
      origin_jti: options.originJti,
      event_id: eventId,
      ...links,
    };
    return {
      accessToken: await this.sign(accessClaims),
      idToken: await this.sign(idClaims),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  /** Signs an arbitrary payload with the pool's key (tests build edge-case tokens with it). */
  sign(payload: object): Promise<string> {
    return new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid })
      .sign(this.key.privateKey);
  }
}

function linkClaims(user: LocalUser): Record<string, string> {
  const claims: Record<string, string> = {};
  if (user.fhirPatientId !== undefined) claims[FHIR_PATIENT_CLAIM] = user.fhirPatientId;
  if (user.fhirPractitionerId !== undefined) claims[FHIR_PRACTITIONER_CLAIM] = user.fhirPractitionerId;
  return claims;
}
