import { type IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { WellgateConfig } from '../config';
import { WellgateChecks } from './wellgate-checks';

/**
 * Every rule pack Wellgate is held to. Each finding fails synth unless it is acknowledged on the
 * construct that causes it (lib/nag/acknowledge.ts). The same list drives the compliance test
 * and the compliance report, so what synth enforces and what the reviewer reads cannot drift.
 */
export function compliancePacks(scope: IConstruct, config: WellgateConfig): IPolicyValidationPlugin[] {
  return [
    new HIPAASecurityChecks(scope, { verbose: true }),
    new AwsSolutionsChecks(scope, { verbose: true }),
    new ServerlessChecks(scope, { verbose: true }),
    new WellgateChecks(scope, config),
  ];
}

export function registerCompliancePacks(scope: IConstruct, config: WellgateConfig): void {
  Validations.of(scope).addPlugins(...compliancePacks(scope, config));
}
