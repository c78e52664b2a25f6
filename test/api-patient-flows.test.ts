/**
 * Patient, clinician, staff and admin flows through the real router, MemoryFhirStore and
 * dynalite-backed stores: booking without double booking, idempotency, cancel, trends, consents,
 * refills, intake, access log, break-glass and the staff schedule.
 */
import type { Appointment } from '@medplum/fhirtypes';
import { type ApiHandler, createApiHandler } from '../lambdas/api';
import { CONSENT_CATEGORY_SYSTEM } from '../lambdas/core/services/consent-service';
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
let handler: ApiHandler;
let alice: SyntheticPatient;
let bob: SyntheticPatient;

beforeAll(async () => {
  dynamo = await startDynalite();
  harness = await createHarness(dynamo, NOW, 7);
  handler = createApiHandler(harness.ports);
  [alice, bob] = harness.clinic.patients as [SyntheticPatient, SyntheticPatient];
});
afterAll(async () => {
  await dynamo.close();
});

function asPatient(
  patient: SyntheticPatient,
  spec: {
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
  },
) {
  return handler(
    apiEvent({
      ...spec,
      claims: claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id }),
    }),
  );
}

describe('booking', () => {
  test('two concurrent bookings of one slot: one 201, one 409, and the slot is busy', async () => {
    const slotId = harness.clinic.freeSlotIds[0]!;
    const [first, second] = await Promise.all([
      asPatient(alice, {
        method: 'POST',
        path: '/v1/me/appointments',
        body: { slotId, reason: 'Cough' },
        headers: { 'Idempotency-Key': 'alice-key-0001' },
      }),
      asPatient(bob, {
        method: 'POST',
        path: '/v1/me/appointments',
        body: { slotId, reason: 'Rash' },
        headers: { 'Idempotency-Key': 'bob-key-00001' },
      }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([201, 409]);
    const loser = first.statusCode === 409 ? first : second;
    expect(parseBody(loser.body)['type']).toBe('https://wellgate.dev/problems/slot-unavailable');
    const slot = await harness.fhir.read('Slot', slotId);
    expect(slot.status).toBe('busy');
    const booked = await harness.fhir.search('Appointment', { slot: `Slot/${slotId}`, status: 'booked' });
    expect(booked).toHaveLength(1);
  });

  test('a repeated Idempotency-Key returns the first response and books once', async () => {
    const slotId = harness.clinic.freeSlotIds[1]!;
    const request = {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId, reason: 'Annual exam' },
      headers: { 'Idempotency-Key': 'alice-key-0002' },
    };
    const first = await asPatient(alice, request);
    const repeat = await asPatient(alice, request);
    expect(first.statusCode).toBe(201);
    expect(repeat.statusCode).toBe(201);
    expect(repeat.body).toBe(first.body);
    const appointments = await harness.fhir.search('Appointment', { slot: `Slot/${slotId}` });
    expect(appointments).toHaveLength(1);
  });

  test('the same key with a different body is a 409, not a replay', async () => {
    const response = await asPatient(alice, {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId: harness.clinic.freeSlotIds[2]!, reason: 'Something else' },
      headers: { 'Idempotency-Key': 'alice-key-0002' },
    });
    expect(response.statusCode).toBe(409);
    expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/idempotency-key-reused');
  });

  test('booking without an Idempotency-Key is a 400 naming the header', async () => {
    const response = await asPatient(alice, {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId: harness.clinic.freeSlotIds[3]!, reason: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(parseBody(response.body)['errors']).toEqual([
      expect.objectContaining({ path: 'headers.idempotency-key' }),
    ]);
  });

  test('cancelling frees the slot, which can then be booked again', async () => {
    const slotId = harness.clinic.freeSlotIds[4]!;
    const booked = await asPatient(bob, {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId, reason: 'Knee' },
      headers: { 'Idempotency-Key': 'bob-key-00004' },
    });
    const appointmentId = String(parseBody(booked.body)['appointmentId']);
    const cancelled = await asPatient(bob, {
      method: 'DELETE',
      path: `/v1/me/appointments/${appointmentId}`,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(parseBody(cancelled.body)['status']).toBe('cancelled');
    expect((await harness.fhir.read('Slot', slotId)).status).toBe('free');
    const rebooked = await asPatient(alice, {
      method: 'POST',
      path: '/v1/me/appointments',
      body: { slotId, reason: 'Knee' },
      headers: { 'Idempotency-Key': 'alice-key-0004' },
    });
    expect(rebooked.statusCode).toBe(201);
  });

  test('free slots list excludes booked ones and filters by practitioner', async () => {
    const query = { start: NOW.toISOString(), end: new Date(NOW.getTime() + 7 * 86_400_000).toISOString() };
    const all = parseBody((await asPatient(alice, { method: 'GET', path: '/v1/slots', query })).body)[
      'slots'
    ] as Array<Record<string, string>>;
    expect(all.map((s) => s.slotId)).not.toContain(harness.clinic.freeSlotIds[0]);
    expect(all.map((s) => s.slotId)).toContain(harness.clinic.freeSlotIds[5]);
    const practitionerId = harness.clinic.practitionerIds[1]!;
    const mine = parseBody(
      (
        await asPatient(alice, {
          method: 'GET',
          path: '/v1/slots',
          query: { ...query, practitioner: practitionerId },
        })
      ).body,
    )['slots'] as Array<Record<string, string>>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((s) => s.practitionerId === practitionerId)).toBe(true);
  });
});

describe('records', () => {
  test('profile returns minimum necessary fields: no MRN, no address', async () => {
    const body = parseBody((await asPatient(alice, { method: 'GET', path: '/v1/me' })).body);
    expect(body).toMatchObject({
      patientId: alice.id,
      birthDate: alice.birthDate,
      phone: alice.phone,
      email: alice.email,
    });
    expect(JSON.stringify(body)).not.toContain(alice.mrn);
    expect(JSON.stringify(body)).not.toContain('Synthetic Lane');
  });

  test('the patient id comes from the token, never from the request', async () => {
    const body = parseBody(
      (
        await handler(
          apiEvent({
            method: 'GET',
            path: '/v1/me',
            query: { patient: bob.id },
            claims: claimsFor({ sub: 'sub-alice-x', roles: ['patient'], patientId: alice.id }),
          }),
        )
      ).body,
    );
    expect(body['patientId']).toBe(alice.id);
  });

  test('six months of blood pressure as component series with reference range and a rising trend', async () => {
    const body = parseBody(
      (
        await asPatient(alice, {
          method: 'GET',
          path: '/v1/me/observations',
          query: { code: 'http://loinc.org|85354-9' },
        })
      ).body,
    );
    const series = body['series'] as Array<Record<string, unknown>>;
    expect(series.map((s) => s['code'])).toEqual(['http://loinc.org|8462-4', 'http://loinc.org|8480-6']);
    const systolic = series.find((s) => s['code'] === 'http://loinc.org|8480-6')!;
    expect(systolic).toMatchObject({
      panelCode: 'http://loinc.org|85354-9',
      unit: 'mm[Hg]',
      referenceRange: { low: 90, high: 130 },
    });
    expect((systolic['points'] as unknown[]).length).toBe(26);
    const trend = systolic['trend'] as Record<string, number | string | boolean>;
    expect(trend['direction']).toBe('rising');
    expect(trend['min']).toBeLessThanOrEqual(trend['first'] as number);
    expect(trend['max']).toBeGreaterThanOrEqual(trend['last'] as number);
    expect(trend['lastOutsideReferenceRange']).toBe(true);
  });

  test('a window narrows the series; A1c stays stable', async () => {
    const body = parseBody(
      (
        await asPatient(alice, {
          method: 'GET',
          path: '/v1/me/observations',
          query: { code: '4548-4', from: '2024-12-01', to: NOW.toISOString() },
        })
      ).body,
    );
    const series = body['series'] as Array<Record<string, unknown>>;
    expect(series).toHaveLength(1);
    expect((series[0]!['trend'] as Record<string, unknown>)['direction']).toBe('stable');
    expect((series[0]!['points'] as unknown[]).length).toBeLessThan(6);
  });

  test('a refill request is a FHIR Task owned by the care team and focused on the medication', async () => {
    const response = await asPatient(alice, {
      method: 'POST',
      path: `/v1/me/medications/${alice.medicationId}/refill-requests`,
      body: { note: 'Running low' },
    });
    expect(response.statusCode).toBe(201);
    const created = parseBody(response.body);
    expect(created).toMatchObject({
      medicationId: alice.medicationId,
      status: 'requested',
      routedTo: 'care-team',
    });
    const task = await harness.fhir.read('Task', String(created['refillRequestId']));
    expect(task.focus?.reference).toBe(`MedicationRequest/${alice.medicationId}`);
    expect(task.owner?.reference).toMatch(/^CareTeam\//);
    expect(task.for?.reference).toBe(`Patient/${alice.id}`);
  });

  test('intake is stored as a QuestionnaireResponse for the upcoming appointment', async () => {
    const response = await asPatient(bob, {
      method: 'POST',
      path: '/v1/me/intake',
      body: {
        appointmentId: bob.upcomingAppointmentId,
        questionnaire: 'https://wellgate.dev/fhir/Questionnaire/intake',
        items: [{ linkId: 'pain', answer: 3 }],
      },
    });
    expect(response.statusCode).toBe(201);
    const stored = await harness.fhir.read(
      'QuestionnaireResponse',
      String(parseBody(response.body)['intakeId']),
    );
    expect(stored.subject?.reference).toBe(`Patient/${bob.id}`);
    expect(stored.item?.[0]?.answer?.[0]?.valueInteger).toBe(3);
  });

  test('consent changes take effect at once and are stored as FHIR Consent', async () => {
    const consentService = (await import('../lambdas/api')).createServices(harness.ports).consents;
    expect(await consentService.isActive(alice.id, 'ai-assistant')).toBe(false);
    const granted = await asPatient(alice, {
      method: 'PUT',
      path: '/v1/me/consents/ai-assistant',
      body: { status: 'active' },
    });
    expect(parseBody(granted.body)).toMatchObject({ category: 'ai-assistant', status: 'active' });
    expect(await consentService.isActive(alice.id, 'ai-assistant')).toBe(true);
    await asPatient(alice, {
      method: 'PUT',
      path: '/v1/me/consents/ai-assistant',
      body: { status: 'revoked' },
    });
    expect(await consentService.isActive(alice.id, 'ai-assistant')).toBe(false);
    const stored = await harness.fhir.search('Consent', {
      patient: `Patient/${alice.id}`,
      category: `${CONSENT_CATEGORY_SYSTEM}|ai-assistant`,
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.status).toBe('inactive');
    const listed = parseBody((await asPatient(alice, { method: 'GET', path: '/v1/me/consents' })).body);
    expect(listed['consents']).toEqual([
      expect.objectContaining({ category: 'ai-assistant', status: 'revoked' }),
      { category: 'research', status: 'not-set' },
    ]);
  });

  test('an unknown consent category is a 400', async () => {
    const response = await asPatient(alice, {
      method: 'PUT',
      path: '/v1/me/consents/marketing',
      body: { status: 'active' },
    });
    expect(response.statusCode).toBe(400);
    expect(parseBody(response.body)['errors']).toEqual([
      expect.objectContaining({ path: 'params.category' }),
    ]);
  });
});

describe('access log, clinicians, staff, admin', () => {
  test('the access log shows who by role, why and the outcome, but no staff identity', async () => {
    const practitionerClaims = claimsFor({
      sub: 'clinician-sub-secret',
      roles: ['clinician'],
      practitionerId: bob.careTeamPractitionerId,
    });
    await handler(
      apiEvent({ method: 'GET', path: `/v1/patients/${bob.id}/summary`, claims: practitionerClaims }),
    );
    const log = parseBody((await asPatient(bob, { method: 'GET', path: '/v1/me/access-log' })).body);
    const events = log['events'] as Array<Record<string, unknown>>;
    expect(events[0]).toMatchObject({
      actorRole: 'clinician',
      byYou: false,
      recordType: 'Patient',
      purpose: 'treatment',
      outcome: 'success',
    });
    expect(events.some((e) => e['byYou'] === true)).toBe(true);
    expect(JSON.stringify(log)).not.toContain('clinician-sub-secret');
  });

  test('break-glass outside the care team is allowed, audited with its purpose and emits the metric', async () => {
    const outsider = claimsFor({
      sub: 'er-doc',
      roles: ['clinician'],
      practitionerId: 'practitioner-elsewhere',
    });
    const refused = await handler(
      apiEvent({ method: 'GET', path: `/v1/patients/${alice.id}/summary`, claims: outsider }),
    );
    expect(refused.statusCode).toBe(404);
    const tooShort = await handler(
      apiEvent({
        method: 'GET',
        path: `/v1/patients/${alice.id}/summary`,
        claims: outsider,
        headers: { 'X-Break-Glass-Reason': 'urgent' },
      }),
    );
    expect(tooShort.statusCode).toBe(400);
    const allowed = await handler(
      apiEvent({
        method: 'GET',
        path: `/v1/patients/${alice.id}/summary`,
        claims: outsider,
        headers: { 'X-Break-Glass-Reason': 'Unconscious in ED, need medication list' },
      }),
    );
    expect(allowed.statusCode).toBe(200);
    expect(harness.metrics.breakGlass).toEqual([{ operationId: 'getPatientSummary' }]);
    const chain = await harness.audit.listForPatient(alice.id);
    expect(chain[chain.length - 1]).toMatchObject({
      purpose: 'break-glass',
      outcome: 'success',
      actor: { sub: 'er-doc', role: 'clinician' },
    });
    expect(chain[chain.length - 2]).toMatchObject({ outcome: 'denied', actor: { sub: 'er-doc' } });
  });

  test('the staff schedule lists times and participants with no clinical content', async () => {
    const appointment = await harness.fhir.read('Appointment', alice.upcomingAppointmentId);
    const date = String(appointment.start).slice(0, 10);
    const response = await handler(
      apiEvent({
        method: 'GET',
        path: '/v1/schedule',
        query: { date },
        claims: claimsFor({ sub: 'desk', roles: ['staff'] }),
      }),
    );
    expect(response.statusCode).toBe(200);
    const body = parseBody(response.body);
    const rows = body['appointments'] as Array<Record<string, unknown>>;
    expect(rows.find((r) => r['appointmentId'] === alice.upcomingAppointmentId)).toMatchObject({
      patientId: alice.id,
      status: 'booked',
    });
    expect(JSON.stringify(body)).not.toContain('Follow-up');
    expect(JSON.stringify(body)).not.toContain(alice.birthDate);
  });

  test("the staff schedule's day is the clinic's: a 10:30 pm New York visit is on that New York day", async () => {
    const late = await harness.fhir.create<Appointment>({
      resourceType: 'Appointment',
      status: 'booked',
      // 22:30 on 2026-07-14 in New York (EDT, UTC-4).
      start: '2026-07-15T02:30:00.000Z',
      end: '2026-07-15T03:00:00.000Z',
      participant: [{ actor: { reference: `Patient/${alice.id}` }, status: 'accepted' }],
    });
    const scheduleOf = async (api: typeof handler, date: string): Promise<string[]> => {
      const response = await api(
        apiEvent({
          method: 'GET',
          path: '/v1/schedule',
          query: { date },
          claims: claimsFor({ sub: 'desk', roles: ['staff'] }),
        }),
      );
      expect(response.statusCode).toBe(200);
      return (parseBody(response.body)['appointments'] as Array<{ appointmentId: string }>).map(
        (row) => row.appointmentId,
      );
    };
    const newYork = createApiHandler(harness.ports, { timeZone: 'America/New_York' });
    expect(await scheduleOf(newYork, '2026-07-14')).toContain(late.id);
    expect(await scheduleOf(newYork, '2026-07-15')).not.toContain(late.id);
    // With the default (UTC) the same visit is on the 15th.
    expect(await scheduleOf(handler, '2026-07-15')).toContain(late.id);
    expect(await scheduleOf(handler, '2026-07-14')).not.toContain(late.id);
  });

  test('admin links a user to a patient through the UserDirectory port; unknown users are 404', async () => {
    const admin = claimsFor({ sub: 'admin-1', roles: ['admin'] });
    const linked = await handler(
      apiEvent({
        method: 'POST',
        path: '/v1/admin/users/new.patient/patient-link',
        body: { patientId: bob.id },
        claims: admin,
      }),
    );
    expect(linked.statusCode).toBe(200);
    expect(harness.users.links.get('new.patient')).toBe(bob.id);
    const unknown = await handler(
      apiEvent({
        method: 'POST',
        path: '/v1/admin/users/nobody/patient-link',
        body: { patientId: bob.id },
        claims: admin,
      }),
    );
    expect(unknown.statusCode).toBe(404);
  });

  test('a patient account without a linked record gets 403 account-not-linked', async () => {
    const response = await handler(
      apiEvent({ method: 'GET', path: '/v1/me', claims: claimsFor({ sub: 'unlinked', roles: ['patient'] }) }),
    );
    expect(response.statusCode).toBe(403);
    expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/account-not-linked');
  });
});
