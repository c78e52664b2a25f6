/**
 * Concurrency against the local portal: many patients racing for few slots, and one patient
 * repeating an Idempotency-Key while the first request is still running. The invariants are
 * checked in the stores themselves (FHIR, the slot ledger, the audit table), not only in answers.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Appointment, Slot } from '@medplum/fhirtypes';
import { verifyAuditChains } from '../lambdas/api';
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

const PATIENTS = 200;
const SLOTS = 20;
const PROBLEM = 'https://wellgate.dev/problems/';

let harness: HardenedPortal;
let patients: SyntheticPatientUser[];
let freeSlotIds: string[];

beforeAll(async () => {
  harness = await startHardenedPortal();
  patients = await addSyntheticPatients(harness, PATIENTS, 'Conc');
  const slots = await harness.send({
    method: 'GET',
    path: `/v1/slots?${slotWindowQuery()}`,
    token: harness.accessToken(DEMO_USERS.staff),
  });
  freeSlotIds = (slots.body as { slots: Array<{ slotId: string }> }).slots.map((slot) => slot.slotId);
  if (freeSlotIds.length < SLOTS + 2) throw new Error('the seeded clinic has too few free slots');
});

afterAll(async () => {
  await harness?.close();
});

function book(token: string, slotId: string, key: string, reason: string): Promise<HardeningResponse> {
  return harness.send({
    method: 'POST',
    path: '/v1/me/appointments',
    body: { slotId, reason },
    headers: { 'idempotency-key': key },
    token,
  });
}

function requestIdOf(response: HardeningResponse): string {
  const id = response.headers.get('x-amzn-requestid');
  if (id === null) throw new Error('response without a request id');
  return id;
}

async function auditEventsOfRequests(requestIds: ReadonlySet<string>): Promise<Map<string, number>> {
  return new Map(
    [...(await auditOutcomesOfRequests(requestIds))].map(([id, outcomes]) => [id, outcomes.length]),
  );
}

async function auditOutcomesOfRequests(requestIds: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const counts = new Map<string, string[]>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await harness.portal.dynamo.documentClient.send(
      new ScanCommand({ TableName: harness.portal.tables.auditIndex, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const requestId = String(item['requestId']);
      if (requestIds.has(requestId))
        counts.set(requestId, [...(counts.get(requestId) ?? []), String(item['outcome'])]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return counts;
}

describe(`${PATIENTS} patients booking ${SLOTS} free slots at once`, () => {
  let responses: HardeningResponse[];
  let contested: string[];

  beforeAll(async () => {
    contested = freeSlotIds.slice(0, SLOTS);
    responses = await Promise.all(
      patients.map((patient, index) =>
        book(patient.accessToken, contested[index % SLOTS] ?? '', randomUUID(), 'Race for a slot'),
      ),
    );
  });

  test('exactly one booking per slot succeeds, every other request gets 409 and none a 5xx', () => {
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(SLOTS);
    expect(statuses.filter((status) => status === 409)).toHaveLength(PATIENTS - SLOTS);
    const winners = responses.filter((response) => response.status === 201);
    expect(new Set(winners.map((response) => (response.body as { slotId: string }).slotId))).toEqual(
      new Set(contested),
    );
    for (const loser of responses.filter((response) => response.status === 409)) {
      expect(loser.headers.get('content-type')).toBe('application/problem+json');
      expect((loser.body as { type: string }).type).toBe(`${PROBLEM}slot-unavailable`);
    }
  });

  test('the FHIR store holds one booked appointment per contested slot and every slot is busy', async () => {
    for (const slotId of contested) {
      const appointments = await harness.portal.fhir.search('Appointment', { slot: `Slot/${slotId}` });
      const active = appointments.filter((appointment: Appointment) => appointment.status === 'booked');
      expect(active).toHaveLength(1);
      const slot: Slot = await harness.portal.fhir.read('Slot', slotId);
      expect(slot.status).toBe('busy');
    }
  });

  test('the slot ledger names the winning appointment as the holder of each slot', async () => {
    const winners = responses.filter((response) => response.status === 201);
    for (const winner of winners) {
      const { slotId, appointmentId } = winner.body as { slotId: string; appointmentId: string };
      const ledger = await harness.portal.dynamo.documentClient.send(
        new QueryCommand({
          TableName: harness.portal.tables.appState,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `slot#${slotId}` },
          ConsistentRead: true,
        }),
      );
      expect(ledger.Items).toHaveLength(1);
      expect(ledger.Items?.[0]?.['holderId']).toBe(appointmentId);
    }
  });

  test('every request wrote exactly one audit event: a booking "success", a refused one "refused"', async () => {
    const winners = responses.filter((response) => response.status === 201).map(requestIdOf);
    const losers = responses.filter((response) => response.status === 409).map(requestIdOf);
    expect(winners.length + losers.length).toBe(responses.length);
    const outcomes = await auditOutcomesOfRequests(new Set([...winners, ...losers]));
    for (const requestId of winners) expect(outcomes.get(requestId)).toEqual(['success']);
    for (const requestId of losers) expect(outcomes.get(requestId)).toEqual(['refused']);
  });
});

describe('one Idempotency-Key repeated under concurrency', () => {
  test('in-flight repeats are refused as in progress, later repeats replay the first response', async () => {
    const patient = patients[0];
    const slotId = freeSlotIds[SLOTS];
    if (patient === undefined || slotId === undefined) throw new Error('fixture missing');
    const key = `hardening-${randomUUID()}`;

    const burst = await Promise.all(
      Array.from({ length: 12 }, () => book(patient.accessToken, slotId, key, 'Repeated key')),
    );
    const later = await Promise.all(
      Array.from({ length: 12 }, () => book(patient.accessToken, slotId, key, 'Repeated key')),
    );

    expect(burst.filter((response) => response.status >= 500)).toEqual([]);
    const first = burst.filter((response) => response.status === 201);
    expect(first.length).toBeGreaterThanOrEqual(1);
    const firstBody = first[0]?.body;
    // Every success in the burst is the first response itself or its replay.
    for (const response of first) expect(response.body).toEqual(firstBody);
    for (const response of burst.filter((r) => r.status !== 201)) {
      expect(response.status).toBe(409);
      expect((response.body as { type: string }).type).toBe(`${PROBLEM}idempotency-in-progress`);
    }
    for (const response of later) {
      expect(response.status).toBe(201);
      expect(response.body).toEqual(firstBody);
    }
    const appointments = await harness.portal.fhir.search('Appointment', {
      patient: `Patient/${patient.patientId}`,
    });
    expect(appointments.filter((a: Appointment) => a.slot?.[0]?.reference === `Slot/${slotId}`)).toHaveLength(
      1,
    );
  });

  test('the same key with a different body is refused, never replayed', async () => {
    const patient = patients[1];
    const slotId = freeSlotIds[SLOTS + 1];
    if (patient === undefined || slotId === undefined) throw new Error('fixture missing');
    const key = `hardening-${randomUUID()}`;
    const original = await book(patient.accessToken, slotId, key, 'First reason');

    const changed = await Promise.all(
      Array.from({ length: 5 }, () => book(patient.accessToken, slotId, key, 'Another reason')),
    );

    expect(original.status).toBe(201);
    for (const response of changed) {
      expect(response.status).toBe(409);
      expect((response.body as { type: string }).type).toBe(`${PROBLEM}idempotency-key-reused`);
    }
  });

  test("one patient's key never replays another patient's response", async () => {
    const [alice, bob] = [patients[2], patients[3]];
    const slotId = freeSlotIds[SLOTS + 2] ?? freeSlotIds[freeSlotIds.length - 1];
    if (alice === undefined || bob === undefined || slotId === undefined) throw new Error('fixture missing');
    const key = `shared-${randomUUID()}`;

    const [fromAlice, fromBob] = await Promise.all([
      book(alice.accessToken, slotId, key, 'Shared key'),
      book(bob.accessToken, slotId, key, 'Shared key'),
    ]);

    // Both keys are new (scoped per caller), so the two race for the slot: one wins, one gets 409.
    expect([fromAlice.status, fromBob.status].sort()).toEqual([201, 409]);
    const loser = fromAlice.status === 409 ? fromAlice : fromBob;
    expect((loser.body as { type: string }).type).toBe(`${PROBLEM}slot-unavailable`);
  });
});

describe("one patient's app firing requests in parallel (one audit chain, many writers)", () => {
  test('10 connections × 8 requests: every read answers 200, each writes one event, the chain verifies', async () => {
    const patient = patients[4];
    if (patient === undefined) throw new Error('fixture missing');
    const paths = ['/v1/me', '/v1/me/medications', '/v1/me/appointments', '/v1/me/consents'];

    const responses = (
      await Promise.all(
        Array.from({ length: 10 }, async (_connection, connection) => {
          const answers: HardeningResponse[] = [];
          for (let request = 0; request < 8; request++) {
            const path = paths[(connection + request) % paths.length] ?? '/v1/me';
            answers.push(await harness.send({ method: 'GET', path, token: patient.accessToken }));
          }
          return answers;
        }),
      )
    ).flat();

    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    const counts = await auditEventsOfRequests(new Set(responses.map(requestIdOf)));
    expect([...counts.values()]).toEqual(responses.map(() => 1));
    const report = await verifyAuditChains(
      harness.portal.tables.auditIndex,
      harness.portal.dynamo.documentClient,
    );
    expect(report.breaks).toEqual([]);
  });
});

test('captured logs contain none of the seeded or added identifiers', () => {
  expect(harness.logLines.length).toBeGreaterThan(PATIENTS);
  expect(identifiersInLogs(harness.logLines, harness.identifiers)).toEqual([]);
});
