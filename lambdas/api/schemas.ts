/**
 * The API's zod schemas: the single source of request validation, response types (`z.infer`) and
 * the OpenAPI document. Response schemas are strict about shape so a handler cannot leak a field
 * (minimum necessary, 45 CFR 164.502(b)) without changing the contract here.
 */
import { z } from 'zod';
import { FHIR_ID_PATTERN } from '../core/caller';

/** Request bodies above this are refused with 413 (documented in the OpenAPI document). */
export const MAX_BODY_BYTES = 1_048_576;

export const FhirId = z.string().regex(FHIR_ID_PATTERN, 'Must be a FHIR id');
const IsoDateTime = z.iso.datetime({ offset: true });
const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const NoParams = z.object({});
export const NoQuery = z.object({});

// ---- problem+json ----------------------------------------------------------------------------
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

// ---- public ------------------------------------------------------------------------------------
export const HealthResponse = z
  .object({ status: z.literal('ok'), version: z.string() })
  .meta({ id: 'Health' });
export const OpenApiResponse = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });

// ---- profile -----------------------------------------------------------------------------------
export const ProfileResponse = z
  .strictObject({
    patientId: FhirId,
    name: z.strictObject({ display: z.string(), given: z.array(z.string()), family: z.string().optional() }),
    birthDate: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    preferredLanguage: z.string().optional(),
  })
  .meta({ id: 'Profile', description: 'Minimum necessary fields of the FHIR Patient' });

// ---- slots and appointments ----------------------------------------------------------------------
export const SlotsQuery = z
  .object({ start: IsoDateTime, end: IsoDateTime, practitioner: FhirId.optional() })
  .refine((q) => Date.parse(q.end) > Date.parse(q.start), {
    message: 'end must be after start',
    path: ['end'],
  })
  .refine((q) => Date.parse(q.end) - Date.parse(q.start) <= 31 * 86_400_000, {
    message: 'The window may span at most 31 days',
    path: ['end'],
  });

export const SlotSchema = z
  .strictObject({
    slotId: FhirId,
    start: z.string(),
    end: z.string(),
    practitionerId: FhirId.optional(),
    practitionerName: z.string().optional(),
  })
  .meta({ id: 'Slot' });
export const SlotsResponse = z.strictObject({ slots: z.array(SlotSchema) }).meta({ id: 'Slots' });

export const AppointmentSchema = z
  .strictObject({
    appointmentId: FhirId,
    status: z.string(),
    start: z.string().optional(),
    end: z.string().optional(),
    slotId: FhirId.optional(),
    practitionerId: FhirId.optional(),
    practitionerName: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'Appointment' });
export const AppointmentsResponse = z
  .strictObject({ appointments: z.array(AppointmentSchema) })
  .meta({ id: 'Appointments' });

export const BookAppointmentBody = z
  .strictObject({ slotId: FhirId, reason: z.string().trim().min(1).max(200) })
  .meta({ id: 'BookAppointmentRequest' });
export const AppointmentParams = z.object({ appointmentId: FhirId });

export const IdempotencyKeyHeader = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Must be 8–128 characters: letters, digits, _ . : -');

// ---- observations ----------------------------------------------------------------------------------
export const ObservationsQuery = z
  .object({
    code: z
      .string()
      .regex(/^([^|\s]{1,200}\|)?[A-Za-z0-9.-]{1,64}$/, 'Must be a code or system|code')
      .optional(),
    from: DateOrDateTime.optional(),
    to: DateOrDateTime.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

export const ReferenceRangeSchema = z
  .strictObject({ low: z.number().optional(), high: z.number().optional(), text: z.string().optional() })
  .meta({ id: 'ReferenceRange' });

export const TrendSchema = z
  .strictObject({
    count: z.number().int(),
    first: z.number(),
    last: z.number(),
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    change: z.number(),
    direction: z.enum(['rising', 'falling', 'stable', 'insufficient-data']),
    lastOutsideReferenceRange: z.boolean(),
  })
  .meta({ id: 'Trend' });

export const ObservationSeriesSchema = z
  .strictObject({
    code: z.string().describe('system|code of the observation or component'),
    display: z.string(),
    panelCode: z.string().optional().describe('The panel (e.g. blood pressure) a component belongs to'),
    unit: z.string().optional(),
    referenceRange: ReferenceRangeSchema.optional(),
    points: z.array(z.strictObject({ observationId: FhirId, date: z.string(), value: z.number() })),
    trend: TrendSchema.optional(),
  })
  .meta({ id: 'ObservationSeries' });

export const ObservationsResponse = z
  .strictObject({ from: z.string(), to: z.string(), series: z.array(ObservationSeriesSchema) })
  .meta({ id: 'Observations' });

// ---- medications -------------------------------------------------------------------------------------
export const MedicationSchema = z
  .strictObject({
    medicationId: FhirId,
    name: z.string(),
    status: z.string(),
    dosage: z.string().optional(),
    authoredOn: z.string().optional(),
  })
  .meta({ id: 'Medication' });
export const MedicationsResponse = z
  .strictObject({ medications: z.array(MedicationSchema) })
  .meta({ id: 'Medications' });
export const MedicationParams = z.object({ medicationId: FhirId });
export const RefillRequestBody = z
  .strictObject({ note: z.string().trim().max(500).optional() })
  .meta({ id: 'RefillRequest' });
export const RefillRequestResponse = z
  .strictObject({
    refillRequestId: FhirId,
    medicationId: FhirId,
    status: z.literal('requested'),
    routedTo: z.enum(['care-team', 'clinic']),
  })
  .meta({ id: 'RefillRequestCreated' });

// ---- care-team messages ------------------------------------------------------------------------------
export const CareTeamMessageBody = z
  .strictObject({
    text: z.string().trim().min(1).max(4000),
    topic: z.string().trim().max(200).optional(),
  })
  .meta({ id: 'CareTeamMessage' });
export const CareTeamMessageResponse = z
  .strictObject({
    messageId: FhirId,
    status: z.literal('sent'),
    routedTo: z.enum(['care-team', 'clinic']),
    recipients: z.number().int().nonnegative(),
  })
  .meta({ id: 'CareTeamMessageSent' });

// ---- intake ----------------------------------------------------------------------------------------------
export const IntakeBody = z
  .strictObject({
    appointmentId: FhirId,
    questionnaire: z
      .string()
      .max(500)
      .regex(
        /^(https:\/\/[A-Za-z0-9.-]+(\/[A-Za-z0-9._~%-]+)*(\|[A-Za-z0-9.-]+)?|[A-Za-z0-9][A-Za-z0-9.-]{0,63})$/,
        "must be the Questionnaire's https canonical URL (optionally |version) or its id",
      )
      .describe('Canonical URL of the Questionnaire (or its id)'),
    items: z
      .array(
        z.strictObject({
          linkId: z.string().min(1).max(100),
          text: z.string().max(500).optional(),
          answer: z.union([z.string().max(2000), z.number(), z.boolean()]),
        }),
      )
      .min(1)
      .max(200),
  })
  .meta({ id: 'IntakeRequest' });
export const IntakeResponse = z
  .strictObject({ intakeId: FhirId, appointmentId: FhirId, status: z.literal('completed') })
  .meta({ id: 'IntakeCreated' });

// ---- consents ------------------------------------------------------------------------------------------
export const CONSENT_CATEGORIES = ['ai-assistant', 'research'] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];
export const ConsentParams = z.object({ category: z.enum(CONSENT_CATEGORIES) });
export const ConsentBody = z
  .strictObject({ status: z.enum(['active', 'revoked']) })
  .meta({ id: 'ConsentChange' });
export const ConsentSchema = z
  .strictObject({
    category: z.enum(CONSENT_CATEGORIES),
    status: z.enum(['active', 'revoked', 'not-set']),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'Consent' });
export const ConsentsResponse = z.strictObject({ consents: z.array(ConsentSchema) }).meta({ id: 'Consents' });

// ---- access log -----------------------------------------------------------------------------------------
export const AccessLogResponse = z
  .strictObject({
    events: z.array(
      z.strictObject({
        time: z.string(),
        actorRole: z.enum(['patient', 'clinician', 'staff', 'admin']),
        byYou: z.boolean(),
        recordType: z.string(),
        action: z.string(),
        purpose: z.string(),
        outcome: z.enum(['success', 'denied', 'refused']),
      }),
    ),
  })
  .meta({
    id: 'AccessLog',
    description: 'Accounting of disclosures (45 CFR 164.528): roles, never staff identities',
  });

// ---- clinician -------------------------------------------------------------------------------------------
export const PatientParams = z.object({ patientId: FhirId });
export const PatientSummaryResponse = z
  .strictObject({
    patient: z.strictObject({
      patientId: FhirId,
      name: z.string(),
      birthDate: z.string().optional(),
      gender: z.string().optional(),
    }),
    conditions: z.array(
      z.strictObject({
        display: z.string(),
        clinicalStatus: z.string().optional(),
        onset: z.string().optional(),
      }),
    ),
    allergies: z.array(z.strictObject({ display: z.string(), criticality: z.string().optional() })),
    medications: z.array(MedicationSchema),
    latestObservations: z.array(
      z.strictObject({
        code: z.string(),
        display: z.string(),
        value: z.number(),
        unit: z.string().optional(),
        date: z.string(),
      }),
    ),
    upcomingAppointments: z.array(AppointmentSchema),
  })
  .meta({ id: 'PatientSummary' });

// ---- staff -----------------------------------------------------------------------------------------------
export const ScheduleQuery = z.object({ date: z.iso.date() });
export const ScheduleResponse = z
  .strictObject({
    date: z.string(),
    appointments: z.array(
      z.strictObject({
        appointmentId: FhirId,
        start: z.string().optional(),
        end: z.string().optional(),
        status: z.string(),
        practitionerId: FhirId.optional(),
        practitionerName: z.string().optional(),
        patientId: FhirId.optional(),
        patientName: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DaySchedule', description: 'Times and participants only: no reasons, no clinical content' });

// ---- admin -----------------------------------------------------------------------------------------------
/** Cognito user names: 1–128 characters of letters, marks, symbols, numbers, punctuation. */
export const UsernameParams = z.object({
  username: z.string().regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, 'Must be a user name'),
});
export const PatientLinkBody = z.strictObject({ patientId: FhirId }).meta({ id: 'PatientLinkRequest' });
export const PatientLinkResponse = z
  .strictObject({ username: z.string(), patientId: FhirId, linked: z.literal(true) })
  .meta({ id: 'PatientLink' });

export type Profile = z.infer<typeof ProfileResponse>;
export type Slot = z.infer<typeof SlotSchema>;
export type AppointmentView = z.infer<typeof AppointmentSchema>;
export type ObservationSeries = z.infer<typeof ObservationSeriesSchema>;
export type Observations = z.infer<typeof ObservationsResponse>;
export type MedicationView = z.infer<typeof MedicationSchema>;
export type ConsentView = z.infer<typeof ConsentSchema>;
export type AccessLog = z.infer<typeof AccessLogResponse>;
export type PatientSummary = z.infer<typeof PatientSummaryResponse>;
export type DaySchedule = z.infer<typeof ScheduleResponse>;
