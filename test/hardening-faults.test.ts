/**
 * Dependency faults against the local portal: the FHIR store answering 429/500 or not at all, the
 * DynamoDB tables (idempotency, slot ledger, audit) throttling or failing. The API must answer 503
 * problem+json with Retry-After, retry a bounded number of times, leave no partial write, return
 * no PHI when the audit write fails, and work again once the fault clears.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Appointment, Slot } from '@medplum/fhirtypes';
import { verifyAuditChains } from '../lambdas/api';
import {
  DYNAMO_MAX_ATTEMPTS,
  type FaultInjectors,
  FHIR_MAX_ATTEMPTS,
  startFaultInjectors,
} from './helpers/hardening-faults';
import {
  addSyntheticPatients,
  DEMO_USERS,
  type HardenedPortal,
  type HardeningResponse,
  identifiersInLogs,
  type SyntheticPatientUser,
  slotWindowQuery,
  startHardenedPortal,
} from './helpers/hardening-portal';

const PROBLEM = 'https://wellgate.dev/problems/';

let faults: FaultInjectors;
let harness: HardenedPortal;
let patients: SyntheticPatientUser[];
let freeSlotIds: string[];

beforeAll(async () => {
  faults = await startFaultInjectors();
  harness = await startHardenedPortal({ wrapPorts: faults.wrapPorts });
  patients = await addSyntheticPatients(harness, 40, 'Fault');
  const slots = await harness.send({
    method: 'GET',
    path: `/v1/slots?${slotWindowQuery()}`,
    token: harness.accessToken(DEMO_USERS.staff),
  });
  freeSlotIds = (slots.body as { slots: Array<{ slotId: string }> }).slots.map((slot) => slot.slotId);
});

afterEach(() => {
  faults.fhir.plan.clear();
  faults.dynamo.plan.clear();
});

afterAll(async () => {
  await harness?.close();
  await faults?.close();
});

let patientCursor = 0;
function nextPatient(): SyntheticPatientUser {
  const patient = patients[patientCursor++];
  if (patient === undefined) throw new Error('ran out of synthetic patients');
  return patient;
}
function nextSlot(): string {
  const slotId = freeSlotIds.shift();
  if (slotId === undefined) throw new Error('ran out of free slots');
  return slotId;
}

function book(patient: SyntheticPatientUser, slotId: string, key = randomUUID()): Promise<HardeningResponse> {
  return harness.send({
    method: 'POST',
    path: '/v1/me/appointments',
    body: { slotId, reason: 'Fault suite booking' },
    headers: { 'idempotency-key': key },
    token: patient.accessToken,
  });
}

function profileOf(patient: SyntheticPatientUser): Promise<HardeningResponse> {
  return harness.send({ method: 'GET', path: '/v1/me', token: patient.accessToken });
}

/** A 503 problem with Retry-After that carries nothing of the record or of the upstream text. */
function expectUnavailable(response: HardeningResponse): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect((response.body as { type: string }).type).toBe(`${PROBLEM}service-unavailable`);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.text).not.toContain('UPSTREAM-SECRET-TEXT');
  expect(Object.keys(response.body as object).sort()).toEqual(['requestId', 'status', 'title', 'type']);
  expect(identifiersInLogs([response.text], harness.identifiers)).toEqual([]);
}

/** What the stores say about one slot: booked appointments, the Slot's status, the ledger item. */
async function slotState(slotId: string) {
  const appointments = await harness.portal.fhir.search('Appointment', { slot: `Slot/${slotId}` });
  const slot: Slot = await harness.portal.fhir.read('Slot', slotId);
  const ledger = await harness.portal.dynamo.documentClient.send(
    new QueryCommand({
      TableName: harness.portal.tables.appState,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `slot#${slotId}` },
      ConsistentRead: true,
    }),
  );
  return {
    booked: appointments.filter((appointment: Appointment) => appointment.status === 'booked'),
    slotStatus: slot.status,
    ledgerHolder: ledger.Items?.[0]?.['holderId'] as string | undefined,
  };
}

describe('FHIR store faults', () => {
  test.each([
    ['429 with Retry-After', 'throttle-429' as const],
    ['500', 'error-500' as const],
    ['no answer (timeout)', 'timeout' as const],
  ])(
    'a FHIR store that always answers %s gives 503 after exactly the bounded attempts',
    async (_name, kind) => {
      const patient = nextPatient();
      faults.fhir.plan.set({ share: 1, kinds: [kind], retryAfterSeconds: 7 });
      faults.fhir.plan.resetCalls();

      const response = await profileOf(patient);

      expectUnavailable(response);
      // GET /v1/me makes one FHIR read; the adapter tries it FHIR_MAX_ATTEMPTS times, then gives up.
      expect(faults.fhir.plan.calls).toHaveLength(FHIR_MAX_ATTEMPTS);
      if (kind === 'throttle-429') expect(response.headers.get('retry-after')).toBe('7');
    },
  );

  test('a share of failing FHIR calls: every answer is 200 or 503, never a 500, and the record is whole when 200', async () => {
    faults.fhir.plan.set({ share: 0.4, kinds: ['throttle-429', 'error-500', 'timeout'] }, 11);
    const callers = Array.from({ length: 8 }, () => nextPatient());
    const paths = ['/v1/me', '/v1/me/medications', '/v1/me/appointments', '/v1/me/consents'];

    const responses = await Promise.all(
      callers.flatMap((patient) =>
        paths.map((path) => harness.send({ method: 'GET', path, token: patient.accessToken })),
      ),
    );

    expect(responses.map((r) => r.status).filter((status) => status !== 200 && status !== 503)).toEqual([]);
    for (const response of responses.filter((r) => r.status === 503)) expectUnavailable(response);
    expect(faults.fhir.plan.calls.some((call) => call.fault !== undefined)).toBe(true);
  });

  test('a booking whose appointment cannot be created leaves no appointment, a free slot and a free ledger entry', async () => {
    const patient = nextPatient();
    const slotId = nextSlot();
    const key = randomUUID();
    faults.fhir.plan.set({ share: 1, kinds: ['error-500'], when: (call) => call.method === 'POST' });

    const failed = await book(patient, slotId, key);
    faults.fhir.plan.clear();
    const state = await slotState(slotId);
    const retried = await book(patient, slotId, key);

    expectUnavailable(failed);
    // A create is never retried after a 500 (it may have landed); this fault happened before any work.
    expect(faults.fhir.plan.calls.filter((call) => call.method === 'POST' && call.fault)).toHaveLength(1);
    expect(state).toEqual({ booked: [], slotStatus: 'free', ledgerHolder: undefined });
    expect(retried.status).toBe(201);
  });

  test('a booking whose slot update fails is undone: no orphan appointment, the slot stays bookable', async () => {
    const patient = nextPatient();
    const slotId = nextSlot();
    const key = randomUUID();
    faults.fhir.plan.set({
      share: 1,
      kinds: ['error-500'],
      when: (call) => call.method === 'PUT' && call.resourceType === 'Slot',
    });

    const failed = await book(patient, slotId, key);
    faults.fhir.plan.clear();
    const state = await slotState(slotId);
    const retried = await book(patient, slotId, key);
    const after = await slotState(slotId);

    expectUnavailable(failed);
    expect(
      faults.fhir.plan.calls.filter((call) => call.resourceType === 'Slot' && call.fault !== undefined),
    ).toHaveLength(FHIR_MAX_ATTEMPTS);
    expect(state).toEqual({ booked: [], slotStatus: 'free', ledgerHolder: undefined });
    expect(retried.status).toBe(201);
    const { appointmentId } = retried.body as { appointmentId: string };
    expect(after.booked.map((a: Appointment) => a.id)).toEqual([appointmentId]);
    expect(after).toMatchObject({ slotStatus: 'busy', ledgerHolder: appointmentId });
  });

  test('when even the undo fails, the ledger keeps the slot held so nobody can double-book it', async () => {
    const [first, second] = [nextPatient(), nextPatient()];
    const slotId = nextSlot();
    faults.fhir.plan.set({
      share: 1,
      kinds: ['error-500'],
      when: (call) => (call.method === 'PUT' && call.resourceType === 'Slot') || call.method === 'DELETE',
    });

    const failed = await book(first, slotId);
    faults.fhir.plan.clear();
    const competitor = await book(second, slotId);
    const state = await slotState(slotId);

    expectUnavailable(failed);
    expect(competitor.status).toBe(409);
    // Known limit (lambdas/README.md): a claim whose request died stays held until cleaned up.
    expect(state.booked.length).toBeLessThanOrEqual(1);
    expect(state.ledgerHolder).toBeDefined();
  });

  test('a storm of bookings under random FHIR faults: no slot booked twice, every 201 whole, every 503 undone', async () => {
    // DELETE (the undo) is left out of this storm: its own failure is the test above.
    faults.fhir.plan.set(
      {
        share: 0.3,
        kinds: ['throttle-429', 'error-500', 'timeout'],
        when: (call) => call.method !== 'DELETE',
      },
      23,
    );
    const attempts = Array.from({ length: 12 }, () => ({ patient: nextPatient(), slotId: nextSlot() }));

    const responses = await Promise.all(attempts.map(({ patient, slotId }) => book(patient, slotId)));
    faults.fhir.plan.clear();

    expect(responses.map((r) => r.status).filter((status) => status !== 201 && status !== 503)).toEqual([]);
    for (const [index, { slotId }] of attempts.entries()) {
      const response = responses[index];
      const state = await slotState(slotId);
      if (response?.status === 201) {
        const { appointmentId } = response.body as { appointmentId: string };
        expect(state).toMatchObject({ slotStatus: 'busy', ledgerHolder: appointmentId });
        expect(state.booked.map((a: Appointment) => a.id)).toEqual([appointmentId]);
      } else {
        expect(state.booked).toEqual([]);
        expect(state.slotStatus).toBe('free');
      }
    }
  });

  test('recovers at once when the fault clears', async () => {
    faults.fhir.plan.set({ share: 1, kinds: ['error-500'] });
    const patient = nextPatient();
    expectUnavailable(await profileOf(patient));

    faults.fhir.plan.clear();

    expect((await profileOf(patient)).status).toBe(200);
  });
});

describe('DynamoDB throttling and errors', () => {
  test.each([
    ['idempotency', 'throttling' as const],
    ['app-state', 'provisioned-throughput' as const],
    ['app-state', 'internal-error' as const],
  ])('the %s table failing with %s: 503, bounded SDK retries, nothing booked', async (table, kind) => {
    const patient = nextPatient();
    const slotId = nextSlot();
    const tableName =
      table === 'idempotency' ? harness.portal.tables.idempotency : harness.portal.tables.appState;
    faults.dynamo.plan.set({ share: 1, kinds: [kind], when: (call) => call.table === tableName });
    faults.dynamo.plan.resetCalls();

    const response = await book(patient, slotId);
    faults.dynamo.plan.clear();
    const state = await slotState(slotId);

    expectUnavailable(response);
    const attemptsPerCall = new Map<string, number>();
    for (const call of faults.dynamo.plan.calls.filter((c) => c.table === tableName)) {
      attemptsPerCall.set(call.invocationId, (attemptsPerCall.get(call.invocationId) ?? 0) + 1);
    }
    expect(attemptsPerCall.size).toBeGreaterThanOrEqual(1);
    for (const attempts of attemptsPerCall.values())
      expect(attempts).toBeLessThanOrEqual(DYNAMO_MAX_ATTEMPTS);
    expect(state).toEqual({ booked: [], slotStatus: 'free', ledgerHolder: undefined });
  });
});

describe('audit sink failures', () => {
  const auditTable = () => harness.portal.tables.auditIndex;

  test.each(['/v1/me', '/v1/me/observations', '/v1/me/medications', '/v1/me/access-log'])(
    'GET %s answers 503 and no PHI when the audit write fails',
    async (path) => {
      const patient = patients[0];
      if (patient === undefined) throw new Error('fixture missing');
      faults.dynamo.plan.set({
        share: 1,
        kinds: ['internal-error'],
        when: (call) => call.table === auditTable(),
      });

      const response = await harness.send({ method: 'GET', path, token: patient.accessToken });

      expectUnavailable(response);
      expect(response.text).not.toContain(patient.patientId);
    },
  );

  test('a booking whose audit write fails answers 503 and is undone; the retry with the same key books it, audited', async () => {
    const patient = nextPatient();
    const slotId = nextSlot();
    const key = randomUUID();
    faults.dynamo.plan.set({ share: 1, kinds: ['throttling'], when: (call) => call.table === auditTable() });

    const failed = await book(patient, slotId, key);
    faults.dynamo.plan.clear();
    const afterFailure = await slotState(slotId);
    const replayed = await book(patient, slotId, key);
    const again = await book(patient, slotId, key);
    const state = await slotState(slotId);
    const accessLog = await harness.send({
      method: 'GET',
      path: '/v1/me/access-log',
      token: patient.accessToken,
    });

    expectUnavailable(failed);
    expect(afterFailure).toEqual({ booked: [], slotStatus: 'free', ledgerHolder: undefined });
    expect(replayed.status).toBe(201);
    expect(again.body).toEqual(replayed.body);
    const { appointmentId } = replayed.body as { appointmentId: string };
    expect(state.booked.map((a: Appointment) => a.id)).toEqual([appointmentId]);
    expect(accessLog.status).toBe(200);
    const events = (accessLog.body as { events: Array<{ recordType: string; action: string }> }).events;
    // One create for the booking that stands, one read for the replay of its response.
    expect(events.filter((e) => e.recordType === 'Appointment').map((e) => e.action)).toEqual([
      'read',
      'create',
    ]);
  });

  test('with the audit sink failing, an emergency chat message still answers with 911, and its audit event is appended once the sink recovers', async () => {
    const patient = nextPatient();
    const consent = await harness.send({
      method: 'PUT',
      path: '/v1/me/consents/ai-assistant',
      body: { status: 'active' },
      token: patient.accessToken,
    });
    expect(consent.status).toBe(200);
    faults.dynamo.plan.set({
      share: 1,
      kinds: ['internal-error'],
      when: (call) => call.table === auditTable(),
    });

    const response = await harness.send({
      method: 'POST',
      path: '/v1/chat/messages',
      body: { text: 'crushing chest pain and sweating right now' },
      token: patient.accessToken,
    });

    // The route's success status (a chat turn is created): the emergency answer, not a 503.
    expect(response.status).toBe(201);
    const body = response.body as {
      conversationId: string;
      disposition: string;
      safety: { emergencyContacts: Array<{ number: string }> };
    };
    expect(body.disposition).toBe('emergency');
    expect(body.safety.emergencyContacts.map((contact) => contact.number)).toContain('911');
    const deferred = harness.logLines
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return {};
        }
      })
      .find(
        (line) => line['message'] === 'audit event deferred' && line['operationId'] === 'sendChatMessage',
      );
    const eventId = deferred?.['eventId'];
    expect(eventId).toEqual(expect.any(String));

    const chatEvents = async () => {
      const chain = await harness.portal.dynamo.documentClient.send(
        new QueryCommand({
          TableName: auditTable(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `chain#patient#${patient.patientId}` },
          ConsistentRead: true,
        }),
      );
      return (chain.Items ?? []).filter((item) => item['operationId'] === 'sendChatMessage');
    };
    // Still down (read past the fault injector): the event waits on the fallback queue.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await chatEvents()).toEqual([]);
    faults.dynamo.plan.clear();

    const deadline = Date.now() + 10_000;
    while ((await chatEvents()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const appended = await chatEvents();
    expect(appended.map((item) => item['eventId'])).toEqual([eventId]);
    expect(appended[0]).toMatchObject({
      resourceType: 'Communication',
      resourceId: body.conversationId,
      action: 'create',
      outcome: 'success',
    });
    const report = await verifyAuditChains(auditTable(), harness.portal.dynamo.documentClient);
    expect(report.breaks.filter((b) => b.chain === `chain#patient#${patient.patientId}`)).toEqual([]);
  });

  test('a share of throttled audit and ledger writes: 2xx or 503 only, and full service after recovery', async () => {
    faults.dynamo.plan.set({ share: 0.3, kinds: ['throttling', 'internal-error'] }, 5);
    const callers = Array.from({ length: 6 }, () => nextPatient());

    const responses = await Promise.all(
      callers.flatMap((patient) => [profileOf(patient), book(patient, nextSlot())]),
    );
    faults.dynamo.plan.clear();
    const recovered = await Promise.all(callers.map((patient) => profileOf(patient)));

    expect(responses.map((r) => r.status).filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    for (const response of responses.filter((r) => r.status === 503)) expectUnavailable(response);
    expect(recovered.map((r) => r.status)).toEqual(callers.map(() => 200));
  });
});

test('captured logs contain none of the seeded identifiers', () => {
  expect(harness.logLines.length).toBeGreaterThan(0);
  expect(identifiersInLogs(harness.logLines, harness.identifiers)).toEqual([]);
  expect(harness.logLines.join('\n')).not.toContain('UPSTREAM-SECRET-TEXT');
});
