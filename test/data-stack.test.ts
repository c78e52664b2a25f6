import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { WellgateConfig } from '../lib/config';
import { DeploymentNames } from '../lib/naming';
import { DataStack } from '../lib/stacks/data-stack';
import { appWithoutBundling, nagFindings, testConfig } from './helpers/cdk';

const IMPORTED_ID = '0123456789abcdef0123456789abcdef';
const IMPORTED_ARN = `arn:aws:healthlake:us-east-1:111111111111:datastore/fhir/${IMPORTED_ID}`;

function buildDataStack(config: WellgateConfig = testConfig()): DataStack {
  const app = appWithoutBundling();
  const env = { account: config.account, region: config.region };
  // Stands in for the audit stack, which owns the access-log bucket.
  const audit = new Stack(app, 'Audit', { env });
  const accessLogsBucket = new s3.Bucket(audit, 'AccessLogs', { enforceSSL: true });
  return new DataStack(app, 'Data', {
    env,
    terminationProtection: config.terminationProtection,
    config,
    names: new DeploymentNames(config),
    accessLogsBucket,
  });
}

/** Logical id of the one resource of `type` whose properties match. */
function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('DataStack (create mode)', () => {
  const stack = buildDataStack();
  const template = Template.fromStack(stack);
  const keyId = logicalIdOf(template, 'AWS::KMS::Key');

  it('is termination-protected', () => {
    expect(stack.terminationProtection).toBe(true);
  });

  it('has a rotating, retained PHI key with an alias', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/wellgate/oakridge/phi',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('lets HealthLake, DynamoDB and AWS Backup use the PHI key only through those services', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowPhiServicesViaGrantsInThisAccount',
            Action: Match.arrayWith(['kms:CreateGrant']),
            Condition: {
              StringEquals: {
                'kms:CallerAccount': '111111111111',
                'kms:ViaService': [
                  'healthlake.us-east-1.amazonaws.com',
                  'dynamodb.us-east-1.amazonaws.com',
                  'backup.us-east-1.amazonaws.com',
                ],
              },
            },
          }),
        ]),
      },
    });
  });

  it('creates an R4 HealthLake datastore encrypted with the PHI CMK, no preload, retained', () => {
    template.hasResource('AWS::HealthLake::FHIRDatastore', {
      Properties: {
        DatastoreName: 'oakridge-fhir',
        DatastoreTypeVersion: 'R4',
        SseConfiguration: {
          KmsEncryptionConfig: {
            CmkType: 'CUSTOMER_MANAGED_KMS_KEY',
            KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        },
        PreloadDataConfig: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('exposes the datastore through its attributes and the PHI key', () => {
    const dsId = logicalIdOf(template, 'AWS::HealthLake::FHIRDatastore');
    expect(stack.resolve(stack.fhirDatastore.datastoreEndpoint)).toEqual({
      'Fn::GetAtt': [dsId, 'DatastoreEndpoint'],
    });
    expect(stack.resolve(stack.fhirDatastore.datastoreId)).toEqual({ 'Fn::GetAtt': [dsId, 'DatastoreId'] });
    expect(stack.resolve(stack.fhirDatastore.datastoreArn)).toEqual({ 'Fn::GetAtt': [dsId, 'DatastoreArn'] });
    expect(stack.fhirDatastore.encryptionKey).toBe(stack.phiKey);
  });

  it('names the datastore from config when given', () => {
    const named = Template.fromStack(
      buildDataStack(testConfig({ healthLake: { mode: 'create', datastoreName: 'oakridge_records' } })),
    );
    named.hasResourceProperties('AWS::HealthLake::FHIRDatastore', { DatastoreName: 'oakridge_records' });
  });

  it('has three tables, each with pk/sk, on-demand, CMK, PITR, deletion protection and RETAIN', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(3);
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: {
            SSEEnabled: true,
            SSEType: 'KMS',
            KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
          DeletionProtectionEnabled: true,
        },
      });
    }
  });

  it('expires app state and idempotency items through expiresAt, never audit events', () => {
    const ttlOf = (table: { tableName: string }) => {
      const id = stack.resolve(table.tableName) as { Ref: string };
      const resource = template.toJSON().Resources[id.Ref] as { Properties: Record<string, unknown> };
      return resource.Properties['TimeToLiveSpecification'];
    };
    expect(ttlOf(stack.tables.appState)).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttlOf(stack.tables.idempotency)).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttlOf(stack.tables.auditIndex)).toBeUndefined();
  });

  it('backs up into a retained vault encrypted with the PHI key that blocks recovery-point deletion', () => {
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: Match.objectLike({
        EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] },
        AccessPolicy: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: Match.arrayWith(['backup:DeleteRecoveryPoint']) }),
          ]),
        }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('runs daily (35 days) and monthly (6 years) backup rules', () => {
    template.hasResource('AWS::Backup::BackupPlan', {
      Properties: {
        BackupPlan: Match.objectLike({
          BackupPlanRule: [
            Match.objectLike({
              RuleName: 'Daily',
              ScheduleExpression: 'cron(0 5 * * ? *)',
              Lifecycle: { DeleteAfterDays: 35 },
            }),
            Match.objectLike({
              RuleName: 'Monthly',
              ScheduleExpression: 'cron(0 5 1 * ? *)',
              Lifecycle: { DeleteAfterDays: 6 * 365 + 2 },
            }),
          ],
        }),
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('selects all three tables for backup with a role scoped to them', () => {
    const tableIds = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        IamRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Resources: tableIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
        SelectionName: 'Tables',
      },
    });
    // No AWS managed policy: the role carries only our least-privilege policy.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('TablesBackupPolicy') }],
    });
  });

  it('has no unacknowledged findings from the stock packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('DataStack (import mode)', () => {
  const stack = buildDataStack(testConfig({ healthLake: { mode: 'import', datastoreArn: IMPORTED_ARN } }));
  const template = Template.fromStack(stack);

  it('creates no datastore', () => {
    template.resourceCountIs('AWS::HealthLake::FHIRDatastore', 0);
  });

  it('parses the id from the ARN and builds the FHIR R4 endpoint', () => {
    expect(stack.fhirDatastore.datastoreArn).toBe(IMPORTED_ARN);
    expect(stack.fhirDatastore.datastoreId).toBe(IMPORTED_ID);
    expect(stack.fhirDatastore.datastoreEndpoint).toBe(
      `https://healthlake.us-east-1.amazonaws.com/datastore/${IMPORTED_ID}/r4/`,
    );
  });

  it('still creates the encrypted tables and their backups', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  it('has no unacknowledged findings from the stock packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
