import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionNetwork } from '../contracts';
import { RUNTIME_ENV } from '../contracts';
import { acknowledge } from '../nag/acknowledge';
import { SECURITY_METRICS } from '../security-metrics';
import { SecureFunction } from './secure-function';

/** The consumer's limit per batch; the queue's visibility timeout is six times it (AWS guidance). */
const CONSUMER_TIMEOUT = Duration.seconds(30);
/**
 * Deliveries before a message moves to the dead-letter queue: with the 3-minute visibility
 * timeout, about 36 minutes of retries, enough to ride out a short audit outage; longer ones
 * reach the dead-letter queue, whose alarm asks an operator to redrive it once the trail is back.
 */
const MAX_RECEIVE_COUNT = 12;
const RETENTION = Duration.days(14);

export interface AuditFallbackQueueProps {
  /** Customer managed key of the audit records: the queue and its dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Customer managed key of the consumer's log group and environment. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly reservedConcurrency: number;
  readonly network?: FunctionNetwork;
  /** The hash-chained audit table the consumer appends to (read the chain, put the next item). */
  readonly auditTable: dynamodb.ITable;
  /** The Firehose stream that copies every appended event to the Object Lock bucket. */
  readonly auditDeliveryStream: firehose.IDeliveryStream;
  readonly alarmTopic: sns.ITopic;
  /** Prefix of the alarm names, so the e-mail subject names the clinic deployment. */
  readonly alarmNamePrefix: string;
}

/**
 * Where an audit event waits when its answer had to go out while the audit trail was down (the
 * assistant's emergency answer, `Audited.deferAuditOnFailure`): an SQS queue on the audit key,
 * TLS only, with an alarmed dead-letter queue, and a consumer that appends each event to the
 * audit chain once by eventId, reporting partial batch failures so only failed events retry.
 * Alarms: every deferred event, every event that could not be queued, any dead letter.
 * 45 CFR 164.312(b) audit controls, 164.308(a)(1)(ii)(D) activity review.
 */
export class AuditFallbackQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly consumer: SecureFunction;
  readonly alarms: readonly cloudwatch.Alarm[];
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: AuditFallbackQueueProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      // Undelivered audit events outlive the (stateless) stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the audit fallback queue; a DLQ of a DLQ would only move the same audit events again. Its depth is alarmed, and an operator redrives it to the source queue.',
    );
    acknowledge(
      this.deadLetterQueue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself the dead-letter queue of the audit fallback queue; nothing consumes from it automatically, so a redrive policy would never fire. Its depth is alarmed and an operator redrives it.',
    );

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.consumer = new SecureFunction(this, 'Consumer', {
      entry: 'lambdas/handlers/audit-fallback.ts',
      description: 'Wellgate audit fallback: appends audit events deferred while the audit trail was down',
      encryptionKey: props.logsKey,
      logRetention: props.logRetention,
      reservedConcurrency: props.reservedConcurrency,
      vpc: props.network?.vpc,
      securityGroups: props.network ? [props.network.functionSecurityGroup] : undefined,
      invocation: 'queue',
      timeout: CONSUMER_TIMEOUT,
      environment: {
        [RUNTIME_ENV.auditTable]: props.auditTable.tableName,
        [RUNTIME_ENV.auditStream]: props.auditDeliveryStream.deliveryStreamName,
      },
    });
    const role = this.consumer.role;
    // Append-only, as for the API functions: read the chain, put the next item, never rewrite one.
    props.auditTable.grant(role, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem');
    props.auditTable.encryptionKey?.grant(
      role,
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
    );
    props.auditDeliveryStream.grantPutRecords(role);

    this.consumer.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Below the reserved concurrency: a throttled delivery would still count as a receive.
        maxConcurrency: Math.min(2, props.reservedConcurrency),
      }),
    );
    const mapping = this.consumer.function.node.children.find((child): child is lambda.EventSourceMapping =>
      child.node.id.startsWith('SqsEventSource'),
    );
    if (mapping) {
      acknowledge(
        mapping,
        'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source mappings take no on-failure destination (Lambda supports one for stream and Kafka sources only); a failed message returns to the queue and, after maxReceiveCount, moves to its KMS-encrypted dead-letter queue, whose depth is alarmed.',
      );
    }

    this.alarms = this.createAlarms(props);
  }

  /** SendMessage on this queue with the audit key, nothing else: for functions that defer audit events. */
  grantSend(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
    // SQS encrypts each message under a data key of the queue's CMK on the sender's behalf.
    this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  private createAlarms(props: AuditFallbackQueueProps): cloudwatch.Alarm[] {
    const action = new cw_actions.SnsAction(props.alarmTopic);
    const securityMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: SECURITY_METRICS.namespace,
        metricName,
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
    const specs: ReadonlyArray<{ id: string; description: string; metric: cloudwatch.IMetric }> = [
      {
        id: 'AuditEventsDeferred',
        description:
          'The audit trail failed and an answer went out with its audit event on the fallback queue (it is appended once the trail is back). Check the audit table and Firehose.',
        metric: securityMetric(SECURITY_METRICS.auditEventsDeferred),
      },
      {
        id: 'AuditFallbackFailed',
        description:
          'An answer went out while neither the audit trail nor the fallback queue took its audit event: the event is missing. The error log "audit event not deferred" names its eventId; restore it (45 CFR 164.312(b)).',
        metric: securityMetric(SECURITY_METRICS.auditFallbackFailed),
      },
      {
        id: 'AuditFallbackDeadLetters',
        description:
          'Deferred audit events could not be appended after every retry and wait in the dead-letter queue. Once the audit trail works again, redrive the dead-letter queue to the fallback queue.',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
      },
    ];
    return specs.map((spec) => {
      const alarm = new cloudwatch.Alarm(this, `${spec.id}Alarm`, {
        alarmName: `${props.alarmNamePrefix}-${spec.id}`,
        alarmDescription: `[audit-fallback] ${spec.description}`,
        metric: spec.metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No deferred event in a period is zero, not a failure to report.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
