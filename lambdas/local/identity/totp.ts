import { generate, generateSecret, generateURI, verify } from 'otplib';

/** TOTP (RFC 6238) for local software-token MFA, as Cognito's SOFTWARE_TOKEN_MFA uses it. */

/** A 160-bit secret (RFC 4226's recommendation), base32-encoded. */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The 6-digit code for `epochSeconds` (default now). */
export function totpCode(secret: string, epochSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return generate({ secret, epoch: epochSeconds });
}

export type TotpCheck = { readonly valid: true; readonly timeStep: number } | { readonly valid: false };

/**
 * Checks `code` at `epochSeconds`, accepting the neighbouring 30-second steps for clock drift and
 * refusing any step at or before `afterTimeStep` (a code is good once: RFC 6238 section 5.2).
 */
export async function checkTotpCode(
  secret: string,
  code: string,
  epochSeconds: number,
  afterTimeStep: number | undefined,
): Promise<TotpCheck> {
  if (!/^\d{6}$/.test(code)) return { valid: false };
  const result = await verify({
    secret,
    token: code,
    epoch: epochSeconds,
    epochTolerance: 30,
    ...(afterTimeStep === undefined ? {} : { afterTimeStep }),
  });
  // otplib's functional verify types both strategies' results; a TOTP result carries its time step.
  return result.valid && 'timeStep' in result ? { valid: true, timeStep: result.timeStep } : { valid: false };
}

/** The otpauth:// URI an authenticator app scans (as a QR code) to enrol the secret. */
export function totpEnrolmentUri(secret: string, username: string): string {
  return generateURI({ issuer: 'Wellgate (local)', label: username, secret });
}
