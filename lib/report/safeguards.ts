import type { EvidenceKind } from './evidence';

/**
 * The HIPAA Security Rule safeguards the report is organised by (45 CFR Part 164 Subpart C),
 * limited to what an AWS deployment can implement or evidence. 164.310 physical safeguards are
 * AWS's side of the shared-responsibility model except 164.310(d), which in the cloud means
 * encryption at rest and disposal by key deletion and retention limits.
 */
export interface Safeguard {
  readonly id: string;
  readonly title: string;
  readonly kind: 'administrative' | 'physical' | 'technical';
  /** What the regulation asks, in one sentence. */
  readonly requirement: string;
  /**
   * Control ids as the nag packs print them; a rule maps here when one of its ids equals a
   * prefix or is nested under it (164.312(e) covers 164.312(e)(2)(ii)).
   */
  readonly controls: readonly string[];
  /** Rules mapped by hand where no pack gives a control id. */
  readonly rules?: readonly string[];
  readonly evidence: readonly EvidenceKind[];
  /** What stays with the clinic: no template can evidence it. */
  readonly clinicResponsibility?: string;
}

export const SAFEGUARDS: readonly Safeguard[] = [
  {
    id: '164.308(a)(1)(ii)(D)',
    title: 'Information system activity review',
    kind: 'administrative',
    requirement:
      'Regularly review records of information system activity such as audit logs, access reports and security incident tracking reports.',
    controls: ['164.308(a)(1)(ii)(D)'],
    evidence: ['monitoring', 'audit-trail'],
    clinicResponsibility:
      'Someone named by the clinic reviews the dashboard, alarm e-mails and CloudTrail findings on a schedule and records each review.',
  },
  {
    id: '164.308(a)(3), 164.308(a)(4)',
    title: 'Workforce security and information access management',
    kind: 'administrative',
    requirement:
      'Authorize and supervise workforce access to ePHI, grant only the access a role needs, and terminate it when no longer needed.',
    controls: ['164.308(a)(3)', '164.308(a)(4)'],
    evidence: ['iam-roles', 'user-groups', 'resource-policies'],
    clinicResponsibility:
      'The clinic decides who is patient, clinician, staff or admin, adds them to the Cognito group, and removes them when they leave.',
  },
  {
    id: '164.308(a)(5)(ii)(C)',
    title: 'Log-in monitoring',
    kind: 'administrative',
    requirement: 'Procedures for monitoring log-in attempts and reporting discrepancies.',
    controls: ['164.308(a)(5)(ii)(C)'],
    evidence: ['login-monitoring'],
    clinicResponsibility: 'The clinic acts on sign-in alarms and on Cognito threat-protection events.',
  },
  {
    id: '164.308(a)(6)',
    title: 'Security incident procedures',
    kind: 'administrative',
    requirement:
      'Identify and respond to suspected or known security incidents, mitigate harmful effects and document them.',
    controls: ['164.308(a)(6)'],
    evidence: ['incident-response'],
    clinicResponsibility:
      'The clinic owns the incident response plan and the breach-notification decision (45 CFR 164.400-414); Wellgate delivers the signals.',
  },
  {
    id: '164.308(a)(7)',
    title: 'Contingency plan (data backup, disaster recovery, emergency mode)',
    kind: 'administrative',
    requirement:
      'Retrievable exact copies of ePHI, the ability to restore lost data, and continued protection of ePHI in emergency mode.',
    controls: ['164.308(a)(7)'],
    evidence: ['backups'],
    clinicResponsibility:
      'The clinic tests restores and, when no disaster-recovery Region is configured, accepts the single-Region risk in writing.',
  },
  {
    id: '164.310(d)',
    title: 'Device and media controls (cloud: encryption at rest, disposal)',
    kind: 'physical',
    requirement:
      'Govern the movement and disposal of media holding ePHI; in AWS, media are AWS-managed, so this is met by encrypting every store with keys the clinic controls and by retention limits and key deletion for disposal.',
    controls: ['164.310(d)'],
    rules: [
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'HIPAA.Security-CloudWatchLogGroupEncrypted',
      'HIPAA.Security-CloudWatchLogGroupRetentionPeriod',
      'HIPAA.Security-CloudTrailEncryptionEnabled',
      'HIPAA.Security-SNSEncryptedKMS',
      'HIPAA.Security-SecretsManagerUsingKMSKey',
      'AwsSolutions-KMS5',
      'AwsSolutions-SQS2',
      'AwsSolutions-KDF1',
      'Serverless-CloudWatchLogGroupRetentionPeriod',
      'Wellgate-LogGroupCmkEncrypted',
    ],
    evidence: ['encryption-at-rest', 'disposal'],
    clinicResponsibility:
      "Physical media handling is AWS's under the BAA; the clinic controls any exports it downloads.",
  },
  {
    id: '164.312(a)(1)',
    title: 'Access control',
    kind: 'technical',
    requirement:
      'Allow access to ePHI only to persons or software programs that have been granted access rights.',
    controls: ['164.312(a)(1)'],
    evidence: ['api-authorization', 'iam-roles', 'resource-policies'],
  },
  {
    id: '164.312(a)(2)(i)',
    title: 'Unique user identification',
    kind: 'technical',
    requirement: 'Assign a unique name or number for identifying and tracking user identity.',
    controls: ['164.312(a)(2)(i)'],
    evidence: ['user-identity'],
    clinicResponsibility: 'The clinic never shares accounts between people.',
  },
  {
    id: '164.312(a)(2)(iii)',
    title: 'Automatic logoff',
    kind: 'technical',
    requirement: 'Terminate an electronic session after a predetermined time of inactivity.',
    controls: ['164.312(a)(2)(iii)'],
    evidence: ['session-limits'],
    clinicResponsibility: 'Mobile apps discard tokens on sign-out and when the app is locked.',
  },
  {
    id: '164.312(a)(2)(iv)',
    title: 'Encryption and decryption',
    kind: 'technical',
    requirement: 'Encrypt and decrypt ePHI.',
    controls: ['164.312(a)(2)(iv)'],
    evidence: ['kms-keys', 'encryption-at-rest'],
  },
  {
    id: '164.312(b)',
    title: 'Audit controls',
    kind: 'technical',
    requirement: 'Record and examine activity in information systems that contain or use ePHI.',
    controls: ['164.312(b)'],
    evidence: ['audit-trail', 'audit-storage', 'audit-stream', 'service-logging', 'log-groups'],
  },
  {
    id: '164.312(c)',
    title: 'Integrity',
    kind: 'technical',
    requirement:
      'Protect ePHI from improper alteration or destruction, and corroborate that it has not been altered.',
    controls: ['164.312(c)'],
    evidence: ['integrity'],
  },
  {
    id: '164.312(d)',
    title: 'Person or entity authentication',
    kind: 'technical',
    requirement: 'Verify that a person or entity seeking access to ePHI is the one claimed.',
    controls: ['164.312(d)'],
    evidence: ['authentication'],
    clinicResponsibility:
      'Users enrol an MFA factor at first sign-in; the clinic verifies identity before linking an account to a patient record.',
  },
  {
    id: '164.312(e)',
    title: 'Transmission security',
    kind: 'technical',
    requirement:
      'Guard against unauthorized access to ePHI transmitted over a network (integrity controls, encryption).',
    controls: ['164.312(e)'],
    evidence: ['transmission'],
  },
];

/**
 * Control ids for rules whose pack prints none (AwsSolutions, Serverless), and extra ids for
 * HIPAA rules whose check evidently serves another safeguard too. Only obvious mappings:
 * a rule not listed here is still run, it just is not claimed for a safeguard.
 */
export const RULE_CONTROLS: Readonly<Record<string, readonly string[]>> = {
  'HIPAA.Security-CloudTrailCloudWatchLogsEnabled': ['164.308(a)(1)(ii)(D)', '164.308(a)(5)(ii)(C)'],
  'HIPAA.Security-CloudWatchAlarmAction': ['164.308(a)(1)(ii)(D)', '164.308(a)(6)(ii)'],
  'HIPAA.Security-WAFv2LoggingEnabled': ['164.308(a)(6)(ii)'],
  'AwsSolutions-S1': ['164.312(b)', '164.308(a)(1)(ii)(D)'],
  'AwsSolutions-S2': ['164.312(a)(1)', '164.308(a)(4)(ii)(A)'],
  'AwsSolutions-S10': ['164.312(e)(1)'],
  'AwsSolutions-DDB3': ['164.308(a)(7)(ii)(A)'],
  'AwsSolutions-VPC7': ['164.312(b)'],
  'AwsSolutions-APIG1': ['164.312(b)', '164.308(a)(1)(ii)(D)'],
  'AwsSolutions-APIG2': ['164.312(c)(1)'],
  'AwsSolutions-APIG3': ['164.308(a)(6)(ii)', '164.312(e)(1)'],
  'AwsSolutions-APIG4': ['164.312(a)(1)', '164.312(d)'],
  'AwsSolutions-APIG6': ['164.312(b)'],
  'AwsSolutions-KDF1': ['164.312(a)(2)(iv)'],
  'AwsSolutions-IAM4': ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
  'AwsSolutions-IAM5': ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
  'AwsSolutions-COG1': ['164.312(d)', '164.308(a)(5)(ii)(D)'],
  'AwsSolutions-COG2': ['164.312(d)'],
  'AwsSolutions-COG4': ['164.312(a)(1)', '164.312(d)'],
  'AwsSolutions-COG7': ['164.312(a)(2)(i)', '164.312(d)'],
  'AwsSolutions-COG8': ['164.308(a)(5)(ii)(C)', '164.308(a)(6)(ii)'],
  'AwsSolutions-KMS5': ['164.312(a)(2)(iv)'],
  'AwsSolutions-SMG4': ['164.308(a)(4)(ii)(B)'],
  'AwsSolutions-SF1': ['164.312(b)'],
  'AwsSolutions-SF2': ['164.312(b)'],
  'AwsSolutions-SNS3': ['164.312(e)(1)'],
  'AwsSolutions-SQS2': ['164.312(a)(2)(iv)'],
  'AwsSolutions-SQS4': ['164.312(e)(1)'],
  'Serverless-LambdaTracing': ['164.312(b)'],
  'Serverless-LambdaDLQ': ['164.312(b)'],
  'Serverless-LambdaStarPermissions': ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
  'Serverless-CloudWatchLogGroupRetentionPeriod': ['164.312(b)'],
  'Serverless-APIGWAccessLogging': ['164.312(b)'],
  'Serverless-APIGWStructuredLogging': ['164.312(b)'],
  'Serverless-APIGWXrayEnabled': ['164.312(b)'],
  'Serverless-StepFunctionStateMachineXray': ['164.312(b)'],
};

/** True when a control id is the safeguard's or nested under it (by whole parenthesised parts). */
export function controlMatches(control: string, prefix: string): boolean {
  return control === prefix || control.startsWith(`${prefix}(`);
}

export function safeguardCoversRule(
  safeguard: Safeguard,
  ruleId: string,
  controls: readonly string[],
): boolean {
  if (safeguard.rules?.includes(ruleId)) return true;
  return controls.some((c) => safeguard.controls.some((p) => controlMatches(c, p)));
}
