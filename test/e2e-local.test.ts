import { randomUUID } from 'node:crypto';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Appointment, MedicationRequest } from '@medplum/fhirtypes';
import { ROLES, ROUTES, type Role, type RouteSpec } from '../lambdas/api/route-table';
import { runAuditVerify } from '../lambdas/local/audit-verify';
import { seededIdentifiers } from '../lambdas/local/seed/synthetic-clinic';
import {
  DEMO,
  type PortalUnderTest,
  type RequestSpec,
  startPortalForTest,
  TOKEN_OF_ROLE,
} from './helpers/local-portal';

let harness: PortalUnderTest;
const capturedOutput: string[] = [];
const originalStdoutWrite = process.stdout.write.bind(process.stdout);
const originalStderrWrite = process.stderr.write.bind(process.stderr);

/** Free slot ids, handed out one per booking so tests never compete for a slot by accident. */
let freeSlotIds: string[] = [];

function patientIdOf(username: string): string {
  const id = harness.users[username]?.fhirPatientId;
  if (id === undefined) throw new Error(`${username} has no linked patient`);
  return id;
}

function tokenOf(username: string): string {
  const token = harness.tokens[username]?.accessToken;
  if (token === undefined) throw new Error(`${username} is not signed in`);
  return token;
}

function takeFreeSlot(): string {
  const slotId = freeSlotIds.shift();
  if (slotId === undefined) throw new Error('ran out of free slots');
  return slotId;
}

function appointmentOf(patientId: string): Appointment {
  const found = harness.portal.clinic.appointments.find((appointment) =>
    appointment.participant.some((participant) => participant.actor?.reference === `Patient/${patientId}`),
  );
  if (found?.id === undefined) throw new Error('no seeded appointment for the patient');
  return found;
}

function medicationOf(patientId: string): MedicationRequest {
  const found = harness.portal.clinic.medicationRequests.find(
    (request) => request.subject.reference === `Patient/${patientId}`,
  );
  if (found?.id === undefined) throw new Error('no seeded medication for the patient');
  return found;
}

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function slotWindow(): string {
  const start = new Date();
  const end = new Date(start.getTime() + 14 * 86_400_000);
  return `start=${encodeURIComponent(start.toISOString())}&end=${encodeURIComponent(end.toISOString())}`;
}

async function book(username: string, slotId: string, key = randomUUID()) {
  return harness.send(
    {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId, reason: 'Follow-up visit' },
      headers: { 'idempotency-key': key },
    },
    tokenOf(username),
  );
}

beforeAll(async () => {
  // Everything the process writes is captured for the PHI scan, and still shown.
  for (const [stream, original] of [
    [process.stdout, originalStdoutWrite],
    [process.stderr, originalStderrWrite],
  ] as const) {
    jest.spyOn(stream, 'write').mockImplementation(((...args: Parameters<typeof original>) => {
      capturedOutput.push(String(args[0]));
      return original(...args);
    }) as typeof original);
  }
  harness = await startPortalForTest();
  const slots = await harness.send({ method: 'GET', path: `/v1/slots?${slotWindow()}` }, tokenOf(DEMO.staff));
  freeSlotIds = ((slots.body as { slots: Array<{ slotId: string }> }).slots ?? []).map((slot) => slot.slotId);
});

afterAll(async () => {
  await harness?.close();
  jest.restoreAllMocks();
});

/**
 * How to call each route as its allowed roles and what success looks like. Plug-in operations
 * (assistant, training runs) belong to other issues: for them the test asserts that the gateway
 * and the role check let the call through, not their answer.
 */
interface Scenario {
  readonly success: number | 'reaches-operation';
  request(role: Role | 'anonymous'): Promise<RequestSpec>;
}

const SCENARIOS: Record<string, Scenario> = {
  getHealth: { success: 200, request: async () => ({ method: 'GET', path: '/v1/health' }) },
  getOpenApi: { success: 200, request: async () => ({ method: 'GET', path: '/openapi.json' }) },
  getMyProfile: { success: 200, request: async () => ({ method: 'GET', path: '/v1/me' }) },
  listFreeSlots: {
    success: 200,
    request: async () => ({ method: 'GET', path: `/v1/slots?${slotWindow()}` }),
  },
  listMyAppointments: { success: 200, request: async () => ({ method: 'GET', path: '/v1/me/appointments' }) },
  bookAppointment: {
    success: 201,
    request: async () => ({
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId: takeFreeSlot(), reason: 'Matrix booking' },
      headers: { 'idempotency-key': randomUUID() },
    }),
  },
  cancelAppointment: {
    success: 200,
    request: async (role) => {
      // The patient cancels an appointment booked for the purpose; other roles are refused first.
      if (role !== 'patient') return { method: 'DELETE', path: `/v1/me/appointments/${randomUUID()}` };
      const booked = await book(DEMO.patient1, takeFreeSlot());
      const { appointmentId } = booked.body as { appointmentId: string };
      return { method: 'DELETE', path: `/v1/me/appointments/${appointmentId}` };
    },
  },
  listMyObservations: {
    success: 200,
    request: async () => ({ method: 'GET', path: '/v1/me/observations?code=8867-4' }),
  },
  listMyMedications: { success: 200, request: async () => ({ method: 'GET', path: '/v1/me/medications' }) },
  messageCareTeam: {
    success: 201,
    request: async () => ({
      method: 'POST',
      path: '/v1/me/messages',
      body: { text: 'Question about my results' },
    }),
  },
  requestRefill: {
    success: 201,
    request: async () => ({
      method: 'POST',
      path: `/v1/me/medications/${medicationOf(patientIdOf(DEMO.patient1)).id}/refill-requests`,
      body: { note: 'Running low' },
    }),
  },
  submitIntake: {
    success: 201,
    request: async () => ({
      method: 'POST',
      path: '/v1/me/intake',
      body: {
        appointmentId: appointmentOf(patientIdOf(DEMO.patient1)).id,
        questionnaire: 'https://wellgate.dev/fhir/Questionnaire/pre-visit',
        items: [{ linkId: 'reason', text: 'Reason for visit', answer: 'Routine check' }],
      },
    }),
  },
  listMyConsents: { success: 200, request: async () => ({ method: 'GET', path: '/v1/me/consents' }) },
  setMyConsent: {
    success: 200,
    request: async () => ({ method: 'PUT', path: '/v1/me/consents/research', body: { status: 'active' } }),
  },
  getMyAccessLog: { success: 200, request: async () => ({ method: 'GET', path: '/v1/me/access-log' }) },
  sendChatMessage: {
    success: 201,
    request: async () => ({
      method: 'POST',
      path: '/v1/chat/messages',
      body: { text: 'When is my next visit?' },
    }),
  },
  draftPatientSummary: {
    success: 200,
    request: async () => ({
      method: 'POST',
      path: `/v1/patients/${patientIdOf(DEMO.patient1)}/summary-drafts`,
      body: {},
    }),
  },
  getPatientSummary: {
    success: 200,
    request: async () => ({ method: 'GET', path: `/v1/patients/${patientIdOf(DEMO.patient1)}/summary` }),
  },
  listPatientObservations: {
    success: 200,
    request: async () => ({ method: 'GET', path: `/v1/patients/${patientIdOf(DEMO.patient1)}/observations` }),
  },
  getDaySchedule: {
    success: 200,
    request: async () => ({ method: 'GET', path: `/v1/schedule?date=${isoDay(1)}` }),
  },
  linkUserToPatient: {
    success: 200,
    request: async () => ({
      method: 'POST',
      path: `/v1/admin/users/${DEMO.patient2}/patient-link`,
      body: { patientId: patientIdOf(DEMO.patient2) },
    }),
  },
  startTrainingRun: {
    success: 201,
    request: async () => ({ method: 'POST', path: '/v1/admin/training-runs', body: {} }),
  },
  getTrainingRun: {
    // An unknown run id: the operation runs and answers 404 (a started run is followed below).
    success: 404,
    request: async () => ({ method: 'GET', path: `/v1/admin/training-runs/${randomUUID()}` }),
  },
};

function scenarioOf(route: RouteSpec): Scenario {
  const scenario = SCENARIOS[route.operationId];
  if (scenario === undefined) throw new Error(`no end-to-end scenario for ${route.operationId}: add one`);
  return scenario;
}

function expectProblem(response: { status: number; headers: Headers; body: unknown }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status });
  expect(JSON.stringify(response.body)).not.toMatch(/at .+\.ts:\d+/);
}

describe('every route for every role', () => {
  it('has a scenario for every route in the route table', () => {
    for (const route of ROUTES) expect(() => scenarioOf(route)).not.toThrow();
  });

  const cases = ROUTES.flatMap((route) => ROLES.map((role) => [route.operationId, role, route] as const));

  it.each(cases)('%s as %s', async (_operationId, role, route) => {
    const scenario = scenarioOf(route);
    const response = await harness.send(await scenario.request(role), tokenOf(TOKEN_OF_ROLE[role]));

    const allowed = route.access === 'public' || route.access.includes(role);
    if (!allowed) {
      expectProblem(response, 403);
    } else if (scenario.success === 'reaches-operation') {
      expect([401, 403, 404, 405]).not.toContain(response.status);
    } else {
      expect(response.status).toBe(scenario.success);
    }
  });

  const protectedRoutes = ROUTES.filter((route) => route.access !== 'public');

  it.each(protectedRoutes.map((route) => [route.operationId, route] as const))(
    '%s refuses a missing, an expired and a tampered token',
    async (_operationId, route) => {
      const spec = await scenarioOf(route).request('anonymous');
      const allowedRole = route.access === 'public' ? 'patient' : (route.access[0] ?? 'patient');
      const user = harness.portal.users.find(TOKEN_OF_ROLE[allowedRole]);
      if (user === undefined) throw new Error('demo user missing');
      const issuedAt = Math.floor(Date.now() / 1000) - 3600;
      const expired = await harness.portal.tokenIssuer.issue(user, {
        issuedAt,
        authTime: issuedAt,
        originJti: 'x',
      });
      const [header, payload, signature] = tokenOf(TOKEN_OF_ROLE[allowedRole]).split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(
        JSON.stringify({ ...claims, 'cognito:groups': ['admin', 'clinician'] }),
      ).toString('base64url');

      expectProblem(await harness.send(spec), 401);
      expectProblem(await harness.send(spec, expired.accessToken), 401);
      expectProblem(await harness.send(spec, `${header}.${forged}.${signature}`), 401);
    },
  );

  it('serves public routes without a token', async () => {
    expect((await harness.send({ method: 'GET', path: '/v1/health' })).status).toBe(200);
    const openApi = await harness.send({ method: 'GET', path: '/openapi.json' });
    expect(openApi.status).toBe(200);
    expect(openApi.body).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(
      await harness.send({ method: 'GET', path: '/v1/does-not-exist' }, tokenOf(DEMO.patient1)),
      404,
    );
  });
});

describe("another patient's records", () => {
  it("answers 404 for another patient's appointment, medication and intake, and audits the denial", async () => {
    const otherPatient = patientIdOf(DEMO.patient2);
    const before = await harness.send({ method: 'GET', path: '/v1/me/access-log' }, tokenOf(DEMO.patient2));
    const deniedBefore = (before.body as { events: Array<{ outcome: string }> }).events.filter(
      (event) => event.outcome === 'denied',
    ).length;

    const cancel = await harness.send(
      { method: 'DELETE', path: `/v1/me/appointments/${appointmentOf(otherPatient).id}` },
      tokenOf(DEMO.patient1),
    );
    const refill = await harness.send(
      {
        method: 'POST',
        path: `/v1/me/medications/${medicationOf(otherPatient).id}/refill-requests`,
        body: {},
      },
      tokenOf(DEMO.patient1),
    );

    const intake = await harness.send(
      {
        method: 'POST',
        path: '/v1/me/intake',
        body: {
          appointmentId: appointmentOf(otherPatient).id,
          questionnaire: 'https://wellgate.dev/fhir/Questionnaire/pre-visit',
          items: [{ linkId: 'reason', answer: 'Not mine' }],
        },
      },
      tokenOf(DEMO.patient1),
    );

    expectProblem(cancel, 404);
    expectProblem(refill, 404);
    expectProblem(intake, 404);
    const after = await harness.send({ method: 'GET', path: '/v1/me/access-log' }, tokenOf(DEMO.patient2));
    const denied = (
      after.body as { events: Array<{ outcome: string; byYou: boolean; actorRole: string }> }
    ).events.filter((event) => event.outcome === 'denied');
    expect(denied.length).toBeGreaterThan(deniedBefore);
    expect(denied[0]).toMatchObject({ byYou: false, actorRole: 'patient' });
  });

  it('answers 404 to a clinician outside the care team, and 200 with a break-glass reason', async () => {
    const path = `/v1/patients/${patientIdOf(DEMO.patient2)}/summary`;

    const refused = await harness.send({ method: 'GET', path }, tokenOf(DEMO.clinician));
    const breakGlass = await harness.send(
      {
        method: 'GET',
        path,
        headers: { 'x-break-glass-reason': 'Patient unconscious in the emergency department' },
      },
      tokenOf(DEMO.clinician),
    );

    expectProblem(refused, 404);
    expect(breakGlass.status).toBe(200);
    expect(harness.logLines.some((line) => line.includes('BreakGlassAccess'))).toBe(true);
  });
});

describe('booking', () => {
  it('books with an Idempotency-Key, replays a retry, and frees the slot on cancel', async () => {
    const slotId = takeFreeSlot();
    const key = randomUUID();

    const first = await book(DEMO.patient2, slotId, key);
    const retry = await book(DEMO.patient2, slotId, key);
    const mine = await harness.send({ method: 'GET', path: '/v1/me/appointments' }, tokenOf(DEMO.patient2));
    const freeWhileBooked = await harness.send(
      { method: 'GET', path: `/v1/slots?${slotWindow()}` },
      tokenOf(DEMO.staff),
    );

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const { appointmentId } = first.body as { appointmentId: string };
    const appointments = (mine.body as { appointments: Array<{ appointmentId: string }> }).appointments;
    expect(appointments.filter((appointment) => appointment.appointmentId === appointmentId)).toHaveLength(1);
    const freeIds = (freeWhileBooked.body as { slots: Array<{ slotId: string }> }).slots.map(
      (slot) => slot.slotId,
    );
    expect(freeIds).not.toContain(slotId);

    const cancel = await harness.send(
      { method: 'DELETE', path: `/v1/me/appointments/${appointmentId}` },
      tokenOf(DEMO.patient2),
    );
    const freeAfterCancel = await harness.send(
      { method: 'GET', path: `/v1/slots?${slotWindow()}` },
      tokenOf(DEMO.staff),
    );

    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ appointmentId, status: 'cancelled' });
    expect(
      (freeAfterCancel.body as { slots: Array<{ slotId: string }> }).slots.map((slot) => slot.slotId),
    ).toContain(slotId);
  });

  it('lets only one of two concurrent bookings of a slot succeed', async () => {
    const slotId = takeFreeSlot();

    const results = await Promise.all([book(DEMO.patient1, slotId), book(DEMO.patient2, slotId)]);

    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
  });

  it('refuses a booking without an Idempotency-Key', async () => {
    const response = await harness.send(
      { method: 'POST', path: '/v1/me/appointments', body: { slotId: freeSlotIds[0], reason: 'No key' } },
      tokenOf(DEMO.patient1),
    );

    expectProblem(response, 400);
  });
});

describe('consents', () => {
  it('revokes AI-assistant consent and shows it revoked at once', async () => {
    const revoke = await harness.send(
      { method: 'PUT', path: '/v1/me/consents/ai-assistant', body: { status: 'revoked' } },
      tokenOf(DEMO.patient2),
    );
    const list = await harness.send({ method: 'GET', path: '/v1/me/consents' }, tokenOf(DEMO.patient2));

    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({ category: 'ai-assistant', status: 'revoked' });
    expect((list.body as { consents: Array<{ category: string; status: string }> }).consents).toContainEqual(
      expect.objectContaining({ category: 'ai-assistant', status: 'revoked' }),
    );
  });
});

describe('the assistant in local mode', () => {
  it('answers a consenting patient through the local rules model, and refuses without consent', async () => {
    const consenting = await harness.send(
      { method: 'POST', path: '/v1/chat/messages', body: { text: 'Can I book an appointment next week?' } },
      tokenOf(DEMO.patient1),
    );
    expect(consenting.status).toBe(201);
    expect(consenting.body).toMatchObject({ disposition: expect.any(String), reply: expect.any(String) });
    expect(JSON.stringify(consenting.body)).toContain('book-appointment');

    // demo-patient-2 never granted ai-assistant consent in the seed.
    const refused = await harness.send(
      { method: 'POST', path: '/v1/chat/messages', body: { text: 'Hello' } },
      tokenOf(DEMO.patient2),
    );
    expectProblem(refused, 403);
    expect((refused.body as { type: string }).type).toContain('ai-consent-required');
  });

  it('answers an emergency at once, without a model', async () => {
    const response = await harness.send(
      {
        method: 'POST',
        path: '/v1/chat/messages',
        body: { text: 'crushing chest pain going down my left arm' },
      },
      tokenOf(DEMO.patient1),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ disposition: 'emergency' });
    expect(JSON.stringify(response.body)).toContain('911');
  });
});

describe('messages to the care team', () => {
  it("reach every practitioner on the patient's care team and show in the access log", async () => {
    const sent = await harness.send(
      {
        method: 'POST',
        path: '/v1/me/messages',
        body: { text: 'Is my lab result normal?', topic: 'Results' },
      },
      tokenOf(DEMO.patient1),
    );
    expect(sent.status).toBe(201);
    // The synthetic clinic puts a primary and a consulting clinician on every care team.
    expect(sent.body).toMatchObject({ status: 'sent', routedTo: 'care-team', recipients: 2 });
    const messageId = (sent.body as { messageId: string }).messageId;
    const stored = await harness.portal.fhir.read('Communication', messageId);
    expect(stored.subject?.reference).toBe(`Patient/${patientIdOf(DEMO.patient1)}`);
    expect(stored.recipient?.every((r) => r.reference?.startsWith('Practitioner/'))).toBe(true);
    const log = await harness.send({ method: 'GET', path: '/v1/me/access-log' }, tokenOf(DEMO.patient1));
    expect((log.body as { events: Array<Record<string, unknown>> }).events[0]).toMatchObject({
      recordType: 'Communication',
      action: 'create',
      outcome: 'success',
    });
  });
});

describe('a training run in local mode', () => {
  it('starts, runs the de-identification pipeline over the local store, and reports how it ended', async () => {
    const started = await harness.send(
      { method: 'POST', path: '/v1/admin/training-runs', body: {} },
      tokenOf(DEMO.admin),
    );
    expect(started.status).toBe(201);
    const runId = (started.body as { runId: string; status: string }).runId;
    expect(started.body).toMatchObject({ status: 'started' });

    let run: { status: string; report?: Record<string, unknown> } = { status: 'started' };
    for (let attempt = 0; attempt < 120 && run.status === 'started'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      run = (
        await harness.send({ method: 'GET', path: `/v1/admin/training-runs/${runId}` }, tokenOf(DEMO.admin))
      ).body as typeof run;
    }
    expect(['published', 'failed']).toContain(run.status);
    // Two seeded patients did not consent to research: they are left out whatever the outcome.
    expect(run.report).toMatchObject({ patientsExcludedForConsent: 2, residualFindings: 0 });
    if (run.status === 'failed') expect(run.report?.['failures']).toEqual(['k-anonymity']);
    else
      expect(run.report).toMatchObject({
        passed: true,
        manifestKey: expect.stringContaining('manifest.json'),
      });
  });
});

describe('the access log', () => {
  it('shows the accesses the patient just made, newest first', async () => {
    await harness.send({ method: 'GET', path: '/v1/me/medications' }, tokenOf(DEMO.patient2));
    await harness.send({ method: 'GET', path: '/v1/me' }, tokenOf(DEMO.patient2));

    const log = await harness.send({ method: 'GET', path: '/v1/me/access-log' }, tokenOf(DEMO.patient2));

    expect(log.status).toBe(200);
    const events = (log.body as { events: Array<Record<string, unknown>> }).events;
    expect(events[0]).toMatchObject({
      recordType: 'Patient',
      action: 'read',
      byYou: true,
      outcome: 'success',
    });
    expect(events[1]).toMatchObject({ recordType: 'MedicationRequest', byYou: true, outcome: 'success' });
  });
});

describe('admin links a user to a patient', () => {
  it('updates the local user store, and 404s for an unknown user', async () => {
    const patientId = patientIdOf(DEMO.patient2);

    const linked = await harness.send(
      { method: 'POST', path: `/v1/admin/users/${DEMO.patient2}/patient-link`, body: { patientId } },
      tokenOf(DEMO.admin),
    );
    const unknown = await harness.send(
      { method: 'POST', path: '/v1/admin/users/nobody-here/patient-link', body: { patientId } },
      tokenOf(DEMO.admin),
    );

    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ username: DEMO.patient2, patientId, linked: true });
    expect(harness.portal.users.find(DEMO.patient2)?.fhirPatientId).toBe(patientId);
    expectProblem(unknown, 404);
  });
});

describe('request limits', () => {
  it('refuses a body over 1 MB with 413', async () => {
    const response = await harness.send(
      {
        method: 'POST',
        path: '/v1/me/intake',
        rawBody: JSON.stringify({ padding: 'x'.repeat(1_100_000) }),
        headers: { 'content-type': 'application/json' },
      },
      tokenOf(DEMO.patient1),
    );

    expectProblem(response, 413);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await harness.send(
      {
        method: 'POST',
        path: '/v1/me/appointments',
        rawBody: 'slotId=abc',
        headers: { 'content-type': 'text/plain', 'idempotency-key': randomUUID() },
      },
      tokenOf(DEMO.patient1),
    );

    expectProblem(response, 415);
  });
});

describe('logs', () => {
  it('contain none of the seeded names, MRNs, phone numbers, addresses or birth dates', () => {
    const identifiers = seededIdentifiers(harness.portal.clinic);
    const logs = [...harness.logLines, ...capturedOutput].join('\n');

    expect(harness.logLines.length).toBeGreaterThan(50);
    expect(identifiers.length).toBeGreaterThan(40);
    const leaked = identifiers.filter((identifier) => logs.includes(identifier));
    expect(leaked).toEqual([]);
  });
});

// Last: it breaks a chain on purpose.
describe('npm run audit:verify', () => {
  it('verifies every chain written above, then reports the first break after an event is altered', async () => {
    const dataDirArgs = ['--data-dir', harness.portal.paths.root];
    const intactOutput: string[] = [];

    const intact = await runAuditVerify(dataDirArgs, (line) => intactOutput.push(line));

    expect(intact).toBe(0);
    expect(intactOutput.join('\n')).toContain('every chain verifies');
    const scan = await harness.portal.dynamo.documentClient.send(
      new ScanCommand({ TableName: harness.portal.tables.auditIndex }),
    );
    const victim = (scan.Items ?? []).find((item) => item['seq'] === 2);
    if (victim === undefined) throw new Error('no second audit event to alter');
    await harness.portal.dynamo.documentClient.send(
      new UpdateCommand({
        TableName: harness.portal.tables.auditIndex,
        Key: { pk: victim['pk'], sk: victim['sk'] },
        UpdateExpression: 'SET outcome = :outcome',
        ExpressionAttributeValues: { ':outcome': victim['outcome'] === 'denied' ? 'success' : 'denied' },
      }),
    );
    const brokenOutput: string[] = [];

    const broken = await runAuditVerify(dataDirArgs, (line) => brokenOutput.push(line));

    expect(broken).toBe(1);
    expect(brokenOutput.join('\n')).toContain(`first break: chain ${String(victim['pk'])}, event seq 2`);
  });
});
