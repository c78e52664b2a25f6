import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PhiBucket } from './phi-bucket';

/** Data-plane KMS actions; key management (PutKeyPolicy, rotation...) stays with the account. */
export const KMS_DATA_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
  'kms:CreateGrant',
] as const;

/** Every S3 action that reads, writes, lists or deletes objects. Bucket configuration is not walled. */
export const S3_DATA_ACTIONS = [
  's3:GetObject*',
  's3:PutObject*',
  's3:DeleteObject*',
  's3:ListBucket*',
  's3:ListMultipartUploadParts',
  's3:AbortMultipartUpload',
  's3:RestoreObject',
  's3:ReplicateObject',
] as const;

/**
 * An explicit Deny for every principal whose ARN is not in `admitted`. An explicit Deny beats any
 * Allow (an admin's `s3:*`, a future API grant), so the wall holds whatever IAM policies say.
 * The list is resolved at synth, after every `admit` call.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export function denyAllExcept(
  actions: readonly string[],
  resources: string[],
  admitted: () => string[],
  sid: string,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources,
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: admitted }) } },
  });
}

export interface TrainingWallProps {
  readonly bucketName: string;
  readonly accessLogsBucket: s3.IBucket;
}

/**
 * The training wall: the bucket that receives de-identified datasets, with its OWN KMS key. Both
 * the key policy and the bucket policy deny every principal except the roles admitted with
 * `admit()` (the pipeline's publish task, the optional Bedrock customization role). API roles can
 * never read it, even if someone grants them S3 or KMS permissions later. The account root keeps
 * key management (the default key policy statement), so the wall can be changed deliberately and
 * the key can never become unmanageable.
 */
export class TrainingWall extends Construct {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  private readonly admitted: iam.IRole[] = [];

  constructor(scope: Construct, id: string, props: TrainingWallProps) {
    super(scope, id);

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Wellgate training wall (${props.bucketName}): only the pipeline's roles may use it`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const phi = new PhiBucket(this, 'Storage', {
      bucketName: props.bucketName,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'training/',
      purpose: 'training datasets',
      encryptionKey: this.encryptionKey,
      // Every object request then reaches KMS and meets the key policy's Deny as well.
      bucketKeyEnabled: false,
    });
    this.bucket = phi.bucket;

    const admittedArns = (): string[] => this.admitted.map((role) => role.roleArn);
    this.encryptionKey.addToResourcePolicy(
      denyAllExcept(KMS_DATA_ACTIONS, ['*'], admittedArns, 'TrainingWallDenyAllButPipeline'),
    );
    this.bucket.addToResourcePolicy(
      denyAllExcept(
        S3_DATA_ACTIONS,
        [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        admittedArns,
        'TrainingWallDenyAllButPipeline',
      ),
    );

    this.node.addValidation({
      validate: () =>
        this.admitted.length === 0
          ? [
              'TrainingWall admits no role: nothing could write the training bucket. Call admit() with the publish role.',
            ]
          : [],
    });
  }

  /** Lets `role` past the wall. Its IAM policy must still grant the specific actions it needs. */
  admit(role: iam.IRole): void {
    this.admitted.push(role);
  }

  /** ARNs admitted so far (for tests and the compliance report). */
  get admittedRoles(): readonly iam.IRole[] {
    return this.admitted;
  }
}
