/**
 * The API contract as data: every route, who may call it, which FHIR compartment it touches and
 * which Lambda function serves it. The CDK API stack builds API Gateway methods from this table,
 * the local server routes with it, and the authorization test matrix is generated from it, so a
 * route cannot ship without its roles and tests.
 */

export const ROLES = ['patient', 'clinician', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** One Lambda function per group: a compromised handler reaches only its group's grants. */
export const FUNCTION_GROUPS = ['public', 'patient', 'clinician', 'staff', 'admin', 'assistant'] as const;
export type FunctionGroup = (typeof FUNCTION_GROUPS)[number];

/**
 * What data a route reaches ("minimum necessary", 45 CFR 164.502(b)):
 * - none: no PHI (health, OpenAPI document)
 * - own-record: the calling patient's own compartment, from the admin-set claim
 * - care-team: a patient on the calling clinician's care team (or break-glass with a reason)
 * - schedule: appointment times and participants, no clinical content
 * - administration: user management and training runs
 */
export type Compartment = 'none' | 'own-record' | 'care-team' | 'schedule' | 'administration';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` marks a path parameter. */
  readonly path: string;
  /** Cognito groups allowed to call the route; `public` routes skip the authorizer. */
  readonly access: 'public' | readonly Role[];
  readonly compartment: Compartment;
  readonly group: FunctionGroup;
  /** Stable operation id, used in the OpenAPI document and in audit events. */
  readonly operationId: string;
  readonly summary: string;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/health',
    access: 'public',
    compartment: 'none',
    group: 'public',
    operationId: 'getHealth',
    summary: 'Liveness and version',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    compartment: 'none',
    group: 'public',
    operationId: 'getOpenApi',
    summary: 'OpenAPI 3.1 document',
  },

  {
    method: 'GET',
    path: '/v1/me',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'getMyProfile',
    summary: "The calling patient's profile",
  },
  {
    method: 'GET',
    path: '/v1/slots',
    access: ['patient', 'staff'],
    compartment: 'schedule',
    group: 'patient',
    operationId: 'listFreeSlots',
    summary: 'Free appointment slots',
  },
  {
    method: 'GET',
    path: '/v1/me/appointments',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'listMyAppointments',
    summary: "The calling patient's appointments",
  },
  {
    method: 'POST',
    path: '/v1/me/appointments',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'bookAppointment',
    summary: 'Book a free slot (Idempotency-Key required)',
  },
  {
    method: 'DELETE',
    path: '/v1/me/appointments/{appointmentId}',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'cancelAppointment',
    summary: 'Cancel an appointment; the slot becomes free',
  },
  {
    method: 'GET',
    path: '/v1/me/observations',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'listMyObservations',
    summary: 'Lab results and vitals as time series',
  },
  {
    method: 'GET',
    path: '/v1/me/medications',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'listMyMedications',
    summary: 'Active medications',
  },
  {
    method: 'POST',
    path: '/v1/me/medications/{medicationId}/refill-requests',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'requestRefill',
    summary: 'Ask the care team for a refill',
  },
  {
    method: 'POST',
    path: '/v1/me/messages',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'messageCareTeam',
    summary: 'Send a secure message to the care team',
  },
  {
    method: 'POST',
    path: '/v1/me/intake',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'submitIntake',
    summary: 'Submit a QuestionnaireResponse for an appointment',
  },
  {
    method: 'GET',
    path: '/v1/me/consents',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'listMyConsents',
    summary: "The calling patient's consents",
  },
  {
    method: 'PUT',
    path: '/v1/me/consents/{category}',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'setMyConsent',
    summary: 'Grant or revoke a consent category',
  },
  {
    method: 'GET',
    path: '/v1/me/access-log',
    access: ['patient'],
    compartment: 'own-record',
    group: 'patient',
    operationId: 'getMyAccessLog',
    summary: 'Accounting of disclosures',
  },

  {
    method: 'POST',
    path: '/v1/chat/messages',
    access: ['patient'],
    compartment: 'own-record',
    group: 'assistant',
    operationId: 'sendChatMessage',
    summary: 'Send a message to the assistant',
  },
  {
    method: 'POST',
    path: '/v1/patients/{patientId}/summary-drafts',
    access: ['clinician'],
    compartment: 'care-team',
    group: 'assistant',
    operationId: 'draftPatientSummary',
    summary: 'Draft a visit-preparation summary for review',
  },

  {
    method: 'GET',
    path: '/v1/patients/{patientId}/summary',
    access: ['clinician'],
    compartment: 'care-team',
    group: 'clinician',
    operationId: 'getPatientSummary',
    summary: 'Clinical summary of a care-team patient',
  },
  {
    method: 'GET',
    path: '/v1/patients/{patientId}/observations',
    access: ['clinician'],
    compartment: 'care-team',
    group: 'clinician',
    operationId: 'listPatientObservations',
    summary: 'Observations of a care-team patient',
  },

  {
    method: 'GET',
    path: '/v1/schedule',
    access: ['staff', 'clinician'],
    compartment: 'schedule',
    group: 'staff',
    operationId: 'getDaySchedule',
    summary: 'Appointments for a day, no clinical content',
  },

  {
    method: 'POST',
    path: '/v1/admin/users/{username}/patient-link',
    access: ['admin'],
    compartment: 'administration',
    group: 'admin',
    operationId: 'linkUserToPatient',
    summary: 'Link a Cognito user to a FHIR Patient',
  },
  {
    method: 'POST',
    path: '/v1/admin/training-runs',
    access: ['admin'],
    compartment: 'administration',
    group: 'admin',
    operationId: 'startTrainingRun',
    summary: 'Start a de-identification training run',
  },
  {
    method: 'GET',
    path: '/v1/admin/training-runs/{runId}',
    access: ['admin'],
    compartment: 'administration',
    group: 'admin',
    operationId: 'getTrainingRun',
    summary: 'Status and report of a training run',
  },
];

export function routesOfGroup(group: FunctionGroup): RouteSpec[] {
  return ROUTES.filter((r) => r.group === group);
}
