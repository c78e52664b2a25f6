import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgment {
  /** The rule id as acknowledged, with any "[finding]" suffix. */
  readonly ruleId: string;
  readonly reason: string;
  readonly constructPath: string;
  /** Undefined when acknowledged on the app or a stage, above every stack. */
  readonly stack?: string;
  /** True when placed on a stack (or higher): it covers every resource below it. */
  readonly broad: boolean;
}

/**
 * Every acknowledgment in the tree, read from the construct metadata that
 * `Validations.of(x).acknowledge()` writes: `{ "Annotation::<rule id>": reason }` per call
 * (aws-cdk-lib < 2.262.1 wrote a lower-case "annotation::" prefix; cdk-nag strips either).
 */
export function collectAcknowledgments(scope: IConstruct): Acknowledgment[] {
  const found: Acknowledgment[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const data: unknown = entry.data;
      if (typeof data !== 'object' || data === null) continue;
      for (const [key, reason] of Object.entries(data)) {
        const stack = stackOf(construct);
        found.push({
          ruleId: key.replace(/^annotation::/i, ''),
          reason: String(reason),
          constructPath: construct.node.path,
          ...(stack ? { stack: stack.stackName } : {}),
          broad: stack === undefined || stack === construct,
        });
      }
    }
  }
  return found.sort(
    (a, b) => a.constructPath.localeCompare(b.constructPath) || a.ruleId.localeCompare(b.ruleId),
  );
}

function stackOf(construct: IConstruct): Stack | undefined {
  return construct.node.scopes.filter((s): s is Stack => Stack.isStack(s)).pop();
}
