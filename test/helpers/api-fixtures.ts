/**
 * Synthetic clinic for API tests, generated in code (deterministic from a seed): patients with
 * names, MRNs, phones and birth dates (so log scans have something to look for), practitioners,
 * care teams, schedules with free and booked slots, six months of vitals, labs and medications.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Appointment, Observation, Resource } from '@medplum/fhirtypes';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import {
  type ApiLogger,
  type ApiPorts,
  createApiTables,
  DynamoAuditSink,
  DynamoIdempotencyStore,
  DynamoSlotLedger,
  documentClient,
  MemoryFhirStore,
  type SecurityMetrics,
  type UserDirectory,
} from '../../lambdas/api';
import type { Role } from '../../lambdas/api/route-table';
import { DependencyUnavailable, NotFound } from '../../lambdas/core/errors';
import type { AuditEvent, AuditSink } from '../../lambdas/core/ports';

/** Mulberry32: a tiny deterministic PRNG so fixtures are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = ['Marisol', 'Theodric', 'Annalise', 'Bartholomew', 'Quintessa', 'Leopoldo'];
const FAMILY = [
  'Vantongeren',
  'Okonkwo-Reyes',
  'Halvorsen',
  'Delacroix-Mbeki',
  'Farquharson',
  'Yamaguchi-Oyelaran',
];

export interface SyntheticPatient {
  readonly id: string;
  readonly given: string;
  readonly family: string;
  readonly mrn: string;
  readonly phone: string;
  readonly birthDate: string;
  readonly email: string;
  readonly medicationId: string;
  readonly upcomingAppointmentId: string;
  readonly careTeamPractitionerId: string;
}

export interface SyntheticClinic {
  readonly patients: readonly SyntheticPatient[];
  readonly practitionerIds: readonly string[];
  readonly freeSlotIds: readonly string[];
  /** Strings that must never appear in logs. */
  readonly identifiers: readonly string[];
}

const DAY = 86_400_000;

/** Seeds `fhir` with `patientCount` patients across two practitioners; `now` anchors all dates. */
export async function seedSyntheticClinic(
  fhir: MemoryFhirStore,
  now: Date,
  options: { patientCount?: number; seed?: number; freeSlots?: number } = {},
): Promise<SyntheticClinic> {
  const random = prng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const create = <T extends Resource>(resource: T): Promise<T & { id: string }> =>
    fhir.create(resource) as Promise<T & { id: string }>;

  const practitioners = await Promise.all(
    ['Imogen Castellanos-Whitby', 'Rashid Vandersloot'].map((text) =>
      create({ resourceType: 'Practitioner', name: [{ text }] }),
    ),
  );
  const schedules = await Promise.all(
    practitioners.map((p) =>
      create({
        resourceType: 'Schedule',
        active: true,
        actor: [{ reference: `Practitioner/${p.id}`, display: p.name?.[0]?.text ?? '' }],
      }),
    ),
  );
  const slotStart = new Date(Math.ceil((now.getTime() + 2 * DAY) / DAY) * DAY + 9 * 3_600_000);
  const freeSlotIds: string[] = [];
  for (let i = 0; i < (options.freeSlots ?? 6); i++) {
    const schedule = schedules[i % schedules.length]!;
    const start = new Date(slotStart.getTime() + i * 30 * 60_000);
    const slot = await create({
      resourceType: 'Slot',
      schedule: { reference: `Schedule/${schedule.id}` },
      status: 'free',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    });
    freeSlotIds.push(slot.id);
  }

  const patients: SyntheticPatient[] = [];
  const identifiers: string[] = [];
  for (let index = 0; index < (options.patientCount ?? 2); index++) {
    const given = GIVEN[index % GIVEN.length]!;
    const family = FAMILY[index % FAMILY.length]!;
    const mrn = `MRN-${String(100000 + Math.floor(random() * 899999))}`;
    const phone = `+1-555-${String(200 + Math.floor(random() * 700))}-${String(1000 + Math.floor(random() * 8999))}`;
    const birthDate = `19${50 + Math.floor(random() * 45)}-0${1 + Math.floor(random() * 8)}-1${Math.floor(random() * 9)}`;
    const email = `${given.toLowerCase()}.${index}@example.test`;
    const patient = await create({
      resourceType: 'Patient',
      identifier: [{ system: 'https://wellgate.dev/fhir/mrn', value: mrn }],
      name: [{ use: 'official', given: [given], family }],
      telecom: [
        { system: 'phone', value: phone },
        { system: 'email', value: email },
      ],
      birthDate,
      gender: pick(['female', 'male', 'other'] as const),
      address: [{ line: [`${10 + index} Synthetic Lane`], city: 'Testville', postalCode: '99999' }],
    });
    const practitioner = practitioners[index % practitioners.length]!;
    await create({
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: `Patient/${patient.id}` },
      participant: [{ member: { reference: `Practitioner/${practitioner.id}` } }],
    });
    const subject = { reference: `Patient/${patient.id}` };
    // Six months of blood pressure (a panel with components) and heart rate, weekly, rising slowly.
    for (let week = 0; week < 26; week++) {
      const effectiveDateTime = new Date(now.getTime() - (25 - week) * 7 * DAY).toISOString();
      await create<Observation>({
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
        subject,
        effectiveDateTime,
        component: [
          {
            code: {
              coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }],
            },
            valueQuantity: { value: 118 + week + Math.round(random() * 3), unit: 'mm[Hg]' },
            referenceRange: [{ low: { value: 90 }, high: { value: 130 } }],
          },
          {
            code: {
              coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }],
            },
            valueQuantity: { value: 76 + Math.round(random() * 3), unit: 'mm[Hg]' },
            referenceRange: [{ low: { value: 60 }, high: { value: 85 } }],
          },
        ],
      });
    }
    for (let month = 0; month < 6; month++) {
      await create<Observation>({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
        subject,
        effectiveDateTime: new Date(now.getTime() - (5 - month) * 30 * DAY).toISOString(),
        valueQuantity: { value: 6.1, unit: '%' },
        referenceRange: [{ high: { value: 5.7 } }],
      });
    }
    const medication = await create({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject,
      medicationCodeableConcept: { text: 'Lisinopril 10 mg tablet' },
      dosageInstruction: [{ text: 'One tablet daily' }],
      authoredOn: new Date(now.getTime() - 60 * DAY).toISOString(),
    });
    await create({
      resourceType: 'Condition',
      subject,
      code: { text: 'Essential hypertension' },
      clinicalStatus: { coding: [{ code: 'active' }] },
    });
    // A booked upcoming appointment on a busy slot, for cancel and intake tests.
    const busyStart = new Date(slotStart.getTime() + (20 + index) * 30 * 60_000);
    const busySlot = await create({
      resourceType: 'Slot',
      schedule: { reference: `Schedule/${schedules[index % schedules.length]!.id}` },
      status: 'busy',
      start: busyStart.toISOString(),
      end: new Date(busyStart.getTime() + 30 * 60_000).toISOString(),
    });
    const appointment = await create<Appointment>({
      resourceType: 'Appointment',
      status: 'booked',
      start: busySlot.start,
      end: busySlot.end,
      slot: [{ reference: `Slot/${busySlot.id}` }],
      reasonCode: [{ text: 'Follow-up' }],
      participant: [
        { actor: { reference: `Patient/${patient.id}` }, status: 'accepted' },
        {
          actor: {
            reference: `Practitioner/${practitioner.id}`,
            display: practitioner.name?.[0]?.text ?? '',
          },
          status: 'accepted',
        },
      ],
    });
    patients.push({
      id: patient.id,
      given,
      family,
      mrn,
      phone,
      birthDate,
      email,
      medicationId: medication.id,
      upcomingAppointmentId: appointment.id,
      careTeamPractitionerId: practitioner.id,
    });
    identifiers.push(given, family, mrn, phone, birthDate, email);
  }
  return { patients, practitionerIds: practitioners.map((p) => p.id), freeSlotIds, identifiers };
}

// ---- events ------------------------------------------------------------------------------------------

export interface CallerSpec {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** How `cognito:groups` is rendered, as API Gateway does for one or several groups. */
  readonly groupsFormat?: 'bracketed' | 'comma' | 'json';
}

/** Claims as API Gateway's Cognito authorizer passes them: every value a string. */
export function claimsFor(caller: CallerSpec): Record<string, string> {
  const format = caller.groupsFormat ?? 'bracketed';
  const groups =
    format === 'json'
      ? JSON.stringify(caller.roles)
      : format === 'comma'
        ? caller.roles.join(',')
        : caller.roles.length === 1
          ? (caller.roles[0] ?? '')
          : `[${caller.roles.join(', ')}]`;
  return {
    sub: caller.sub,
    token_use: 'access',
    username: `user-${caller.sub}`,
    'cognito:groups': groups,
    ...(caller.patientId ? { 'custom:fhir_patient_id': caller.patientId } : {}),
    ...(caller.practitionerId ? { 'custom:fhir_practitioner_id': caller.practitionerId } : {}),
  };
}

export interface EventSpec {
  readonly method: string;
  readonly path: string;
  readonly claims?: Record<string, string>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly requestId?: string;
}

let requestCounter = 0;

export function apiEvent(spec: EventSpec): APIGatewayProxyEvent {
  requestCounter++;
  const body = spec.rawBody ?? (spec.body === undefined ? null : JSON.stringify(spec.body));
  const headers: Record<string, string> = {
    ...(body !== null ? { 'Content-Type': 'application/json' } : {}),
    ...spec.headers,
  };
  const event = {
    httpMethod: spec.method,
    path: spec.path,
    resource: spec.path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: spec.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: spec.requestId ?? `req-${requestCounter}`,
      identity: { sourceIp: '203.0.113.7' },
      ...(spec.claims ? { authorizer: { claims: spec.claims } } : {}),
    },
  };
  return event as unknown as APIGatewayProxyEvent;
}

// ---- ports over dynalite -----------------------------------------------------------------------------

export const TABLES = {
  appState: 'api-app-state',
  idempotency: 'api-idempotency',
  audit: 'api-audit',
} as const;

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await createApiTables(client, Object.values(TABLES));
  return {
    client,
    documentClient: documentClient(client),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A logger that keeps every line as JSON text, for assertions and PHI scans. */
export class CapturingLogger implements ApiLogger {
  readonly lines: string[] = [];
  info(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push(JSON.stringify({ level: 'INFO', message, ...attributes }));
  }
  warn(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push(JSON.stringify({ level: 'WARN', message, ...attributes }));
  }
  error(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push(JSON.stringify({ level: 'ERROR', message, ...attributes }));
  }
}

export class RecordingMetrics implements SecurityMetrics {
  readonly breakGlass: Array<{ operationId: string }> = [];
  readonly auditDeferred: Array<{ operationId: string }> = [];
  readonly auditFallbackFailures: Array<{ operationId: string }> = [];
  breakGlassAccess(dimensions: { readonly operationId: string }): void {
    this.breakGlass.push({ operationId: dimensions.operationId });
  }
  auditEventDeferred(dimensions: { readonly operationId: string }): void {
    this.auditDeferred.push({ operationId: dimensions.operationId });
  }
  auditFallbackFailed(dimensions: { readonly operationId: string }): void {
    this.auditFallbackFailures.push({ operationId: dimensions.operationId });
  }
}

/** The local-mode UserDirectory shape: a map of known users to their linked patient. */
export class InMemoryUserDirectory implements UserDirectory {
  readonly links = new Map<string, string | undefined>();
  constructor(usernames: readonly string[]) {
    for (const name of usernames) this.links.set(name, undefined);
  }
  async linkPatient(username: string, patientId: string): Promise<void> {
    if (!this.links.has(username)) throw new NotFound('User');
    this.links.set(username, patientId);
  }
}

export interface ApiHarness {
  readonly ports: ApiPorts;
  readonly fhir: MemoryFhirStore;
  readonly clinic: SyntheticClinic;
  readonly logger: CapturingLogger;
  readonly metrics: RecordingMetrics;
  readonly users: InMemoryUserDirectory;
  readonly audit: DynamoAuditSink;
}

/** Fresh FHIR data over shared dynalite tables; each harness gets its own patients' chains. */
export async function createHarness(dynamo: LocalDynamo, now: Date, seed = 42): Promise<ApiHarness> {
  const fhir = new MemoryFhirStore();
  const clinic = await seedSyntheticClinic(fhir, now, { seed });
  const logger = new CapturingLogger();
  const metrics = new RecordingMetrics();
  const users = new InMemoryUserDirectory(['new.patient']);
  const audit = new DynamoAuditSink({ client: dynamo.documentClient, tableName: TABLES.audit });
  return {
    fhir,
    clinic,
    logger,
    metrics,
    users,
    audit,
    ports: {
      fhir,
      audit,
      idempotency: new DynamoIdempotencyStore({
        client: dynamo.documentClient,
        tableName: TABLES.idempotency,
      }),
      slotLedger: new DynamoSlotLedger({ client: dynamo.documentClient, tableName: TABLES.appState }),
      users,
      metrics,
      logger,
      clock: () => now,
    },
  };
}

export function parseBody(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

/** An audit sink that fails while `down(event)` says so and otherwise appends to the harness's trail. */
export function switchableAudit(harness: ApiHarness, down: (event: AuditEvent) => boolean): AuditSink {
  return {
    append: async (event) => {
      if (down(event)) throw new DependencyUnavailable('audit');
      return harness.audit.append(event);
    },
    listForPatient: (id) => harness.audit.listForPatient(id),
  };
}
