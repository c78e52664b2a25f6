import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';
import { allowLogGroupEncryption } from './audit-trail';
import { partitionOf } from './immutable-audit-bucket';

export interface AuditEventStreamProps {
  readonly deliveryStreamName: string;
  /** The Object Lock audit bucket. */
  readonly bucket: s3.IBucket;
  /** Key prefix of delivered events (`DeploymentNames.APP_AUDIT_PREFIX`, ending in "/"). */
  readonly prefix: string;
  /** The audit CMK: stream encryption at rest, objects (SSE-KMS), error logs. */
  readonly encryptionKey: kms.IKey;
  readonly errorLogGroupName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Firehose (Direct PUT) that batches application audit events (JSON lines) into the Object Lock
 * audit bucket under the app-audit prefix, partitioned by delivery date. Encrypted at rest in the
 * stream and in S3 with the audit CMK; delivery errors go to a CMK-encrypted log group.
 * 45 CFR 164.312(b) audit controls, 164.312(c)(1) integrity.
 *
 * Built on the L1 resource: the L2 S3 destination grants its role read, write and delete on the
 * whole bucket, and this role gets only what the Firehose Developer Guide lists for an S3
 * destination ("Grant Firehose access to an Amazon S3 destination"), confined to the prefix.
 */
export class AuditEventStream extends Construct {
  readonly deliveryStream: firehose.IDeliveryStream;
  readonly role: iam.Role;
  readonly errorLogGroup: logs.LogGroup;
  readonly resource: firehose.CfnDeliveryStream;

  constructor(scope: Construct, id: string, props: AuditEventStreamProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const partition = partitionOf(stack.region);
    const errorStreamName = 'S3Delivery';

    this.errorLogGroup = new logs.LogGroup(this, 'ErrorLogs', {
      logGroupName: props.errorLogGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowLogGroupEncryption(
      props.encryptionKey,
      props.errorLogGroupName,
      'AllowCloudWatchLogsForAuditStreamErrors',
    );
    const errorStream = new logs.LogStream(this, 'S3DeliveryErrors', {
      logGroup: this.errorLogGroup,
      logStreamName: errorStreamName,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const objects = props.bucket.arnForObjects(`${props.prefix}*`);
    this.role = new iam.Role(this, 'Role', {
      // Firehose passes the account id as external id (Firehose Developer Guide, "Controlling
      // access with Amazon Data Firehose"): no other account's stream can use this role.
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
      description: 'Firehose delivery of application audit events into the audit bucket',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.bucket.bucketArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }),
    );
    // S3 Bucket Keys make the bucket ARN the encryption context of every object.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [props.bucket.bucketArn, objects] },
        },
      }),
    );
    const errorStreamArn = `arn:${partition}:logs:${stack.region}:${stack.account}:log-group:${props.errorLogGroupName}:log-stream:${errorStreamName}`;
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [errorStreamArn] }),
    );
    acknowledge(
      this.role,
      'HIPAA.Security-IAMNoInlinePolicy',
      'CDK grants produce one inline policy per role; an inline policy cannot be attached to any other principal, which is what least privilege wants.',
    );
    acknowledge(
      this.role,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${props.prefix}*]`,
      'Firehose names each object from the delivery time and a random suffix, so object keys are unknown in advance; the wildcard is confined to the app-audit prefix of the audit bucket, and Object Lock prevents overwriting delivered records.',
    );

    this.resource = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamName: props.deliveryStreamName,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: {
        keyType: 'CUSTOMER_MANAGED_CMK',
        keyArn: props.encryptionKey.keyArn,
      },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: `${props.prefix}year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
        errorOutputPrefix: `${props.prefix}errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
        // Audit events should reach the locked bucket within minutes (45 CFR 164.312(b)).
        bufferingHints: { intervalInSeconds: Duration.minutes(5).toSeconds(), sizeInMBs: 5 },
        compressionFormat: 'GZIP',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.encryptionKey.keyArn } },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.errorLogGroup.logGroupName,
          logStreamName: errorStreamName,
        },
      },
    });
    // The role's policy must exist before Firehose first tries to deliver.
    this.resource.node.addDependency(this.role);
    this.resource.node.addDependency(errorStream);

    this.deliveryStream = firehose.DeliveryStream.fromDeliveryStreamAttributes(this, 'Stream', {
      deliveryStreamArn: this.resource.attrArn,
      deliveryStreamName: this.resource.ref,
    });
  }
}
