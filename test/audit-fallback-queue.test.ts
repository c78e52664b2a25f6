import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmfSecurityMetrics } from '../lambdas/adapters/emf-security-metrics';
import { AuditFallbackQueue } from '../lib/constructs/audit-fallback-queue';
import { SECURITY_METRICS } from '../lib/security-metrics';
import { appWithoutBundling, nagFindings } from './helpers/cdk';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function build() {
  const app = appWithoutBundling();
  const stack = new Stack(app, 'Fallback', { env: { account: '111111111111', region: 'us-east-1' } });
  const auditKey = new kms.Key(stack, 'AuditKey', { enableKeyRotation: true });
  const logsKey = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
  const phiKey = new kms.Key(stack, 'PhiKey', { enableKeyRotation: true });
  const auditTable = new dynamodb.Table(stack, 'AuditIndex', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: phiKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const alarmTopic = new sns.Topic(stack, 'Alarms', { masterKey: auditKey, enforceSSL: true });
  const fallback = new AuditFallbackQueue(stack, 'AuditFallback', {
    encryptionKey: auditKey,
    logsKey,
    logRetention: logs.RetentionDays.SIX_YEARS,
    reservedConcurrency: 10,
    auditTable,
    auditDeliveryStream: firehose.DeliveryStream.fromDeliveryStreamName(stack, 'Stream', 'oakridge-audit'),
    alarmTopic,
    alarmNamePrefix: 'wellgate-oakridge',
  });
  const producer = new iam.Role(stack, 'Producer', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  fallback.grantSend(producer);
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
  return {
    stack,
    template: Template.fromStack(stack),
    fallback,
    auditKey,
    auditTable,
    alarmTopic,
    producer,
    idOf,
  };
}

describe('AuditFallbackQueue', () => {
  const { template, fallback, auditKey, auditTable, alarmTopic, producer, idOf } = build();
  const queueId = idOf(fallback.queue);
  const deadLettersId = idOf(fallback.deadLetterQueue);
  const auditKeyArn = { 'Fn::GetAtt': [idOf(auditKey), 'Arn'] };

  const statementsOfRole = (role: iam.IRole): Statement[] => {
    const roleId = idOf(role as iam.Role);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };

  it('has no open finding from the HIPAA Security, AwsSolutions and Serverless packs (the fixtures aside)', () => {
    expect(nagFindings(fallback)).toEqual([]);
  });

  it('encrypts the queue and its dead-letter queue with the audit key, keeps messages 14 days, retains both', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    for (const id of [queueId, deadLettersId]) {
      const queue = template.toJSON().Resources[id];
      expect(queue).toMatchObject({
        Properties: { KmsMasterKeyId: auditKeyArn, MessageRetentionPeriod: 14 * 86_400 },
        DeletionPolicy: 'Retain',
      });
    }
  });

  it('moves a message to the dead-letter queue after 12 deliveries; visibility six times the consumer timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId, 'Arn'] }, maxReceiveCount: 12 },
      VisibilityTimeout: 180,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 30,
      ReservedConcurrentExecutions: 10,
    });
  });

  it('refuses any request without TLS on both queues', () => {
    for (const id of [queueId, deadLettersId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('the consumer reads the queue with partial batch responses, below its reserved concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('the consumer appends to the audit table only (no update, no delete) and cannot send to the queue', () => {
    const statements = statementsOfRole(fallback.consumer.role);
    const actions = statements.flatMap((s) => asArray(s.Action));
    const tableArn = { 'Fn::GetAtt': [idOf(auditTable), 'Arn'] };
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asArray(s.Action)).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    for (const s of dynamo) expect(asArray(s.Resource)).toEqual([tableArn]);
    expect(actions).toEqual(
      expect.arrayContaining(['firehose:PutRecord', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('grantSend gives SendMessage on this queue and the audit key data-key actions, nothing more', () => {
    const statements = statementsOfRole(producer);
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: auditKeyArn }),
    ]);
  });

  it('alarms on every deferred event, every event that could not be queued, and any dead letter', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const topic = { Ref: idOf(alarmTopic) };
    const common = {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    };
    for (const metricName of [SECURITY_METRICS.auditEventsDeferred, SECURITY_METRICS.auditFallbackFailed]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common,
        AlarmName: `wellgate-oakridge-${metricName}`,
        Namespace: SECURITY_METRICS.namespace,
        MetricName: metricName,
        Statistic: 'Sum',
        Dimensions: Match.absent(),
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmName: 'wellgate-oakridge-AuditFallbackDeadLetters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId, 'QueueName'] } }],
    });
  });

  it('the alarms watch the dimensionless metric the application emits', () => {
    const lines: string[] = [];
    const metrics = new EmfSecurityMetrics((line) => lines.push(line));
    metrics.auditEventDeferred({ operationId: 'sendChatMessage' });
    metrics.auditFallbackFailed({ operationId: 'sendChatMessage' });
    const emitted = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emitted).toEqual(
      [SECURITY_METRICS.auditEventsDeferred, SECURITY_METRICS.auditFallbackFailed].map((name) =>
        expect.objectContaining({
          _aws: expect.objectContaining({
            CloudWatchMetrics: [
              {
                Namespace: SECURITY_METRICS.namespace,
                Dimensions: [[], ['operationId']],
                Metrics: [{ Name: name, Unit: 'Count' }],
              },
            ],
          }),
          operationId: 'sendChatMessage',
          [name]: 1,
        }),
      ),
    );
  });
});
