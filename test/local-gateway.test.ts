import { signInWithMfa } from '../lambdas/local/client';
import { JWKS_PATH } from '../lambdas/local/gateway/server';
import { LOCAL_ISSUER } from '../lambdas/local/identity/cognito-shape';
import { type GatewayUnderTest, startGatewayWithFakeApi } from './helpers/local-gateway';

let gateway: GatewayUnderTest;
let accessToken: string;

beforeAll(async () => {
  gateway = await startGatewayWithFakeApi();
  const tokens = await signInWithMfa(gateway.baseUrl, {
    username: gateway.patient.user.username,
    password: gateway.patient.password,
    totpSecret: gateway.patient.totpSecret,
  });
  accessToken = tokens.accessToken;
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(() => {
  gateway.events.length = 0;
  gateway.respondWith(async () => ({ statusCode: 200, body: JSON.stringify({ ok: true }) }));
});

function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${gateway.baseUrl}${path}`, init);
}

function authorized(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${accessToken}`, ...extra };
}

describe('local gateway: routing and the proxy event', () => {
  it('passes a public route to the handler without claims', async () => {
    const response = await call('/v1/health');

    expect(response.status).toBe(200);
    expect(gateway.events).toHaveLength(1);
    const event = gateway.events[0];
    expect(event).toMatchObject({
      resource: '/v1/health',
      path: '/v1/health',
      httpMethod: 'GET',
      queryStringParameters: null,
      pathParameters: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event?.requestContext.authorizer).toBeNull();
    expect(event?.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event?.requestContext.requestId).toBe(response.headers.get('x-amzn-requestid'));
  });

  it('renders verified claims as strings the way API Gateway does', async () => {
    await call('/v1/me/appointments/appt%201', { method: 'DELETE', headers: authorized() });

    const event = gateway.events[0];
    expect(event?.resource).toBe('/v1/me/appointments/{appointmentId}');
    expect(event?.pathParameters).toEqual({ appointmentId: 'appt 1' });
    const claims = event?.requestContext.authorizer?.['claims'] as Record<string, unknown>;
    expect(claims).toMatchObject({
      sub: gateway.patient.user.sub,
      iss: LOCAL_ISSUER,
      token_use: 'access',
      username: 'gateway-patient',
      'cognito:groups': '[patient]',
      'custom:fhir_patient_id': 'patient-1',
    });
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(claims['exp']).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  it('forwards query parameters, repeated ones as multi-value, and headers with their spelling', async () => {
    await call('/v1/me/observations?code=8867-4&code=29463-7&from=2025-01-01', {
      headers: authorized({ 'X-Custom-Header': 'kept' }),
    });

    const event = gateway.events[0];
    expect(event?.queryStringParameters).toEqual({ code: '29463-7', from: '2025-01-01' });
    expect(event?.multiValueQueryStringParameters).toEqual({
      code: ['8867-4', '29463-7'],
      from: ['2025-01-01'],
    });
    expect(event?.headers['X-Custom-Header'] ?? event?.headers['x-custom-header']).toBe('kept');
  });

  it('passes the body and translates status, headers and multi-value headers back', async () => {
    gateway.respondWith(async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', Location: '/v1/me/appointments/a1' },
      multiValueHeaders: { 'X-Trace': ['one', 'two'] },
      body: JSON.stringify({ id: 'a1' }),
    }));

    const response = await call('/v1/me/appointments', {
      method: 'POST',
      headers: authorized({ 'content-type': 'application/json', 'idempotency-key': 'key-12345678' }),
      body: JSON.stringify({ slotId: 's1', reason: 'check-up' }),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/v1/me/appointments/a1');
    expect(response.headers.get('x-trace')).toBe('one, two');
    expect(await response.json()).toEqual({ id: 'a1' });
    expect(gateway.events[0]?.body).toBe(JSON.stringify({ slotId: 's1', reason: 'check-up' }));
  });

  it('answers an unknown route with 404 problem+json and a known path with the wrong verb with 405', async () => {
    const unknown = await call('/v1/nothing-here', { headers: authorized() });
    const wrongVerb = await call('/v1/me', { method: 'DELETE', headers: authorized() });

    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(await unknown.json()).toMatchObject({
      type: 'https://wellgate.dev/problems/not-found',
      status: 404,
    });
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.get('allow')).toBe('GET');
    expect(gateway.events).toHaveLength(0);
  });

  it('refuses a body over 1 MB with 413 problem+json before the handler runs', async () => {
    const response = await call('/v1/me/intake', {
      method: 'POST',
      headers: authorized({ 'content-type': 'application/json' }),
      body: JSON.stringify({ note: 'x'.repeat(1024 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      type: 'https://wellgate.dev/problems/payload-too-large',
      limitBytes: 1048576,
    });
    expect(gateway.events).toHaveLength(0);
  });

  it('answers 502 without details when the handler throws, as API Gateway does', async () => {
    gateway.respondWith(async () => {
      throw new Error('secret upstream detail about Patient/123');
    });

    const response = await call('/v1/me', { headers: authorized() });

    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(text).not.toContain('Patient/123');
    expect(gateway.logLines.join('\n')).not.toContain('secret upstream detail');
  });

  it("marks its own problem responses no-store and leaves the handler's headers as they are", async () => {
    gateway.respondWith(async () => ({
      statusCode: 200,
      headers: { 'Cache-Control': 'private' },
      body: '{}',
    }));

    const fromHandler = await call('/v1/health');
    const fromGateway = await call('/v1/me');

    expect(fromHandler.headers.get('cache-control')).toBe('private');
    expect(fromGateway.headers.get('cache-control')).toBe('no-store');
  });
});

describe('local gateway: the Cognito authorizer in front of protected routes', () => {
  async function expectRejected(headers: Record<string, string>) {
    const response = await call('/v1/me', { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(await response.json()).toMatchObject({ type: 'https://wellgate.dev/problems/not-authenticated' });
  }

  it('lets a valid access token through', async () => {
    const response = await call('/v1/me', { headers: authorized() });

    expect(response.status).toBe(200);
    expect(gateway.events).toHaveLength(1);
  });

  it('refuses a missing token', async () => {
    await expectRejected({});
    expect(gateway.events).toHaveLength(0);
  });

  it('refuses a tampered token', async () => {
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin'] })).toString(
      'base64url',
    );

    await expectRejected({ authorization: `Bearer ${header}.${forged}.${signature}` });
    expect(gateway.events).toHaveLength(0);
  });

  it('refuses an expired token', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const expired = await gateway.issuer.issue(gateway.patient.user, {
      issuedAt,
      authTime: issuedAt,
      originJti: 'o1',
    });

    await expectRejected({ authorization: `Bearer ${expired.accessToken}` });
    expect(gateway.events).toHaveLength(0);
  });

  it('refuses an ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = await gateway.issuer.issue(gateway.patient.user, {
      issuedAt: now,
      authTime: now,
      originJti: 'o1',
    });

    await expectRejected({ authorization: `Bearer ${tokens.idToken}` });
    expect(gateway.events).toHaveLength(0);
  });

  it('does not log the token or the username on rejection', async () => {
    gateway.logLines.length = 0;
    await expectRejected({ authorization: 'Bearer abc.def.ghi' });

    const logs = gateway.logLines.join('\n');
    expect(logs).toContain('invalid-token');
    expect(logs).not.toContain('abc.def.ghi');
  });
});

describe('local sign-in endpoints', () => {
  it('serves the JWKS with the RS256 public key only', async () => {
    const response = await call(JWKS_PATH);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };

    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers a wrong password with a 401 problem that does not say whether the user exists', async () => {
    const wrong = await call('/local/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'gateway-patient', password: 'Wrong-password-9!' }),
    });
    const unknown = await call('/local/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'no-such-user', password: 'Wrong-password-9!' }),
    });

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const wrongBody = (await wrong.json()) as Record<string, unknown>;
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    expect(wrongBody['type']).toBe('https://wellgate.dev/problems/sign-in-failed');
    expect(unknownBody['title']).toBe(wrongBody['title']);
  });

  it('refuses a non-JSON body with 415 and an invalid one with 400', async () => {
    const form = await call('/local/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=a&password=b',
    });
    const invalid = await call('/local/auth/mfa', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: 'x' }),
    });

    expect(form.status).toBe(415);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ errors: [{ path: 'body.code' }] });
  });

  it('answers a bad MFA code with 401 problem+json', async () => {
    const signIn = await call('/local/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'gateway-patient', password: gateway.patient.password }),
    });
    const { session } = (await signIn.json()) as { session: string };

    const mfa = await call('/local/auth/mfa', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session, code: '12345' }),
    });

    expect(mfa.status).toBe(401);
    expect(await mfa.json()).toMatchObject({ type: 'https://wellgate.dev/problems/mfa-code-invalid' });
  });
});
