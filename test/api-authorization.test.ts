/**
 * The authorization matrix, generated from the route table: every route × every role × own/other
 * record. Allowed roles succeed on their own record, other roles get 403, and another patient's
 * record answers 404 and leaves a denied audit event in that patient's chain.
 */

import { createApiHandler } from '../lambdas/api';
import { PLUGGABLE_OPERATION_IDS } from '../lambdas/api/operations';
import { ROLES, ROUTES, type Role, type RouteSpec } from '../lambdas/api/route-table';
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

interface RequestParts {
  readonly path: string;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

interface Subjects {
  readonly own: SyntheticPatient;
  readonly other: SyntheticPatient;
  readonly freeSlotId: string;
}

/** How to call each operation on the caller's own record, and on another patient's (when a request can name one). */
const REQUESTS: Record<string, { own(s: Subjects): RequestParts; other?(s: Subjects): RequestParts }> = {
  getMyProfile: { own: () => ({ path: '/v1/me' }) },
  listFreeSlots: {
    own: () => ({
      path: '/v1/slots',
      query: { start: NOW.toISOString(), end: new Date(NOW.getTime() + 7 * 86_400_000).toISOString() },
    }),
  },
  listMyAppointments: { own: () => ({ path: '/v1/me/appointments' }) },
  bookAppointment: {
    own: (s) => ({
      path: '/v1/me/appointments',
      body: { slotId: s.freeSlotId, reason: 'Check-up' },
      headers: { 'Idempotency-Key': `matrix-${s.freeSlotId}` },
    }),
  },
  cancelAppointment: {
    own: (s) => ({ path: `/v1/me/appointments/${s.own.upcomingAppointmentId}` }),
    other: (s) => ({ path: `/v1/me/appointments/${s.other.upcomingAppointmentId}` }),
  },
  listMyObservations: { own: () => ({ path: '/v1/me/observations' }) },
  listMyMedications: { own: () => ({ path: '/v1/me/medications' }) },
  messageCareTeam: {
    own: () => ({ path: '/v1/me/messages', body: { text: 'A question for my care team' } }),
  },
  requestRefill: {
    own: (s) => ({ path: `/v1/me/medications/${s.own.medicationId}/refill-requests`, body: {} }),
    other: (s) => ({ path: `/v1/me/medications/${s.other.medicationId}/refill-requests`, body: {} }),
  },
  submitIntake: {
    own: (s) => ({ path: '/v1/me/intake', body: intakeBody(s.own.upcomingAppointmentId) }),
    other: (s) => ({ path: '/v1/me/intake', body: intakeBody(s.other.upcomingAppointmentId) }),
  },
  listMyConsents: { own: () => ({ path: '/v1/me/consents' }) },
  setMyConsent: { own: () => ({ path: '/v1/me/consents/research', body: { status: 'active' } }) },
  getMyAccessLog: { own: () => ({ path: '/v1/me/access-log' }) },
  sendChatMessage: { own: () => ({ path: '/v1/chat/messages', body: { message: 'hello' } }) },
  draftPatientSummary: {
    own: (s) => ({ path: `/v1/patients/${s.own.id}/summary-drafts`, body: {} }),
  },
  getPatientSummary: {
    own: (s) => ({ path: `/v1/patients/${s.own.id}/summary` }),
    other: (s) => ({ path: `/v1/patients/${s.other.id}/summary` }),
  },
  listPatientObservations: {
    own: (s) => ({ path: `/v1/patients/${s.own.id}/observations` }),
    other: (s) => ({ path: `/v1/patients/${s.other.id}/observations` }),
  },
  getDaySchedule: { own: () => ({ path: '/v1/schedule', query: { date: '2025-03-12' } }) },
  linkUserToPatient: {
    own: (s) => ({ path: '/v1/admin/users/new.patient/patient-link', body: { patientId: s.own.id } }),
  },
  startTrainingRun: { own: () => ({ path: '/v1/admin/training-runs', body: {} }) },
  getTrainingRun: { own: () => ({ path: '/v1/admin/training-runs/run-1' }) },
};

function intakeBody(appointmentId: string): unknown {
  return {
    appointmentId,
    questionnaire: 'https://wellgate.dev/fhir/Questionnaire/intake',
    items: [{ linkId: 'smoker', answer: false }],
  };
}

function claimsForRole(role: Role, patient: SyntheticPatient): Record<string, string> {
  return claimsFor({
    sub: `${role}-${patient.id}`,
    roles: [role],
    ...(role === 'patient' ? { patientId: patient.id } : {}),
    ...(role === 'clinician' ? { practitionerId: patient.careTeamPractitionerId } : {}),
  });
}

const protectedRoutes = ROUTES.filter(
  (route): route is RouteSpec & { access: readonly Role[] } => route.access !== 'public',
);

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

test('every protected route has a request in the matrix', () => {
  expect(protectedRoutes.map((r) => r.operationId).filter((id) => !(id in REQUESTS))).toEqual([]);
});

describe.each(protectedRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s',
  (_name, route) => {
    let harness: ApiHarness;
    let subjects: Subjects;
    let handler: ReturnType<typeof createApiHandler>;
    const requests = REQUESTS[route.operationId]!;
    const pluggable = (PLUGGABLE_OPERATION_IDS as readonly string[]).includes(route.operationId);

    beforeAll(async () => {
      harness = await createHarness(dynamo, NOW);
      const [own, other] = harness.clinic.patients;
      subjects = { own: own!, other: other!, freeSlotId: harness.clinic.freeSlotIds[0]! };
      handler = createApiHandler(harness.ports);
    });

    const call = (role: Role, parts: RequestParts) =>
      handler(
        apiEvent({
          method: route.method,
          path: parts.path,
          claims: claimsForRole(role, subjects.own),
          ...(parts.body === undefined ? {} : { body: parts.body }),
          ...(parts.query ? { query: parts.query } : {}),
          ...(parts.headers ? { headers: parts.headers } : {}),
        }),
      );

    const forbiddenRoles = ROLES.filter((role) => !route.access.includes(role));
    if (forbiddenRoles.length > 0) {
      test.each(forbiddenRoles)('%s is refused with 403', async (role) => {
        const response = await call(role, requests.own(subjects));
        expect(response.statusCode).toBe(403);
        expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/forbidden');
      });
    }

    test.each([...route.access])('%s reaches its own record', async (role) => {
      const response = await call(role, requests.own(subjects));
      if (pluggable) {
        // Owned by another issue: a 501 problem until plugged in, after the role check passed.
        expect(response.statusCode).toBe(501);
      } else {
        expect([200, 201]).toContain(response.statusCode);
        expect(response.headers?.['Content-Type']).toBe('application/json');
      }
    });

    if (requests.other && !pluggable) {
      const other = requests.other;
      test.each([...route.access])(
        "%s asking for another patient's record gets 404 and a denied audit event",
        async (role) => {
          const before = await harness.audit.listForPatient(subjects.other.id);
          const response = await call(role, other(subjects));
          expect(response.statusCode).toBe(404);
          expect(parseBody(response.body)['type']).toBe('https://wellgate.dev/problems/not-found');
          const after = await harness.audit.listForPatient(subjects.other.id);
          expect(after).toHaveLength(before.length + 1);
          expect(after[after.length - 1]).toMatchObject({
            outcome: 'denied',
            actor: { role },
            operationId: route.operationId,
            patientId: subjects.other.id,
          });
        },
      );
    }
  },
);

/**
 * The two refusals a reviewer asks about by name, generated from the route table like the matrix:
 * a clinician outside the patient's care team (404 and a denied audit event, or break-glass with a
 * reason), and front-desk staff asking for clinical data (403 before any record is read).
 */
describe('minimum necessary, by name', () => {
  let harness: ApiHarness;
  let subjects: Subjects;
  let handler: ReturnType<typeof createApiHandler>;
  const pluggable = new Set<string>(PLUGGABLE_OPERATION_IDS);

  beforeAll(async () => {
    harness = await createHarness(dynamo, NOW, 4242);
    const [own, other] = harness.clinic.patients;
    subjects = { own: own!, other: other!, freeSlotId: harness.clinic.freeSlotIds[0]! };
    handler = createApiHandler(harness.ports);
  });

  const careTeamRoutes = protectedRoutes.filter(
    (route) => route.compartment === 'care-team' && !pluggable.has(route.operationId),
  );
  const clinicalRoutes = protectedRoutes.filter(
    (route) => route.compartment === 'own-record' || route.compartment === 'care-team',
  );

  test('the route table has care-team routes to check', () => {
    expect(careTeamRoutes.length).toBeGreaterThan(0);
  });

  test.each(careTeamRoutes.map((route) => [route.operationId, route] as const))(
    '%s: a clinician outside the care team gets 404 and a denied audit event; with a break-glass reason, 200',
    async (_id, route) => {
      // The other patient's clinician asks for this patient: a real practitioner, not on the team.
      const outsider = claimsFor({
        sub: `outsider-${route.operationId}`,
        roles: ['clinician'],
        practitionerId: subjects.other.careTeamPractitionerId,
      });
      expect(subjects.other.careTeamPractitionerId).not.toBe(subjects.own.careTeamPractitionerId);
      const parts = REQUESTS[route.operationId]!.own(subjects);
      const call = (headers: Record<string, string> = {}) =>
        handler(apiEvent({ method: route.method, path: parts.path, claims: outsider, headers }));
      const before = await harness.audit.listForPatient(subjects.own.id);

      const refused = await call();
      const emergency = await call({ 'X-Break-Glass-Reason': 'Unresponsive in the emergency department' });

      expect(refused.statusCode).toBe(404);
      expect(emergency.statusCode).toBe(200);
      const after = await harness.audit.listForPatient(subjects.own.id);
      expect(after.slice(before.length).map((event) => [event.outcome, event.purpose])).toEqual([
        ['denied', 'treatment'],
        ['success', 'break-glass'],
      ]);
    },
  );

  test.each(clinicalRoutes.map((route) => [route.operationId, route] as const))(
    '%s: staff asking for clinical data get 403 and no record is read or audited',
    async (_id, route) => {
      const staff = claimsFor({ sub: `staff-${route.operationId}`, roles: ['staff'] });
      const parts = REQUESTS[route.operationId]!.own(subjects);
      const before = await harness.audit.listForPatient(subjects.own.id);

      const response = await handler(
        apiEvent({
          method: route.method,
          path: parts.path,
          claims: staff,
          ...(parts.body === undefined ? {} : { body: parts.body }),
          ...(parts.query ? { query: parts.query } : {}),
          ...(parts.headers ? { headers: parts.headers } : {}),
        }),
      );

      expect(response.statusCode).toBe(403);
      expect(await harness.audit.listForPatient(subjects.own.id)).toHaveLength(before.length);
    },
  );
});
