import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import type { FhirDatastoreRef, FunctionNetwork } from '../contracts';
import { acknowledge } from '../nag/acknowledge';
import { PROJECT_ROOT, SecureFunction } from './secure-function';

/** The ASL definition, shared with the local runner (`npm run pipeline:local`). */
export const DEID_PIPELINE_ASL = path.join(PROJECT_ROOT, 'stepfunctions', 'deid-pipeline.asl.json');

/** S3 prefixes the pipeline uses; the ASL derives the same ones from the execution name. */
export const PIPELINE_PREFIXES = {
  /** HealthLake writes `exports/<run>/<datastore>-FHIR_EXPORT-<job>/<Type>/<Type>-<n>.ndjson`. */
  exports: 'exports/',
  /** `runs/<run>/data/` de-identified files, `runs/<run>/report/` the run report. */
  staging: 'runs/',
  /** `datasets/<run>/` in the training bucket, manifest written last. */
  datasets: 'datasets/',
  /** Bedrock customization output in the training bucket. */
  customization: 'customization/',
} as const;

export type PipelineTask = 'deidentifyFile' | 'validateRun' | 'publishDataset' | 'cleanupStaging';

interface TaskSpec {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
}

/** Task functions as data. Step Functions invokes each one synchronously (lambda:invoke). */
const TASKS: Record<PipelineTask, TaskSpec> = {
  deidentifyFile: {
    entry: 'lambdas/pipeline/deidentify-file.ts',
    description: 'Training pipeline: de-identify a batch of exported FHIR NDJSON files into staging',
    // 1,769 MB is one full vCPU: the engine is CPU-bound.
    memorySize: 1769,
    timeout: Duration.minutes(15),
  },
  validateRun: {
    entry: 'lambdas/pipeline/validate-run.ts',
    description: 'Training pipeline: residual-PHI scan, k-anonymity, consent and bias report of a run',
    memorySize: 1769,
    timeout: Duration.minutes(15),
  },
  publishDataset: {
    entry: 'lambdas/pipeline/publish-dataset.ts',
    description: 'Training pipeline: copy a validated run into the training bucket with its manifest',
    memorySize: 512,
    timeout: Duration.minutes(15),
  },
  cleanupStaging: {
    entry: 'lambdas/pipeline/cleanup-staging.ts',
    description: "Training pipeline: delete a failed run's staging data",
    memorySize: 256,
    timeout: Duration.minutes(5),
  },
};

export interface DeidPipelineProps {
  readonly config: WellgateConfig;
  readonly network?: FunctionNetwork;
  readonly fhirDatastore: FhirDatastoreRef;
  readonly exportBucket: s3.IBucket;
  readonly exportKey: kms.IKey;
  readonly stagingBucket: s3.IBucket;
  readonly stagingKey: kms.IKey;
  readonly trainingBucket: s3.IBucket;
  readonly trainingKey: kms.IKey;
  readonly pseudonymKeySecret: secretsmanager.ISecret;
  readonly alarmTopic: sns.ITopic;
  /** Encrypts the pipeline's log groups and the task functions' environment. */
  readonly logKey: kms.IKey;
}

/**
 * The de-identification state machine (STANDARD, ASL from `stepfunctions/`), its task functions
 * and roles, each role holding only what its step needs:
 * - deidentify-file: read exports, write staging data, read the pseudonym key;
 * - validate-run: read staging, write the report to staging;
 * - publish-dataset: read staging, write the training bucket (the only writer past the wall);
 * - cleanup-staging: list and delete staging object versions;
 * - state machine: invoke those four, run the HealthLake export (passing the export role), list
 *   the export prefix, run its Distributed Map children, publish to the alarm topic, and
 *   optionally start a Bedrock customization job.
 */
export class DeidPipeline extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly exportRole: iam.Role;
  readonly customizationRole?: iam.Role;
  readonly taskFunctions: Record<PipelineTask, SecureFunction>;
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: DeidPipelineProps) {
    super(scope, id);
    const { config } = props;
    this.stateMachineName = `wellgate-${config.clinic.id}-deid-pipeline`;
    // Literal ARNs (the stacks deploy to config.account/config.region): the state machine's role
    // needs its own ARN for Distributed Map children, which a token would make circular.
    const arnPrefix = (service: string, account = config.account) =>
      `arn:${partitionOf(config.region)}:${service}:${config.region}:${account}`;
    const stateMachineArn = `${arnPrefix('states')}:stateMachine:${this.stateMachineName}`;
    const childExecutionsArn = `${arnPrefix('states')}:execution:${this.stateMachineName}/*`;
    const logRetention = config.retention.logDays as logs.RetentionDays;

    // --- HealthLake export role: HealthLake assumes it to write the raw export (PHI).
    // https://docs.aws.amazon.com/healthlake/latest/devguide/export-permissions.html
    this.exportRole = new iam.Role(this, 'HealthLakeExportRole', {
      description: 'Assumed by HealthLake to write FHIR $export output into the export bucket',
      assumedBy: new iam.ServicePrincipal('healthlake.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': config.account },
        ArnEquals: { 'aws:SourceArn': props.fhirDatastore.datastoreArn },
      }),
    });
    this.exportRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketPublicAccessBlock', 's3:GetEncryptionConfiguration'],
        resources: [props.exportBucket.bucketArn],
      }),
    );
    this.exportRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.exportBucket.arnForObjects(`${PIPELINE_PREFIXES.exports}*`)],
      }),
    );
    this.exportRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.exportKey.keyArn],
      }),
    );
    acknowledgeInlinePolicy(this.exportRole);
    acknowledge(
      this.exportRole,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.exportBucket)}.Arn>/${PIPELINE_PREFIXES.exports}*]`,
      'HealthLake chooses the export object names per job; the wildcard is confined to the exports/ prefix of the export bucket.',
    );

    // --- Task functions.
    const tasks = {} as Record<PipelineTask, SecureFunction>;
    for (const [task, spec] of Object.entries(TASKS) as [PipelineTask, TaskSpec][]) {
      const fn = new SecureFunction(this, capitalize(task), {
        entry: spec.entry,
        description: spec.description,
        encryptionKey: props.logKey,
        logRetention,
        // The Map's MaxConcurrency equals the de-identifier's reserved concurrency; the other
        // steps run once per run (2 leaves room for a retry overlapping a slow first attempt).
        reservedConcurrency: task === 'deidentifyFile' ? config.api.reservedConcurrency : 2,
        vpc: props.network?.vpc,
        securityGroups: props.network ? [props.network.functionSecurityGroup] : undefined,
        invocation: 'sync',
        memorySize: spec.memorySize,
        timeout: spec.timeout,
      });
      // Runtime, DLQ (Step Functions invokes tasks synchronously) and VPC acknowledgments: SecureFunction.
      tasks[task] = fn;
    }
    this.taskFunctions = tasks;

    const stagingData = `${PIPELINE_PREFIXES.staging}*`;
    const deidentify = tasks.deidentifyFile.role;
    allowGet(deidentify, props.exportBucket, props.exportKey, `${PIPELINE_PREFIXES.exports}*`);
    allowPut(deidentify, props.stagingBucket, props.stagingKey, stagingData);
    props.pseudonymKeySecret.grantRead(deidentify);

    const validate = tasks.validateRun.role;
    allowGet(validate, props.stagingBucket, props.stagingKey, stagingData);
    allowList(validate, props.stagingBucket, stagingData);
    allowPut(validate, props.stagingBucket, props.stagingKey, stagingData);

    const publish = tasks.publishDataset.role;
    allowGet(publish, props.stagingBucket, props.stagingKey, stagingData);
    allowList(publish, props.stagingBucket, stagingData);
    // Delete too: publish removes its own partial output when a copy fails (nothing partial stays).
    allowPut(publish, props.trainingBucket, props.trainingKey, `${PIPELINE_PREFIXES.datasets}*`, [
      's3:DeleteObject',
    ]);

    const cleanup = tasks.cleanupStaging.role;
    allowList(cleanup, props.stagingBucket, stagingData, ['s3:ListBucket', 's3:ListBucketVersions']);
    cleanup.addToPolicy(
      new iam.PolicyStatement({
        // DeleteObjectVersion: a plain delete in a versioned bucket only hides the data.
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [props.stagingBucket.arnForObjects(stagingData)],
      }),
    );

    const reviewerReason = (what: string) =>
      `Object names are chosen per run and per file; the wildcard is confined to the ${what} prefix this step owns.`;
    acknowledge(
      deidentify,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.exportBucket)}.Arn>/exports/*]`,
      reviewerReason('exports/'),
    );
    for (const role of [deidentify, validate, publish, cleanup]) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.stagingBucket)}.Arn>/runs/*]`,
        reviewerReason('staging runs/'),
      );
    }
    acknowledge(
      publish,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.trainingBucket)}.Arn>/datasets/*]`,
      reviewerReason('training datasets/'),
    );

    // --- Optional Bedrock customization on the published dataset.
    const baseModelId = config.training.customizationBaseModelId;
    if (baseModelId !== undefined) {
      const role = new iam.Role(this, 'CustomizationRole', {
        description: 'Assumed by Bedrock to read a published training dataset and write customization output',
        assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions({
          StringEquals: { 'aws:SourceAccount': config.account },
          ArnLike: { 'aws:SourceArn': `${arnPrefix('bedrock')}:model-customization-job/*` },
        }),
      });
      allowGet(role, props.trainingBucket, props.trainingKey, `${PIPELINE_PREFIXES.datasets}*`);
      allowList(role, props.trainingBucket, `${PIPELINE_PREFIXES.datasets}*`);
      allowPut(role, props.trainingBucket, props.trainingKey, `${PIPELINE_PREFIXES.customization}*`);
      acknowledgeInlinePolicy(role);
      for (const prefix of [PIPELINE_PREFIXES.datasets, PIPELINE_PREFIXES.customization]) {
        acknowledge(
          role,
          `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.trainingBucket)}.Arn>/${prefix}*]`,
          reviewerReason(`training ${prefix}`),
        );
      }
      this.customizationRole = role;
    }

    // --- State machine.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // /aws/vendedlogs/ keeps CloudWatch Logs resource policies small for vended log delivery.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      encryptionKey: props.logKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      description: 'Runs the de-identification pipeline state machine',
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': config.account },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // Unqualified ARNs only: the ASL invokes $LATEST, so no ":*" version wildcard is needed.
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(tasks).map((t) => t.function.functionArn),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['healthlake:StartFHIRExportJob', 'healthlake:DescribeFHIRExportJob'],
        resources: [props.fhirDatastore.datastoreArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.exportRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'healthlake.amazonaws.com' } },
      }),
    );
    // The Distributed Map's ItemReader lists the run's export prefix (keys only, no object reads).
    allowList(this.role, props.exportBucket, `${PIPELINE_PREFIXES.exports}*`);
    // Distributed Map child executions.
    // https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [childExecutionsArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alarmTopic.topicArn] }),
    );
    if (props.alarmTopic.masterKey) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.alarmTopic.masterKey.keyArn],
        }),
      );
    }
    if (baseModelId !== undefined && this.customizationRole) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['bedrock:CreateModelCustomizationJob'],
          resources: [
            `arn:${partitionOf(config.region)}:bedrock:${config.region}::foundation-model/${baseModelId}`,
            `${arnPrefix('bedrock')}:model-customization-job/*`,
            `${arnPrefix('bedrock')}:custom-model/*`,
          ],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.customizationRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
        }),
      );
      for (const resource of ['model-customization-job/*', 'custom-model/*']) {
        acknowledge(
          this.role,
          `AwsSolutions-IAM5[Resource::${arnPrefix('bedrock')}:${resource}]`,
          'Bedrock names customization jobs and custom models at creation (one per run); only CreateModelCustomizationJob is allowed on them.',
        );
      }
    }
    acknowledgeInlinePolicy(this.role);
    acknowledge(
      this.role,
      `AwsSolutions-IAM5[Resource::${childExecutionsArn}]`,
      'Distributed Map child executions get names at run time; the wildcard covers only executions of this state machine (AWS documents this policy for Distributed Map).',
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only CloudWatch Logs vended-delivery actions (CreateLogDelivery and related) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* use "*"; those services do not support resource-level permissions for them.',
    );

    const substitutions: Record<string, string> = {
      DatastoreId: props.fhirDatastore.datastoreId,
      ExportRoleArn: this.exportRole.roleArn,
      ExportBucketName: props.exportBucket.bucketName,
      ExportKeyArn: props.exportKey.keyArn,
      StagingBucketName: props.stagingBucket.bucketName,
      TrainingBucketName: props.trainingBucket.bucketName,
      PseudonymKeySecretArn: props.pseudonymKeySecret.secretArn,
      DeidentifyFileFunctionArn: tasks.deidentifyFile.function.functionArn,
      ValidateRunFunctionArn: tasks.validateRun.function.functionArn,
      PublishDatasetFunctionArn: tasks.publishDataset.function.functionArn,
      CleanupStagingFunctionArn: tasks.cleanupStaging.function.functionArn,
      AlarmTopicArn: props.alarmTopic.topicArn,
      MaxConcurrency: String(config.api.reservedConcurrency),
      KAnonymity: String(config.training.kAnonymity),
      MaxSuppression: String(config.training.maxSuppression),
      BiasShiftThreshold: String(config.training.biasShiftThreshold),
      CustomizationEnabled: String(baseModelId !== undefined),
      // Never reached while CustomizationEnabled is false; a readable marker rather than an empty string.
      CustomizationBaseModelId: baseModelId ?? 'customization-disabled',
      CustomizationRoleArn: this.customizationRole?.roleArn ?? 'customization-disabled',
    };

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(DEID_PIPELINE_ASL, 'utf8')),
      definitionSubstitutions: substitutions,
      role: this.role,
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // Execution input and output would put state data into logs; the state carries keys and
        // counts only, but logs are kept for years and must never become a PHI store.
        includeExecutionData: false,
      },
    });
  }
}

/** Reads objects under `pattern` and decrypts them. */
function allowGet(role: iam.IRole, bucket: s3.IBucket, key: kms.IKey, pattern: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(pattern)] }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }));
}

/** Lists keys under `pattern` only (s3:prefix condition). */
function allowList(role: iam.IRole, bucket: s3.IBucket, pattern: string, actions = ['s3:ListBucket']): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [pattern] } },
    }),
  );
}

/** Writes objects under `pattern`; kms:Decrypt too because multipart uploads read the data key back. */
function allowPut(
  role: iam.IRole,
  bucket: s3.IBucket,
  key: kms.IKey,
  pattern: string,
  extra: string[] = [],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', ...extra],
      resources: [bucket.arnForObjects(pattern)],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
  );
}

function acknowledgeInlinePolicy(role: iam.Role): void {
  acknowledge(
    role,
    'HIPAA.Security-IAMNoInlinePolicy',
    'CDK grants produce one inline policy per role; an inline policy cannot be attached to any other principal, which is what least privilege wants.',
  );
}

/** Logical id of a bucket's CfnBucket, as cdk-nag prints it in `<Id.Arn>`. */
function logicalIdOf(bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  return Stack.of(bucket).getLogicalId(cfn);
}

function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
