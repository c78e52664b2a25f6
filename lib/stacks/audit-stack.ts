import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { AlarmTopic } from '../constructs/alarm-topic';
import { AuditEventStream } from '../constructs/audit-event-stream';
import { AuditTrail } from '../constructs/audit-trail';
import { ImmutableAuditBucket, partitionOf } from '../constructs/immutable-audit-bucket';
import { SecurityAlarms } from '../constructs/security-alarms';
import { DeploymentNames } from '../naming';

export type AuditStackProps = StackProps & { config: WellgateConfig; names: DeploymentNames };

/** Alias of the replica key in the disaster-recovery Region; the primary's replication rule names it. */
function replicaKeyAlias(config: WellgateConfig): string {
  return `alias/wellgate-${config.clinic.id}-audit-replica`;
}

/** The same deployment names, in the disaster-recovery Region. */
function drNames(config: WellgateConfig, region: string): DeploymentNames {
  return new DeploymentNames({ ...config, region });
}

/** A customer managed key for audit data, rotated yearly, never deleted with the stack. */
function auditKey(scope: Construct, description: string, alias: string): kms.Key {
  return new kms.Key(scope, 'AuditKey', {
    description,
    alias,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

export type AuditReplicaStackProps = StackProps & { config: WellgateConfig; primaryRegion: string };

/**
 * The disaster-recovery copy of the audit bucket, in `config.disasterRecovery.region`: Object Lock
 * COMPLIANCE on this side too, its own key and access-log bucket. Deployed before the audit stack,
 * whose replication rule needs the bucket to exist.
 */
export class AuditReplicaStack extends Stack {
  readonly replicaKey: kms.Key;
  readonly replicaBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditReplicaStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = drNames(config, this.region);

    this.replicaKey = auditKey(
      this,
      `Wellgate ${config.clinic.name}: disaster-recovery replica of the audit records`,
      replicaKeyAlias(config),
    );
    this.accessLogsBucket = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: names.bucket('access-logs'),
      retentionYears: config.retention.auditYears,
      replicaOf: props.primaryRegion,
    }).bucket;
    this.replicaBucket = new ImmutableAuditBucket(this, 'AuditReplica', {
      bucketName: names.bucket('audit'),
      encryptionKey: this.replicaKey,
      retentionYears: config.retention.auditYears,
      accessLogsBucket: this.accessLogsBucket,
      replicaOf: props.primaryRegion,
    }).bucket;
  }
}

/**
 * Stateful audit foundation, deployed first: the audit CMK, the access-log bucket, the Object Lock
 * audit bucket, the multi-Region trail with its security alarms, the alarm topic, and the Firehose
 * stream the API writes application audit events to. 45 CFR 164.312(b), 164.312(c)(1),
 * 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii), 164.316(b)(2)(i).
 */
export class AuditStack extends Stack {
  readonly auditKey: kms.Key;
  readonly accessLogsBucket: s3.Bucket;
  readonly auditBucket: s3.Bucket;
  readonly alarmTopic: sns.Topic;
  readonly auditDeliveryStream: firehose.IDeliveryStream;
  readonly trail: cloudtrail.Trail;
  readonly securityAlarms: SecurityAlarms;
  /** The disaster-recovery replica stack, when `config.disasterRecovery` is set. */
  readonly replica?: AuditReplicaStack;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { config, names } = props;
    const clinicId = config.clinic.id;
    const partition = partitionOf(this.region);
    const logRetention = config.retention.logDays;

    const dr = config.disasterRecovery;
    if (dr) {
      this.replica = new AuditReplicaStack(scope, `${id}-replica`, {
        env: { account: config.account, region: dr.region },
        terminationProtection: props.terminationProtection,
        config,
        primaryRegion: this.region,
      });
      this.addStackDependency(this.replica, 'the replication rule needs the replica bucket to exist');
    }

    this.auditKey = auditKey(
      this,
      `Wellgate ${config.clinic.name}: audit records (CloudTrail, application audit events, alarms)`,
      `alias/wellgate-${clinicId}-audit`,
    );

    this.accessLogsBucket = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: names.bucket('access-logs'),
      retentionYears: config.retention.auditYears,
      replicateTo: dr
        ? { region: dr.region, bucketName: drNames(config, dr.region).bucket('access-logs') }
        : undefined,
    }).bucket;

    this.auditBucket = new ImmutableAuditBucket(this, 'AuditBucket', {
      bucketName: names.bucket('audit'),
      encryptionKey: this.auditKey,
      retentionYears: config.retention.auditYears,
      accessLogsBucket: this.accessLogsBucket,
      replicateTo: dr
        ? {
            region: dr.region,
            bucketName: drNames(config, dr.region).bucket('audit'),
            keyAlias: replicaKeyAlias(config),
          }
        : undefined,
    }).bucket;

    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      topicName: `wellgate-${clinicId}-alarms`,
      displayName: `Wellgate ${config.clinic.name} alarms`,
      email: config.alarmEmail,
      encryptionKey: this.auditKey,
    }).topic;

    const objectsOf = (bucketName: string, prefix = '') => `arn:${partition}:s3:::${bucketName}/${prefix}`;
    const auditTrail = new AuditTrail(this, 'Trail', {
      trailName: names.trail(),
      bucket: this.auditBucket,
      deliveryPrefix: DeploymentNames.CLOUDTRAIL_PREFIX,
      encryptionKey: this.auditKey,
      logGroupName: `/wellgate/${clinicId}/cloudtrail`,
      logRetention,
      s3DataEventArns: [
        objectsOf(names.bucket('export')),
        objectsOf(names.bucket('training')),
        objectsOf(names.bucket('staging')),
        // Only the application prefix: data events on CloudTrail's own prefix would feed back.
        objectsOf(names.bucket('audit'), DeploymentNames.APP_AUDIT_PREFIX),
      ],
    });
    this.trail = auditTrail.trail;

    this.securityAlarms = new SecurityAlarms(this, 'SecurityAlarms', {
      logGroup: auditTrail.logGroup,
      alarmTopic: this.alarmTopic,
      metricNamespace: `Wellgate/${clinicId}/Security`,
      alarmNamePrefix: `wellgate-${clinicId}-security-`,
    });

    this.auditDeliveryStream = new AuditEventStream(this, 'AuditEvents', {
      deliveryStreamName: `wellgate-${clinicId}-audit-events`,
      bucket: this.auditBucket,
      prefix: DeploymentNames.APP_AUDIT_PREFIX,
      encryptionKey: this.auditKey,
      errorLogGroupName: `/wellgate/${clinicId}/audit-events-delivery`,
      logRetention,
    }).deliveryStream;
  }
}
