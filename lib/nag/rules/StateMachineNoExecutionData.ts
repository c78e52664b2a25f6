import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { asArray, path, resolvedProperties } from './cfn';

/**
 * Every Step Functions state machine logs (to a destination, at a level other than OFF) without
 * execution data, and has X-Ray tracing on. Execution data is the state input and output: in the
 * de-identification pipeline that is raw PHI, which must not land in CloudWatch Logs
 * (45 CFR 164.312(b) audit without disclosure; 164.312(a)(2)(iv)). CDK's L2 defaults
 * `includeExecutionData` to true, so the rule insists on an explicit false.
 */
export const StateMachineNoExecutionData = Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node.cfnResourceType !== 'AWS::StepFunctions::StateMachine') return NagRuleCompliance.NOT_APPLICABLE;
    const props = resolvedProperties(node);
    const logging = props['LoggingConfiguration'];
    const hasDestination = asArray(path(logging, 'Destinations')).length > 0;
    const levelOn = path(logging, 'Level') !== undefined && path(logging, 'Level') !== 'OFF';
    const noExecutionData = path(logging, 'IncludeExecutionData') === false;
    const tracing = path(props, 'TracingConfiguration', 'Enabled') === true;
    return hasDestination && levelOn && noExecutionData && tracing
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'StateMachineNoExecutionData' },
);
