import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { AppTables as AppTablesRef } from '../contracts';
import { acknowledge } from '../nag/acknowledge';

export interface AppTablesProps {
  /** Customer-managed key for the tables and the backup vault. */
  readonly encryptionKey: kms.IKey;
  /** Years the monthly backups are kept; at least 6 (45 CFR 164.316(b)(2)(i)). */
  readonly monthlyBackupRetentionYears: number;
}

/** TTL attribute (epoch seconds) on the tables whose items expire. */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';

/**
 * The application's DynamoDB tables and the AWS Backup plan that protects them.
 *
 * Every table: `pk`/`sk` string keys, on-demand billing (no capacity planning, no throttling from
 * under-provisioning), the PHI CMK (45 CFR 164.312(a)(2)(iv)), 35 days of point-in-time recovery,
 * deletion protection and RETAIN (45 CFR 164.312(c)(1), integrity: PHI is not destroyed by a stack
 * operation).
 */
export class AppTables extends Construct implements AppTablesRef {
  readonly appState: dynamodb.Table;
  readonly idempotency: dynamodb.Table;
  readonly auditIndex: dynamodb.Table;
  readonly backupVault: backup.BackupVault;
  readonly backupPlan: backup.BackupPlan;
  readonly backupRole: iam.Role;

  constructor(scope: Construct, id: string, props: AppTablesProps) {
    super(scope, id);

    const key = props.encryptionKey;
    this.appState = this.table('AppState', key, EXPIRES_AT_ATTRIBUTE);
    this.idempotency = this.table('Idempotency', key, EXPIRES_AT_ATTRIBUTE);
    // Audit events never expire: they are the accounting of disclosures (45 CFR 164.312(b)).
    this.auditIndex = this.table('AuditIndex', key);
    const tables = [this.appState, this.idempotency, this.auditIndex];

    // Contingency plan, data backup plan: "retrievable exact copies of ePHI"
    // (45 CFR 164.308(a)(7)(ii)(A)). PITR covers the last 35 days to the second; AWS Backup adds
    // copies that survive a deleted or corrupted table. Monthly copies are kept for the HIPAA
    // documentation retention period (6 years by default, 45 CFR 164.316(b)(2)(i)) so that any
    // month in that window can be restored. The vault is encrypted with the PHI CMK, and its
    // access policy denies deleting recovery points to everyone: only their lifecycle ends them.
    this.backupVault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.backupPlan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.backupVault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          deleteAfter: Duration.days(35),
        }),
        new backup.BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: events.Schedule.cron({ day: '1', hour: '5', minute: '0' }),
          deleteAfter: Duration.days(365 * props.monthlyBackupRetentionYears + 2),
        }),
      ],
    });
    this.backupPlan.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.backupRole = this.createBackupRole(tables, props.encryptionKey);
    this.backupPlan.addSelection('Tables', {
      resources: tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)),
      role: this.backupRole,
      // Our own least-privilege role instead of AWSBackupServiceRolePolicyForBackup.
      disableDefaultBackupPolicy: true,
    });
  }

  private table(id: string, encryptionKey: kms.IKey, timeToLiveAttribute?: string): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute,
    });
  }

  /**
   * The role AWS Backup assumes for these tables only. The AWS managed policy would let it back
   * up every resource type in the account; this one names the three tables and the PHI key.
   */
  private createBackupRole(tables: dynamodb.Table[], key: kms.IKey): iam.Role {
    const role = new iam.Role(this, 'BackupRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: back up the Wellgate DynamoDB tables into the PHI backup vault',
    });
    const policy = new iam.ManagedPolicy(this, 'BackupPolicy', {
      description: 'Least privilege for AWS Backup on the Wellgate DynamoDB tables',
      statements: [
        new iam.PolicyStatement({
          actions: [
            'dynamodb:CreateBackup',
            'dynamodb:DescribeTable',
            'dynamodb:ListTagsOfResource',
            'dynamodb:StartAwsBackupJob',
          ],
          resources: tables.map((t) => t.tableArn),
        }),
        new iam.PolicyStatement({
          actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'],
          resources: tables.map((t) => `${t.tableArn}/backup/*`),
        }),
        new iam.PolicyStatement({
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
          ],
          resources: [key.keyArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:CreateGrant'],
          resources: [key.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ],
    });
    role.addManagedPolicy(policy);
    const stack = Stack.of(this);
    for (const t of tables) {
      const tableArnToken = stack.getLogicalId(t.node.defaultChild as dynamodb.CfnTable);
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::<${tableArnToken}.Arn>/backup/*]`,
        'DynamoDB names each on-demand backup with a generated id at backup time; the wildcard is limited to the backups of this one table, which AWS Backup must describe and delete when their retention ends.',
      );
    }
    return role;
  }
}
