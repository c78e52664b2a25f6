import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { resolvedProperties } from './cfn';

/**
 * Every CloudWatch Logs log group is encrypted with a customer-managed KMS key.
 * Function and API logs can carry PHI by mistake; a CMK lets the clinic revoke and audit reads
 * (45 CFR 164.312(a)(2)(iv)). The HIPAA pack's CloudWatchLogGroupEncrypted checks the same
 * field; this rule keeps it enforced even where that one is acknowledged.
 */
export const LogGroupCmkEncrypted = Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const keyId = resolvedProperties(node)['KmsKeyId'];
    const present = typeof keyId === 'string' ? keyId.length > 0 : keyId !== undefined && keyId !== null;
    return present ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'LogGroupCmkEncrypted' },
);
