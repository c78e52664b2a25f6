import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';
import { partitionOf } from './immutable-audit-bucket';

/**
 * Lets CloudWatch Logs use `key` for one log group, named literally (the key cannot reference the
 * log group: the log group references the key). CloudWatch Logs User Guide, "Encrypt log data in
 * CloudWatch Logs using AWS KMS".
 */
export function allowLogGroupEncryption(key: kms.IKey, logGroupName: string, sid: string): void {
  const stack = Stack.of(key);
  const partition = partitionOf(stack.region);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${stack.region}:${stack.account}:log-group:${logGroupName}`,
        },
      },
    }),
  );
}

export interface AuditTrailProps {
  readonly trailName: string;
  /** The Object Lock audit bucket; this construct adds CloudTrail's statements to its policy. */
  readonly bucket: s3.Bucket;
  /** Key prefix of CloudTrail's log files in the bucket (`DeploymentNames.CLOUDTRAIL_PREFIX`). */
  readonly deliveryPrefix: string;
  /** Encrypts log files and the CloudWatch Logs copy; this construct adds the key-policy statements. */
  readonly encryptionKey: kms.IKey;
  readonly logGroupName: string;
  readonly logRetention: logs.RetentionDays;
  /**
   * S3 object ARN prefixes whose reads and writes are recorded as data events, as literal ARNs
   * (`arn:aws:s3:::<bucket>/` or `arn:aws:s3:::<bucket>/<prefix>`). Names, not references: the
   * PHI buckets belong to stacks deployed after this one.
   */
  readonly s3DataEventArns: readonly string[];
}

/**
 * One multi-Region CloudTrail trail for the account: management events, S3 object-level data
 * events for every PHI bucket and the application audit prefix, and every Lambda invocation.
 * Log files are SSE-KMS encrypted, digest-signed (log-file validation) and land in the Object Lock
 * bucket; a CMK-encrypted CloudWatch Logs copy feeds the security alarms.
 * 45 CFR 164.312(b) audit controls, 164.308(a)(1)(ii)(D) information system activity review,
 * 164.312(c)(2) mechanism to authenticate the records (digest files).
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly logGroup: logs.LogGroup;
  /** Literal ARN of the trail (the key and bucket policies use it as aws:SourceArn). */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const partition = partitionOf(stack.region);
    this.trailArn = `arn:${partition}:cloudtrail:${stack.region}:${stack.account}:trail/${props.trailName}`;
    const onlyThisTrail = { StringEquals: { 'aws:SourceArn': this.trailArn } };
    const cloudTrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');

    // CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail".
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogFiles',
        principals: [cloudTrailPrincipal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          ...onlyThisTrail,
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrailPrincipal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: onlyThisTrail,
      }),
    );

    // CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail", with aws:SourceArn so that
    // no other account's trail can write here (confused deputy).
    const bucketPolicyStatements = [
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailAclCheck',
        principals: [cloudTrailPrincipal],
        actions: ['s3:GetBucketAcl'],
        resources: [props.bucket.bucketArn],
        conditions: onlyThisTrail,
      }),
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailWrite',
        principals: [cloudTrailPrincipal],
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${props.deliveryPrefix}/AWSLogs/${stack.account}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': this.trailArn },
        },
      }),
    ];
    for (const statement of bucketPolicyStatements) props.bucket.addToResourcePolicy(statement);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowLogGroupEncryption(
      props.encryptionKey,
      props.logGroupName,
      'AllowCloudWatchLogsForCloudTrailLogGroup',
    );

    // The trail gets a read-only view of the bucket: the L2 would otherwise add its own bucket
    // statements without aws:SourceArn. The statements above replace them.
    const deliveryTarget = s3.Bucket.fromBucketAttributes(this, 'DeliveryTarget', {
      bucketArn: props.bucket.bucketArn,
      bucketName: props.bucket.bucketName,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: deliveryTarget,
      s3KeyPrefix: props.deliveryPrefix,
      encryptionKey: props.encryptionKey,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    if (props.bucket.policy) this.trail.node.addDependency(props.bucket.policy);

    // Who read or wrote which PHI object, and which function ran, as data events.
    this.trail.addEventSelector(cloudtrail.DataResourceType.S3_OBJECT, [...props.s3DataEventArns], {
      includeManagementEvents: false,
      readWriteType: cloudtrail.ReadWriteType.ALL,
    });
    this.trail.addEventSelector(cloudtrail.DataResourceType.LAMBDA_FUNCTION, [`arn:${partition}:lambda`], {
      includeManagementEvents: false,
      readWriteType: cloudtrail.ReadWriteType.ALL,
    });

    const logsRole = this.trail.node.findChild('LogsRole');
    acknowledge(
      logsRole,
      'HIPAA.Security-IAMNoInlinePolicy',
      'CDK grants produce one inline policy per role; an inline policy cannot be attached to any other principal, which is what least privilege wants.',
    );
  }
}
