import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { DeidPipeline, type PipelineTask } from '../constructs/deid-pipeline';
import { PhiBucket } from '../constructs/phi-bucket';
import type { SecureFunction } from '../constructs/secure-function';
import { denyAllExcept, TrainingWall } from '../constructs/training-wall';
import {
  type AppTables,
  type FhirDatastoreRef,
  type FunctionNetwork,
  RUNTIME_ENV,
  type TrainingPipelineRef,
} from '../contracts';
import { acknowledge } from '../nag/acknowledge';
import type { DeploymentNames } from '../naming';

export type TrainingStackProps = StackProps & {
  readonly config: WellgateConfig;
  readonly names: DeploymentNames;
  readonly network?: FunctionNetwork;
  readonly accessLogsBucket: s3.IBucket;
  readonly fhirDatastore: FhirDatastoreRef;
  /** Not used for pipeline data: the pipeline has its own keys so API roles' PHI-key grants never reach it. */
  readonly phiKey: kms.IKey;
  /** Not granted yet: the consent source for de-identification is decided in issue 5. */
  readonly tables: AppTables;
  readonly alarmTopic: sns.ITopic;
};

/** Raw exports expire after this many days: HealthLake stays the source of truth. */
const EXPORT_RETENTION_DAYS = 7;
/** Staging output expires after this many days; failed runs are cleaned at once by the pipeline. */
const STAGING_RETENTION_DAYS = 14;

/**
 * The training wall (DESIGN.md): HealthLake $export into the export bucket, de-identification
 * into staging, validation, and publication into the walled training bucket. Stateless around
 * RETAINed buckets; each bucket has its own KMS key.
 */
export class TrainingStack extends Stack {
  readonly pipeline: TrainingPipelineRef;
  readonly exportBucket: s3.Bucket;
  readonly stagingBucket: s3.Bucket;
  readonly trainingBucket: s3.Bucket;
  readonly exportKey: kms.Key;
  readonly stagingKey: kms.Key;
  readonly trainingKey: kms.Key;
  /** Encrypts the pipeline's log groups and task environments. */
  readonly pipelineKey: kms.Key;
  readonly pseudonymKeySecret: secretsmanager.Secret;
  readonly taskFunctions: Record<PipelineTask, SecureFunction>;
  readonly trainingWall: TrainingWall;
  readonly deidPipeline: DeidPipeline;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    this.pipelineKey = new kms.Key(this, 'PipelineKey', {
      description: 'Wellgate training pipeline: log groups and function environments',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the key on the log group's behalf, only for this account's groups.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.pipelineKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );

    const exportStore = new PhiBucket(this, 'Export', {
      bucketName: names.bucket('export'),
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'export/',
      purpose: 'raw HealthLake $export output (PHI)',
      expireAfterDays: EXPORT_RETENTION_DAYS,
    });
    this.exportBucket = exportStore.bucket;
    this.exportKey = exportStore.encryptionKey;

    // De-identified but not yet validated: treated as PHI until validation passes.
    const stagingStore = new PhiBucket(this, 'Staging', {
      bucketName: names.bucket('staging'),
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'staging/',
      purpose: 'de-identified output awaiting validation',
      expireAfterDays: STAGING_RETENTION_DAYS,
    });
    this.stagingBucket = stagingStore.bucket;
    this.stagingKey = stagingStore.encryptionKey;

    this.trainingWall = new TrainingWall(this, 'TrainingWall', {
      bucketName: names.bucket('training'),
      accessLogsBucket: props.accessLogsBucket,
    });
    this.trainingBucket = this.trainingWall.bucket;
    this.trainingKey = this.trainingWall.encryptionKey;

    // The HMAC key behind every pseudonym. Its own key, decryptable by the de-identifier only.
    const pseudonymKeyKey = new kms.Key(this, 'PseudonymKeyKey', {
      description: 'Wellgate pseudonym HMAC key secret: only the de-identification task may decrypt',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pseudonymKeySecret = new secretsmanager.Secret(this, 'PseudonymKey', {
      description:
        'HMAC key for Safe Harbor pseudonyms; rotating it breaks linkage across runs (see runbook)',
      encryptionKey: pseudonymKeyKey,
      // Generated by Secrets Manager at deploy: the value never exists in the template or cdk.out.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.pseudonymKeySecret,
      'AwsSolutions-SMG4',
      'The HMAC key links pseudonyms across training runs; automatic rotation would silently break that linkage. Re-keying is a deliberate, manual runbook step (new key, full re-export, old datasets retired).',
    );
    acknowledge(
      this.pseudonymKeySecret,
      'HIPAA.Security-SecretsManagerRotationEnabled',
      'The HMAC key links pseudonyms across training runs; automatic rotation would silently break that linkage. Re-keying is a deliberate, manual runbook step (new key, full re-export, old datasets retired).',
    );

    this.deidPipeline = new DeidPipeline(this, 'DeidPipeline', {
      config,
      network: props.network,
      fhirDatastore: props.fhirDatastore,
      exportBucket: this.exportBucket,
      exportKey: this.exportKey,
      stagingBucket: this.stagingBucket,
      stagingKey: this.stagingKey,
      trainingBucket: this.trainingBucket,
      trainingKey: this.trainingKey,
      pseudonymKeySecret: this.pseudonymKeySecret,
      alarmTopic: props.alarmTopic,
      logKey: this.pipelineKey,
    });
    this.taskFunctions = this.deidPipeline.taskFunctions;

    // The tasks that end a run record its outcome where the admin API reads it (appState):
    // one conditional UpdateItem on the run's item, nothing else in the table.
    for (const task of [
      this.taskFunctions.validateRun,
      this.taskFunctions.publishDataset,
      this.taskFunctions.cleanupStaging,
    ]) {
      task.function.addEnvironment(RUNTIME_ENV.appStateTable, props.tables.appState.tableName);
      props.tables.appState.grant(task.role, 'dynamodb:UpdateItem');
      props.tables.appState.encryptionKey?.grant(
        task.role,
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
      );
    }

    this.trainingWall.admit(this.taskFunctions.publishDataset.role);
    if (this.deidPipeline.customizationRole) this.trainingWall.admit(this.deidPipeline.customizationRole);

    // Secrets Manager still creates and updates the value (GenerateDataKey); only reading it back is walled.
    const deidentifyRole = this.taskFunctions.deidentifyFile.role;
    pseudonymKeyKey.addToResourcePolicy(
      denyAllExcept(
        ['kms:Decrypt', 'kms:ReEncrypt*', 'kms:CreateGrant'],
        ['*'],
        () => [deidentifyRole.roleArn],
        'PseudonymKeyDecryptOnlyByDeidentifier',
      ),
    );

    this.pipeline = { stateMachine: this.deidPipeline.stateMachine };
  }
}
