/**
 * Every operation of the route table: its zod schemas (request and response) and the service call
 * it makes. Handlers never do more than this: parse → authorize (policy, inside the service) →
 * call → map. The OpenAPI document is generated from these same definitions.
 */
import { z } from 'zod';
import { NotImplemented } from '../core/errors';
import type { AccessContext } from '../core/policy';
import type { Audited } from '../core/services/audited';
import type { ApiServices } from './composition';
import {
  AccessLogResponse,
  AppointmentParams,
  AppointmentSchema,
  AppointmentsResponse,
  BookAppointmentBody,
  CareTeamMessageBody,
  CareTeamMessageResponse,
  ConsentBody,
  ConsentParams,
  ConsentSchema,
  ConsentsResponse,
  IntakeBody,
  IntakeResponse,
  MedicationParams,
  MedicationsResponse,
  NoParams,
  NoQuery,
  ObservationsQuery,
  ObservationsResponse,
  PatientLinkBody,
  PatientLinkResponse,
  PatientParams,
  PatientSummaryResponse,
  ProfileResponse,
  RefillRequestBody,
  RefillRequestResponse,
  ScheduleQuery,
  ScheduleResponse,
  SlotsQuery,
  SlotsResponse,
  UsernameParams,
} from './schemas';

/** Request parts after the router parsed them with the operation's own schemas. */
export interface ParsedInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/** An operation with its types erased, so operations of different shapes share one registry. */
export interface ApiOperation {
  readonly operationId: string;
  readonly params: z.ZodType;
  readonly query: z.ZodType;
  /** Absent: the route takes no body. */
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly successStatus: 200 | 201;
  /** The route requires an `Idempotency-Key` header; repeats replay the first response. */
  readonly requiresIdempotencyKey: boolean;
  run(services: ApiServices, input: ParsedInput, context: AccessContext): Promise<Audited<unknown>>;
}

interface OperationDefinition<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  readonly operationId: string;
  readonly params: P;
  readonly query: Q;
  readonly body?: B;
  readonly response: R;
  readonly successStatus?: 200 | 201;
  readonly requiresIdempotencyKey?: boolean;
  run(
    services: ApiServices,
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    context: AccessContext,
  ): Promise<Audited<z.input<R>>>;
}

function defineOperation<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  definition: OperationDefinition<P, Q, B, R>,
): ApiOperation {
  return {
    operationId: definition.operationId,
    params: definition.params,
    query: definition.query,
    ...(definition.body ? { body: definition.body } : {}),
    response: definition.response,
    successStatus: definition.successStatus ?? 200,
    requiresIdempotencyKey: definition.requiresIdempotencyKey ?? false,
    // The router parsed each part with exactly these schemas, so the types hold.
    run: (services, input, context) =>
      definition.run(
        services,
        input as { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
        context,
      ),
  };
}

export const OPERATIONS: readonly ApiOperation[] = [
  defineOperation({
    operationId: 'getMyProfile',
    params: NoParams,
    query: NoQuery,
    response: ProfileResponse,
    run: (s, _input, ctx) => s.profile.myProfile(ctx),
  }),
  defineOperation({
    operationId: 'listFreeSlots',
    params: NoParams,
    query: SlotsQuery,
    response: SlotsResponse,
    run: (s, { query }) => s.scheduling.freeSlots(query),
  }),
  defineOperation({
    operationId: 'listMyAppointments',
    params: NoParams,
    query: NoQuery,
    response: AppointmentsResponse,
    run: (s, _input, ctx) => s.scheduling.myAppointments(ctx),
  }),
  defineOperation({
    operationId: 'bookAppointment',
    params: NoParams,
    query: NoQuery,
    body: BookAppointmentBody,
    response: AppointmentSchema,
    successStatus: 201,
    requiresIdempotencyKey: true,
    run: (s, { body }, ctx) => s.scheduling.book(ctx, body),
  }),
  defineOperation({
    operationId: 'cancelAppointment',
    params: AppointmentParams,
    query: NoQuery,
    response: AppointmentSchema,
    run: (s, { params }, ctx) => s.scheduling.cancel(ctx, params.appointmentId),
  }),
  defineOperation({
    operationId: 'listMyObservations',
    params: NoParams,
    query: ObservationsQuery,
    response: ObservationsResponse,
    run: (s, { query }, ctx) => s.observations.mine(ctx, query),
  }),
  defineOperation({
    operationId: 'listMyMedications',
    params: NoParams,
    query: NoQuery,
    response: MedicationsResponse,
    run: (s, _input, ctx) => s.medications.mine(ctx),
  }),
  defineOperation({
    operationId: 'requestRefill',
    params: MedicationParams,
    query: NoQuery,
    body: RefillRequestBody,
    response: RefillRequestResponse,
    successStatus: 201,
    run: (s, { params, body }, ctx) => s.medications.requestRefill(ctx, params.medicationId, body.note),
  }),
  defineOperation({
    operationId: 'messageCareTeam',
    params: NoParams,
    query: NoQuery,
    body: CareTeamMessageBody,
    response: CareTeamMessageResponse,
    successStatus: 201,
    run: (s, { body }, ctx) => s.careTeamMessages.send(ctx, body),
  }),
  defineOperation({
    operationId: 'submitIntake',
    params: NoParams,
    query: NoQuery,
    body: IntakeBody,
    response: IntakeResponse,
    successStatus: 201,
    run: (s, { body }, ctx) => s.intake.submit(ctx, body),
  }),
  defineOperation({
    operationId: 'listMyConsents',
    params: NoParams,
    query: NoQuery,
    response: ConsentsResponse,
    run: (s, _input, ctx) => s.consents.mine(ctx),
  }),
  defineOperation({
    operationId: 'setMyConsent',
    params: ConsentParams,
    query: NoQuery,
    body: ConsentBody,
    response: ConsentSchema,
    run: (s, { params, body }, ctx) => s.consents.set(ctx, params.category, body.status),
  }),
  defineOperation({
    operationId: 'getMyAccessLog',
    params: NoParams,
    query: NoQuery,
    response: AccessLogResponse,
    run: (s, _input, ctx) => s.accessLog.mine(ctx),
  }),
  defineOperation({
    operationId: 'getPatientSummary',
    params: PatientParams,
    query: NoQuery,
    response: PatientSummaryResponse,
    run: (s, { params }, ctx) => s.clinician.summary(ctx, params.patientId),
  }),
  defineOperation({
    operationId: 'listPatientObservations',
    params: PatientParams,
    query: ObservationsQuery,
    response: ObservationsResponse,
    run: (s, { params, query }, ctx) => s.observations.forPatient(ctx, params.patientId, query),
  }),
  defineOperation({
    operationId: 'getDaySchedule',
    params: NoParams,
    query: ScheduleQuery,
    response: ScheduleResponse,
    run: (s, { query }, ctx) => s.scheduling.daySchedule(ctx, query.date),
  }),
  defineOperation({
    operationId: 'linkUserToPatient',
    params: UsernameParams,
    query: NoQuery,
    body: PatientLinkBody,
    response: PatientLinkResponse,
    run: (s, { params, body }, ctx) => s.admin.linkPatient(ctx, params.username, body.patientId),
  }),
];

/**
 * Operations other issues own (assistant chat and summary drafts, training runs). Until their
 * owners pass an implementation (`ApiOptions.operations`), they answer 501 problem+json; the route
 * table's role checks still run first.
 */
export const PLUGGABLE_OPERATION_IDS = [
  'sendChatMessage',
  'draftPatientSummary',
  'startTrainingRun',
  'getTrainingRun',
] as const;
export type PluggableOperationId = (typeof PLUGGABLE_OPERATION_IDS)[number];

export function notImplementedOperation(operationId: string): ApiOperation {
  return {
    operationId,
    params: z.record(z.string(), z.string()),
    query: z.record(z.string(), z.string()),
    body: z.unknown(),
    response: z.unknown(),
    successStatus: 200,
    requiresIdempotencyKey: false,
    run: async () => {
      throw new NotImplemented(operationId);
    },
  };
}

export { defineOperation };
