import { type App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { WellgateConfig, WellgateConfigInput } from '../lib/config';
import type { AppTables, FunctionNetwork } from '../lib/contracts';
import { WellgateChecks } from '../lib/nag/wellgate-checks';
import { DeploymentNames } from '../lib/naming';
import { TrainingStack } from '../lib/stacks/training-stack';
import { appWithoutBundling, nagFindings, stockPacks, testConfig } from './helpers/cdk';

const DATASTORE_ID = '0123456789abcdef0123456789abcdef';

interface Built {
  readonly app: App;
  readonly config: WellgateConfig;
  readonly stack: TrainingStack;
  readonly template: Template;
}

/** What the audit, data and network stacks hand the training stack, built in a stand-in stack. */
function build(overrides: Partial<WellgateConfigInput> = {}): Built {
  const app = appWithoutBundling();
  const config = testConfig(overrides);
  const env = { account: config.account, region: config.region };
  const deps = new Stack(app, 'Deps', { env });
  const accessLogsBucket = new s3.Bucket(deps, 'AccessLogs', { enforceSSL: true });
  const phiKey = new kms.Key(deps, 'PhiKey', { enableKeyRotation: true });
  const topicKey = new kms.Key(deps, 'TopicKey', { enableKeyRotation: true });
  const alarmTopic = new sns.Topic(deps, 'Alarms', { masterKey: topicKey });
  const table = (id: string) =>
    new dynamodb.TableV2(deps, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    });
  const tables: AppTables = {
    appState: table('AppState'),
    idempotency: table('Idempotency'),
    auditIndex: table('Audit'),
  };
  let network: FunctionNetwork | undefined;
  if (config.network.lambdaInVpc) {
    const vpc = new ec2.Vpc(deps, 'Vpc', {
      availabilityZones: config.availabilityZones,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    network = { vpc, functionSecurityGroup: new ec2.SecurityGroup(deps, 'FnSg', { vpc }) };
  }
  const datastoreArn = `arn:aws:healthlake:${config.region}:${config.account}:datastore/fhir/${DATASTORE_ID}`;
  const stack = new TrainingStack(app, 'Training', {
    env,
    config,
    names: new DeploymentNames(config),
    network,
    accessLogsBucket,
    fhirDatastore: {
      datastoreArn,
      datastoreId: DATASTORE_ID,
      datastoreEndpoint: `https://healthlake.${config.region}.amazonaws.com/datastore/${DATASTORE_ID}/r4/`,
      encryptionKey: phiKey,
    },
    phiKey,
    tables,
    alarmTopic,
  });
  return { app, config, stack, template: Template.fromStack(stack) };
}

type PolicyStatementJson = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

/** Every Allow statement attached to the role whose logical id is `roleId`. */
function allowStatementsOf(template: Template, roleId: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatementJson[])
    .filter((s) => s.Effect === 'Allow');
}

/** Stock packs plus Wellgate's own rules (log groups on a CMK, no execution data, the wall). */
function findings(built: Built): string[] {
  return nagFindings(built.stack, [...stockPacks(), new WellgateChecks(undefined, built.config)]);
}

function actionsOn(statements: PolicyStatementJson[], resourceFragment: string): string[] {
  return statements
    .filter((s) => JSON.stringify(s.Resource).includes(resourceFragment))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as s3.CfnBucket);
}

describe('TrainingStack', () => {
  const built = build();
  const { stack, template } = built;
  const exportBucketId = logicalId(stack, stack.exportBucket);
  const stagingBucketId = logicalId(stack, stack.stagingBucket);
  const trainingBucketId = logicalId(stack, stack.trainingBucket);
  const roleId = (role: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(role.node.defaultChild as s3.CfnBucket);
  const fnRoles = {
    deidentify: roleId(stack.taskFunctions.deidentifyFile.role),
    validate: roleId(stack.taskFunctions.validateRun.role),
    publish: roleId(stack.taskFunctions.publishDataset.role),
    cleanup: roleId(stack.taskFunctions.cleanupStaging.role),
  };

  test('export, staging and training buckets each use their own customer-managed key', () => {
    const keyOf = (bucketId: string) => {
      const bucket = template.findResources('AWS::S3::Bucket')[bucketId];
      return JSON.stringify(
        bucket?.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
          .ServerSideEncryptionByDefault,
      );
    };
    const keys = [keyOf(exportBucketId), keyOf(stagingBucketId), keyOf(trainingBucketId)];
    for (const k of keys) expect(k).toContain('"SSEAlgorithm":"aws:kms"');
    expect(keys[0]).toContain(stack.getLogicalId(stack.exportKey.node.defaultChild as kms.CfnKey));
    expect(keys[2]).toContain(stack.getLogicalId(stack.trainingKey.node.defaultChild as kms.CfnKey));
    expect(new Set(keys).size).toBe(3);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('buckets are versioned, private, access-logged, retained and named from DeploymentNames', () => {
    const names = new DeploymentNames(built.config);
    for (const purpose of ['export', 'staging', 'training'] as const) {
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketName: names.bucket(purpose),
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: Match.objectLike({ LogFilePrefix: `${purpose}/` }),
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  test('raw exports expire: HealthLake stays the source of truth', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: new DeploymentNames(built.config).bucket('export'),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Status: 'Enabled', ExpirationInDays: 7 })]),
      },
    });
  });

  test('training bucket policy denies every principal but the pipeline roles', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: trainingBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'TrainingWallDenyAllButPipeline',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: Match.arrayWith(['s3:GetObject*', 's3:ListBucket*', 's3:PutObject*']),
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [fnRoles.publish, 'Arn'] }] },
            },
          }),
        ]),
      },
    });
  });

  test('training key policy denies data use to all but the pipeline roles and keeps root management', () => {
    const keyId = stack.getLogicalId(stack.trainingKey.node.defaultChild as kms.CfnKey);
    const key = template.findResources('AWS::KMS::Key')[keyId];
    const statements = key?.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Allow', Action: 'kms:*' }),
        expect.objectContaining({
          Sid: 'TrainingWallDenyAllButPipeline',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [fnRoles.publish, 'Arn'] }] } },
        }),
      ]),
    );
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(deny?.Action).not.toContain('kms:PutKeyPolicy');
  });

  test('only publish-dataset may write the training bucket; de-identify cannot touch it', () => {
    const writes = (role: string) =>
      actionsOn(allowStatementsOf(template, role), trainingBucketId).filter((a) => a.startsWith('s3:Put'));
    expect(writes(fnRoles.publish)).toContain('s3:PutObject');
    for (const role of [fnRoles.deidentify, fnRoles.validate, fnRoles.cleanup]) {
      expect(actionsOn(allowStatementsOf(template, role), trainingBucketId)).toEqual([]);
      expect(
        actionsOn(
          allowStatementsOf(template, role),
          stack.getLogicalId(stack.trainingKey.node.defaultChild as kms.CfnKey),
        ),
      ).toEqual([]);
    }
  });

  test('each task function holds only its own grants', () => {
    const deid = allowStatementsOf(template, fnRoles.deidentify);
    expect(actionsOn(deid, exportBucketId)).toEqual(['s3:GetObject']);
    expect(actionsOn(deid, stagingBucketId)).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(actionsOn(deid, 'PseudonymKey')).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue']),
    );

    const validate = allowStatementsOf(template, fnRoles.validate);
    expect(actionsOn(validate, exportBucketId)).toEqual([]);
    expect(actionsOn(validate, stagingBucketId)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:ListBucket', 's3:PutObject']),
    );
    expect(actionsOn(validate, 'PseudonymKey')).toEqual([]);

    const publish = allowStatementsOf(template, fnRoles.publish);
    expect(actionsOn(publish, exportBucketId)).toEqual([]);
    expect(actionsOn(publish, stagingBucketId)).not.toContain('s3:PutObject');

    // Only the tasks that end a run may record its outcome in appState, with one action.
    for (const role of [fnRoles.validate, fnRoles.publish, fnRoles.cleanup]) {
      expect(
        allowStatementsOf(template, role).filter((s) => JSON.stringify(s.Action).includes('dynamodb:')),
      ).toEqual([expect.objectContaining({ Action: 'dynamodb:UpdateItem' })]);
    }
    expect(JSON.stringify(allowStatementsOf(template, fnRoles.deidentify))).not.toContain('dynamodb:');

    const cleanup = allowStatementsOf(template, fnRoles.cleanup);
    expect(actionsOn(cleanup, stagingBucketId)).toEqual(
      expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']),
    );
    expect(actionsOn(cleanup, stagingBucketId)).not.toContain('s3:GetObject');
    expect(actionsOn(cleanup, exportBucketId)).toEqual([]);
  });

  test('pseudonym key secret: generated by Secrets Manager, CMK-encrypted, retained, decryptable only by de-identify', () => {
    const secretKeyId = Object.keys(template.findResources('AWS::KMS::Key')).find((id) =>
      id.startsWith('PseudonymKeyKey'),
    );
    expect(secretKeyId).toBeDefined();
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        KmsKeyId: { 'Fn::GetAtt': [secretKeyId, 'Arn'] },
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      }),
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: Match.arrayWith(['kms:Decrypt']),
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [fnRoles.deidentify, 'Arn'] }] },
            },
          }),
        ]),
      },
    });
  });

  test('state machine: STANDARD, logging level ALL without execution data, tracing, KMS-encrypted logs', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/wellgate-oakridge-deid-pipeline',
      KmsKeyId: Match.anyValue(),
      RetentionInDays: built.config.retention.logDays,
    });
  });

  test('every placeholder in the ASL has a definition substitution', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const machine = Object.values(machines)[0];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    const substitutions = Object.keys(machine?.Properties.DefinitionSubstitutions ?? {});
    expect(placeholders.size).toBeGreaterThan(10);
    expect(new Set(substitutions)).toEqual(placeholders);
    expect(machine?.Properties.DefinitionSubstitutions).toMatchObject({
      DatastoreId: DATASTORE_ID,
      KAnonymity: '5',
      CustomizationEnabled: 'false',
    });
  });

  test('state machine role: export, list, child executions, invoke, publish; no customization by default', () => {
    const smRole = roleId(stack.deidPipeline.role);
    const statements = allowStatementsOf(template, smRole);
    const all = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(all).toEqual(
      expect.arrayContaining([
        'healthlake:StartFHIRExportJob',
        'healthlake:DescribeFHIRExportJob',
        'iam:PassRole',
        'states:StartExecution',
        'states:DescribeExecution',
        'states:StopExecution',
        'lambda:InvokeFunction',
        'sns:Publish',
      ]),
    );
    expect(all).not.toContain('bedrock:CreateModelCustomizationJob');
    expect(all.some((a) => a === 's3:GetObject' || a === 's3:*')).toBe(false);
    expect(actionsOn(statements, exportBucketId)).toEqual(['s3:ListBucket']);
    expect(actionsOn(statements, trainingBucketId)).toEqual([]);
  });

  test('the HealthLake export role trusts only HealthLake for this datastore and writes only exports/', () => {
    const exportRole = stack.deidPipeline.exportRole;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'healthlake.amazonaws.com' },
            Condition: Match.objectLike({
              ArnEquals: { 'aws:SourceArn': Match.stringLikeRegexp(DATASTORE_ID) },
            }),
          }),
        ],
      },
    });
    const statements = allowStatementsOf(template, roleId(exportRole));
    expect(actionsOn(statements, trainingBucketId)).toEqual([]);
    expect(JSON.stringify(statements)).toContain('/exports/*');
  });

  test('task functions: synchronous (no DLQ), in the VPC, reserved concurrency, arm64', () => {
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: Match.anyValue(),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('de-identify'),
      ReservedConcurrentExecutions: built.config.api.reservedConcurrency,
    });
  });

  test('cdk-nag: no unacknowledged finding', () => {
    expect(findings(built)).toEqual([]);
  });
});

describe('TrainingStack variants', () => {
  test('with Bedrock customization: a Bedrock role past the wall and CreateModelCustomizationJob', () => {
    const variant = build({
      training: {
        enabled: true,
        kAnonymity: 5,
        biasShiftThreshold: 0.05,
        customizationBaseModelId: 'amazon.nova-micro-v1:0',
      },
    });
    const { stack, template } = variant;
    const customizationRole = stack.deidPipeline.customizationRole;
    expect(customizationRole).toBeDefined();
    const customizationRoleId = stack.getLogicalId(customizationRole?.node.defaultChild as s3.CfnBucket);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'bedrock:CreateModelCustomizationJob' })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'TrainingWallDenyAllButPipeline',
            Condition: {
              ArnNotEquals: {
                'aws:PrincipalArn': Match.arrayWith([{ 'Fn::GetAtt': [customizationRoleId, 'Arn'] }]),
              },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: Match.objectLike({
        CustomizationEnabled: 'true',
        CustomizationBaseModelId: 'amazon.nova-micro-v1:0',
      }),
    });
    expect(findings(variant)).toEqual([]);
  });

  test('without the VPC: functions outside a VPC, finding acknowledged, still compliant', () => {
    const variant = build({ network: { lambdaInVpc: false } });
    variant.template.allResourcesProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    expect(findings(variant)).toEqual([]);
  });

  test('with a disaster-recovery Region, the derived-data buckets stay unreplicated and compliant', () => {
    const variant = build({ disasterRecovery: { region: 'us-west-2' } });
    variant.template.allResourcesProperties('AWS::S3::Bucket', { ReplicationConfiguration: Match.absent() });
    expect(findings(variant)).toEqual([]);
  });
});
