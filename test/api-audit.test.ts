/**
 * Audit: hash-chained appends (including concurrent ones), chain verification that finds a
 * tampered event, exactly one event per PHI request, and an audit outage answering 503 with no data.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AuditEvent,
  type AuditSink,
  chainOfPatient,
  createApiHandler,
  DependencyUnavailable,
  DynamoAuditSink,
  verifyAuditChains,
} from '../lambdas/api';
import { sortKeyOf } from '../lambdas/core/audit-chain';
import {
  apiEvent,
  claimsFor,
  createHarness,
  type LocalDynamo,
  parseBody,
  startDynalite,
  switchableAudit,
} from './helpers/api-fixtures';

const NOW = new Date('2025-03-10T12:00:00.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

function event(patientId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    eventId: randomUUID(),
    time: NOW.toISOString(),
    actor: { sub: 'sub-1', role: 'patient' },
    patientId,
    resourceType: 'Observation',
    action: 'search',
    purpose: 'patient-request',
    outcome: 'success',
    operationId: 'listMyObservations',
    requestId: 'req-1',
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

describe('hash chain', () => {
  test('concurrent appends to one chain get consecutive sequence numbers and link by hash', async () => {
    const table = `audit-${randomUUID()}`;
    const { createApiTables } = await import('../lambdas/api');
    await createApiTables(dynamo.client, [table]);
    // One sink per writer, as separate Lambda containers would be: the conditional write (not the
    // in-process queue) must keep the chain consecutive.
    const sinks = Array.from(
      { length: 8 },
      () => new DynamoAuditSink({ client: dynamo.documentClient, tableName: table }),
    );
    await Promise.all(sinks.map((writer) => writer.append(event('p-1'))));
    const sink = sinks[0]!;
    const chain = await sink.listForPatient('p-1');
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    chain.forEach((e, i) => {
      expect(e.prevHash).toBe(i === 0 ? '0'.repeat(64) : chain[i - 1]!.hash);
    });
    const report = await verifyAuditChains(table, dynamo.documentClient);
    expect(report).toMatchObject({ ok: true, chainsChecked: 1, eventsChecked: 8, breaks: [] });
  });

  test('a tampered event is reported as the first break of its chain; other chains still verify', async () => {
    const table = `audit-${randomUUID()}`;
    const { createApiTables } = await import('../lambdas/api');
    await createApiTables(dynamo.client, [table]);
    const sink = new DynamoAuditSink({ client: dynamo.documentClient, tableName: table });
    for (let i = 0; i < 4; i++) await sink.append(event('p-tampered'));
    for (let i = 0; i < 2; i++) await sink.append(event('p-intact'));
    await sink.append(event('ignored', { patientId: undefined }));
    // Someone rewrites event 2's outcome to hide a denial.
    await dynamo.documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: chainOfPatient('p-tampered'), sk: sortKeyOf(2) },
        UpdateExpression: 'SET outcome = :o',
        ExpressionAttributeValues: { ':o': 'denied' },
      }),
    );
    const report = await verifyAuditChains(table, dynamo.documentClient);
    expect(report.ok).toBe(false);
    expect(report.chainsChecked).toBe(3);
    expect(report.breaks).toEqual([{ chain: chainOfPatient('p-tampered'), seq: 2, reason: 'hash-mismatch' }]);
    expect(report.firstBreak).toEqual(report.breaks[0]);
  });
});

describe('audit in the request path', () => {
  test('every PHI request writes exactly one audit event with actor, patient, purpose, request id and source IP', async () => {
    const harness = await createHarness(dynamo, NOW, 11);
    const handler = createApiHandler(harness.ports);
    const patient = harness.clinic.patients[0]!;
    const claims = claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id });
    const paths = [
      '/v1/me',
      '/v1/me/appointments',
      '/v1/me/observations',
      '/v1/me/medications',
      '/v1/me/consents',
    ];
    for (const [index, path] of paths.entries()) {
      const response = await handler(
        apiEvent({ method: 'GET', path, claims, requestId: `one-event-${index}` }),
      );
      expect(response.statusCode).toBe(200);
    }
    const chain = await harness.audit.listForPatient(patient.id);
    expect(chain.map((e) => e.requestId)).toEqual(paths.map((_p, index) => `one-event-${index}`));
    expect(chain[0]).toMatchObject({
      actor: { sub: `sub-${patient.id}`, role: 'patient' },
      patientId: patient.id,
      resourceType: 'Patient',
      resourceId: patient.id,
      action: 'read',
      purpose: 'patient-request',
      outcome: 'success',
      sourceIp: '203.0.113.7',
      time: NOW.toISOString(),
    });
  });

  test('when the audit write fails the request answers 503 with Retry-After and returns no data', async () => {
    const harness = await createHarness(dynamo, NOW, 12);
    const failing: AuditSink = {
      append: async () => {
        throw new DependencyUnavailable('audit');
      },
      listForPatient: async () => [],
    };
    const handler = createApiHandler({ ...harness.ports, audit: failing });
    const patient = harness.clinic.patients[0]!;
    const response = await handler(
      apiEvent({
        method: 'GET',
        path: '/v1/me',
        claims: claimsFor({ sub: 's', roles: ['patient'], patientId: patient.id }),
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('2');
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/service-unavailable');
    for (const secret of [patient.given, patient.family, patient.birthDate, patient.phone, patient.id]) {
      expect(response.body).not.toContain(secret);
    }
  });

  test('a booking whose audit write failed is undone; the retry with the same key books it once, audited as a create', async () => {
    const harness = await createHarness(dynamo, NOW, 13);
    let auditUp = false;
    const handler = createApiHandler({ ...harness.ports, audit: switchableAudit(harness, () => !auditUp) });
    const patient = harness.clinic.patients[0]!;
    const request = apiEvent({
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId: harness.clinic.freeSlotIds[0]!, reason: 'Check' },
      headers: { 'Idempotency-Key': 'retry-after-audit-outage' },
      claims: claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id }),
    });
    const slotId = harness.clinic.freeSlotIds[0]!;
    const failed = await handler(request);
    expect(failed.statusCode).toBe(503);
    expect(failed.body).not.toContain('appointmentId');
    // Nothing stands unaudited: no appointment, and the slot is free in FHIR.
    expect(await harness.fhir.search('Appointment', { slot: `Slot/${slotId}` })).toHaveLength(0);
    expect((await harness.fhir.read('Slot', slotId)).status).toBe('free');
    auditUp = true;
    const retried = await handler(request);
    expect(retried.statusCode).toBe(201);
    const again = await handler(request);
    expect(again.body).toBe(retried.body);
    expect(await harness.fhir.search('Appointment', { slot: `Slot/${slotId}` })).toHaveLength(1);
    const chain = await harness.audit.listForPatient(patient.id);
    expect(chain.map((e) => [e.resourceType, e.action, e.outcome])).toEqual([
      ['Appointment', 'create', 'success'],
      ['Appointment', 'read', 'success'],
    ]);
  });

  test('a cancellation whose audit write failed is undone: the appointment keeps its slot, in FHIR and in the ledger', async () => {
    const harness = await createHarness(dynamo, NOW, 15);
    let auditUp = true;
    const handler = createApiHandler({ ...harness.ports, audit: switchableAudit(harness, () => !auditUp) });
    const [owner, other] = harness.clinic.patients;
    const slotId = harness.clinic.freeSlotIds[1]!;
    const as = (p: typeof owner) => claimsFor({ sub: `sub-${p!.id}`, roles: ['patient'], patientId: p!.id });
    const booked = await handler(
      apiEvent({
        method: 'POST',
        path: '/v1/me/appointments',
        body: { slotId, reason: 'Check' },
        headers: { 'Idempotency-Key': 'book-before-cancel' },
        claims: as(owner),
      }),
    );
    expect(booked.statusCode).toBe(201);
    const { appointmentId } = parseBody(booked.body) as { appointmentId: string };

    auditUp = false;
    const cancel = apiEvent({
      method: 'DELETE',
      path: `/v1/me/appointments/${appointmentId}`,
      claims: as(owner),
    });
    expect((await handler(cancel)).statusCode).toBe(503);
    auditUp = true;

    expect((await harness.fhir.read('Appointment', appointmentId)).status).toBe('booked');
    expect((await harness.fhir.read('Slot', slotId)).status).toBe('busy');
    // The ledger holds the slot for the appointment again: nobody else can claim it.
    expect(await harness.ports.slotLedger.claim(slotId, { patientId: other!.id, requestId: 'probe' })).toBe(
      false,
    );
    // A retry cancels, audited as the update it is.
    expect((await handler(cancel)).statusCode).toBe(200);
    expect((await harness.fhir.read('Appointment', appointmentId)).status).toBe('cancelled');
    const chain = await harness.audit.listForPatient(owner!.id);
    expect(chain.map((e) => [e.resourceType, e.action])).toEqual([
      ['Appointment', 'create'],
      ['Appointment', 'update'],
    ]);
  });

  test('a write whose audit event fails is rolled back: consent unchanged, no refill task left behind', async () => {
    const harness = await createHarness(dynamo, NOW, 14);
    const failing: AuditSink = {
      append: async () => {
        throw new DependencyUnavailable('audit');
      },
      listForPatient: async () => [],
    };
    const handler = createApiHandler({ ...harness.ports, audit: failing });
    const working = createApiHandler(harness.ports);
    const patient = harness.clinic.patients[0]!;
    const claims = claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id });
    const consentsBefore = await harness.fhir.search('Consent', { patient: `Patient/${patient.id}` });
    const tasksBefore = await harness.fhir.search('Task', {});

    const revoke = await handler(
      apiEvent({ method: 'PUT', path: '/v1/me/consents/research', body: { status: 'revoked' }, claims }),
    );
    expect(revoke.statusCode).toBe(503);
    const consentsAfter = await harness.fhir.search('Consent', { patient: `Patient/${patient.id}` });
    expect(consentsAfter.map((c) => [c.id, c.status])).toEqual(consentsBefore.map((c) => [c.id, c.status]));

    const medications = await working(apiEvent({ method: 'GET', path: '/v1/me/medications', claims }));
    const medicationId = (parseBody(medications.body)['medications'] as Array<{ medicationId: string }>)[0]
      ?.medicationId;
    if (!medicationId) throw new Error('the synthetic patient has medications');
    const refill = await handler(
      apiEvent({
        method: 'POST',
        path: `/v1/me/medications/${medicationId}/refill-requests`,
        body: {},
        claims,
      }),
    );
    expect(refill.statusCode).toBe(503);
    expect(await harness.fhir.search('Task', {})).toHaveLength(tasksBefore.length);
  });
});
