import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { asRecord, isTruthy, path, resolvedProperties } from './cfn';

/** Powertools' switch and any look-alike (`LOG_EVENT`, `MY_LOGGER_LOG_EVENT`...). */
const LOG_EVENT_VARIABLE = /LOG_EVENT/i;

/**
 * No Lambda function turns on event logging through its environment. The incoming event carries
 * PHI and bearer tokens; logging it copies PHI into CloudWatch Logs, outside the access controls
 * of the data stores (45 CFR 164.312(a)(1), 164.312(b)). A value that is not a literal (a token
 * from a parameter) cannot be proven off, so it fails too.
 */
export const LambdaNoEventLogging = Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node.cfnResourceType !== 'AWS::Lambda::Function') return NagRuleCompliance.NOT_APPLICABLE;
    const variables = asRecord(path(resolvedProperties(node), 'Environment', 'Variables')) ?? {};
    for (const [name, value] of Object.entries(variables)) {
      if (!LOG_EVENT_VARIABLE.test(name)) continue;
      if (typeof value !== 'string' && typeof value !== 'boolean') return NagRuleCompliance.NON_COMPLIANT;
      if (isTruthy(value)) return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.COMPLIANT;
  },
  'name',
  { value: 'LambdaNoEventLogging' },
);
