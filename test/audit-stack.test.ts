import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { WellgateConfig } from '../lib/config';
import { SECURITY_ALARMS } from '../lib/constructs/security-alarms';
import { WellgateChecks } from '../lib/nag/wellgate-checks';
import { DeploymentNames } from '../lib/naming';
import { AuditStack } from '../lib/stacks/audit-stack';
import { appWithoutBundling, nagFindings, stockPacks, testConfig } from './helpers/cdk';

function build(config: WellgateConfig, app: App = appWithoutBundling()): AuditStack {
  const names = new DeploymentNames(config);
  return new AuditStack(app, names.stack('audit'), {
    env: { account: config.account, region: config.region },
    terminationProtection: config.terminationProtection,
    config,
    names,
  });
}

/** Logical id of an L2 construct's CloudFormation resource. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

const config = testConfig({ retention: { auditYears: 7, logDays: 2557, conversationDays: 90 } });
const names = new DeploymentNames(config);
const stack = build(config);
const template = Template.fromStack(stack);
const auditBucketName = names.bucket('audit');
const auditBucketId = logicalId(stack.auditBucket);
const accessLogsId = logicalId(stack.accessLogsBucket);
const keyArn = { 'Fn::GetAtt': [logicalId(stack.auditKey), 'Arn'] };

function bucketProps(name: string): Record<string, unknown> {
  const found = template.findResources('AWS::S3::Bucket', { Properties: { BucketName: name } });
  const [resource] = Object.values(found);
  if (!resource) throw new Error(`no bucket ${name}`);
  return resource['Properties'] as Record<string, unknown>;
}

function tlsOnlyPolicyFor(bucketLogicalId: string): void {
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucketLogicalId },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        }),
      ]),
    },
  });
}

describe('audit key', () => {
  test('is a customer managed key with rotation, retained', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/wellgate-oakridge-audit' });
  });

  test('lets CloudTrail encrypt only for this trail', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringEquals: {
                'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/wellgate-oakridge-trail',
              },
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*',
              },
            },
          }),
        ]),
      },
    });
  });

  test('lets CloudWatch Logs use it only for the two audit log groups', () => {
    for (const logGroup of ['/wellgate/oakridge/cloudtrail', '/wellgate/oakridge/audit-events-delivery']) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'logs.us-east-1.amazonaws.com' },
              Condition: {
                ArnEquals: {
                  'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:111111111111:log-group:${logGroup}`,
                },
              },
            }),
          ]),
        },
      });
    }
  });
});

describe('audit bucket', () => {
  test('has Object Lock in COMPLIANCE mode for the configured years', () => {
    expect(bucketProps(auditBucketName)).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 7 } },
      },
    });
  });

  test('is versioned, SSE-KMS with the audit key, private, without ACLs', () => {
    expect(bucketProps(auditBucketName)).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('accepts TLS 1.2+ requests only', () => tlsOnlyPolicyFor(auditBucketId));

  test('sends server access logs to the access-log bucket', () => {
    expect(bucketProps(auditBucketName)).toMatchObject({
      LoggingConfiguration: {
        DestinationBucketName: { Ref: accessLogsId },
        LogFilePrefix: `${auditBucketName}/`,
      },
    });
  });

  test('moves ageing records to cheaper storage and never expires them', () => {
    const lifecycle = bucketProps(auditBucketName)['LifecycleConfiguration'] as {
      Rules: Record<string, unknown>[];
    };
    expect(lifecycle.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 90 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 365 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 1095 },
        ],
      }),
    ]);
    expect(lifecycle.Rules[0]).not.toHaveProperty('ExpirationInDays');
  });

  test('lets only this trail write, under the CloudTrail prefix', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: auditBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [auditBucketId, 'Arn'] }, '/cloudtrail/AWSLogs/111111111111/*'],
              ],
            },
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/wellgate-oakridge-trail',
              },
            },
          }),
        ]),
      },
    });
  });
});

describe('access-log bucket', () => {
  const props = () => bucketProps(names.bucket('access-logs'));

  test('uses SSE-S3 (the only encryption log delivery supports), versioned, private', () => {
    expect(props()).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(props()).not.toHaveProperty('ObjectLockConfiguration');
  });

  test('accepts TLS 1.2+ requests only', () => tlsOnlyPolicyFor(accessLogsId));

  test('lets S3 log delivery write for this account only', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
  });

  test('keeps logs for the audit retention, in 366-day years', () => {
    expect(props()).toMatchObject({
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 7 * 366 })] },
    });
  });
});

describe('CloudTrail', () => {
  test('is multi-Region with log-file validation, KMS and CloudWatch Logs', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'wellgate-oakridge-trail',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: keyArn,
      S3BucketName: { Ref: auditBucketId },
      S3KeyPrefix: DeploymentNames.CLOUDTRAIL_PREFIX,
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      CloudWatchLogsRoleArn: Match.anyValue(),
    });
  });

  test('records management events and data events of the PHI buckets, the app-audit prefix and every function', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: [
        { IncludeManagementEvents: true, ReadWriteType: 'All' },
        {
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [
            {
              Type: 'AWS::S3::Object',
              Values: [
                `arn:aws:s3:::${names.bucket('export')}/`,
                `arn:aws:s3:::${names.bucket('training')}/`,
                `arn:aws:s3:::${names.bucket('staging')}/`,
                `arn:aws:s3:::${auditBucketName}/${DeploymentNames.APP_AUDIT_PREFIX}`,
              ],
            },
          ],
        },
        {
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }],
        },
      ],
    });
  });

  test('never records data events on its own delivery prefix (no feedback loop)', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0];
    const values = JSON.stringify(trail?.['Properties']['EventSelectors']);
    expect(values).not.toContain(`${auditBucketName}/${DeploymentNames.CLOUDTRAIL_PREFIX}`);
    expect(values).not.toContain(`"arn:aws:s3:::${auditBucketName}/"`);
  });

  test('names PHI buckets by ARN, not by cross-stack reference', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  test('copies to a KMS-encrypted log group with the configured retention, retained', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/wellgate/oakridge/cloudtrail', KmsKeyId: keyArn, RetentionInDays: 2557 },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('security alarms', () => {
  test.each(SECURITY_ALARMS.map((a) => [a.id, a] as const))(
    '%s: metric filter and alarm to the topic',
    (_id, alarm) => {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp('^TrailLogs') },
        FilterPattern: alarm.filterPattern,
        MetricTransformations: [
          {
            MetricNamespace: 'Wellgate/oakridge/Security',
            MetricName: alarm.id,
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `wellgate-oakridge-security-${alarm.id}`,
        MetricName: alarm.id,
        Namespace: 'Wellgate/oakridge/Security',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [{ Ref: logicalId(stack.alarmTopic) }],
      });
    },
  );

  test('covers the CIS controls the foundation issue names', () => {
    const ids = SECURITY_ALARMS.map((a) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'RootAccountUse',
        'ConsoleSignInWithoutMfa',
        'IamPolicyChanges',
        'KmsKeyDisabledOrScheduledForDeletion',
        'CloudTrailConfigChanges',
        'S3BucketPolicyChanges',
        'UnauthorizedApiCalls',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', SECURITY_ALARMS.length);
  });
});

describe('alarm topic', () => {
  const topicId = () => logicalId(stack.alarmTopic);

  test('is KMS-encrypted with the audit key and e-mails the security contact', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'wellgate-oakridge-alarms',
      KmsMasterKeyId: keyArn,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.alarmEmail,
      TopicArn: { Ref: topicId() },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  test("denies publishing without TLS and lets only this account's alarms publish", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:*' },
            },
          }),
        ]),
      },
    });
  });

  test('keeps undeliverable notifications in a KMS-encrypted queue', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: { KmsMasterKeyId: keyArn },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('application audit event stream', () => {
  test('is a Direct PUT Firehose encrypted with the audit key', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: keyArn },
    });
  });

  test('delivers under the app-audit prefix with SSE-KMS and logs errors to a KMS log group', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [auditBucketId, 'Arn'] },
        Prefix: Match.stringLikeRegexp(`^${DeploymentNames.APP_AUDIT_PREFIX}year=`),
        ErrorOutputPrefix: Match.stringLikeRegexp(`^${DeploymentNames.APP_AUDIT_PREFIX}errors/`),
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } },
        CloudWatchLoggingOptions: {
          Enabled: true,
          LogGroupName: Match.anyValue(),
          LogStreamName: 'S3Delivery',
        },
      }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/wellgate/oakridge/audit-events-delivery',
      KmsKeyId: keyArn,
      RetentionInDays: 2557,
    });
  });

  test('has a role that can write the prefix and nothing else in the bucket (no delete)', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AuditEventsRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        p['Properties']['PolicyDocument']['Statement'] as Array<{
          Action: string | string[];
          Resource: unknown;
        }>,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.sort()).toEqual(
      [
        's3:GetBucketLocation',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
        's3:GetObject',
        's3:AbortMultipartUpload',
        'kms:GenerateDataKey',
        'kms:Decrypt',
        'logs:PutLogEvents',
      ].sort(),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [auditBucketId, 'Arn'] }, `/${DeploymentNames.APP_AUDIT_PREFIX}*`],
          ],
        },
      }),
    );
  });

  test('is exposed as an IDeliveryStream producers can be granted PutRecord on', () => {
    expect(stack.auditDeliveryStream.deliveryStreamArn).toBeDefined();
    expect(typeof stack.auditDeliveryStream.grantPutRecords).toBe('function');
  });
});

describe('stateful stack', () => {
  test('is termination-protected', () => {
    expect(stack.terminationProtection).toBe(true);
  });

  test('retains every bucket, key and log group', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue']) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource['DeletionPolicy']).toBe('Retain');
    }
  });

  test('introduces no CDK helper Lambda functions or custom resources', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  test('has no unacknowledged finding from the HIPAA Security, AwsSolutions and Serverless packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test("has no finding from Wellgate's own rules (audit lock in COMPLIANCE mode, CMK log groups)", () => {
    expect(nagFindings(stack, [...stockPacks(), new WellgateChecks(undefined, config)])).toEqual([]);
  });

  test('acknowledges replication only by pointing at disasterRecovery.region', () => {
    const acks = stack.auditBucket.node.metadata.filter((m) =>
      JSON.stringify(m.data).includes('S3BucketReplicationEnabled'),
    );
    expect(JSON.stringify(acks)).toContain('disasterRecovery.region');
  });
});

describe('with a disaster-recovery Region', () => {
  const drConfig = testConfig({ disasterRecovery: { region: 'us-west-2' } });
  const drStack = build(drConfig);
  const drTemplate = Template.fromStack(drStack);
  const replica = drStack.replica;
  const drNames = new DeploymentNames({ ...drConfig, region: 'us-west-2' });

  test('creates a replica stack in that Region that the audit stack deploys after', () => {
    expect(replica).toBeDefined();
    expect(replica?.region).toBe('us-west-2');
    expect(replica?.terminationProtection).toBe(true);
    expect(drStack.dependencies).toContain(replica);
  });

  test('the replica bucket is Object Lock COMPLIANCE too, with its own rotated key', () => {
    if (!replica) throw new Error('no replica stack');
    const replicaTemplate = Template.fromStack(replica);
    replicaTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: drNames.bucket('audit'),
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 6 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    replicaTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    replicaTemplate.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/wellgate-oakridge-audit-replica',
    });
  });

  test('replicates the audit bucket with the replica key, never replicating delete markers', () => {
    drTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: names.bucket('audit'),
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: `arn:aws:s3:::${drNames.bucket('audit')}`,
              EncryptionConfiguration: {
                ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/wellgate-oakridge-audit-replica',
              },
            },
          }),
        ],
      },
    });
  });

  test('the replication role can read Object Lock retention and write only replicas', () => {
    drTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObjectLegalHold', 's3:GetObjectRetention']) }),
          Match.objectLike({
            Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
            Resource: `arn:aws:s3:::${drNames.bucket('audit')}/*`,
          }),
        ]),
      },
    });
  });

  test('replicates the access logs as well', () => {
    drTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: names.bucket('access-logs'),
      ReplicationConfiguration: {
        Rules: [
          Match.objectLike({ Destination: { Bucket: `arn:aws:s3:::${drNames.bucket('access-logs')}` } }),
        ],
      },
    });
  });

  test('both stacks are free of unacknowledged findings', () => {
    expect(nagFindings(drStack)).toEqual([]);
    if (!replica) throw new Error('no replica stack');
    expect(nagFindings(replica)).toEqual([]);
  });

  test('synthesizes under CloudFormation Validate (no circular dependencies)', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:validateAgainstDefaultRules': true },
    });
    build(drConfig, app);
    expect(() => app.synth()).not.toThrow();
  });
});
