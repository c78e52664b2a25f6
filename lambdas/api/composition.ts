/**
 * The composition root: ports → services, and (at cold start, once) environment → AWS ports.
 * Tests and local mode call `createApiHandler(ports)` with local adapters instead.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV } from '../../lib/contracts';
import { CognitoUserDirectory } from '../adapters/cognito-user-directory';
import { DynamoAuditSink } from '../adapters/dynamo-audit-sink';
import { DynamoIdempotencyStore } from '../adapters/dynamo-idempotency-store';
import { DynamoSlotLedger } from '../adapters/dynamo-slot-ledger';
import { EmfSecurityMetrics } from '../adapters/emf-security-metrics';
import { HealthLakeFhirStore } from '../adapters/healthlake-fhir-store';
import { SqsAuditFallbackQueue } from '../adapters/sqs-audit-fallback-queue';
import { isIanaTimeZone } from '../core/clinic-time';
import { JournalingFhirStore } from '../core/fhir-write-journal';
import { PatientCompartmentPolicy } from '../core/policy';
import type {
  AuditFallbackQueue,
  AuditSink,
  FhirStore,
  IdempotencyStore,
  SecurityMetrics,
  SlotLedger,
  UserDirectory,
} from '../core/ports';
import { AccessLogService } from '../core/services/access-log-service';
import { AdminService } from '../core/services/admin-service';
import { CareTeamMessageService } from '../core/services/care-team-message-service';
import { ClinicianService } from '../core/services/clinician-service';
import { ConsentService } from '../core/services/consent-service';
import { IntakeService } from '../core/services/intake-service';
import { MedicationService } from '../core/services/medication-service';
import { ObservationService } from '../core/services/observation-service';
import { ProfileService } from '../core/services/profile-service';
import { SchedulingService } from '../core/services/scheduling-service';
import type { FunctionGroup } from './route-table';

/** The narrow logging surface the API uses (Powertools Logger satisfies it). Ids only, never PHI. */
export interface ApiLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface ApiPorts {
  readonly fhir: FhirStore;
  readonly audit: AuditSink;
  readonly idempotency: IdempotencyStore;
  readonly slotLedger: SlotLedger;
  readonly users: UserDirectory;
  /**
   * Where an answer flagged `deferAuditOnFailure` puts its audit event when the append fails.
   * Without one such an answer still goes out, and the missing event is logged and alarmed.
   */
  readonly auditFallback?: AuditFallbackQueue;
  /** Default: EMF lines on stdout. */
  readonly metrics?: SecurityMetrics;
  /** Default: a Powertools Logger (service `wellgate-api`). */
  readonly logger?: ApiLogger;
  /** Default: the system clock. Tests and demos pin it. */
  readonly clock?: () => Date;
}

export interface ApiServices {
  /** The FHIR store services write through (journaled: see lambdas/core/fhir-write-journal.ts). */
  readonly fhir: JournalingFhirStore;
  readonly policy: PatientCompartmentPolicy;
  readonly profile: ProfileService;
  readonly scheduling: SchedulingService;
  readonly observations: ObservationService;
  readonly medications: MedicationService;
  readonly intake: IntakeService;
  readonly careTeamMessages: CareTeamMessageService;
  readonly consents: ConsentService;
  readonly accessLog: AccessLogService;
  readonly clinician: ClinicianService;
  readonly admin: AdminService;
}

export interface ServiceSettings {
  /** The clinic's IANA time zone (config `clinic.timeZone`); default UTC. */
  readonly timeZone?: string;
}

export function createServices(ports: ApiPorts, settings: ServiceSettings = {}): ApiServices {
  // Writes go through the journal so a request whose audit event fails can be rolled back.
  const fhir = new JournalingFhirStore(ports.fhir);
  const policy = new PatientCompartmentPolicy(fhir, securityMetricsOf(ports));
  return {
    fhir,
    policy,
    profile: new ProfileService(fhir, policy),
    scheduling: new SchedulingService(fhir, policy, ports.slotLedger, settings.timeZone),
    observations: new ObservationService(fhir, policy),
    medications: new MedicationService(fhir, policy),
    intake: new IntakeService(fhir, policy),
    careTeamMessages: new CareTeamMessageService(fhir, policy),
    consents: new ConsentService(fhir, policy),
    accessLog: new AccessLogService(ports.audit, policy),
    clinician: new ClinicianService(fhir, policy),
    admin: new AdminService(fhir, ports.users),
  };
}

export function securityMetricsOf(ports: Pick<ApiPorts, 'metrics'>): SecurityMetrics {
  return ports.metrics ?? new EmfSecurityMetrics();
}

/** A DocumentClient configured the way every Dynamo adapter here expects. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createLogger(): ApiLogger {
  const logger = new Logger({ serviceName: 'wellgate-api' });
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
  };
}

type PortName = 'fhir' | 'audit' | 'auditFallback' | 'idempotency' | 'slotLedger' | 'users';

/** What each function group reads at cold start: a function gets only the configuration it uses. */
const PORTS_BY_GROUP: Record<FunctionGroup, readonly PortName[]> = {
  public: [],
  patient: ['fhir', 'audit', 'idempotency', 'slotLedger'],
  clinician: ['fhir', 'audit'],
  staff: ['fhir', 'audit'],
  admin: ['fhir', 'audit', 'users'],
  // Emergency answers go out even when the audit trail is down (Audited.deferAuditOnFailure).
  assistant: ['fhir', 'audit', 'auditFallback'],
};

export class ConfigurationError extends Error {}

/** A port the function's group does not use: fails loudly if anything ever calls it. */
function unconfigured<T extends object>(port: PortName): T {
  return new Proxy({} as T, {
    get() {
      throw new ConfigurationError(`The ${port} port is not configured for this function group`);
    },
  });
}

/**
 * AWS adapters from the environment the CDK sets (RUNTIME_ENV). Throws a ConfigurationError naming
 * the missing variable, at cold start, rather than failing on the first request.
 */
export function portsFromEnvironment(group: FunctionGroup, env: NodeJS.ProcessEnv = process.env): ApiPorts {
  const needs = new Set(PORTS_BY_GROUP[group]);
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value)
      throw new ConfigurationError(`Environment variable ${name} is required by the ${group} function`);
    return value;
  };
  const dynamo = needs.size > 0 ? documentClient(new DynamoDBClient({})) : undefined;
  const auditStream = env[RUNTIME_ENV.auditStream]?.trim();
  return {
    fhir: needs.has('fhir')
      ? new HealthLakeFhirStore({ endpoint: required(RUNTIME_ENV.fhirEndpoint) })
      : unconfigured('fhir'),
    audit:
      needs.has('audit') && dynamo
        ? new DynamoAuditSink({
            client: dynamo,
            tableName: required(RUNTIME_ENV.auditTable),
            ...(auditStream ? { firehose: { client: new FirehoseClient({}), streamName: auditStream } } : {}),
          })
        : unconfigured('audit'),
    idempotency:
      needs.has('idempotency') && dynamo
        ? new DynamoIdempotencyStore({ client: dynamo, tableName: required(RUNTIME_ENV.idempotencyTable) })
        : unconfigured('idempotency'),
    slotLedger:
      needs.has('slotLedger') && dynamo
        ? new DynamoSlotLedger({ client: dynamo, tableName: required(RUNTIME_ENV.appStateTable) })
        : unconfigured('slotLedger'),
    users: needs.has('users')
      ? new CognitoUserDirectory(new CognitoIdentityProviderClient({}), required(RUNTIME_ENV.userPoolId))
      : unconfigured('users'),
    ...(needs.has('auditFallback')
      ? {
          auditFallback: new SqsAuditFallbackQueue({
            client: new SQSClient({}),
            queueUrl: required(RUNTIME_ENV.auditFallbackQueueUrl),
          }),
        }
      : {}),
  };
}

/** The fallback queue's consumer: the audit table (and Firehose copy) it appends deferred events to. */
export function auditReplaySinkFromEnvironment(env: NodeJS.ProcessEnv = process.env): DynamoAuditSink {
  const auditTable = env[RUNTIME_ENV.auditTable]?.trim();
  if (!auditTable)
    throw new ConfigurationError(
      `Environment variable ${RUNTIME_ENV.auditTable} is required by the audit fallback function`,
    );
  const auditStream = env[RUNTIME_ENV.auditStream]?.trim();
  return new DynamoAuditSink({
    client: documentClient(new DynamoDBClient({})),
    tableName: auditTable,
    ...(auditStream ? { firehose: { client: new FirehoseClient({}), streamName: auditStream } } : {}),
  });
}

/** The clinic's time zone from WELLGATE_CLINIC_TIME_ZONE (IANA); UTC when unset. */
export function clinicTimeZoneFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const zone = env[RUNTIME_ENV.clinicTimeZone]?.trim() || 'UTC';
  if (!isIanaTimeZone(zone))
    throw new ConfigurationError(
      `${RUNTIME_ENV.clinicTimeZone} must be an IANA time zone such as America/New_York`,
    );
  return zone;
}

/** Allowed CORS origins from WELLGATE_CORS_ORIGINS (comma-separated); none means no CORS headers. */
export function corsOriginsFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[RUNTIME_ENV.corsOrigins] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}
