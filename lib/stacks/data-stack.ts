import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { AppTables } from '../constructs/app-tables';
import { FhirDatastore } from '../constructs/fhir-datastore';
import { PhiKey } from '../constructs/phi-key';
import type { AppTables as AppTablesRef, FhirDatastoreRef } from '../contracts';
import type { DeploymentNames } from '../naming';

export type DataStackProps = StackProps & {
  readonly config: WellgateConfig;
  readonly names: DeploymentNames;
  /** Server access-log target for any PHI bucket this stack adds (none today). */
  readonly accessLogsBucket: s3.IBucket;
};

/**
 * Stateful: where PHI lives. The PHI key, the FHIR datastore and the application tables, all
 * RETAIN; termination protection comes from the composition's stateful props.
 */
export class DataStack extends Stack {
  readonly phiKey: kms.Key;
  readonly fhirDatastore: FhirDatastoreRef;
  readonly tables: AppTablesRef;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.phiKey = new PhiKey(this, 'PhiKey', {
      aliasName: `wellgate/${config.clinic.id}/phi`,
      description: `Wellgate ${config.clinic.name}: PHI at rest (HealthLake, DynamoDB, AWS Backup)`,
    }).key;

    this.fhirDatastore =
      config.healthLake.mode === 'import'
        ? new FhirDatastore(this, 'Fhir', { mode: 'import', datastoreArn: config.healthLake.datastoreArn })
        : new FhirDatastore(this, 'Fhir', {
            mode: 'create',
            datastoreName: config.healthLake.datastoreName ?? `${config.clinic.id}-fhir`,
            encryptionKey: this.phiKey,
          });

    const tables = new AppTables(this, 'Tables', {
      encryptionKey: this.phiKey,
      monthlyBackupRetentionYears: config.retention.auditYears,
    });
    this.tables = tables;
    this.backupPlan = tables.backupPlan;
  }
}
