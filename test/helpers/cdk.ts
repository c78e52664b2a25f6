import { App, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { cdkJsonContext } from '../../lib/cdk-context';
import { parseConfig, type WellgateConfig, type WellgateConfigInput } from '../../lib/config';
import exampleConfig from '../../wellgate.config.example.json';

/** The shipped example config with overrides; validated like a real one. */
export function testConfig(overrides: Partial<WellgateConfigInput> = {}): WellgateConfig {
  return parseConfig({ ...exampleConfig, ...overrides }, 'test config');
}

/** The feature flags and validation settings of cdk.json, so tests synthesize as `npm run synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = cdkJsonContext();

/** An App that skips esbuild bundling: infrastructure tests check templates, not bundles. */
export function appWithoutBundling(extraContext: Record<string, unknown> = {}): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...extraContext } });
}

/** Stock cdk-nag packs, run directly on a scope (cdk-nag v3 `validateScope`). */
export function stockPacks(): NagPack[] {
  return [new HIPAASecurityChecks(), new AwsSolutionsChecks(), new ServerlessChecks()];
}

/** Every unacknowledged finding as "Rule — construct path" lines (empty means compliant). */
export function nagFindings(
  scope: IConstruct,
  packs: Array<NagPack | IPolicyValidationPlugin> = stockPacks(),
): string[] {
  const lines: string[] = [];
  for (const pack of packs) {
    const report = (pack as NagPack).validateScope(scope);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        lines.push(`${violation.ruleName} — ${resource.constructPath ?? resource.resourceLogicalId}`);
      }
    }
  }
  return lines.sort();
}
