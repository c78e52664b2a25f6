import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface PhiKeyProps {
  /** Alias without the `alias/` prefix, e.g. `wellgate/oakridge/phi`. */
  readonly aliasName: string;
  /** Shown in the KMS console and the compliance report. */
  readonly description: string;
}

/**
 * Customer-managed KMS key for PHI at rest (45 CFR 164.312(a)(2)(iv), encryption and decryption).
 * Yearly rotation, kept on stack deletion: a deleted key makes every record and backup unreadable.
 *
 * The default key policy delegates to IAM in this account, so each caller still needs an IAM grant.
 * One extra statement documents, and bounds, how AWS services use the key on a caller's behalf:
 * HealthLake, DynamoDB and AWS Backup create grants for the resources they encrypt, only from this
 * account and only through those services (kms:ViaService).
 */
export class PhiKey extends Construct {
  readonly key: kms.Key;
  readonly alias: kms.IAlias;

  constructor(scope: Construct, id: string, props: PhiKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPhiServicesViaGrantsInThisAccount',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': stack.account,
            'kms:ViaService': [
              `healthlake.${stack.region}.amazonaws.com`,
              `dynamodb.${stack.region}.amazonaws.com`,
              `backup.${stack.region}.amazonaws.com`,
            ],
          },
        },
      }),
    );

    this.alias = this.key.addAlias(`alias/${props.aliasName}`);
  }
}
