/**
 * Tokens and response headers at the local portal's front door. Every token that is not a valid,
 * unexpired access token of this pool and app client is refused with 401, whatever it claims; the
 * responses that carry PHI are never cacheable and CORS answers only the configured origins.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { LOCAL_ACCESS_SCOPE, LOCAL_CLIENT_ID, LOCAL_ISSUER } from '../lambdas/local/identity/cognito-shape';
import { generateSigningKey } from '../lambdas/local/identity/signing-key';
import { TokenIssuer } from '../lambdas/local/identity/token-issuer';
import {
  DEMO_USERS,
  type HardenedPortal,
  type HardeningResponse,
  identifiersInLogs,
  startHardenedPortal,
} from './helpers/hardening-portal';

const ALLOWED_ORIGIN = 'https://app.clinic.example';

let harness: HardenedPortal;
let patientId: string;
let otherPatientId: string;

beforeAll(async () => {
  harness = await startHardenedPortal({ corsOrigins: [ALLOWED_ORIGIN] });
  patientId = harness.users[DEMO_USERS.patient1]?.fhirPatientId ?? '';
  otherPatientId = harness.users[DEMO_USERS.patient2]?.fhirPatientId ?? '';
});
afterAll(async () => {
  await harness?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a valid patient access token, for variations. */
function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const user = harness.portal.users.find(DEMO_USERS.patient1);
  const iat = nowSeconds();
  return {
    sub: user?.sub,
    iss: LOCAL_ISSUER,
    token_use: 'access',
    client_id: LOCAL_CLIENT_ID,
    username: DEMO_USERS.patient1,
    'cognito:groups': ['patient'],
    scope: LOCAL_ACCESS_SCOPE,
    auth_time: iat,
    iat,
    exp: iat + 900,
    jti: randomUUID(),
    origin_jti: randomUUID(),
    'custom:fhir_patient_id': patientId,
    ...overrides,
  };
}

const sign = (claims: Record<string, unknown>) => harness.portal.tokenIssuer.sign(claims);

/** Each case: an Authorization header value, or undefined for none at all. */
const TOKEN_CASES: ReadonlyArray<readonly [string, () => Promise<string | undefined>]> = [
  ['no Authorization header', async () => undefined],
  ['an empty Bearer', async () => 'Bearer '],
  ['Basic credentials', async () => 'Basic ZGVtbzpkZW1v'],
  ['two segments', async () => 'Bearer abc.def'],
  ['four segments', async () => `Bearer ${await sign(accessClaims())}.extra`],
  ['garbage in base64url segments', async () => 'Bearer e30.e30.e30'],
  ['a 10 kB token of junk', async () => `Bearer ${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`],
  [
    'alg none with no signature',
    async () =>
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(accessClaims({ 'cognito:groups': ['admin'] }))}.`,
  ],
  [
    'alg none carrying a real signature',
    async () => {
      const [, , signature] = (await sign(accessClaims())).split('.');
      return `Bearer ${b64({ alg: 'none' })}.${b64(accessClaims())}.${signature}`;
    },
  ],
  [
    'HS256 keyed with the public key (algorithm confusion)',
    async () => {
      // The public JWKS is what an attacker has; a verifier that trusted the header's alg would
      // accept an HMAC keyed with it.
      const jwks = await (await fetch(`${harness.portal.baseUrl}/local/.well-known/jwks.json`)).text();
      const secret = new TextEncoder().encode(jwks);
      return `Bearer ${await new SignJWT(accessClaims()).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`;
    },
  ],
  [
    'signed by another key under its own key id',
    async () => `Bearer ${await new TokenIssuer(generateSigningKey()).sign(accessClaims())}`,
  ],
  [
    'signed by another key under our key id',
    async () => {
      const ours = JSON.parse(
        Buffer.from((await sign(accessClaims())).split('.')[0] ?? '', 'base64url').toString(),
      ) as { kid: string };
      return `Bearer ${await new TokenIssuer({ ...generateSigningKey(), kid: ours.kid }).sign(accessClaims())}`;
    },
  ],
  [
    'expired an hour ago',
    async () => `Bearer ${await sign(accessClaims({ iat: nowSeconds() - 4500, exp: nowSeconds() - 3600 }))}`,
  ],
  [
    'not valid before an hour from now',
    async () => `Bearer ${await sign(accessClaims({ nbf: nowSeconds() + 3600 }))}`,
  ],
  [
    'for another app client',
    async () => `Bearer ${await sign(accessClaims({ client_id: 'someotherappclient0000001' }))}`,
  ],
  [
    'with an audience claim for another client',
    async () =>
      `Bearer ${await sign(accessClaims({ aud: 'someotherappclient0000001', client_id: undefined }))}`,
  ],
  [
    'from another user pool',
    async () =>
      `Bearer ${await sign(accessClaims({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Elsewhere' }))}`,
  ],
  ['without the sign-in scope', async () => `Bearer ${await sign(accessClaims({ scope: 'openid' }))}`],
  ['an ID token', async () => `Bearer ${harness.tokens[DEMO_USERS.patient1]?.idToken}`],
  ['the refresh token', async () => `Bearer ${harness.tokens[DEMO_USERS.patient1]?.refreshToken}`],
  [
    'a real token with admin groups written into its payload',
    async () => {
      const [header, , signature] = harness.accessToken(DEMO_USERS.patient1).split('.');
      return `Bearer ${header}.${b64(accessClaims({ 'cognito:groups': ['patient', 'admin'] }))}.${signature}`;
    },
  ],
  [
    'a self-signed token claiming admin and another patient',
    async () =>
      `Bearer ${await new TokenIssuer(generateSigningKey()).sign(
        accessClaims({ 'cognito:groups': ['admin', 'clinician'], 'custom:fhir_patient_id': otherPatientId }),
      )}`,
  ],
  [
    'a pool-signed token with no subject',
    async () => `Bearer ${await sign(accessClaims({ sub: undefined }))}`,
  ],
];

const PROTECTED_PROBES = [
  { method: 'GET', path: () => '/v1/me' },
  { method: 'GET', path: () => `/v1/patients/${otherPatientId}/summary` },
  { method: 'GET', path: () => '/v1/schedule?date=2030-01-07' },
  { method: 'POST', path: () => '/v1/admin/users/demo-patient-2/patient-link' },
] as const;

describe('tokens the authorizer must refuse', () => {
  test.each(TOKEN_CASES)('%s: 401 on every protected route, nothing echoed', async (_name, make) => {
    const authorization = await make();
    for (const probe of PROTECTED_PROBES) {
      const response = await harness.send({
        method: probe.method,
        path: probe.path(),
        headers: authorization === undefined ? {} : { authorization },
        ...(probe.method === 'POST' ? { body: { patientId: otherPatientId } } : {}),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      if (authorization !== undefined && authorization.length > 12) {
        expect(response.text).not.toContain(authorization.slice(7, 40));
      }
    }
  });

  test('the control: a valid access token from the local sign-in is accepted', async () => {
    const response = await harness.send({
      method: 'GET',
      path: '/v1/me',
      token: harness.accessToken(DEMO_USERS.patient1),
    });
    expect(response.status).toBe(200);
  });

  test('no refused token reaches a log line', () => {
    const text = harness.logLines.join('\n');
    expect(text).not.toContain(harness.accessToken(DEMO_USERS.patient1).split('.')[2]);
    expect(text).not.toContain(harness.tokens[DEMO_USERS.patient1]?.refreshToken ?? 'no refresh token');
  });
});

describe('response headers', () => {
  // Paths are functions: the patient ids exist only once the portal has started.
  const PHI_READS = [
    { label: '/v1/me', user: DEMO_USERS.patient1, path: () => '/v1/me' },
    { label: '/v1/me/observations', user: DEMO_USERS.patient1, path: () => '/v1/me/observations' },
    { label: '/v1/me/medications', user: DEMO_USERS.patient1, path: () => '/v1/me/medications' },
    { label: '/v1/me/appointments', user: DEMO_USERS.patient1, path: () => '/v1/me/appointments' },
    { label: '/v1/me/access-log', user: DEMO_USERS.patient1, path: () => '/v1/me/access-log' },
    {
      label: '/v1/patients/{patientId}/summary',
      user: DEMO_USERS.clinician,
      path: () => `/v1/patients/${patientId}/summary`,
    },
    {
      label: '/v1/patients/{patientId}/observations',
      user: DEMO_USERS.clinician,
      path: () => `/v1/patients/${patientId}/observations`,
    },
    {
      label: '/v1/schedule',
      user: DEMO_USERS.staff,
      path: () => `/v1/schedule?date=${new Date().toISOString().slice(0, 10)}`,
    },
  ];

  function expectNeverCached(response: HardeningResponse): void {
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const hsts = response.headers.get('strict-transport-security') ?? '';
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0)).toBeGreaterThanOrEqual(31_536_000);
    expect(hsts).toContain('includeSubDomains');
  }

  test.each(PHI_READS.map((read) => [read.label, read] as const))(
    'GET %s carries no-store, HSTS and nosniff',
    async (_path, read) => {
      const response = await harness.send({
        method: 'GET',
        path: read.path(),
        token: harness.accessToken(read.user),
      });
      expect(response.status).toBe(200);
      expectNeverCached(response);
    },
  );

  test("errors about records (another patient's record, a forbidden role) carry the same headers", async () => {
    const notFound = await harness.send({
      method: 'GET',
      path: `/v1/patients/${otherPatientId}/summary`,
      token: harness.accessToken(DEMO_USERS.clinician),
    });
    const forbidden = await harness.send({
      method: 'GET',
      path: `/v1/patients/${patientId}/summary`,
      token: harness.accessToken(DEMO_USERS.staff),
    });
    expect([notFound.status, forbidden.status]).toEqual([404, 403]);
    expectNeverCached(notFound);
    expectNeverCached(forbidden);
  });
});

describe('CORS', () => {
  const get = (origin: string) =>
    harness.send({
      method: 'GET',
      path: '/v1/me',
      token: harness.accessToken(DEMO_USERS.patient1),
      headers: { origin },
    });
  const preflight = (origin: string) =>
    harness.send({
      method: 'OPTIONS',
      path: '/v1/me/appointments',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, idempotency-key',
      },
    });

  test('the configured origin is allowed exactly, never with credentials or a wildcard', async () => {
    const response = await get(ALLOWED_ORIGIN);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test.each([
    'https://evil.example',
    'null',
    'https://app.clinic.example.evil.example',
    'http://app.clinic.example',
    'https://app.clinic.example:8443',
    `${ALLOWED_ORIGIN}/`,
  ])('origin %s gets no CORS headers', async (origin) => {
    const response = await get(origin);
    const options = await preflight(origin);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(options.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('a preflight from the configured origin names the methods and headers, with no authorizer or data', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(response.text).toBe('');
  });
});

test('captured logs contain none of the seeded identifiers', () => {
  expect(harness.logLines.length).toBeGreaterThan(50);
  expect(identifiersInLogs(harness.logLines, harness.identifiers)).toEqual([]);
});
