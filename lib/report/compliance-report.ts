#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { cdkJsonContext } from '../cdk-context';
import { configPathFromCommandLine, loadConfigForCommand } from '../config';
import { compliancePacks } from '../nag/packs';
import { buildWellgate } from '../wellgate-app';
import { buildComplianceReport } from './build-report';
import { renderMarkdown } from './render-markdown';

/**
 * `npm run compliance-report [-- --config <path>] [-- --out <dir>]`
 * Builds the app in-process (no synth, no bundling), runs every pack, and writes
 * compliance-report.md and .json. Exits 1 on any open finding, 2 on a bad config.
 */
function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function main(): number {
  const configPath = configPathFromCommandLine(process.argv.slice(2));
  const outDir = argument('--out') ?? 'cdk.out';
  const config = loadConfigForCommand(process.argv.slice(2));
  if (!config) return 2;

  // Same flags and validation as synth; bundling skipped because the report reads templates only.
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  buildWellgate(app, config);
  const report = buildComplianceReport(app, compliancePacks(app, config), { source: configPath });

  mkdirSync(outDir, { recursive: true });
  const md = path.join(outDir, 'compliance-report.md');
  const json = path.join(outDir, 'compliance-report.json');
  writeFileSync(md, renderMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);

  const counts = report.safeguards.reduce<Record<string, number>>((acc, s) => {
    acc[s.status] = (acc[s.status] ?? 0) + 1;
    return acc;
  }, {});
  console.log(`Compliance report: ${md} and ${json}`);
  console.log(
    `Safeguards: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; acknowledgments: ${report.acknowledgments.length}`,
  );
  for (const f of report.findings) {
    console.error(`OPEN FINDING ${f.ruleId} (${f.severity}) on ${f.constructPaths.join(', ')}`);
  }
  console.log(report.passed ? 'Result: PASS' : `Result: FAIL (${report.findings.length} open findings)`);
  return report.passed ? 0 : 1;
}

process.exitCode = main();
