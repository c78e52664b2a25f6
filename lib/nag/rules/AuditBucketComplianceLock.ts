import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { path, resolvedProperties } from './cfn';

export interface AuditLockExpectation {
  /** Physical name of the audit bucket (`DeploymentNames.bucket('audit')`). */
  readonly bucketName: string;
  /** Minimum default retention in years (`config.retention.auditYears`). */
  readonly years: number;
}

/**
 * The audit bucket has S3 Object Lock enabled with a default retention in COMPLIANCE mode for at
 * least the configured years (or the same span in days). COMPLIANCE mode means not even the root
 * user can shorten it, so audit records survive the six years HIPAA requires
 * (45 CFR 164.312(b), 164.312(c)(1), 164.316(b)(2)(i)). GOVERNANCE mode would let an
 * administrator with a bypass permission delete evidence.
 */
export function auditBucketComplianceLock(
  expected: AuditLockExpectation,
): (node: CfnResource) => NagRuleCompliance {
  return Object.defineProperty(
    (node: CfnResource): NagRuleCompliance => {
      if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
      const props = resolvedProperties(node);
      if (props['BucketName'] !== expected.bucketName) return NagRuleCompliance.NOT_APPLICABLE;
      const lock = props['ObjectLockConfiguration'];
      const retention = path(lock, 'Rule', 'DefaultRetention');
      const years = path(retention, 'Years');
      const days = path(retention, 'Days');
      const longEnough =
        (typeof years === 'number' && years >= expected.years) ||
        (typeof days === 'number' && days >= 365 * expected.years);
      const compliant =
        props['ObjectLockEnabled'] === true &&
        path(lock, 'ObjectLockEnabled') === 'Enabled' &&
        path(retention, 'Mode') === 'COMPLIANCE' &&
        longEnough;
      return compliant ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    },
    'name',
    { value: 'AuditBucketComplianceLock' },
  );
}
