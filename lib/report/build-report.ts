import type { IPolicyValidationPlugin } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { type Acknowledgment, collectAcknowledgments } from './collect-acknowledgments';
import { EVIDENCE, type EvidenceItem } from './evidence';
import { Inventory } from './inventory';
import { baseRuleId, type RuleEntry, ruleCatalog, ruleCoverage } from './rule-catalog';
import { SAFEGUARDS, type Safeguard, safeguardCoversRule } from './safeguards';

export interface OpenFinding {
  readonly pack: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPaths: readonly string[];
}

export interface MappedAcknowledgment extends Acknowledgment {
  /** Safeguard ids the acknowledged rule maps to. */
  readonly safeguards: readonly string[];
  /** False when no registered pack has this rule: a typo, or a rule from CloudFormation Validate. */
  readonly ruleKnown: boolean;
}

export type SafeguardStatus = 'implemented' | 'open findings' | 'no evidence in templates';

export interface SafeguardReport {
  readonly id: string;
  readonly title: string;
  readonly kind: Safeguard['kind'];
  readonly requirement: string;
  readonly clinicResponsibility?: string;
  readonly status: SafeguardStatus;
  readonly evidence: readonly EvidenceItem[];
  /** Rules mapped here, with how many resources of this app each one evaluated. */
  readonly rules: readonly CheckingRule[];
  readonly acknowledgments: readonly MappedAcknowledgment[];
  readonly openFindings: readonly OpenFinding[];
}

export interface CheckingRule extends Pick<RuleEntry, 'id' | 'pack' | 'level' | 'controls'> {
  readonly resourcesChecked: number;
}

export interface PackSummary {
  readonly name: string;
  readonly rules: number;
  readonly openFindings: number;
  /** Plugins that are not cdk-nag packs cannot be run without synth; `npm run synth` runs them. */
  readonly runByReport: boolean;
}

export interface ComplianceReport {
  readonly generatedAt: string;
  readonly source: string;
  readonly passed: boolean;
  readonly stacks: readonly string[];
  readonly packs: readonly PackSummary[];
  readonly findings: readonly OpenFinding[];
  readonly safeguards: readonly SafeguardReport[];
  readonly acknowledgments: readonly MappedAcknowledgment[];
}

export interface BuildOptions {
  /** Where the app came from (config file path), printed in the header. */
  readonly source?: string;
  readonly generatedAt?: Date;
}

/**
 * Runs every pack over the app, collects every acknowledgment, and maps both, with the resources
 * and settings found in the resolved templates, onto the HIPAA safeguards. Pure: no synth, no I/O.
 */
export function buildComplianceReport(
  app: IConstruct,
  plugins: readonly IPolicyValidationPlugin[],
  options: BuildOptions = {},
): ComplianceReport {
  const packs = plugins.filter((p): p is NagPack => p instanceof NagPack);
  const catalog = new Map(ruleCatalog(packs).map((r) => [r.id, r]));
  const coverage = ruleCoverage(packs, app);
  const controlsOf = (ruleId: string): readonly string[] => catalog.get(baseRuleId(ruleId))?.controls ?? [];
  const safeguardsOf = (ruleId: string): string[] =>
    SAFEGUARDS.filter((s) => safeguardCoversRule(s, baseRuleId(ruleId), controlsOf(ruleId))).map((s) => s.id);

  const findings: OpenFinding[] = packs.flatMap((pack) =>
    pack.validateScope(app).violations.map((v) => ({
      pack: pack.name,
      ruleId: v.ruleName,
      severity: v.severity ?? 'error',
      description: v.description,
      constructPaths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '(unknown)'),
    })),
  );

  const acknowledgments: MappedAcknowledgment[] = collectAcknowledgments(app).map((ack) => ({
    ...ack,
    safeguards: safeguardsOf(ack.ruleId),
    ruleKnown: catalog.has(baseRuleId(ack.ruleId)),
  }));

  const inventory = Inventory.fromScope(app);
  const safeguards = SAFEGUARDS.map((s): SafeguardReport => {
    const evidence = s.evidence.flatMap((kind) => EVIDENCE[kind](inventory));
    const rules = [...catalog.values()]
      .filter((r) => safeguardCoversRule(s, r.id, r.controls))
      .map(({ id, pack, level, controls }) => ({
        id,
        pack,
        level,
        controls,
        resourcesChecked: coverage.get(id) ?? 0,
      }));
    const openFindings = findings.filter((f) => safeguardsOf(f.ruleId).includes(s.id));
    const status: SafeguardStatus =
      openFindings.length > 0
        ? 'open findings'
        : evidence.length === 0
          ? 'no evidence in templates'
          : 'implemented';
    return {
      id: s.id,
      title: s.title,
      kind: s.kind,
      requirement: s.requirement,
      ...(s.clinicResponsibility ? { clinicResponsibility: s.clinicResponsibility } : {}),
      status,
      evidence: dedupe(evidence),
      rules,
      acknowledgments: acknowledgments.filter((a) => a.safeguards.includes(s.id)),
      openFindings,
    };
  });

  return {
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    source: options.source ?? 'in-process app',
    passed: findings.length === 0,
    stacks: inventory.stacks.map((s) => s.name),
    packs: plugins.map((p) => {
      const nag = p instanceof NagPack;
      return {
        name: p.name,
        rules: nag ? [...catalog.values()].filter((r) => r.pack === p.readPackName).length : 0,
        openFindings: findings.filter((f) => f.pack === p.name).length,
        runByReport: nag,
      };
    }),
    findings,
    safeguards,
    acknowledgments,
  };
}

/** Two evidence kinds of one safeguard can describe the same resource the same way. */
function dedupe(items: EvidenceItem[]): EvidenceItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.what}|${i.path}|${JSON.stringify(i.settings)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
