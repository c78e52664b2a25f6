import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** One CloudTrail metric filter and the alarm on it. */
export interface SecurityAlarmDefinition {
  /** Construct id and metric name (PascalCase). */
  readonly id: string;
  /** Alarm description: what happened and what to check first. */
  readonly description: string;
  /** CloudWatch Logs filter pattern over CloudTrail JSON events. */
  readonly filterPattern: string;
}

/**
 * CIS AWS Foundations Benchmark (v3.0, section 4 "Monitoring") metric filters, plus changes to the
 * identity provider and key settings Wellgate depends on. 45 CFR 164.308(a)(1)(ii)(D) information
 * system activity review, 164.308(a)(6)(ii) security incident response.
 */
export const SECURITY_ALARMS: readonly SecurityAlarmDefinition[] = [
  {
    id: 'UnauthorizedApiCalls',
    description:
      'CIS 4.1: API calls denied for lack of permission. A burst can mean probing with stolen credentials; check userIdentity and sourceIPAddress.',
    filterPattern:
      '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
  },
  {
    id: 'ConsoleSignInWithoutMfa',
    description:
      'CIS 4.2: an IAM user signed in to the console without MFA. Every person with access to PHI systems must use MFA (45 CFR 164.312(d)).',
    filterPattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    id: 'RootAccountUse',
    description:
      'CIS 4.3: the root user made a call. Root should be used only for the few tasks that need it; confirm who and why.',
    filterPattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: 'IamPolicyChanges',
    description:
      'CIS 4.4: an IAM policy was created, changed, attached or detached. Review the change against the access plan.',
    filterPattern:
      '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }',
  },
  {
    id: 'CloudTrailConfigChanges',
    description:
      'CIS 4.5: a trail was created, changed, stopped or deleted. Audit logging must never stop (45 CFR 164.312(b)).',
    filterPattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) || ($.eventName = PutInsightSelectors) }',
  },
  {
    id: 'ConsoleAuthenticationFailures',
    description: 'CIS 4.6: failed console sign-in. Repeated failures suggest password guessing.',
    filterPattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  {
    id: 'KmsKeyDisabledOrScheduledForDeletion',
    description:
      'CIS 4.7: a customer managed key was disabled or scheduled for deletion. Data encrypted with it becomes unreadable; cancel the deletion if unplanned.',
    filterPattern:
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  },
  {
    id: 'S3BucketPolicyChanges',
    description:
      'CIS 4.8: a bucket policy, ACL, public access block, replication, lifecycle or Object Lock setting changed. Check that no PHI or audit bucket was opened or weakened.',
    filterPattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication) || ($.eventName = PutBucketPublicAccessBlock) || ($.eventName = DeleteBucketPublicAccessBlock) || ($.eventName = PutObjectLockConfiguration) || ($.eventName = PutBucketVersioning)) }',
  },
  {
    id: 'SecurityGroupChanges',
    description:
      'CIS 4.10: a security group rule changed. Functions run in isolated subnets; any new ingress or egress needs a reason.',
    filterPattern:
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  },
  {
    id: 'CognitoSecurityChanges',
    description:
      'A Cognito user pool, its MFA or threat-protection settings, an app client, or a group membership (role grant) changed. Roles come from groups: confirm every grant.',
    filterPattern:
      '{ ($.eventSource = cognito-idp.amazonaws.com) && (($.eventName = UpdateUserPool) || ($.eventName = DeleteUserPool) || ($.eventName = SetUserPoolMfaConfig) || ($.eventName = SetRiskConfiguration) || ($.eventName = UpdateUserPoolClient) || ($.eventName = DeleteUserPoolClient) || ($.eventName = AdminAddUserToGroup) || ($.eventName = CreateGroup) || ($.eventName = DeleteGroup)) }',
  },
];

export interface SecurityAlarmsProps {
  /** The CloudTrail log group. */
  readonly logGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
  /** CloudWatch namespace of the metrics, e.g. `Wellgate/oakridge/Security`. */
  readonly metricNamespace: string;
  /** Prefix of every alarm name, e.g. `wellgate-oakridge-security-`. */
  readonly alarmNamePrefix: string;
  /** @default SECURITY_ALARMS */
  readonly definitions?: readonly SecurityAlarmDefinition[];
}

/** A metric filter and an alarm per definition; every alarm notifies the alarm topic. */
export class SecurityAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.alarmTopic);

    this.alarms = (props.definitions ?? SECURITY_ALARMS).map((definition) => {
      const filter = new logs.MetricFilter(this, `${definition.id}Filter`, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.literal(definition.filterPattern),
        metricNamespace: props.metricNamespace,
        metricName: definition.id,
        metricValue: '1',
        // No event in a period means zero, not "missing": the alarm stays OK.
        defaultValue: 0,
      });
      const alarm = new cloudwatch.Alarm(this, `${definition.id}Alarm`, {
        alarmName: `${props.alarmNamePrefix}${definition.id}`,
        alarmDescription: definition.description,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: true,
      });
      alarm.addAlarmAction(action);
      return alarm;
    });
  }
}
