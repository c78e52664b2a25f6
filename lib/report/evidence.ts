import { asArray, asRecord, path } from '../nag/rules/cfn';
import type { Inventory, InventoryResource } from './inventory';

/** One resource (or stack) and the settings that make it implement a safeguard. */
export interface EvidenceItem {
  readonly what: string;
  readonly stack: string;
  readonly path: string;
  readonly type: string;
  readonly settings: Readonly<Record<string, string>>;
}

export type EvidenceKind =
  | 'audit-trail'
  | 'audit-storage'
  | 'audit-stream'
  | 'service-logging'
  | 'log-groups'
  | 'monitoring'
  | 'login-monitoring'
  | 'incident-response'
  | 'backups'
  | 'iam-roles'
  | 'user-groups'
  | 'resource-policies'
  | 'encryption-at-rest'
  | 'kms-keys'
  | 'disposal'
  | 'api-authorization'
  | 'user-identity'
  | 'session-limits'
  | 'integrity'
  | 'authentication'
  | 'transmission';

type Extractor = (inv: Inventory) => EvidenceItem[];

function item(r: InventoryResource, what: string, settings: Record<string, string>): EvidenceItem {
  return { what, stack: r.stack, path: r.path, type: r.type, settings };
}

const yesNo = (v: unknown): string =>
  v === true || v === 'true' ? 'yes' : v === undefined ? 'not set' : 'no';

function statements(document: unknown): Record<string, unknown>[] {
  return asArray(path(document, 'Statement'))
    .map((s) => asRecord(s))
    .filter((s): s is Record<string, unknown> => s !== undefined);
}

/** Deny statements keyed on aws:SecureTransport = false: the TLS-only pattern. */
function requiresTls(document: unknown): boolean {
  return statements(document).some((s) => {
    const bool = asRecord(path(s, 'Condition', 'Bool'));
    const value = bool?.['aws:SecureTransport'];
    return s['Effect'] === 'Deny' && (value === 'false' || value === false);
  });
}

function minimumTls(document: unknown): string | undefined {
  for (const s of statements(document)) {
    const v = path(s, 'Condition', 'NumericLessThan', 's3:TlsVersion');
    if (s['Effect'] === 'Deny' && v !== undefined) return String(v);
  }
  return undefined;
}

function objectLock(r: InventoryResource): string {
  const retention = path(r.properties, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention');
  if (r.properties['ObjectLockEnabled'] !== true) return 'off';
  if (!retention) return 'enabled, no default retention';
  const years = path(retention, 'Years');
  const days = path(retention, 'Days');
  const span = years !== undefined ? `${String(years)} years` : `${String(days)} days`;
  return `${String(path(retention, 'Mode'))} for ${span}`;
}

function encryptionOf(inv: Inventory, r: InventoryResource): string | undefined {
  const p = r.properties;
  const kms = (key: unknown, fallback = 'AWS managed key'): string =>
    key === undefined ? fallback : `KMS ${inv.label(key, r)}`;
  switch (r.type) {
    case 'AWS::S3::Bucket': {
      const byDefault = path(
        asArray(path(p, 'BucketEncryption', 'ServerSideEncryptionConfiguration'))[0],
        'ServerSideEncryptionByDefault',
      );
      if (!byDefault) return 'S3 default (SSE-S3)';
      const algorithm = String(path(byDefault, 'SSEAlgorithm'));
      return algorithm === 'AES256'
        ? 'SSE-S3 (AES-256)'
        : `${algorithm}, ${kms(path(byDefault, 'KMSMasterKeyID'))}`;
    }
    case 'AWS::DynamoDB::Table':
      return path(p, 'SSESpecification', 'SSEEnabled') === true
        ? kms(path(p, 'SSESpecification', 'KMSMasterKeyId'))
        : 'DynamoDB owned key';
    case 'AWS::DynamoDB::GlobalTable': {
      // Global tables name the key per replica; the table-level block only says "KMS".
      const keys = asArray(p['Replicas']).map((r) => path(r, 'SSESpecification', 'KMSMasterKeyId'));
      if (path(p, 'SSESpecification', 'SSEEnabled') !== true) return 'DynamoDB owned key';
      return keys.some((k) => k !== undefined) ? keys.map((k) => kms(k)).join(', ') : 'AWS managed key';
    }
    case 'AWS::SQS::Queue':
      return p['KmsMasterKeyId'] !== undefined
        ? kms(p['KmsMasterKeyId'])
        : p['SqsManagedSseEnabled'] === false
          ? 'none'
          : 'SQS managed SSE';
    case 'AWS::SNS::Topic':
      return p['KmsMasterKeyId'] !== undefined ? kms(p['KmsMasterKeyId']) : 'none';
    case 'AWS::Logs::LogGroup':
      return p['KmsKeyId'] !== undefined ? kms(p['KmsKeyId']) : 'CloudWatch Logs default (no CMK)';
    case 'AWS::HealthLake::FHIRDatastore':
      return `${String(path(p, 'SseConfiguration', 'KmsEncryptionConfig', 'CmkType') ?? 'AWS_OWNED_KMS_KEY')}${
        path(p, 'SseConfiguration', 'KmsEncryptionConfig', 'KmsKeyId') !== undefined
          ? `, ${kms(path(p, 'SseConfiguration', 'KmsEncryptionConfig', 'KmsKeyId'))}`
          : ''
      }`;
    case 'AWS::KinesisFirehose::DeliveryStream': {
      const input = p['DeliveryStreamEncryptionConfigurationInput'];
      const destinationKey = path(
        p,
        'ExtendedS3DestinationConfiguration',
        'EncryptionConfiguration',
        'KMSEncryptionConfig',
        'AWSKMSKeyARN',
      );
      return `stream: ${input ? String(path(input, 'KeyType')) : 'none'}; S3 objects: ${kms(destinationKey, 'bucket default')}`;
    }
    case 'AWS::SecretsManager::Secret':
      return kms(p['KmsKeyId']);
    case 'AWS::CloudTrail::Trail':
      return kms(p['KMSKeyId'], 'SSE-S3 only');
    case 'AWS::Lambda::Function':
      return `environment: ${kms(p['KmsArn'], 'AWS managed key')}`;
    case 'AWS::StepFunctions::StateMachine':
      return kms(path(p, 'EncryptionConfiguration', 'KmsKeyId'), 'AWS owned key');
    case 'AWS::Backup::BackupVault':
      return kms(p['EncryptionKeyArn']);
    case 'AWS::Bedrock::Guardrail':
      return kms(p['KmsKeyArn'], 'AWS owned key');
    case 'AWS::Kinesis::Stream':
      return path(p, 'StreamEncryption', 'KeyId') !== undefined
        ? kms(path(p, 'StreamEncryption', 'KeyId'))
        : 'none';
    default:
      return undefined;
  }
}

const STORAGE_TYPES = [
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Logs::LogGroup',
  'AWS::HealthLake::FHIRDatastore',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::SecretsManager::Secret',
  'AWS::CloudTrail::Trail',
  'AWS::Lambda::Function',
  'AWS::StepFunctions::StateMachine',
  'AWS::Backup::BackupVault',
  'AWS::Bedrock::Guardrail',
  'AWS::Kinesis::Stream',
];

const userPools = (inv: Inventory): InventoryResource[] => inv.ofType('AWS::Cognito::UserPool');
const threatProtection = (r: InventoryResource): string =>
  String(path(r.properties, 'UserPoolAddOns', 'AdvancedSecurityMode') ?? 'OFF');

function alarmItem(inv: Inventory, r: InventoryResource): EvidenceItem {
  const p = r.properties;
  const metric =
    p['MetricName'] !== undefined ? `${String(p['Namespace'])}/${String(p['MetricName'])}` : 'metric math';
  return item(r, 'CloudWatch alarm', {
    Alarm: String(p['AlarmName'] ?? r.path),
    Metric: metric,
    Condition: `${String(p['ComparisonOperator'])} ${String(p['Threshold'] ?? '')}`.trim(),
    Actions: inv.label(p['AlarmActions'], r),
  });
}

const LOGIN_PATTERN = /ConsoleLogin|sign.?in|MFA|Authoriz|Unauthori|AccessDenied|4XX|login/i;

export const EVIDENCE: Readonly<Record<EvidenceKind, Extractor>> = {
  'audit-trail': (inv) =>
    inv.ofType('AWS::CloudTrail::Trail').map((r) => {
      const p = r.properties;
      const dataEvents = [
        ...asArray(p['EventSelectors']).flatMap((s) =>
          asArray(path(s, 'DataResources')).map(
            (d) => `${String(path(d, 'Type'))}: ${inv.label(path(d, 'Values'), r)}`,
          ),
        ),
        ...asArray(p['AdvancedEventSelectors']).flatMap((s) =>
          asArray(path(s, 'FieldSelectors'))
            .filter((f) => path(f, 'Field') === 'resources.type')
            .map((f) => inv.label(path(f, 'Equals'), r)),
        ),
      ];
      const management = asArray(p['EventSelectors']).some(
        (s) => path(s, 'IncludeManagementEvents') !== false,
      );
      return item(r, 'CloudTrail trail', {
        'Multi-Region': yesNo(p['IsMultiRegionTrail']),
        'Log-file validation': yesNo(p['EnableLogFileValidation']),
        'Global service events': yesNo(p['IncludeGlobalServiceEvents'] ?? true),
        Logging: yesNo(p['IsLogging']),
        'Management events': management ? 'yes' : 'no',
        'Data events': dataEvents.length > 0 ? dataEvents.join('; ') : 'none',
        Bucket: inv.label(p['S3BucketName'], r),
        Prefix: inv.label(p['S3KeyPrefix'], r),
        Encryption: encryptionOf(inv, r) ?? 'not set',
        'CloudWatch Logs': inv.label(p['CloudWatchLogsLogGroupArn'], r),
      });
    }),

  'audit-storage': (inv) =>
    inv
      .ofType('AWS::S3::Bucket')
      .filter((r) => r.properties['ObjectLockEnabled'] === true)
      .map((r) =>
        item(r, 'Object Lock bucket', {
          Name: inv.label(r.properties['BucketName'], r),
          'Object Lock': objectLock(r),
          Versioning: String(path(r.properties, 'VersioningConfiguration', 'Status') ?? 'off'),
          Encryption: encryptionOf(inv, r) ?? '',
          'Access logs to': inv.label(path(r.properties, 'LoggingConfiguration', 'DestinationBucketName'), r),
        }),
      ),

  'audit-stream': (inv) => [
    ...inv.ofType('AWS::KinesisFirehose::DeliveryStream').map((r) => {
      const s3 =
        r.properties['ExtendedS3DestinationConfiguration'] ?? r.properties['S3DestinationConfiguration'];
      return item(r, 'Firehose delivery stream', {
        Destination: inv.label(path(s3, 'BucketARN'), r),
        Prefix: inv.label(path(s3, 'Prefix'), r),
        'Error prefix': inv.label(path(s3, 'ErrorOutputPrefix'), r),
        Encryption: encryptionOf(inv, r) ?? '',
      });
    }),
    ...inv
      .ofType('AWS::DynamoDB::Table')
      .filter((r) => /audit/i.test(r.path))
      .map((r) =>
        item(r, 'Audit table', {
          'Point-in-time recovery': yesNo(
            path(r.properties, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled'),
          ),
          'Deletion protection': yesNo(r.properties['DeletionProtectionEnabled']),
          Encryption: encryptionOf(inv, r) ?? '',
        }),
      ),
  ],

  'service-logging': (inv) => [
    ...inv.ofType('AWS::ApiGateway::Stage').map((r) => {
      const methods = asArray(r.properties['MethodSettings']);
      return item(r, 'API Gateway stage', {
        'Access logs to': inv.label(path(r.properties, 'AccessLogSetting', 'DestinationArn'), r),
        'Access log format': String(path(r.properties, 'AccessLogSetting', 'Format') ?? '').startsWith('{')
          ? 'JSON'
          : 'not JSON / not set',
        'X-Ray tracing': yesNo(r.properties['TracingEnabled']),
        'Execution logging':
          methods.map((m) => String(path(m, 'LoggingLevel') ?? 'OFF')).join(', ') || 'not set',
        'Data trace (full requests in logs)': methods.some((m) => path(m, 'DataTraceEnabled') === true)
          ? 'ON'
          : 'off',
      });
    }),
    ...inv.ofType('AWS::StepFunctions::StateMachine').map((r) =>
      item(r, 'State machine', {
        'Log level': String(path(r.properties, 'LoggingConfiguration', 'Level') ?? 'none'),
        'Execution data in logs': yesNo(path(r.properties, 'LoggingConfiguration', 'IncludeExecutionData')),
        'X-Ray tracing': yesNo(path(r.properties, 'TracingConfiguration', 'Enabled')),
      }),
    ),
    ...inv.ofType('AWS::S3::Bucket').map((r) =>
      item(r, 'S3 server access logging', {
        Bucket: inv.label(r.properties['BucketName'] ?? r.path, r),
        'Access logs to': inv.label(path(r.properties, 'LoggingConfiguration', 'DestinationBucketName'), r),
      }),
    ),
    ...inv.ofType('AWS::WAFv2::LoggingConfiguration', 'AWS::EC2::FlowLog').map((r) =>
      item(r, r.type === 'AWS::EC2::FlowLog' ? 'VPC flow log' : 'WAF logging', {
        Destination: inv.label(
          r.properties['LogDestinationConfigs'] ??
            r.properties['LogDestination'] ??
            r.properties['LogGroupName'],
          r,
        ),
      }),
    ),
    ...inv.ofType('AWS::Lambda::Function').map((r) =>
      item(r, 'Lambda function', {
        Tracing: String(path(r.properties, 'TracingConfig', 'Mode') ?? 'PassThrough'),
        'Log group': inv.label(path(r.properties, 'LoggingConfig', 'LogGroup'), r),
        'Log format': String(path(r.properties, 'LoggingConfig', 'LogFormat') ?? 'Text'),
      }),
    ),
  ],

  'log-groups': (inv) =>
    inv.ofType('AWS::Logs::LogGroup').map((r) =>
      item(r, 'Log group', {
        'Retention (days)':
          r.properties['RetentionInDays'] !== undefined
            ? String(r.properties['RetentionInDays'])
            : 'never expires',
        Encryption: encryptionOf(inv, r) ?? '',
      }),
    ),

  monitoring: (inv) => [
    ...inv.ofType('AWS::Logs::MetricFilter').map((r) => {
      const t = asArray(r.properties['MetricTransformations'])[0];
      return item(r, 'Metric filter', {
        Pattern: String(r.properties['FilterPattern']).slice(0, 160),
        Metric: `${String(path(t, 'MetricNamespace'))}/${String(path(t, 'MetricName'))}`,
        'Log group': inv.label(r.properties['LogGroupName'], r),
      });
    }),
    ...inv.ofType('AWS::CloudWatch::Alarm').map((r) => alarmItem(inv, r)),
    ...inv
      .ofType('AWS::CloudWatch::Dashboard')
      .map((r) => item(r, 'Dashboard', { Name: inv.label(r.properties['DashboardName'], r) })),
  ],

  'login-monitoring': (inv) => [
    ...userPools(inv).map((r) =>
      item(r, 'Cognito threat protection', {
        'Threat protection': threatProtection(r),
        'Feature plan': String(r.properties['UserPoolTier'] ?? 'ESSENTIALS'),
      }),
    ),
    ...inv
      .ofType('AWS::Logs::MetricFilter')
      .filter((r) => LOGIN_PATTERN.test(String(r.properties['FilterPattern'])))
      .map((r) =>
        item(r, 'Sign-in metric filter', { Pattern: String(r.properties['FilterPattern']).slice(0, 160) }),
      ),
    ...inv
      .ofType('AWS::CloudWatch::Alarm')
      .filter((r) =>
        LOGIN_PATTERN.test(
          `${r.path} ${String(r.properties['MetricName'] ?? '')} ${String(r.properties['AlarmName'] ?? '')}`,
        ),
      )
      .map((r) => alarmItem(inv, r)),
  ],

  'incident-response': (inv) => [
    ...inv.ofType('AWS::SNS::Topic').map((r) => {
      const subscriptions = [
        ...asArray(r.properties['Subscription']).map(
          (s) => `${String(path(s, 'Protocol'))}: ${inv.label(path(s, 'Endpoint'), r)}`,
        ),
        ...inv
          .ofType('AWS::SNS::Subscription')
          .filter((s) => inv.referenced(s.properties['TopicArn'], s) === r)
          .map((s) => `${String(s.properties['Protocol'])}: ${inv.label(s.properties['Endpoint'], s)}`),
      ];
      const alarms = inv
        .ofType('AWS::CloudWatch::Alarm')
        .filter((a) => asArray(a.properties['AlarmActions']).some((x) => inv.referenced(x, a) === r));
      return item(r, 'Alarm topic', {
        Subscriptions: subscriptions.join('; ') || 'none',
        'Alarms notifying it': String(alarms.length),
        Encryption: encryptionOf(inv, r) ?? '',
      });
    }),
    ...inv.ofType('AWS::WAFv2::WebACL').map((r) =>
      item(r, 'WAF web ACL', {
        Scope: String(r.properties['Scope']),
        'Default action': Object.keys(asRecord(r.properties['DefaultAction']) ?? {}).join(', '),
        Rules: asArray(r.properties['Rules'])
          .map((rule) => {
            const managed = path(rule, 'Statement', 'ManagedRuleGroupStatement', 'Name');
            const rate = path(rule, 'Statement', 'RateBasedStatement', 'Limit');
            return `${String(path(rule, 'Name'))}${managed ? ` (${String(managed)})` : ''}${rate !== undefined ? ` (rate limit ${String(rate)})` : ''}`;
          })
          .join('; '),
      }),
    ),
  ],

  backups: (inv) => [
    ...inv.stacks.map((s) => ({
      what: 'Stack',
      stack: s.name,
      path: s.path,
      type: 'AWS::CloudFormation::Stack',
      settings: {
        'Termination protection': s.terminationProtection ? 'yes' : 'no',
        'Resources retained on delete': String(
          inv.resources.filter((r) => r.stack === s.name && r.deletionPolicy === 'Retain').length,
        ),
      },
    })),
    ...inv.ofType('AWS::DynamoDB::Table').map((r) =>
      item(r, 'DynamoDB table', {
        'Point-in-time recovery': yesNo(
          path(r.properties, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled'),
        ),
        'Deletion protection': yesNo(r.properties['DeletionProtectionEnabled']),
        'Deletion policy': r.deletionPolicy ?? 'Delete',
      }),
    ),
    ...inv.ofType('AWS::S3::Bucket').map((r) =>
      item(r, 'S3 bucket', {
        Bucket: inv.label(r.properties['BucketName'] ?? r.path, r),
        Versioning: String(path(r.properties, 'VersioningConfiguration', 'Status') ?? 'off'),
        Replication:
          asArray(path(r.properties, 'ReplicationConfiguration', 'Rules'))
            .map((rule) => inv.label(path(rule, 'Destination', 'Bucket'), r))
            .join(', ') || 'none',
        'Deletion policy': r.deletionPolicy ?? 'Delete',
      }),
    ),
    ...inv.ofType('AWS::Backup::BackupPlan').map((r) =>
      item(r, 'Backup plan', {
        Rules: asArray(path(r.properties, 'BackupPlan', 'BackupPlanRule'))
          .map(
            (rule) =>
              `${String(path(rule, 'RuleName'))}: ${String(path(rule, 'ScheduleExpression'))}, delete after ${String(path(rule, 'Lifecycle', 'DeleteAfterDays') ?? 'never')} days`,
          )
          .join('; '),
      }),
    ),
    ...inv.ofType('AWS::Backup::BackupVault').map((r) =>
      item(r, 'Backup vault', {
        Encryption: encryptionOf(inv, r) ?? '',
        Lock: r.properties['LockConfiguration'] ? 'yes' : 'no',
      }),
    ),
    ...inv.ofType('AWS::HealthLake::FHIRDatastore').map((r) =>
      item(r, 'FHIR datastore', {
        'Deletion policy': r.deletionPolicy ?? 'Delete',
        Version: String(r.properties['DatastoreTypeVersion']),
      }),
    ),
  ],

  'iam-roles': (inv) => {
    // One pass over the policies, not one per role: real apps have dozens of each.
    const attached = new Map<InventoryResource, number>();
    for (const p of inv.ofType('AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy')) {
      for (const ref of asArray(p.properties['Roles'])) {
        const role = inv.referenced(ref, p);
        if (role) attached.set(role, (attached.get(role) ?? 0) + 1);
      }
    }
    return inv.ofType('AWS::IAM::Role').map((r) =>
      item(r, 'IAM role', {
        'Trusted by': statements(r.properties['AssumeRolePolicyDocument'])
          .map((s) => inv.label(s['Principal'], r))
          .join('; '),
        Tier: r.tags['wellgate:tier'] ?? 'not tagged',
        'Managed policies': inv.label(r.properties['ManagedPolicyArns'] ?? [], r),
        'Attached policies': String((attached.get(r) ?? 0) + asArray(r.properties['Policies']).length),
      }),
    );
  },

  'user-groups': (inv) =>
    inv.ofType('AWS::Cognito::UserPoolGroup').map((r) =>
      item(r, 'Cognito group (role)', {
        Group: inv.label(r.properties['GroupName'], r),
        Precedence: inv.label(r.properties['Precedence'], r),
        Description: inv.label(r.properties['Description'], r),
      }),
    ),

  'resource-policies': (inv) => [
    ...inv.ofType('AWS::S3::BucketPolicy').map((r) =>
      item(r, 'Bucket policy', {
        Bucket: inv.label(r.properties['Bucket'], r),
        Denies:
          statements(r.properties['PolicyDocument'])
            .filter((s) => s['Effect'] === 'Deny')
            .map(
              (s) =>
                `${inv.label(s['Action'] ?? s['NotAction'], r)}${s['NotPrincipal'] ? ` except ${inv.label(s['NotPrincipal'], r)}` : ''}${
                  s['Condition']
                    ? ` when ${Object.entries(asRecord(s['Condition']) ?? {})
                        .map(([op, c]) => `${op} ${Object.keys(asRecord(c) ?? {}).join('/')}`)
                        .join(' and ')}`
                    : ''
                }`,
            )
            .join('; ') || 'none',
      }),
    ),
    ...inv.ofType('AWS::S3::Bucket').map((r) => {
      const block = asRecord(r.properties['PublicAccessBlockConfiguration']) ?? {};
      const all = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
        (k) => block[k] === true,
      );
      return item(r, 'Bucket public access', {
        'Public access blocked': all ? 'all four settings' : 'incomplete',
      });
    }),
  ],

  'encryption-at-rest': (inv) =>
    inv
      .ofType(...STORAGE_TYPES)
      .map((r) => item(r, r.type.split('::').slice(1).join(' '), { Encryption: encryptionOf(inv, r) ?? '' })),

  'kms-keys': (inv) =>
    inv.ofType('AWS::KMS::Key').map((r) => {
      const users = inv.referencing(r);
      const encrypts = users.filter(
        (u) => !/^AWS::(IAM|KMS)::/.test(u.type) && STORAGE_TYPES.includes(u.type),
      );
      const aliases = inv
        .ofType('AWS::KMS::Alias')
        .filter((a) => inv.referenced(a.properties['TargetKeyId'], a) === r);
      return item(r, 'KMS key', {
        Description: inv.label(r.properties['Description'], r),
        Alias: aliases.map((a) => inv.label(a.properties['AliasName'], a)).join(', ') || 'none',
        'Automatic rotation': yesNo(r.properties['EnableKeyRotation']),
        'Deletion window (days)': String(r.properties['PendingWindowInDays'] ?? 30),
        Encrypts: encrypts.map((u) => `${u.path} (${u.type})`).join('; ') || 'nothing found in the templates',
        'IAM policies granting use': String(users.filter((u) => u.type === 'AWS::IAM::Policy').length),
      });
    }),

  disposal: (inv) => [
    ...inv.ofType('AWS::KMS::Key').map((r) =>
      item(r, 'KMS key (crypto-shredding)', {
        'Deletion window (days)': String(r.properties['PendingWindowInDays'] ?? 30),
      }),
    ),
    ...inv
      .ofType('AWS::S3::Bucket')
      .filter((r) => path(r.properties, 'LifecycleConfiguration', 'Rules') !== undefined)
      .map((r) =>
        item(r, 'S3 lifecycle', {
          Rules: asArray(path(r.properties, 'LifecycleConfiguration', 'Rules'))
            .map(
              (rule) =>
                `${String(path(rule, 'Id') ?? 'rule')}: expire ${String(path(rule, 'ExpirationInDays') ?? '-')} d, noncurrent ${String(path(rule, 'NoncurrentVersionExpiration', 'NoncurrentDays') ?? path(rule, 'NoncurrentVersionExpirationInDays') ?? '-')} d`,
            )
            .join('; '),
        }),
      ),
    ...inv
      .ofType('AWS::DynamoDB::Table')
      .filter((r) => path(r.properties, 'TimeToLiveSpecification', 'Enabled') === true)
      .map((r) =>
        item(r, 'DynamoDB TTL', {
          Attribute: String(path(r.properties, 'TimeToLiveSpecification', 'AttributeName')),
        }),
      ),
  ],

  'api-authorization': (inv) => [
    ...inv.ofType('AWS::ApiGateway::RestApi').map((r) => {
      const methods = inv
        .ofType('AWS::ApiGateway::Method')
        .filter((m) => inv.referenced(m.properties['RestApiId'], m) === r);
      const byType = new Map<string, number>();
      for (const m of methods) {
        const t = String(m.properties['AuthorizationType'] ?? 'NONE');
        byType.set(t, (byType.get(t) ?? 0) + 1);
      }
      const open = methods
        .filter(
          (m) =>
            String(m.properties['AuthorizationType'] ?? 'NONE') === 'NONE' &&
            m.properties['HttpMethod'] !== 'OPTIONS',
        )
        .map((m) => m.path.replace(`${r.path.replace(/\/[^/]+$/, '')}/`, ''));
      return item(r, 'REST API', {
        Methods: [...byType.entries()].map(([t, n]) => `${n} ${t}`).join(', ') || 'none',
        'Methods without authorization (besides CORS preflight)': open.join(', ') || 'none',
      });
    }),
    ...inv.ofType('AWS::ApiGateway::Authorizer').map((r) =>
      item(r, 'API authorizer', {
        Type: String(r.properties['Type']),
        'Identity source': inv.label(r.properties['IdentitySource'], r),
        Providers: inv.label(r.properties['ProviderARNs'], r),
      }),
    ),
    ...inv.ofType('AWS::Lambda::Function').map((r) =>
      item(r, 'Lambda network and concurrency', {
        VPC: path(r.properties, 'VpcConfig', 'SubnetIds') !== undefined ? 'isolated subnets' : 'no VPC',
        'Reserved concurrency': inv.label(r.properties['ReservedConcurrentExecutions'], r),
      }),
    ),
  ],

  'user-identity': (inv) => [
    ...userPools(inv).map((r) =>
      item(r, 'Cognito user pool', {
        'Sign-in identifiers': inv.label(
          r.properties['UsernameAttributes'] ?? r.properties['AliasAttributes'] ?? 'username',
          r,
        ),
        'Case-sensitive usernames': yesNo(path(r.properties, 'UsernameConfiguration', 'CaseSensitive')),
        'Self sign-up':
          path(r.properties, 'AdminCreateUserConfig', 'AllowAdminCreateUserOnly') === true
            ? 'no (admin creates users)'
            : 'allowed',
        'Custom attributes':
          asArray(r.properties['Schema'])
            .map((a) => `${String(path(a, 'Name'))}${path(a, 'Mutable') === false ? ' (immutable)' : ''}`)
            .join(', ') || 'none',
      }),
    ),
    ...inv.ofType('AWS::Cognito::UserPoolClient').map((r) =>
      item(r, 'App client attributes', {
        'Writable attributes': inv.label(r.properties['WriteAttributes'] ?? 'all (not restricted)', r),
      }),
    ),
  ],

  'session-limits': (inv) =>
    inv.ofType('AWS::Cognito::UserPoolClient').map((r) => {
      const p = r.properties;
      const unit = (k: string, d: string): string => String(path(p, 'TokenValidityUnits', k) ?? d);
      return item(r, 'App client tokens', {
        'Access token':
          p['AccessTokenValidity'] !== undefined
            ? `${String(p['AccessTokenValidity'])} ${unit('AccessToken', 'hours')}`
            : 'default 60 minutes',
        'ID token':
          p['IdTokenValidity'] !== undefined
            ? `${String(p['IdTokenValidity'])} ${unit('IdToken', 'hours')}`
            : 'default 60 minutes',
        'Refresh token':
          p['RefreshTokenValidity'] !== undefined
            ? `${String(p['RefreshTokenValidity'])} ${unit('RefreshToken', 'days')}`
            : 'default 30 days',
        'Token revocation': yesNo(p['EnableTokenRevocation'] ?? true),
        'Sign-in session (minutes)': inv.label(p['AuthSessionValidity'] ?? 3, r),
      });
    }),

  integrity: (inv) => [
    ...inv.ofType('AWS::CloudTrail::Trail').map((r) =>
      item(r, 'CloudTrail log-file validation', {
        'Digest files (SHA-256, signed)': yesNo(r.properties['EnableLogFileValidation']),
      }),
    ),
    ...inv.ofType('AWS::S3::Bucket').map((r) =>
      item(r, 'S3 bucket', {
        Bucket: inv.label(r.properties['BucketName'] ?? r.path, r),
        Versioning: String(path(r.properties, 'VersioningConfiguration', 'Status') ?? 'off'),
        'Object Lock': objectLock(r),
      }),
    ),
    ...inv.ofType('AWS::ApiGateway::RequestValidator').map((r) =>
      item(r, 'API request validator', {
        Body: yesNo(r.properties['ValidateRequestBody']),
        Parameters: yesNo(r.properties['ValidateRequestParameters']),
      }),
    ),
  ],

  authentication: (inv) => [
    ...userPools(inv).map((r) => {
      const pw = asRecord(path(r.properties, 'Policies', 'PasswordPolicy')) ?? {};
      const requires = ['RequireUppercase', 'RequireLowercase', 'RequireNumbers', 'RequireSymbols'].filter(
        (k) => pw[k] === true,
      );
      return item(r, 'Cognito user pool', {
        MFA: String(r.properties['MfaConfiguration'] ?? 'OFF'),
        'MFA factors': inv.label(r.properties['EnabledMfas'] ?? 'none', r),
        'Password policy': `min length ${String(pw['MinimumLength'] ?? 8)}; ${requires.map((k) => k.replace('Require', '').toLowerCase()).join(', ') || 'no character classes'}; temporary password ${String(pw['TemporaryPasswordValidityDays'] ?? 7)} days`,
        'Threat protection': threatProtection(r),
      });
    }),
    ...inv.ofType('AWS::Cognito::UserPoolClient').map((r) =>
      item(r, 'App client', {
        'Client secret': yesNo(r.properties['GenerateSecret']),
        'OAuth flows': inv.label(r.properties['AllowedOAuthFlows'] ?? 'none', r),
        'Auth flows': inv.label(r.properties['ExplicitAuthFlows'] ?? 'default', r),
        'User existence errors': String(r.properties['PreventUserExistenceErrors'] ?? 'LEGACY'),
      }),
    ),
    ...inv.ofType('AWS::ApiGateway::Authorizer').map((r) =>
      item(r, 'API authorizer', {
        Type: String(r.properties['Type']),
        Providers: inv.label(r.properties['ProviderARNs'], r),
      }),
    ),
  ],

  transmission: (inv) => [
    ...inv.ofType('AWS::S3::BucketPolicy').map((r) =>
      item(r, 'Bucket policy', {
        Bucket: inv.label(r.properties['Bucket'], r),
        'TLS only': requiresTls(r.properties['PolicyDocument']) ? 'yes' : 'no',
        'Minimum TLS version': minimumTls(r.properties['PolicyDocument']) ?? 'not enforced by policy',
      }),
    ),
    ...inv.ofType('AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy').map((r) =>
      item(r, r.type === 'AWS::SNS::TopicPolicy' ? 'Topic policy' : 'Queue policy', {
        'TLS only': requiresTls(r.properties['PolicyDocument']) ? 'yes' : 'no',
      }),
    ),
    ...inv.ofType('AWS::ApiGateway::RestApi').map((r) =>
      item(r, 'REST API endpoint', {
        Endpoint: inv.label(path(r.properties, 'EndpointConfiguration', 'Types') ?? 'EDGE', r),
        'Security policy': inv.label(
          r.properties['SecurityPolicy'] ?? 'TLS_1_0 (API Gateway default for execute-api)',
          r,
        ),
        'Default execute-api endpoint':
          r.properties['DisableExecuteApiEndpoint'] === true ? 'disabled' : 'enabled',
      }),
    ),
    ...inv.ofType('AWS::ApiGateway::DomainName').map((r) =>
      item(r, 'Custom domain', {
        Domain: inv.label(r.properties['DomainName'], r),
        'Security policy': inv.label(r.properties['SecurityPolicy'] ?? 'TLS_1_0', r),
      }),
    ),
    ...inv.ofType('AWS::WAFv2::WebACLAssociation').map((r) =>
      item(r, 'WAF association', {
        Resource: inv.label(r.properties['ResourceArn'], r),
        'Web ACL': inv.label(r.properties['WebACLArn'], r),
      }),
    ),
    ...inv.ofType('AWS::EC2::VPCEndpoint').map((r) =>
      item(r, 'VPC endpoint', {
        Service: inv.label(r.properties['ServiceName'], r),
        Type: String(r.properties['VpcEndpointType'] ?? 'Gateway'),
        'Private DNS': yesNo(r.properties['PrivateDnsEnabled']),
      }),
    ),
  ],
};
