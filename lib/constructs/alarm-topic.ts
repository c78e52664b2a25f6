import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';
import { partitionOf } from './immutable-audit-bucket';

export interface AlarmTopicProps {
  /** Physical topic name: the key policy names the topic by ARN, which a Ref would make circular. */
  readonly topicName: string;
  readonly displayName: string;
  /** Security contact (`config.alarmEmail`). */
  readonly email: string;
  /** Customer managed key for the topic and its dead-letter queue; this construct adds its key-policy statements. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The one topic every security and operations alarm publishes to (45 CFR 164.308(a)(6)(ii),
 * security incident response and reporting). Encrypted with a CMK, TLS-only publishing, e-mail to
 * the security contact, and a KMS-encrypted dead-letter queue that keeps any notification the
 * e-mail endpoint could not take.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const topicArn = `arn:${partitionOf(stack.region)}:sns:${stack.region}:${stack.account}:${props.topicName}`;

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: props.displayName,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });

    // CloudWatch alarms of this account (this stack's and the monitoring stack's) may publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${partitionOf(stack.region)}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
    // A KMS-encrypted topic needs CloudWatch to be allowed to use the key
    // (CloudWatch User Guide, "Encrypted Amazon SNS topics as alarm actions").
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // The documented statement has no condition: SNS calls KMS on the publisher's behalf, and
        // the topic policy above already limits publishers to this account's alarms.
        resources: ['*'],
      }),
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // SNS moves undeliverable notifications into the encrypted queue (SNS Developer Guide,
    // "Configuring an Amazon SNS dead-letter queue for a subscription").
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmTopicDeadLetterDelivery',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': topicArn } },
      }),
    );
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the alarm e-mail subscription; a DLQ of a DLQ would only move the same messages again.',
    );
    acknowledge(
      this.deadLetterQueue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself the dead-letter queue of the alarm e-mail subscription; nothing consumes from it, so a redrive policy would never fire.',
    );

    this.topic.addSubscription(
      new subscriptions.EmailSubscription(props.email, { deadLetterQueue: this.deadLetterQueue }),
    );
  }
}
