/**
 * The HTTP contract: problem+json shapes per status, security headers, CORS for configured origins
 * only, claims parsing, the OpenAPI document, and a scan of captured logs for seeded PHI.
 */
import {
  createApiHandler,
  createPublicApiHandler,
  MAX_BODY_BYTES,
  parseGroups,
  ROUTES,
} from '../lambdas/api';
import { callerFromClaims } from '../lambdas/core/caller';
import {
  type ApiHarness,
  apiEvent,
  claimsFor,
  createHarness,
  type LocalDynamo,
  parseBody,
  type SyntheticPatient,
  startDynalite,
} from './helpers/api-fixtures';

const NOW = new Date('2025-03-10T12:00:00.000Z');
let dynamo: LocalDynamo;
let harness: ApiHarness;
let patient: SyntheticPatient;
let handler: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  dynamo = await startDynalite();
  harness = await createHarness(dynamo, NOW, 21);
  patient = harness.clinic.patients[0]!;
  handler = createApiHandler(harness.ports, { corsOrigins: ['https://app.clinic.example'] });
});
afterAll(async () => {
  await dynamo.close();
});

const claims = () => claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id });
const book = (extra: { rawBody?: string; body?: unknown; headers?: Record<string, string> }) =>
  handler(
    apiEvent({
      method: 'POST',
      path: '/v1/me/appointments',
      claims: claims(),
      headers: { 'Idempotency-Key': 'contract-key-1', ...extra.headers },
      ...extra,
    }),
  );

describe('problem+json', () => {
  test('400 lists field paths and rules without echoing the input', async () => {
    const response = await book({
      body: { slotId: 'bad id with spaces <script>', reason: 'x'.repeat(300), extra: 'MRN-123456' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    const problem = parseBody(response.body);
    expect(problem).toMatchObject({
      type: 'https://wellgate.dev/problems/validation-failed',
      title: expect.any(String),
      status: 400,
    });
    const paths = (problem['errors'] as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['body', 'body.reason', 'body.slotId']);
    expect(response.body).not.toContain('<script>');
    expect(response.body).not.toContain('MRN-123456');
    expect(response.body).not.toContain('extra');
  });

  test('401 without claims or with an ID token', async () => {
    const missing = await handler(apiEvent({ method: 'GET', path: '/v1/me' }));
    const idToken = await handler(
      apiEvent({ method: 'GET', path: '/v1/me', claims: { ...claims(), token_use: 'id' } }),
    );
    for (const response of [missing, idToken]) {
      expect(response.statusCode).toBe(401);
      expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/not-authenticated');
    }
  });

  test('404 for an unknown route, same shape as a hidden record', async () => {
    const response = await handler(apiEvent({ method: 'GET', path: '/v1/nothing-here', claims: claims() }));
    expect(response.statusCode).toBe(404);
    expect(parseBody(response.body)).toMatchObject({
      type: 'https://wellgate.dev/problems/not-found',
      status: 404,
    });
  });

  test('413 for bodies over 1 MB, before parsing', async () => {
    const response = await book({ rawBody: `{"reason":"${'a'.repeat(MAX_BODY_BYTES)}"}` });
    expect(response.statusCode).toBe(413);
    expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/payload-too-large');
  });

  test('415 for a non-JSON body; malformed JSON is a 400', async () => {
    const form = await book({
      rawBody: 'slotId=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    const malformed = await book({ rawBody: '{"slotId":' });
    expect(malformed.statusCode).toBe(400);
    expect(parseBody(malformed.body)['errors']).toEqual([{ path: 'body', message: 'Malformed JSON' }]);
  });

  test('unexpected errors give a generic 500 body and log only the error name', async () => {
    const broken = createApiHandler({
      ...harness.ports,
      fhir: {
        ...harness.ports.fhir,
        read: async () => {
          throw new TypeError(`boom ${patient.family}`);
        },
      } as typeof harness.ports.fhir,
    });
    const response = await broken(apiEvent({ method: 'GET', path: '/v1/me', claims: claims() }));
    expect(response.statusCode).toBe(500);
    expect(parseBody(response.body)).toMatchObject({
      type: 'https://wellgate.dev/problems/internal-error',
      title: 'Internal error',
    });
    expect(response.body).not.toContain(patient.family);
    expect(harness.logger.lines.join('\n')).not.toContain(patient.family);
    expect(harness.logger.lines.some((line) => line.includes('"errorName":"TypeError"'))).toBe(true);
  });
});

describe('headers', () => {
  test('every response carries no-store, HSTS and nosniff; CORS only for configured origins', async () => {
    const allowed = await handler(
      apiEvent({
        method: 'GET',
        path: '/v1/me',
        claims: claims(),
        headers: { Origin: 'https://app.clinic.example' },
      }),
    );
    const other = await handler(
      apiEvent({
        method: 'GET',
        path: '/v1/me',
        claims: claims(),
        headers: { Origin: 'https://evil.example' },
      }),
    );
    const problem = await handler(apiEvent({ method: 'GET', path: '/v1/me' }));
    for (const response of [allowed, other, problem]) {
      expect(response.headers).toMatchObject({
        'Cache-Control': 'no-store',
        'Strict-Transport-Security': expect.stringContaining('max-age='),
        'X-Content-Type-Options': 'nosniff',
      });
    }
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://app.clinic.example');
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('preflight answers for allowed origins only', async () => {
    const preflight = await handler(
      apiEvent({
        method: 'OPTIONS',
        path: '/v1/me/appointments',
        headers: { Origin: 'https://app.clinic.example' },
      }),
    );
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers?.['Access-Control-Allow-Headers']).toContain('Idempotency-Key');
    const refused = await handler(
      apiEvent({
        method: 'OPTIONS',
        path: '/v1/me/appointments',
        headers: { Origin: 'https://evil.example' },
      }),
    );
    expect(refused.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});

describe('claims', () => {
  test.each([
    ['patient', ['patient']],
    ['[clinician, admin]', ['clinician', 'admin']],
    ['["staff","admin"]', ['staff', 'admin']],
    ['staff,admin', ['staff', 'admin']],
    ['clinician admin', ['clinician', 'admin']],
    ['', []],
  ])('cognito:groups %p parses to %p', (raw, expected) => {
    expect(parseGroups(raw)).toEqual(expected);
  });

  test('unknown groups grant nothing; malformed FHIR ids are dropped', () => {
    const caller = callerFromClaims({
      sub: 's',
      token_use: 'access',
      'cognito:groups': '[superuser, patient]',
      'custom:fhir_patient_id': '../Patient/x',
    });
    expect(caller.roles).toEqual(['patient']);
    expect(caller.patientId).toBeUndefined();
  });
});

describe('OpenAPI', () => {
  test('every route appears with its method, operationId and security requirement', async () => {
    const response = await createPublicApiHandler()(apiEvent({ method: 'GET', path: '/openapi.json' }));
    expect(response.statusCode).toBe(200);
    const document = parseBody(response.body);
    expect(document['openapi']).toBe('3.1.0');
    const paths = document['paths'] as Record<string, Record<string, Record<string, unknown>>>;
    for (const route of ROUTES) {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(operation?.['operationId']).toBe(route.operationId);
      expect(operation?.['security']).toEqual(route.access === 'public' ? [] : [{ cognito: [] }]);
      if (route.access !== 'public') expect(operation?.['x-wellgate-roles']).toEqual([...route.access]);
    }
    const booking = paths['/v1/me/appointments']?.['post'] as Record<string, unknown>;
    expect(Object.keys(booking['responses'] as object)).toEqual(
      expect.arrayContaining(['201', '400', '409', '413', '415', '503']),
    );
    expect(JSON.stringify(booking['parameters'])).toContain('Idempotency-Key');
    expect(String((document['info'] as Record<string, unknown>)['description'])).toContain(
      String(MAX_BODY_BYTES),
    );
  });

  test('plugged-in routes (chat, summary drafts, training runs) are documented with their schemas, not as 501', async () => {
    const response = await createPublicApiHandler()(apiEvent({ method: 'GET', path: '/openapi.json' }));
    const document = parseBody(response.body);
    const paths = document['paths'] as Record<string, Record<string, Record<string, unknown>>>;
    // Named schemas are $refs into components: inline them for the assertions.
    const components = JSON.stringify((document['components'] as Record<string, unknown>)['schemas']);
    const chat = paths['/v1/chat/messages']?.['post'] as Record<string, unknown>;
    const summary = paths['/v1/patients/{patientId}/summary-drafts']?.['post'] as Record<string, unknown>;
    const run = paths['/v1/admin/training-runs/{runId}']?.['get'] as Record<string, unknown>;
    for (const operation of [chat, summary, run])
      expect(Object.keys(operation['responses'] as object)).not.toContain('501');
    expect(Object.keys(chat['responses'] as object)).toContain('201');
    expect(JSON.stringify(chat['requestBody'])).toContain('#/components/schemas/ChatMessageRequest');
    const schemas = JSON.parse(components) as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(schemas['ChatMessageRequest']?.properties ?? {})).toContain('text');
    expect(JSON.stringify(chat['responses']) + components).toContain('disposition');
    expect(JSON.stringify(summary['responses']) + components).toContain('reviewRequired');
    expect(JSON.stringify(run['responses']) + components).toContain('startedAt');
  });

  test('health is public', async () => {
    const response = await createPublicApiHandler({ version: '1.2.3' })(
      apiEvent({ method: 'GET', path: '/v1/health' }),
    );
    expect(parseBody(response.body)).toEqual({ status: 'ok', version: '1.2.3' });
  });
});

test('captured logs of a full session carry no seeded names, MRNs, phones, emails or birth dates', async () => {
  const other = harness.clinic.patients[1]!;
  const calls = [
    apiEvent({ method: 'GET', path: '/v1/me', claims: claims() }),
    apiEvent({ method: 'GET', path: '/v1/me/observations', claims: claims() }),
    apiEvent({ method: 'GET', path: `/v1/me/appointments/${other.upcomingAppointmentId}`, claims: claims() }),
    apiEvent({
      method: 'DELETE',
      path: `/v1/me/appointments/${other.upcomingAppointmentId}`,
      claims: claims(),
    }),
    apiEvent({
      method: 'POST',
      path: '/v1/me/intake',
      claims: claims(),
      body: {
        appointmentId: patient.upcomingAppointmentId,
        questionnaire: 'q',
        items: [{ linkId: 'name', answer: `${patient.given} ${patient.family} ${patient.phone}` }],
      },
    }),
    apiEvent({
      method: 'POST',
      path: `/v1/me/medications/${patient.medicationId}/refill-requests`,
      claims: claims(),
      body: { note: `DOB ${patient.birthDate}` },
    }),
    apiEvent({
      method: 'GET',
      path: '/v1/schedule',
      query: { date: '2025-03-12' },
      claims: claimsFor({ sub: 'desk', roles: ['staff'] }),
    }),
    apiEvent({
      method: 'GET',
      path: `/v1/patients/${patient.id}/summary`,
      claims: claimsFor({ sub: 'doc', roles: ['clinician'], practitionerId: patient.careTeamPractitionerId }),
    }),
  ];
  for (const event of calls) await handler(event);
  const logs = harness.logger.lines.join('\n');
  expect(harness.logger.lines.length).toBeGreaterThanOrEqual(calls.length);
  for (const identifier of harness.clinic.identifiers) expect(logs).not.toContain(identifier);
});
