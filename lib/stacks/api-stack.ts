import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { FunctionGroup } from '../../lambdas/api/route-table';
import type { WellgateConfig } from '../config';
import { ApiFirewall } from '../constructs/api-firewall';
import { AssistantGuardrail } from '../constructs/assistant-guardrail';
import { AuditFallbackQueue } from '../constructs/audit-fallback-queue';
import { PortalApi } from '../constructs/portal-api';
import type { SecureFunction } from '../constructs/secure-function';
import {
  type AppTables,
  type FhirDatastoreRef,
  type FunctionNetwork,
  type MonitoredApi,
  RUNTIME_ENV,
  type TrainingPipelineRef,
} from '../contracts';
import type { DeploymentNames } from '../naming';

export interface ApiStackProps extends StackProps {
  readonly config: WellgateConfig;
  readonly names: DeploymentNames;
  /** Functions run in this VPC when given (config network.lambdaInVpc). */
  readonly network?: FunctionNetwork;
  readonly userPool: cognito.IUserPool;
  /** The mobile app client; its tokens must carry the API's authorization scope. */
  readonly mobileClient: cognito.IUserPoolClient;
  readonly phiKey: kms.IKey;
  readonly fhirDatastore: FhirDatastoreRef;
  readonly tables: AppTables;
  readonly auditDeliveryStream: firehose.IDeliveryStream;
  /** The audit stack's key: the audit fallback queue holds audit events. */
  readonly auditKey: kms.IKey;
  /** The audit stack's alarm topic, for the audit fallback queue's alarms. */
  readonly alarmTopic: sns.ITopic;
  readonly trainingPipeline?: TrainingPipelineRef;
}

/**
 * Stateless: the REST API and its functions, the WAF in front of it and the assistant's
 * guardrail. Everything it keeps (logs) is retained; everything else can be redeployed at will.
 */
export class ApiStack extends Stack {
  readonly restApi: apigw.RestApi;
  readonly functions: Record<FunctionGroup, SecureFunction>;
  readonly webAcl: wafv2.CfnWebACL;
  readonly guardrail: AssistantGuardrail;
  readonly auditFallback: AuditFallbackQueue;
  readonly monitored: MonitoredApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, names } = props;
    const prefix = names.stack('api');

    this.guardrail = new AssistantGuardrail(this, 'AssistantGuardrail', {
      name: names.guardrail(),
      encryptionKey: props.phiKey,
    });

    const api = new PortalApi(this, 'PortalApi', {
      settings: config,
      apiName: prefix,
      network: props.network,
      userPool: props.userPool,
      phiKey: props.phiKey,
      fhirDatastore: props.fhirDatastore,
      tables: props.tables,
      auditDeliveryStream: props.auditDeliveryStream,
      trainingPipeline: props.trainingPipeline,
      guardrail: this.guardrail,
    });

    this.auditFallback = new AuditFallbackQueue(this, 'AuditFallback', {
      encryptionKey: props.auditKey,
      logsKey: api.logsKey,
      logRetention: config.retention.logDays as logs.RetentionDays,
      reservedConcurrency: config.api.reservedConcurrency,
      network: props.network,
      auditTable: props.tables.auditIndex,
      auditDeliveryStream: props.auditDeliveryStream,
      alarmTopic: props.alarmTopic,
      alarmNamePrefix: `wellgate-${config.clinic.id}`,
    });
    // Only the assistant answers with deferAuditOnFailure (the emergency answer).
    const assistant = api.functions.assistant;
    this.auditFallback.grantSend(assistant.role);
    assistant.function.addEnvironment(RUNTIME_ENV.auditFallbackQueueUrl, this.auditFallback.queue.queueUrl);

    const firewall = new ApiFirewall(this, 'Firewall', {
      stage: api.restApi.deploymentStage,
      rateLimitPer5Minutes: config.waf.rateLimitPer5Minutes,
      namePrefix: prefix,
      encryptionKey: api.logsKey,
      logRetention: config.retention.logDays as logs.RetentionDays,
    });

    this.restApi = api.restApi;
    this.functions = api.functions;
    this.webAcl = firewall.webAcl;
    this.monitored = {
      restApi: api.restApi,
      functions: [...Object.values(api.functions), this.auditFallback.consumer].map((f) => f.function),
      webAcl: firewall.webAcl,
      webAclMetricName: firewall.metricName,
    };
  }
}
