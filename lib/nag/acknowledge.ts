import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Reasons a security reviewer would send back unread. */
const EMPTY_REASONS = /^(n\/?a|none|not needed|not required|ok|ignore|todo|tbd|false positive)\.?$/i;

/**
 * Acknowledges one nag finding on the construct that causes it. The reason must say why the
 * control does not apply or how it is met otherwise: the compliance report prints it verbatim.
 * Rule ids are the bare pack-prefixed ids (`HIPAA.Security-LambdaDLQ`,
 * `AwsSolutions-IAM5[Action::s3:*]`); cdk-nag v3 mishandles the `Pack::Rule` spelling.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (id.includes('::') && !id.includes('[')) {
    throw new Error(`acknowledge(${id}): use the bare rule id without "::"`);
  }
  if (reason.trim().length < 40 || EMPTY_REASONS.test(reason.trim())) {
    throw new Error(
      `acknowledge(${id}) on ${scope.node.path}: give a reason a security reviewer would accept`,
    );
  }
  Validations.of(scope).acknowledge({ id, reason });
}
