import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';

export interface PhiBucketProps {
  /** Physical name, from `DeploymentNames.bucket(...)`: other stacks (CloudTrail selectors) know it. */
  readonly bucketName: string;
  /** Server access logs go here, under `<accessLogsPrefix>`. */
  readonly accessLogsBucket: s3.IBucket;
  readonly accessLogsPrefix: string;
  /** What the bucket holds; becomes the key's description. */
  readonly purpose: string;
  /**
   * Encrypts the objects. A wall (see TrainingWall) passes its own key so it can write the key policy.
   * @default a new customer-managed key with yearly rotation, used by this bucket only
   */
  readonly encryptionKey?: kms.Key;
  /**
   * Days after which current objects expire (a non-current version is removed 1 day later).
   * Transient PHI (raw exports, staging output) should not outlive its run.
   * @default objects are kept
   */
  readonly expireAfterDays?: number;
  /**
   * S3 Bucket Keys cut KMS requests; turn them off where every object request must be authorized
   * by KMS against the key policy (the training wall).
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
}

/**
 * An S3 bucket for PHI or data derived from it, secure by default and not overridable: its own
 * KMS CMK (rotated), SSE-KMS, versioning, TLS-only, all public access
 * blocked, bucket-owner-enforced ownership (no ACLs), server access logs, RETAIN.
 * 45 CFR 164.312(a)(2)(iv) encryption, 164.312(b) audit controls, 164.312(e)(1) transmission security.
 */
export class PhiBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: PhiBucketProps) {
    super(scope, id);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Wellgate ${props.purpose} (${props.bucketName})`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: props.bucketKeyEnabled ?? true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(props.expireAfterDays === undefined
          ? []
          : [
              {
                id: 'expire-transient-phi',
                expiration: Duration.days(props.expireAfterDays),
                noncurrentVersionExpiration: Duration.days(1),
              },
            ]),
      ],
    });

    // Pipeline buckets hold data derived from HealthLake (raw exports and staging output expire;
    // a training dataset is rebuilt by re-running the pipeline), so they are not replicated even
    // with a disaster-recovery Region: a replica would only be one more copy of PHI to protect.
    acknowledge(
      this.bucket,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Holds pipeline data derived from HealthLake, the system of record: raw exports and staging output expire after the run, and a training dataset is reproduced by re-running the pipeline. A cross-Region replica would add a copy of PHI without adding recoverability. Versioning and RETAIN guard against deletion.',
    );
  }
}
