import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';

/** ARN partition of a Region, as a literal (`aws`, `aws-us-gov`, `aws-cn`): names stay readable in templates. */
export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? 'aws';
}

/** Where a bucket's objects are copied for disaster recovery (config `disasterRecovery.region`). */
export interface CrossRegionReplicaTarget {
  readonly region: string;
  /** Physical name of the replica bucket, created by the replica stack in `region`. */
  readonly bucketName: string;
  /**
   * Alias (`alias/...`) of the replica's customer managed key in `region`. An alias, because the
   * key ARN of another Region's stack is not known here; S3 accepts an alias ARN as ReplicaKmsKeyID.
   * @default the replica bucket uses SSE-S3 (only for the access-log bucket)
   */
  readonly keyAlias?: string;
}

export interface ReplicationOptions {
  /**
   * Literal name of the source bucket. The role's policy names it literally: a reference would
   * make bucket and policy depend on each other (the bucket waits for the policy, see below).
   */
  readonly sourceBucketName: string;
  readonly target: CrossRegionReplicaTarget;
  /** The source bucket's key, when objects are SSE-KMS. */
  readonly sourceKey?: kms.IKey;
  /** Object Lock buckets: the role must read retention and legal hold to copy them. */
  readonly objectLock: boolean;
}

/**
 * Live cross-Region replication with a role that can do exactly that and no more
 * (S3 User Guide, "Setting up permissions for live replication"). Availability of audit records
 * and PHI after a Regional outage: 45 CFR 164.308(a)(7)(ii)(A) data backup plan.
 * Returns the replication role.
 */
export function replicateCrossRegion(bucket: s3.Bucket, options: ReplicationOptions): iam.Role {
  const stack = Stack.of(bucket);
  const { target } = options;
  const partition = partitionOf(target.region);
  const destinationArn = `arn:${partition}:s3:::${target.bucketName}`;
  const sourceArn = `arn:${partitionOf(stack.region)}:s3:::${options.sourceBucketName}`;

  const role = new iam.Role(bucket, 'ReplicationRole', {
    assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
    description: `Replicates ${bucket.node.path} to ${target.region}`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [sourceArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        ...(options.objectLock ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
      ],
      resources: [`${sourceArn}/*`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [`${destinationArn}/*`],
    }),
  );
  if (options.sourceKey) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [options.sourceKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
  }
  if (target.keyAlias) {
    // The replica key lives in another Region's stack; it is found by its alias (kms:ResourceAliases).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [`arn:${partition}:kms:${target.region}:${stack.account}:key/*`],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${target.region}.amazonaws.com` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': target.keyAlias },
        },
      }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:${partition}:kms:${target.region}:${stack.account}:key/*]`,
      `The replica key is created by the ${target.region} stack, so its id is unknown here; the condition kms:ResourceAliases = ${target.keyAlias} and kms:ViaService S3 narrow the statement to that one key used by S3.`,
    );
  }
  acknowledge(
    role,
    'HIPAA.Security-IAMNoInlinePolicy',
    'CDK grants produce one inline policy per role; an inline policy cannot be attached to any other principal, which is what least privilege wants.',
  );
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${sourceArn}/*]`,
    'S3 replication reads every object version of this bucket; the wildcard is the object part of this one bucket ARN and the actions are replication reads only.',
  );
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${destinationArn}/*]`,
    'S3 replication writes every replicated object into the replica bucket; the wildcard is the object part of that one bucket ARN and the actions are ReplicateObject/Delete/Tags only.',
  );

  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.replicationConfiguration = {
    role: role.roleArn,
    rules: [
      {
        id: `to-${target.region}`,
        status: 'Enabled',
        priority: 1,
        filter: { prefix: '' },
        // A delete marker on the source must never hide the replica's copy.
        deleteMarkerReplication: { status: 'Disabled' },
        destination: {
          bucket: destinationArn,
          encryptionConfiguration: target.keyAlias
            ? { replicaKmsKeyId: `arn:${partition}:kms:${target.region}:${stack.account}:${target.keyAlias}` }
            : undefined,
        },
        sourceSelectionCriteria: options.sourceKey
          ? { sseKmsEncryptedObjects: { status: 'Enabled' } }
          : undefined,
      },
    ],
  };
  // The role's policy must exist before S3 validates the configuration.
  cfnBucket.node.addDependency(role);
  return role;
}

export interface ImmutableAuditBucketProps {
  /** Physical name, from `DeploymentNames.bucket('audit')`. */
  readonly bucketName: string;
  /** Customer managed key (SSE-KMS). */
  readonly encryptionKey: kms.IKey;
  /** Object Lock COMPLIANCE default retention, in years (`config.retention.auditYears`). */
  readonly retentionYears: number;
  /** Server access logs of this bucket go here. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Replicate every object to another Region, Object Lock on both sides.
   * @default no replication (acknowledged, pointing at `disasterRecovery.region`)
   */
  readonly replicateTo?: CrossRegionReplicaTarget;
  /**
   * This bucket is itself the replica of the audit bucket in `replicaOf` (a Region).
   * @default not a replica
   */
  readonly replicaOf?: string;
}

/**
 * Write-once audit bucket: S3 Object Lock in COMPLIANCE mode, so no one, the root user included,
 * can delete or overwrite an audit record before the retention ends (45 CFR 164.312(b) audit
 * controls, 164.312(c)(1) integrity, 164.316(b)(2)(i) six-year retention). Versioned (Object Lock
 * requires it), SSE-KMS with a customer managed key and S3 Bucket Keys, TLS 1.2+ only, no public
 * access, no ACLs, server access logs, RETAIN, and cheaper storage classes as records age.
 */
export class ImmutableAuditBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly replicationRole?: iam.Role;

  constructor(scope: Construct, id: string, props: ImmutableAuditBucketProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(props.retentionYears * 365),
      ),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // Transitions keep the Object Lock retention; nothing here expires a locked record.
          id: 'age-into-cheaper-storage',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(365) },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(3 * 365) },
          ],
          noncurrentVersionTransitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    // Retention in calendar years (S3 counts leap days), not 365-day multiples.
    cfnBucket.objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: props.retentionYears } },
    };
    // Set on the L1 so that log delivery is authorized by the access-log bucket's policy whatever
    // the app's feature flags say (the L2 would fall back to a LogDelivery ACL without
    // @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy). Date-partitioned keys suit Athena.
    cfnBucket.loggingConfiguration = {
      destinationBucketName: props.accessLogsBucket.bucketName,
      logFilePrefix: `${props.bucketName}/`,
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
    };

    if (props.replicateTo) {
      this.replicationRole = replicateCrossRegion(this.bucket, {
        sourceBucketName: props.bucketName,
        target: props.replicateTo,
        sourceKey: props.encryptionKey,
        objectLock: true,
      });
    } else if (props.replicaOf) {
      acknowledge(
        this.bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        `This bucket is the disaster-recovery replica of the audit bucket in ${props.replicaOf} (config field "disasterRecovery.region"); replicating the replica again would add a third copy, not recovery.`,
      );
    } else {
      acknowledge(
        this.bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        'No disaster-recovery Region is configured (config field "disasterRecovery.region"); set it to replicate this bucket cross-Region with Object Lock on both sides. Object Lock COMPLIANCE and RETAIN protect every record against deletion in the meantime.',
      );
    }
  }
}
