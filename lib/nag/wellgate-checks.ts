import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { WellgateConfig } from '../config';
import { DeploymentNames } from '../naming';
import { apiRolesCannotReadTrainingBucket } from './rules/ApiRolesCannotReadTrainingBucket';
import { auditBucketComplianceLock } from './rules/AuditBucketComplianceLock';
import { LambdaNoEventLogging } from './rules/LambdaNoEventLogging';
import { LogGroupCmkEncrypted } from './rules/LogGroupCmkEncrypted';
import { StateMachineNoExecutionData } from './rules/StateMachineNoExecutionData';

/**
 * Wellgate's own rules, for what the stock packs miss. Messages end with "(Control IDs: ...)"
 * in the HIPAA pack's format, so the compliance report maps them to safeguards the same way.
 * Without a config the two rules that need deployment names (audit lock, training wall) are
 * skipped: they cannot know which bucket is which.
 */
export class WellgateChecks extends NagPack {
  public readonly name = 'Wellgate';
  private readonly auditLock?: ReturnType<typeof auditBucketComplianceLock>;
  private readonly trainingWall?: ReturnType<typeof apiRolesCannotReadTrainingBucket>;
  private readonly auditYears?: number;

  constructor(scope?: IConstruct, config?: WellgateConfig) {
    super(scope, { verbose: true });
    this.packName = 'Wellgate';
    if (config) {
      const names = new DeploymentNames(config);
      this.auditYears = config.retention.auditYears;
      this.auditLock = auditBucketComplianceLock({
        bucketName: names.bucket('audit'),
        years: this.auditYears,
      });
      this.trainingWall = apiRolesCannotReadTrainingBucket({ trainingBucketName: names.bucket('training') });
    }
  }

  protected checkResource(node: CfnResource): void {
    this.applyRule({
      info: 'The CloudWatch Logs log group is not encrypted with a customer-managed KMS key - (Control IDs: 164.312(a)(2)(iv), 164.312(b)).',
      explanation:
        'Function, API and pipeline logs can carry PHI by mistake. A customer-managed key lets the clinic control, audit and revoke who can read them (45 CFR 164.312(a)(2)(iv) encryption; 164.312(b) audit controls). Set encryptionKey on the log group.',
      level: NagMessageLevel.ERROR,
      rule: LogGroupCmkEncrypted,
      node,
    });
    this.applyRule({
      info: 'The state machine logs execution data, has no log destination, or has X-Ray tracing off - (Control IDs: 164.312(a)(2)(iv), 164.312(b)).',
      explanation:
        'Execution data is the input and output of every state: in the de-identification pipeline that is raw PHI. Log at a level other than OFF to a KMS-encrypted log group with includeExecutionData: false, and enable tracing, so executions are auditable without copying PHI (45 CFR 164.312(b)).',
      level: NagMessageLevel.ERROR,
      rule: StateMachineNoExecutionData,
      node,
    });
    this.applyRule({
      info: 'The Lambda function enables event logging through an environment variable such as POWERTOOLS_LOGGER_LOG_EVENT - (Control IDs: 164.312(a)(1), 164.312(b)).',
      explanation:
        'The incoming event carries PHI and bearer tokens. Logging it copies PHI into CloudWatch Logs, outside the access controls of the data stores (45 CFR 164.312(a)(1) access control). Set the variable to "false" or remove it.',
      level: NagMessageLevel.ERROR,
      rule: LambdaNoEventLogging,
      node,
    });
    if (this.auditLock) {
      this.applyRule({
        info: `The audit bucket does not have S3 Object Lock in COMPLIANCE mode for at least ${this.auditYears} years - (Control IDs: 164.312(b), 164.312(c)(1)).`,
        explanation:
          'Audit records must survive tampering, including by administrators, for the retention HIPAA requires (45 CFR 164.312(b) audit controls, 164.312(c)(1) integrity, 164.316(b)(2)(i) six-year retention). Enable Object Lock with a default retention in COMPLIANCE mode for config.retention.auditYears.',
        level: NagMessageLevel.ERROR,
        rule: this.auditLock,
        node,
      });
    }
    if (this.trainingWall) {
      this.applyRule({
        info: 'An IAM policy of an API-tier role (tag wellgate:tier=api) allows reading the training bucket or decrypting with its key - (Control IDs: 164.308(a)(4)(ii)(B), 164.312(a)(1)).',
        explanation:
          'The training wall keeps the pipeline output away from the internet-facing tier: a compromised API function must not reach training data (45 CFR 164.308(a)(4) information access management, 164.312(a)(1) access control, minimum necessary). Remove s3:Get*/s3:*/kms:Decrypt on the training bucket, its key, or "*" from the role.',
        level: NagMessageLevel.ERROR,
        rule: this.trainingWall,
        node,
      });
    }
  }
}
