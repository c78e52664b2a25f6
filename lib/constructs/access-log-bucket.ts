import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';
import { type CrossRegionReplicaTarget, replicateCrossRegion } from './immutable-audit-bucket';

export interface AccessLogBucketProps {
  /** Physical name, from `DeploymentNames.bucket('access-logs')`. */
  readonly bucketName: string;
  /** Years server access logs are kept (45 CFR 164.316(b)(2)(i): six years at least). */
  readonly retentionYears: number;
  /**
   * Replicate the logs to the access-log bucket of the disaster-recovery Region (SSE-S3 there too).
   * @default no replication (acknowledged, pointing at `disasterRecovery.region`)
   */
  readonly replicateTo?: CrossRegionReplicaTarget;
  /**
   * This bucket holds the access logs of the replica bucket in the disaster-recovery Region;
   * the value is the primary Region.
   * @default not a replica-side bucket
   */
  readonly replicaOf?: string;
}

/**
 * Target of S3 server access logs for every Wellgate bucket: a record of who read or wrote
 * PHI objects (45 CFR 164.312(b), audit controls).
 *
 * Two controls the audit bucket has are deliberately absent here, because S3 log delivery
 * does not work with them:
 * - SSE-KMS: server access logging supports default encryption of the destination bucket with
 *   S3-managed keys (SSE-S3) only, not SSE-KMS (S3 User Guide, "Enabling Amazon S3 server access
 *   logging"). Log delivery writes as the logging service, which cannot use a customer managed key.
 * - Object Lock: "S3 buckets with Object Lock can't be used as destination buckets for server
 *   access logs" (S3 User Guide, "Object Lock considerations"). Versioning, TLS-only access and a
 *   private bucket protect the logs instead; CloudTrail data events in the Object Lock audit
 *   bucket remain the tamper-proof record of object access.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // ACLs off: log delivery is authorized by the bucket policy below, not the LogDelivery ACL.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'cheaper-storage-then-expire',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(365) },
          ],
          // 366-day years so that a leap year never shortens the HIPAA retention period.
          expiration: Duration.days(props.retentionYears * 366),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // Log delivery for buckets of this account only (confused-deputy protection). Buckets in
    // other stacks log here too, so the condition is the account rather than one source ARN.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3ServerAccessLogDelivery',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    if (props.replicateTo) {
      replicateCrossRegion(this.bucket, {
        sourceBucketName: props.bucketName,
        target: props.replicateTo,
        objectLock: false,
      });
    } else if (props.replicaOf) {
      acknowledge(
        this.bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        `This bucket is itself the disaster-recovery copy: it holds the access logs replicated from ${props.replicaOf} and those of the replica bucket (config field "disasterRecovery.region"); a further copy would add no recovery.`,
      );
    } else {
      acknowledge(
        this.bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        'No disaster-recovery Region is configured (config field "disasterRecovery.region"); set it to replicate the access logs cross-Region. Versioning and RETAIN protect them against deletion in the meantime.',
      );
    }

    acknowledge(
      this.bucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'S3 server access log delivery does not support SSE-KMS on the target bucket (S3 User Guide, "Enabling Amazon S3 server access logging"); the bucket uses SSE-S3 (AES-256), TLS-only access and blocks all public access.',
    );
  }
}
