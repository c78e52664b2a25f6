import { App, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import { WellgateChecks } from '../lib/nag/wellgate-checks';
import { DeploymentNames } from '../lib/naming';
import { buildComplianceReport, type ComplianceReport } from '../lib/report/build-report';
import { collectAcknowledgments } from '../lib/report/collect-acknowledgments';
import { renderMarkdown } from '../lib/report/render-markdown';
import { controlIdsOf, ruleCatalog } from '../lib/report/rule-catalog';
import { testConfig } from './helpers/cdk';

const config = testConfig();
const names = new DeploymentNames(config);
const env = { account: config.account, region: config.region };
const REPLICATION_REASON =
  'No disaster-recovery Region is configured (config.disasterRecovery); Object Lock and versioning protect the only copy.';

/** A small two-stack app: an audit stack (key, Object Lock bucket, trail) and a data stack. */
function fakeApp(options: { plaintextLogGroup?: boolean } = {}): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const audit = new Stack(app, 'FakeAudit', { env, terminationProtection: true });
  const auditKey = new kms.Key(audit, 'AuditKey', { enableKeyRotation: true, description: 'Audit records' });
  const auditBucket = new s3.Bucket(audit, 'AuditBucket', {
    bucketName: names.bucket('audit'),
    encryptionKey: auditKey,
    enforceSSL: true,
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
      Duration.days(365 * config.retention.auditYears),
    ),
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(auditBucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason: REPLICATION_REASON,
  });
  new cloudtrail.Trail(audit, 'Trail', {
    bucket: auditBucket,
    encryptionKey: auditKey,
    enableFileValidation: true,
    isMultiRegionTrail: true,
  });

  const data = new Stack(app, 'FakeData', { env });
  // A cross-stack reference: the report must follow it to the key in the audit stack.
  new s3.Bucket(data, 'AuditExports', { encryptionKey: auditKey, enforceSSL: true });
  const phiKey = new kms.Key(data, 'PhiKey', { enableKeyRotation: true });
  new dynamodb.TableV2(data, 'Appointments', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryptionV2.customerManagedKey(phiKey),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  new logs.LogGroup(data, 'AppLogs', { encryptionKey: options.plaintextLogGroup ? undefined : phiKey });
  const pool = new cognito.UserPool(data, 'Users', {
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    selfSignUpEnabled: false,
  });
  pool.addClient('Mobile', {
    accessTokenValidity: Duration.minutes(15),
    idTokenValidity: Duration.minutes(15),
    refreshTokenValidity: Duration.hours(12),
  });
  return app;
}

function report(app: App, packs: NagPack[] = [new WellgateChecks(undefined, config)]): ComplianceReport {
  return buildComplianceReport(app, packs, { source: 'test', generatedAt: new Date('2025-01-01T00:00:00Z') });
}

function safeguard(r: ComplianceReport, id: string) {
  const found = r.safeguards.find((s) => s.id === id);
  if (!found) throw new Error(`no safeguard ${id}`);
  return found;
}

describe('collectAcknowledgments', () => {
  it('returns every acknowledgment with its rule id, reason, construct path and stack', () => {
    const app = fakeApp();
    const stack = app.node.findChild('FakeData') as Stack;
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:*]',
      reason: 'Stack-wide fixture reason.',
    });

    const acks = collectAcknowledgments(app);

    expect(acks).toEqual([
      {
        ruleId: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: REPLICATION_REASON,
        constructPath: 'FakeAudit/AuditBucket',
        stack: 'FakeAudit',
        broad: false,
      },
      {
        ruleId: 'AwsSolutions-IAM5[Action::s3:*]',
        reason: 'Stack-wide fixture reason.',
        constructPath: 'FakeData',
        stack: 'FakeData',
        broad: true,
      },
    ]);
  });
});

describe('ruleCatalog', () => {
  it('lists every HIPAA rule with the control ids parsed from its message', () => {
    const catalog = ruleCatalog([new HIPAASecurityChecks()]);
    expect(catalog).toHaveLength(90);
    expect(
      catalog.find((r) => r.id === 'HIPAA.Security-CloudTrailLogFileValidationEnabled')?.controls,
    ).toEqual(['164.312(c)(1)', '164.312(c)(2)']);
    expect(catalog.find((r) => r.id === 'HIPAA.Security-S3BucketReplicationEnabled')?.controls).toContain(
      '164.308(a)(7)(i)',
    );
  });

  it('parses both "Control IDs:" and "Control ID:" spellings', () => {
    expect(controlIdsOf('x - (Control ID: 164.312(b)).')).toEqual(['164.312(b)']);
    expect(controlIdsOf('x - (Control IDs: 164.312(a)(2)(iv), 164.312(e)(2)(ii)).')).toEqual([
      '164.312(a)(2)(iv)',
      '164.312(e)(2)(ii)',
    ]);
  });

  it('includes Wellgate rules with their control ids', () => {
    const ids = ruleCatalog([new WellgateChecks(undefined, config)]).map(
      (r) => `${r.id} ${r.controls.join(',')}`,
    );
    expect(ids).toContain('Wellgate-AuditBucketComplianceLock 164.312(b),164.312(c)(1)');
  });
});

describe('buildComplianceReport', () => {
  it('passes a compliant app and lists the trail and audit bucket under audit controls', () => {
    const r = report(fakeApp());

    expect(r.passed).toBe(true);
    expect(r.findings).toEqual([]);
    const audit = safeguard(r, '164.312(b)');
    expect(audit.status).toBe('implemented');
    const trail = audit.evidence.find((e) => e.what === 'CloudTrail trail');
    expect(trail).toMatchObject({
      path: 'FakeAudit/Trail',
      stack: 'FakeAudit',
      settings: expect.objectContaining({
        'Log-file validation': 'yes',
        'Multi-Region': 'yes',
        Bucket: 'FakeAudit/AuditBucket',
        Encryption: 'KMS FakeAudit/AuditKey',
      }),
    });
    expect(audit.evidence.find((e) => e.what === 'Object Lock bucket')?.settings['Object Lock']).toBe(
      `COMPLIANCE for ${365 * config.retention.auditYears} days`,
    );
    expect(audit.rules).toContainEqual(
      expect.objectContaining({ id: 'Wellgate-AuditBucketComplianceLock', resourcesChecked: 1 }),
    );
    expect(audit.rules).toContainEqual(
      expect.objectContaining({ id: 'Wellgate-StateMachineNoExecutionData', resourcesChecked: 0 }),
    );
  });

  it('lists each KMS key with what it encrypts, across stacks', () => {
    const keys = safeguard(report(fakeApp()), '164.312(a)(2)(iv)').evidence.filter(
      (e) => e.what === 'KMS key',
    );
    const phi = keys.find((k) => k.path === 'FakeData/PhiKey');
    expect(phi?.settings['Automatic rotation']).toBe('yes');
    expect(phi?.settings['Encrypts']).toContain('FakeData/Appointments (AWS::DynamoDB::GlobalTable)');
    expect(phi?.settings['Encrypts']).toContain('FakeData/AppLogs (AWS::Logs::LogGroup)');
    expect(keys.find((k) => k.path === 'FakeAudit/AuditKey')?.settings['Encrypts']).toContain(
      'FakeAudit/Trail',
    );
    expect(keys.find((k) => k.path === 'FakeAudit/AuditKey')?.settings['Encrypts']).toContain(
      'FakeData/AuditExports',
    );
  });

  it('shows MFA and token validity from the user pool', () => {
    const r = report(fakeApp());
    expect(
      safeguard(r, '164.312(d)').evidence.find((e) => e.what === 'Cognito user pool')?.settings['MFA'],
    ).toBe('ON');
    expect(safeguard(r, '164.312(a)(2)(iii)').evidence[0]?.settings).toMatchObject({
      'Access token': '15 minutes',
      'Refresh token': '720 minutes',
    });
  });

  it("shows a role's tier from a Tags.of() tag not yet applied by synth", () => {
    const app = fakeApp();
    const role = new iam.Role(app.node.findChild('FakeData'), 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    Tags.of(role).add('wellgate:tier', 'api');
    const roles = safeguard(report(app), '164.312(a)(1)').evidence.filter((e) => e.what === 'IAM role');
    expect(roles).toEqual([
      expect.objectContaining({
        path: 'FakeData/HandlerRole',
        settings: expect.objectContaining({ Tier: 'api' }),
      }),
    ]);
  });

  it('maps an acknowledgment to the safeguards of its rule, and flags one for an unknown rule', () => {
    const app = fakeApp();
    Validations.of(app.node.findChild('FakeData')).acknowledge({
      id: 'Nobody-Rule1',
      reason: 'A typo in a rule id.',
    });
    const r = report(app, [new WellgateChecks(undefined, config), new HIPAASecurityChecks()]);

    const backup = safeguard(r, '164.308(a)(7)');
    expect(backup.acknowledgments.map((a) => [a.ruleId, a.reason, a.constructPath])).toEqual([
      ['HIPAA.Security-S3BucketReplicationEnabled', REPLICATION_REASON, 'FakeAudit/AuditBucket'],
    ]);
    expect(r.acknowledgments.find((a) => a.ruleId === 'Nobody-Rule1')).toMatchObject({
      ruleKnown: false,
      safeguards: [],
    });
  });

  it('fails with the open finding mapped to its safeguards', () => {
    const r = report(fakeApp({ plaintextLogGroup: true }));

    expect(r.passed).toBe(false);
    expect(r.findings).toEqual([
      expect.objectContaining({
        ruleId: 'Wellgate-LogGroupCmkEncrypted',
        constructPaths: ['FakeData/AppLogs/Resource'],
      }),
    ]);
    expect(safeguard(r, '164.312(a)(2)(iv)').status).toBe('open findings');
    expect(safeguard(r, '164.312(d)').status).toBe('implemented');
    expect(r.packs).toEqual([{ name: 'Wellgate', rules: 5, openFindings: 1, runByReport: true }]);
  });
});

describe('renderMarkdown', () => {
  it('shows the summary table, the resources and every acknowledgment reason', () => {
    const md = renderMarkdown(report(fakeApp()));

    expect(md).toContain('**Result: PASS.**');
    expect(md).toMatch(/\| \[164\.312\(b\)\]\(#safeguard-164-312-b\) \| Audit controls \| implemented \|/);
    expect(md).toContain('`FakeAudit/Trail`');
    expect(md).toContain(REPLICATION_REASON);
    expect(md).toContain('## 164.308(a)(7): Contingency plan');
  });

  it('says FAIL and lists open findings', () => {
    const md = renderMarkdown(report(fakeApp({ plaintextLogGroup: true })));
    expect(md).toContain('**Result: FAIL.** 1 open finding(s)');
    expect(md).toContain('| `Wellgate-LogGroupCmkEncrypted` | error | `FakeData/AppLogs/Resource` |');
  });

  it('keeps a reason containing a pipe inside its table cell', () => {
    const app = fakeApp();
    Validations.of(app.node.findChild('FakeData')).acknowledge({
      id: 'Wellgate-LogGroupCmkEncrypted',
      reason: 'a | b',
    });
    expect(renderMarkdown(report(app))).toContain('a \\| b');
  });
});
