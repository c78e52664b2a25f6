import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { LocalCognitoAuthorizer } from '../lambdas/local/gateway/authorizer';
import { LocalAuthService, type SignedIn } from '../lambdas/local/identity/auth-service';
import {
  LOCAL_ACCESS_SCOPE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  LOCAL_USER_POOL_ID,
} from '../lambdas/local/identity/cognito-shape';
import { generateSigningKey } from '../lambdas/local/identity/signing-key';
import { TokenIssuer } from '../lambdas/local/identity/token-issuer';
import { totpCode } from '../lambdas/local/identity/totp';
import { type IssuedCredentials, LocalUserStore } from '../lambdas/local/identity/user-store';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);

async function setup() {
  const users = LocalUserStore.inMemory();
  const patient = await users.create({
    username: 'test-patient',
    email: 'test-patient@example.test',
    groups: ['patient'],
    fhirPatientId: 'patient-1',
  });
  const clinician = await users.create({
    username: 'test-clinician',
    email: 'test-clinician@example.test',
    groups: ['clinician', 'admin'],
    fhirPractitionerId: 'practitioner-1',
  });
  const key = generateSigningKey();
  const issuer = new TokenIssuer(key);
  const clock = { now: START };
  const auth = new LocalAuthService(users, issuer, {
    now: () => clock.now,
    maxFailures: 3,
    lockoutSeconds: 600,
  });
  const authorizer = new LocalCognitoAuthorizer(key.jwks);
  return { users, patient, clinician, key, issuer, clock, auth, authorizer };
}

function codeAt(credentials: IssuedCredentials, epochMs: number): Promise<string> {
  return totpCode(credentials.totpSecret, Math.floor(epochMs / 1000));
}

async function signInFully(
  context: Awaited<ReturnType<typeof setup>>,
  who: IssuedCredentials,
): Promise<SignedIn> {
  const challenge = await context.auth.signIn(who.user.username, who.password);
  if (!challenge.ok) throw new Error(`sign-in failed: ${challenge.failure}`);
  const tokens = await context.auth.respondToMfa(
    challenge.value.session,
    await codeAt(who, context.clock.now),
  );
  if (!tokens.ok) throw new Error(`MFA failed: ${tokens.failure}`);
  return tokens.value;
}

/** Real time: aws-jwt-verify checks `exp` against the wall clock. */
async function setupAtWallClock() {
  const context = await setup();
  context.clock.now = Date.now();
  return context;
}

describe('local sign-in with password and TOTP', () => {
  it('answers a correct password with a SOFTWARE_TOKEN_MFA challenge and an opaque session', async () => {
    const { auth, patient } = await setup();

    const result = await auth.signIn('test-patient', patient.password);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.challenge).toBe('SOFTWARE_TOKEN_MFA');
    expect(result.value.session).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(result.value.session).not.toContain('test-patient');
  });

  it('issues Cognito-shaped access and ID tokens for a valid TOTP code', async () => {
    const context = await setupAtWallClock();

    const tokens = await signInFully(context, context.patient);

    expect(tokens.expiresIn).toBe(900);
    expect(tokens.refreshToken.length).toBeGreaterThan(40);
    const accessVerifier = CognitoJwtVerifier.create({
      userPoolId: LOCAL_USER_POOL_ID,
      tokenUse: 'access',
      clientId: LOCAL_CLIENT_ID,
    });
    accessVerifier.cacheJwks(context.key.jwks);
    const access = await accessVerifier.verify(tokens.accessToken);
    expect(access).toMatchObject({
      sub: context.patient.user.sub,
      iss: LOCAL_ISSUER,
      token_use: 'access',
      client_id: LOCAL_CLIENT_ID,
      username: 'test-patient',
      'cognito:groups': ['patient'],
      scope: LOCAL_ACCESS_SCOPE,
      'custom:fhir_patient_id': 'patient-1',
    });
    expect(access.exp - access.iat).toBe(900);
    expect(typeof access.jti).toBe('string');
    expect(typeof access.origin_jti).toBe('string');
    expect(access.auth_time).toBe(access.iat);

    const idVerifier = CognitoJwtVerifier.create({
      userPoolId: LOCAL_USER_POOL_ID,
      tokenUse: 'id',
      clientId: LOCAL_CLIENT_ID,
    });
    idVerifier.cacheJwks(context.key.jwks);
    const id = await idVerifier.verify(tokens.idToken);
    expect(id).toMatchObject({
      aud: LOCAL_CLIENT_ID,
      token_use: 'id',
      email: 'test-patient@example.test',
      'cognito:username': 'test-patient',
      'custom:fhir_patient_id': 'patient-1',
      origin_jti: access.origin_jti,
    });
  });

  it('puts every group and the practitioner link into a clinician admin token', async () => {
    const context = await setupAtWallClock();

    const tokens = await signInFully(context, context.clinician);

    const decision = context.authorizer.authorize(`Bearer ${tokens.accessToken}`);
    expect(decision.allowed).toBe(true);
    if (!decision.allowed) return;
    expect(decision.claims['cognito:groups']).toEqual(['clinician', 'admin']);
    expect(decision.claims['custom:fhir_practitioner_id']).toBe('practitioner-1');
    expect(decision.claims['custom:fhir_patient_id']).toBeUndefined();
  });

  it('refuses a wrong password and an unknown username with the same failure', async () => {
    const { auth } = await setup();

    const wrongPassword = await auth.signIn('test-patient', 'Not-the-password-1!');
    const unknownUser = await auth.signIn('nobody', 'Not-the-password-1!');

    expect(wrongPassword).toEqual({ ok: false, failure: 'invalid-credentials' });
    expect(unknownUser).toEqual({ ok: false, failure: 'invalid-credentials' });
  });

  it('refuses a wrong code and spends the session with it', async () => {
    const { auth, patient, clock } = await setup();
    const challenge = await auth.signIn('test-patient', patient.password);
    if (!challenge.ok) throw new Error('sign-in failed');
    const rightCode = await codeAt(patient, clock.now);
    const wrongCode = rightCode === '000000' ? '111111' : '000000';

    const wrong = await auth.respondToMfa(challenge.value.session, wrongCode);
    const retry = await auth.respondToMfa(challenge.value.session, rightCode);

    expect(wrong).toEqual({ ok: false, failure: 'invalid-code' });
    expect(retry).toEqual({ ok: false, failure: 'invalid-session' });
  });

  it('refuses a code from two minutes ago', async () => {
    const { auth, patient, clock } = await setup();
    const challenge = await auth.signIn('test-patient', patient.password);
    if (!challenge.ok) throw new Error('sign-in failed');

    const result = await auth.respondToMfa(
      challenge.value.session,
      await codeAt(patient, clock.now - 120_000),
    );

    expect(result).toEqual({ ok: false, failure: 'invalid-code' });
  });

  it('refuses a session older than three minutes', async () => {
    const { auth, patient, clock } = await setup();
    const challenge = await auth.signIn('test-patient', patient.password);
    if (!challenge.ok) throw new Error('sign-in failed');
    clock.now += 181_000;

    const result = await auth.respondToMfa(challenge.value.session, await codeAt(patient, clock.now));

    expect(result).toEqual({ ok: false, failure: 'invalid-session' });
  });

  it('refuses to reuse a session that already produced tokens', async () => {
    const { auth, patient, clock } = await setup();
    const challenge = await auth.signIn('test-patient', patient.password);
    if (!challenge.ok) throw new Error('sign-in failed');
    const code = await codeAt(patient, clock.now);
    const first = await auth.respondToMfa(challenge.value.session, code);

    const second = await auth.respondToMfa(challenge.value.session, code);

    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, failure: 'invalid-session' });
  });

  it('refuses a TOTP code that was already used, even with a fresh session', async () => {
    const { auth, patient, clock } = await setup();
    const code = await codeAt(patient, clock.now);
    const first = await auth.signIn('test-patient', patient.password);
    if (!first.ok) throw new Error('sign-in failed');
    expect((await auth.respondToMfa(first.value.session, code)).ok).toBe(true);
    const second = await auth.signIn('test-patient', patient.password);
    if (!second.ok) throw new Error('sign-in failed');

    const replay = await auth.respondToMfa(second.value.session, code);

    expect(replay).toEqual({ ok: false, failure: 'invalid-code' });
  });

  it('locks the username after repeated failures, even for the right password, until the lockout ends', async () => {
    const { auth, patient, clock } = await setup();
    for (let attempt = 0; attempt < 3; attempt++) await auth.signIn('test-patient', 'Wrong-password-1!');

    const locked = await auth.signIn('test-patient', patient.password);
    clock.now += 601_000;
    const afterLockout = await auth.signIn('test-patient', patient.password);

    expect(locked).toMatchObject({ ok: false, failure: 'too-many-attempts' });
    expect(locked.ok === false && locked.retryAfterSeconds).toBe(600);
    expect(afterLockout.ok).toBe(true);
  });

  it('refreshes tokens within the same sign-in and stops after the refresh token is revoked', async () => {
    const context = await setupAtWallClock();
    const tokens = await signInFully(context, context.patient);

    const refreshed = await context.auth.refresh(tokens.refreshToken);
    context.auth.revoke(tokens.refreshToken);
    const afterRevoke = await context.auth.refresh(tokens.refreshToken);

    expect(refreshed.ok).toBe(true);
    if (!refreshed.ok) return;
    const original = context.authorizer.authorize(tokens.accessToken);
    const renewed = context.authorizer.authorize(refreshed.value.accessToken);
    expect(original.allowed && renewed.allowed).toBe(true);
    if (!original.allowed || !renewed.allowed) return;
    expect(renewed.claims.origin_jti).toBe(original.claims.origin_jti);
    expect(renewed.claims.jti).not.toBe(original.claims.jti);
    expect(afterRevoke).toEqual({ ok: false, failure: 'invalid-refresh-token' });
  });

  it('picks up an admin link at the next refresh', async () => {
    const context = await setupAtWallClock();
    const tokens = await signInFully(context, context.patient);
    context.users.link('test-patient', { fhirPatientId: 'patient-2' });

    const refreshed = await context.auth.refresh(tokens.refreshToken);

    if (!refreshed.ok) throw new Error('refresh failed');
    const decision = context.authorizer.authorize(refreshed.value.accessToken);
    expect(decision.allowed && decision.claims['custom:fhir_patient_id']).toBe('patient-2');
  });
});

describe('the local Cognito authorizer', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function accessClaims(context: Awaited<ReturnType<typeof setup>>, overrides: Record<string, unknown> = {}) {
    const iat = nowSeconds();
    return {
      sub: context.patient.user.sub,
      iss: LOCAL_ISSUER,
      token_use: 'access',
      client_id: LOCAL_CLIENT_ID,
      username: 'test-patient',
      'cognito:groups': ['patient'],
      scope: LOCAL_ACCESS_SCOPE,
      auth_time: iat,
      iat,
      exp: iat + 900,
      jti: 'jti-1',
      origin_jti: 'origin-1',
      ...overrides,
    };
  }

  it('accepts a valid access token with or without the Bearer prefix', async () => {
    const context = await setup();
    const token = await context.issuer.sign(accessClaims(context));

    expect(context.authorizer.authorize(`Bearer ${token}`).allowed).toBe(true);
    expect(context.authorizer.authorize(token).allowed).toBe(true);
  });

  it('rejects a missing or malformed Authorization header', async () => {
    const { authorizer } = await setup();

    expect(authorizer.authorize(undefined)).toEqual({ allowed: false, reason: 'missing-token' });
    expect(authorizer.authorize('Basic dXNlcjpwYXNz')).toEqual({
      allowed: false,
      reason: 'malformed-header',
    });
    expect(authorizer.authorize('Bearer not-a-jwt')).toEqual({ allowed: false, reason: 'malformed-header' });
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const context = await setup();
    const token = await context.issuer.sign(accessClaims(context));
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify(
        accessClaims(context, { 'cognito:groups': ['admin'], 'custom:fhir_patient_id': 'patient-2' }),
      ),
    ).toString('base64url');

    const decision = context.authorizer.authorize(`Bearer ${header}.${forgedPayload}.${signature}`);

    expect(decision).toEqual({ allowed: false, reason: 'invalid-token' });
  });

  it('rejects a token with a corrupted signature', async () => {
    const context = await setup();
    const token = await context.issuer.sign(accessClaims(context));
    const last = token.at(-2) === 'A' ? 'B' : 'A';

    const decision = context.authorizer.authorize(`Bearer ${token.slice(0, -2)}${last}${token.slice(-1)}`);

    expect(decision).toEqual({ allowed: false, reason: 'invalid-token' });
  });

  it('rejects an unsigned token (alg none)', async () => {
    const context = await setup();
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: context.key.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(accessClaims(context))).toString('base64url');

    expect(context.authorizer.authorize(`Bearer ${header}.${payload}.`)).toEqual({
      allowed: false,
      reason: 'invalid-token',
    });
  });

  it('rejects tokens signed by another key, whether it names its own key id or ours', async () => {
    const context = await setup();
    const otherKey = generateSigningKey();
    const ownKid = await new TokenIssuer(otherKey).sign(accessClaims(context));
    const borrowedKid = await new TokenIssuer({ ...otherKey, kid: context.key.kid }).sign(
      accessClaims(context),
    );

    expect(context.authorizer.authorize(`Bearer ${ownKid}`).allowed).toBe(false);
    expect(context.authorizer.authorize(`Bearer ${borrowedKid}`).allowed).toBe(false);
  });

  it('rejects an expired access token', async () => {
    const context = await setup();
    const issuedAt = nowSeconds() - 3600;
    const tokens = await context.issuer.issue(context.patient.user, {
      issuedAt,
      authTime: issuedAt,
      originJti: 'origin-1',
    });

    expect(context.authorizer.authorize(`Bearer ${tokens.accessToken}`).allowed).toBe(false);
  });

  it('rejects an ID token where an access token is required', async () => {
    const context = await setup();
    const tokens = await context.issuer.issue(context.patient.user, {
      issuedAt: nowSeconds(),
      authTime: nowSeconds(),
      originJti: 'origin-1',
    });

    expect(context.authorizer.authorize(`Bearer ${tokens.idToken}`).allowed).toBe(false);
    expect(context.authorizer.authorize(`Bearer ${tokens.accessToken}`).allowed).toBe(true);
  });

  it('rejects a token for another app client, another pool or without the sign-in scope', async () => {
    const context = await setup();
    const otherClient = await context.issuer.sign(accessClaims(context, { client_id: 'someotherclient' }));
    const otherPool = await context.issuer.sign(
      accessClaims(context, { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_SomeoneElse' }),
    );
    const noScope = await context.issuer.sign(accessClaims(context, { scope: 'openid' }));

    expect(context.authorizer.authorize(`Bearer ${otherClient}`).allowed).toBe(false);
    expect(context.authorizer.authorize(`Bearer ${otherPool}`).allowed).toBe(false);
    expect(context.authorizer.authorize(`Bearer ${noScope}`).allowed).toBe(false);
  });
});
