#!/usr/bin/env node
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { loadConfigForCommand } from '../lib/config';
import { runPreflight } from '../lib/preflight/checks';

/**
 * `npm run preflight [-- --config clinic.json]`: after `cdk deploy`, with credentials for the
 * clinic's account, checks what CloudFormation cannot (Bedrock keeps no prompts, model access,
 * guardrail ready, trail logging) and prints the reminders. Exits 1 on any failed check.
 */
async function main(): Promise<number> {
  const config = loadConfigForCommand(process.argv.slice(2));
  if (!config) return 2;
  const results = await runPreflight(config, {
    bedrock: new BedrockClient({ region: config.region }),
    cloudTrail: new CloudTrailClient({ region: config.region }),
  });
  for (const r of results) console.log(`${r.status.toUpperCase().padEnd(8)} ${r.id.padEnd(28)} ${r.detail}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  console.log(failed === 0 ? 'Preflight: PASS' : `Preflight: FAIL (${failed} checks)`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`Preflight could not run: ${err instanceof Error ? err.name : 'unknown error'}`);
    process.exitCode = 2;
  },
);
