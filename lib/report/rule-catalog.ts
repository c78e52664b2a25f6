import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { type IApplyRule, type NagPack, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { RULE_CONTROLS } from './safeguards';

export interface RuleEntry {
  /** Pack-prefixed id, as findings and acknowledgments name it (`HIPAA.Security-LambdaDLQ`). */
  readonly id: string;
  readonly pack: string;
  readonly level: string;
  readonly info: string;
  /** HIPAA control ids: from the rule's own message, plus the hand mapping in RULE_CONTROLS. */
  readonly controls: readonly string[];
}

/**
 * Parses "(Control IDs: 164.312(a)(2)(iv), 164.312(e)(2)(ii))" (or "Control ID:") from a rule's
 * message. The HIPAA pack and WellgateChecks both print it.
 */
export function controlIdsOf(info: string): string[] {
  const tail = info.split(/Control IDs?:/)[1];
  return tail ? [...new Set(tail.match(/164\.\d+(\([a-zA-Z0-9]+\))+/g) ?? [])] : [];
}

/**
 * Every rule a pack applies, read by intercepting `applyRule` while the pack checks one probe
 * resource. Packs call applyRule for every rule on every resource (the rule itself decides
 * "not applicable"), so one probe lists them all, with the same ids findings carry.
 */
export function ruleCatalog(packs: readonly NagPack[]): RuleEntry[] {
  const probe = new Stack(new App(), 'RuleCatalogProbe');
  new CfnResource(probe, 'Probe', { type: 'Wellgate::Report::Probe' });
  const entries = new Map<string, RuleEntry>();
  for (const pack of packs) {
    const record = (params: IApplyRule): void => {
      const id = `${pack.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
      const controls = [...new Set([...controlIdsOf(params.info), ...(RULE_CONTROLS[id] ?? [])])];
      entries.set(id, { id, pack: pack.readPackName, level: params.level, info: params.info, controls });
    };
    // An own property shadows the prototype method for this one call, then is removed again.
    Reflect.set(pack, 'applyRule', record);
    try {
      pack.validateScope(probe);
    } finally {
      Reflect.deleteProperty(pack, 'applyRule');
    }
  }
  return [...entries.values()];
}

/**
 * How many resources of the app each rule actually evaluates (any result but "not applicable"),
 * so the report can separate rules that checked something from rules for services Wellgate does
 * not use. Same interception as `ruleCatalog`, over the real tree.
 */
export function ruleCoverage(packs: readonly NagPack[], scope: IConstruct): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pack of packs) {
    const count = (params: IApplyRule): void => {
      const id = `${pack.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
      let applies: boolean;
      try {
        applies = params.rule(params.node) !== NagRuleCompliance.NOT_APPLICABLE;
      } catch {
        applies = true; // a rule that throws on a resource was still trying to check it
      }
      counts.set(id, (counts.get(id) ?? 0) + (applies ? 1 : 0));
    };
    Reflect.set(pack, 'applyRule', count);
    try {
      pack.validateScope(scope);
    } finally {
      Reflect.deleteProperty(pack, 'applyRule');
    }
  }
  return counts;
}

/** "AwsSolutions-IAM5[Action::s3:*]" → "AwsSolutions-IAM5": findings per item share the rule. */
export function baseRuleId(id: string): string {
  return id.replace(/\[.*\]$/, '');
}
