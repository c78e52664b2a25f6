import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';

/**
 * Narrow views that one stack hands another: a stack takes what it uses, never a whole stack.
 */

/** Where functions run when the VPC is on: isolated subnets reaching AWS only via endpoints. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  /** Attached to every function; egress only to the VPC endpoints' security group on 443. */
  readonly functionSecurityGroup: ec2.ISecurityGroup;
}

/** The FHIR R4 store (HealthLake), created or imported. */
export interface FhirDatastoreRef {
  readonly datastoreArn: string;
  readonly datastoreId: string;
  /** FHIR base URL, `https://healthlake.<region>.amazonaws.com/datastore/<id>/r4/`. */
  readonly datastoreEndpoint: string;
  /** The key HealthLake encrypts with; callers need kms:Decrypt/GenerateDataKey on it. */
  readonly encryptionKey?: kms.IKey;
}

/**
 * DynamoDB tables. Every table: partition key `pk` (S), sort key `sk` (S), KMS CMK, PITR,
 * deletion protection, RETAIN, in the AWS Backup plan. `appState` and `idempotency` expire
 * items through the TTL attribute `expiresAt` (epoch seconds); `auditIndex` never expires.
 */
export interface AppTables {
  /** Conversations, consent cache, training-run summaries, care-team links. */
  readonly appState: dynamodb.ITable;
  /** Idempotency-Key records of booking and other non-idempotent requests. */
  readonly idempotency: dynamodb.ITable;
  /** Hash-chained application audit events, per patient: the accounting of disclosures. */
  readonly auditIndex: dynamodb.ITable;
}

export interface TrainingPipelineRef {
  readonly stateMachine: sfn.IStateMachine;
}

/** What monitoring needs to watch from the API stack. */
export interface MonitoredApi {
  readonly restApi: apigw.RestApi;
  readonly functions: readonly lambda.IFunction[];
  readonly webAcl: wafv2.CfnWebACL;
  /** CloudWatch metric name of the WAF web ACL (visibilityConfig.metricName). */
  readonly webAclMetricName: string;
}

/** Environment variable names the runtime reads; the CDK sets them, the local server too. */
export const RUNTIME_ENV = {
  fhirEndpoint: 'WELLGATE_FHIR_ENDPOINT',
  appStateTable: 'WELLGATE_APP_STATE_TABLE',
  idempotencyTable: 'WELLGATE_IDEMPOTENCY_TABLE',
  auditTable: 'WELLGATE_AUDIT_TABLE',
  auditStream: 'WELLGATE_AUDIT_STREAM',
  bedrockModelId: 'WELLGATE_BEDROCK_MODEL_ID',
  guardrailId: 'WELLGATE_GUARDRAIL_ID',
  guardrailVersion: 'WELLGATE_GUARDRAIL_VERSION',
  userPoolId: 'WELLGATE_USER_POOL_ID',
  trainingStateMachineArn: 'WELLGATE_TRAINING_STATE_MACHINE_ARN',
  corsOrigins: 'WELLGATE_CORS_ORIGINS',
  conversationDays: 'WELLGATE_CONVERSATION_DAYS',
  clinicTimeZone: 'WELLGATE_CLINIC_TIME_ZONE',
  /** SQS queue that holds audit events deferred while the audit trail was down (assistant only). */
  auditFallbackQueueUrl: 'WELLGATE_AUDIT_FALLBACK_QUEUE_URL',
  /** "enabled" | "disabled": Comprehend Medical entities as a triage layer. */
  triageComprehendMedical: 'WELLGATE_TRIAGE_COMPREHEND_MEDICAL',
  /** "enabled" | "disabled": Amazon Translate for languages the red-flag screen cannot read. */
  triageTranslate: 'WELLGATE_TRIAGE_TRANSLATE',
  /** Optional: the triage risk classifier's Bedrock model, instead of WELLGATE_BEDROCK_MODEL_ID. */
  triageRiskModelId: 'WELLGATE_TRIAGE_RISK_MODEL_ID',
} as const;
