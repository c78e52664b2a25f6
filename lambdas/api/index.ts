/**
 * The API runtime's public surface, for the Lambda entries (lambdas/handlers), local mode
 * (lambdas/local, bin/) and tests. See lambdas/README.md for the event and claims contract.
 */

export { CognitoUserDirectory, PATIENT_ID_ATTRIBUTE } from '../adapters/cognito-user-directory';
export {
  type AuditChainBreak,
  type AuditVerifyReport,
  DynamoAuditSink,
  type DynamoAuditSinkOptions,
  verifyAuditChains,
} from '../adapters/dynamo-audit-sink';
export { DynamoIdempotencyStore } from '../adapters/dynamo-idempotency-store';
export { DynamoSlotLedger } from '../adapters/dynamo-slot-ledger';
export { createApiTables } from '../adapters/dynamo-tables';
export {
  BREAK_GLASS_METRIC,
  EmfSecurityMetrics,
  SECURITY_METRICS_NAMESPACE,
} from '../adapters/emf-security-metrics';
export { HealthLakeFhirStore, type HealthLakeFhirStoreOptions } from '../adapters/healthlake-fhir-store';
export { MemoryFhirStore } from '../adapters/memory-fhir-store';
export { SqsAuditFallbackQueue } from '../adapters/sqs-audit-fallback-queue';
export { CLINIC_CHAIN, canonicalJson, chainOfPatient, GENESIS_HASH, hashEvent } from '../core/audit-chain';
export { type Caller, type CognitoAuthorizerClaims, callerFromClaims, parseGroups } from '../core/caller';
export * from '../core/errors';
export type { AccessContext } from '../core/policy';
export type {
  AuditEvent,
  AuditFallbackQueue,
  AuditReplaySink,
  AuditSink,
  ChainedAuditEvent,
  FhirSearchParams,
  FhirStore,
  IdempotencyStore,
  SecurityMetrics,
  SlotLedger,
  StoredResponse,
  UserDirectory,
} from '../core/ports';
export { CONSENT_CATEGORY_SYSTEM, ConsentService } from '../core/services/consent-service';
export {
  type ApiLogger,
  type ApiPorts,
  type ApiServices,
  corsOriginsFromEnvironment,
  createServices,
  documentClient,
  portsFromEnvironment,
} from './composition';
export { buildOpenApiDocument } from './openapi';
export {
  type ApiOperation,
  defineOperation,
  PLUGGABLE_OPERATION_IDS,
  type PluggableOperationId,
} from './operations';
export { PROBLEM_BASE } from './problems';
export { ROLES, ROUTES, type Role, type RouteSpec } from './route-table';
export { type ApiHandler, type ApiOptions, createApiHandler, createPublicApiHandler } from './router';
export { MAX_BODY_BYTES } from './schemas';
