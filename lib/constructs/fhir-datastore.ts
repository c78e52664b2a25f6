import { RemovalPolicy } from 'aws-cdk-lib';
import * as healthlake from 'aws-cdk-lib/aws-healthlake';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { FhirDatastoreRef } from '../contracts';

export type FhirDatastoreProps =
  | {
      readonly mode: 'create';
      readonly datastoreName: string;
      /** Customer-managed key that encrypts the datastore (45 CFR 164.312(a)(2)(iv)). */
      readonly encryptionKey: kms.IKey;
    }
  | {
      readonly mode: 'import';
      /** `arn:aws:healthlake:<region>:<account>:datastore/fhir/<32 hex id>` (validated by the config). */
      readonly datastoreArn: string;
    };

const DATASTORE_ARN = /^arn:aws[a-z-]*:healthlake:([a-z0-9-]+):\d{12}:datastore\/fhir\/([a-f0-9]{32})$/;

/** FHIR R4 base URL of a HealthLake datastore. */
export function healthLakeEndpoint(region: string, datastoreId: string): string {
  return `https://healthlake.${region}.amazonaws.com/datastore/${datastoreId}/r4/`;
}

/**
 * The FHIR R4 store: a new HealthLake datastore encrypted with the PHI key, or an existing one
 * imported by ARN (for example a clinic's migrated records), in which case nothing is created and
 * the existing datastore's own encryption settings stay as they are.
 */
export class FhirDatastore extends Construct implements FhirDatastoreRef {
  readonly datastoreArn: string;
  readonly datastoreId: string;
  readonly datastoreEndpoint: string;
  readonly encryptionKey?: kms.IKey;
  /** The CloudFormation resource, when this construct created the datastore. */
  readonly resource?: healthlake.CfnFHIRDatastore;

  constructor(scope: Construct, id: string, props: FhirDatastoreProps) {
    super(scope, id);

    if (props.mode === 'import') {
      const match = DATASTORE_ARN.exec(props.datastoreArn);
      if (!match?.[1] || !match[2]) {
        throw new Error(
          `healthLake.datastoreArn "${props.datastoreArn}" is not a HealthLake FHIR datastore ARN ` +
            '(arn:aws:healthlake:<region>:<account>:datastore/fhir/<32 hex id>)',
        );
      }
      this.datastoreArn = props.datastoreArn;
      this.datastoreId = match[2];
      this.datastoreEndpoint = healthLakeEndpoint(match[1], match[2]);
      return;
    }

    this.resource = new healthlake.CfnFHIRDatastore(this, 'Datastore', {
      datastoreName: props.datastoreName,
      datastoreTypeVersion: 'R4',
      // HealthLake encrypts with our CMK rather than an AWS-owned key, so key use is logged in
      // CloudTrail and access can be revoked by the clinic (45 CFR 164.312(a)(2)(iv), (b)).
      sseConfiguration: {
        kmsEncryptionConfig: { cmkType: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: props.encryptionKey.keyArn },
      },
      // No preloadDataConfig: Synthea sample patients must never mix with real PHI.
    });
    // PHI outlives the stack: deleting the datastore deletes every record in it.
    this.resource.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.datastoreArn = this.resource.attrDatastoreArn;
    this.datastoreId = this.resource.attrDatastoreId;
    this.datastoreEndpoint = this.resource.attrDatastoreEndpoint;
    this.encryptionKey = props.encryptionKey;
  }
}
