import { App, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { WellgateChecks } from '../lib/nag/wellgate-checks';
import { DeploymentNames } from '../lib/naming';
import { testConfig } from './helpers/cdk';

const config = testConfig();
const names = new DeploymentNames(config);

function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id, { env: { account: config.account, region: config.region } });
}

/** "Rule — construct path" for every open Wellgate finding. */
function findings(stack: Stack): string[] {
  const report = new WellgateChecks(undefined, config).validateScope(stack.node.root);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} — ${r.constructPath}`),
  );
}

function ruleNames(stack: Stack): string[] {
  return [...new Set(findings(stack).map((f) => f.split(' — ')[0] ?? f))];
}

const inlineCode = lambda.Code.fromInline('export const handler = async () => ({});');

describe('Wellgate-LogGroupCmkEncrypted', () => {
  it('passes a log group encrypted with a customer-managed key', () => {
    const stack = newStack();
    new logs.LogGroup(stack, 'Logs', {
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    });
    expect(ruleNames(stack)).not.toContain('Wellgate-LogGroupCmkEncrypted');
  });

  it('reports a log group without KmsKeyId, naming its path', () => {
    const stack = newStack();
    new logs.LogGroup(stack, 'Logs');
    expect(findings(stack)).toContain('Wellgate-LogGroupCmkEncrypted — Test/Logs/Resource');
  });

  it('is not fooled by a property override that removes the key', () => {
    const stack = newStack();
    const group = new logs.LogGroup(stack, 'Logs', { encryptionKey: new kms.Key(stack, 'Key') });
    (group.node.defaultChild as logs.CfnLogGroup).addPropertyDeletionOverride('KmsKeyId');
    expect(ruleNames(stack)).toContain('Wellgate-LogGroupCmkEncrypted');
  });
});

describe('Wellgate-StateMachineNoExecutionData', () => {
  function machine(stack: Stack, logOptions: Partial<sfn.LogOptions> | undefined, tracing: boolean): void {
    const destination = new logs.LogGroup(stack, 'SfnLogs', { encryptionKey: new kms.Key(stack, 'Key') });
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
      logs: logOptions ? { destination, level: sfn.LogLevel.ALL, ...logOptions } : undefined,
      tracingEnabled: tracing,
    });
  }

  it('passes logging ALL without execution data and with tracing', () => {
    const stack = newStack();
    machine(stack, { includeExecutionData: false }, true);
    expect(ruleNames(stack)).not.toContain('Wellgate-StateMachineNoExecutionData');
  });

  it('reports CDK’s default of including execution data', () => {
    const stack = newStack();
    machine(stack, {}, true);
    expect(findings(stack)).toContain('Wellgate-StateMachineNoExecutionData — Test/Machine/Resource');
  });

  it('reports a machine without logging, and one without tracing', () => {
    const noLogs = newStack();
    machine(noLogs, undefined, true);
    expect(ruleNames(noLogs)).toContain('Wellgate-StateMachineNoExecutionData');
    const noTracing = newStack();
    machine(noTracing, { includeExecutionData: false }, false);
    expect(ruleNames(noTracing)).toContain('Wellgate-StateMachineNoExecutionData');
  });
});

describe('Wellgate-AuditBucketComplianceLock', () => {
  function auditBucket(
    stack: Stack,
    retention: s3.ObjectLockRetention | undefined,
    name = names.bucket('audit'),
  ) {
    return new s3.Bucket(stack, 'Audit', {
      bucketName: name,
      objectLockEnabled: true,
      objectLockDefaultRetention: retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  it('passes COMPLIANCE mode for the configured years, or the same span in days', () => {
    const years = newStack();
    auditBucket(years, s3.ObjectLockRetention.compliance(Duration.days(365 * config.retention.auditYears)));
    expect(ruleNames(years)).not.toContain('Wellgate-AuditBucketComplianceLock');
    const override = newStack();
    const bucket = auditBucket(override, undefined);
    (bucket.node.defaultChild as s3.CfnBucket).objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: config.retention.auditYears } },
    };
    expect(ruleNames(override)).not.toContain('Wellgate-AuditBucketComplianceLock');
  });

  it('reports GOVERNANCE mode, a shorter retention, and no default retention', () => {
    const governance = newStack();
    auditBucket(governance, s3.ObjectLockRetention.governance(Duration.days(365 * 6)));
    expect(findings(governance)).toContain('Wellgate-AuditBucketComplianceLock — Test/Audit/Resource');
    const short = newStack();
    auditBucket(
      short,
      s3.ObjectLockRetention.compliance(Duration.days(365 * config.retention.auditYears - 1)),
    );
    expect(ruleNames(short)).toContain('Wellgate-AuditBucketComplianceLock');
    const none = newStack();
    auditBucket(none, undefined);
    expect(ruleNames(none)).toContain('Wellgate-AuditBucketComplianceLock');
  });

  it('ignores buckets with another name', () => {
    const stack = newStack();
    auditBucket(stack, undefined, names.bucket('export'));
    expect(ruleNames(stack)).not.toContain('Wellgate-AuditBucketComplianceLock');
  });
});

describe('Wellgate-LambdaNoEventLogging', () => {
  function fn(stack: Stack, environment: Record<string, string>): void {
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: inlineCode,
      environment,
    });
  }

  it('passes POWERTOOLS_LOGGER_LOG_EVENT=false', () => {
    const stack = newStack();
    fn(stack, { POWERTOOLS_LOGGER_LOG_EVENT: 'false', POWERTOOLS_SERVICE_NAME: 'x' });
    expect(ruleNames(stack)).not.toContain('Wellgate-LambdaNoEventLogging');
  });

  it('reports POWERTOOLS_LOGGER_LOG_EVENT=true and look-alike variables', () => {
    const powertools = newStack();
    fn(powertools, { POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    expect(findings(powertools)).toContain('Wellgate-LambdaNoEventLogging — Test/Fn/Resource');
    const custom = newStack();
    fn(custom, { app_log_event: 'TRUE' });
    expect(ruleNames(custom)).toContain('Wellgate-LambdaNoEventLogging');
  });
});

describe('Wellgate-ApiRolesCannotReadTrainingBucket', () => {
  function trainingStack(): { stack: Stack; bucket: s3.Bucket; key: kms.Key } {
    const stack = newStack('Training');
    const key = new kms.Key(stack, 'TrainingKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'TrainingBucket', {
      bucketName: names.bucket('training'),
      encryptionKey: key,
    });
    return { stack, bucket, key };
  }

  function apiRole(stack: Stack, id = 'ApiRole'): iam.Role {
    const role = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Tags.of(role).add('wellgate:tier', 'api');
    return role;
  }

  it('passes an API role that reads another bucket, and a pipeline role that reads training data', () => {
    const { stack, bucket } = trainingStack();
    const other = new s3.Bucket(stack, 'Other');
    other.grantRead(apiRole(stack));
    const pipeline = new iam.Role(stack, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    });
    Tags.of(pipeline).add('wellgate:tier', 'pipeline');
    bucket.grantRead(pipeline);
    expect(ruleNames(stack)).not.toContain('Wellgate-ApiRolesCannotReadTrainingBucket');
  });

  it('reports an API role granted read on the training bucket (bucket and key)', () => {
    const { stack, bucket } = trainingStack();
    bucket.grantRead(apiRole(stack));
    expect(findings(stack)).toContain(
      'Wellgate-ApiRolesCannotReadTrainingBucket — Training/ApiRole/DefaultPolicy/Resource',
    );
  });

  it('follows a reference into another stack (the API stack reads the training stack’s bucket)', () => {
    const { stack, bucket } = trainingStack();
    const api = new Stack(stack.node.root, 'Api', {
      env: { account: config.account, region: config.region },
    });
    bucket.grantRead(apiRole(api));
    expect(findings(stack)).toContain(
      'Wellgate-ApiRolesCannotReadTrainingBucket — Api/ApiRole/DefaultPolicy/Resource',
    );
  });

  it('reports s3:* on "*", kms:Decrypt on the training key, and a wildcard ARN covering the bucket', () => {
    const cases: Array<(stack: Stack, key: kms.Key) => iam.PolicyStatement> = [
      () => new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
      (_stack, key) => new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }),
      () => new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::wellgate-*/*'] }),
    ];
    for (const statement of cases) {
      const { stack, key } = trainingStack();
      apiRole(stack).addToPolicy(statement(stack, key));
      expect(ruleNames(stack)).toContain('Wellgate-ApiRolesCannotReadTrainingBucket');
    }
  });

  it('reports an inline policy on a tagged CfnRole (tag rendered on the resource)', () => {
    const { stack, bucket } = trainingStack();
    new iam.CfnRole(stack, 'L1Role', {
      assumeRolePolicyDocument: { Statement: [] },
      tags: [{ key: 'wellgate:tier', value: 'api' }],
      policies: [
        {
          policyName: 'read',
          policyDocument: {
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket.bucketArn}/*` }],
          },
        },
      ],
    });
    expect(findings(stack)).toContain('Wellgate-ApiRolesCannotReadTrainingBucket — Training/L1Role');
  });
});

describe('acknowledgments', () => {
  it('a finding acknowledged on the construct that causes it is not reported; others still are', () => {
    const stack = newStack();
    const group = new logs.LogGroup(stack, 'Logs');
    const other = new logs.LogGroup(stack, 'OtherLogs');
    Validations.of(group).acknowledge({
      id: 'Wellgate-LogGroupCmkEncrypted',
      reason: 'Test fixture: acknowledged on the construct that causes it.',
    });
    expect(findings(stack)).toEqual([`Wellgate-LogGroupCmkEncrypted — ${other.node.path}/Resource`]);
  });
});

describe('WellgateChecks without a config', () => {
  it('still runs the rules that need no deployment names', () => {
    const stack = newStack();
    new logs.LogGroup(stack, 'Logs');
    const report = new WellgateChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual(['Wellgate-LogGroupCmkEncrypted']);
    expect(new WellgateChecks().name).toBe('Wellgate');
  });
});
