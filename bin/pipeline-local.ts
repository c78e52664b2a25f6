/**
 * `npm run pipeline:local -- --in <folder of bundles or NDJSON> --out <folder>`: the deployed
 * de-identification state machine, run locally with aws-local-stepfunctions and the same task
 * handlers over folders. On success <out> holds manifest.json, data/*.ndjson and report.json; on
 * failure <out> receives nothing and the run report (no values, only rules and paths) is printed.
 *
 * Options:
 *   --work <dir>               export and staging folders (default .local/pipeline)
 *   --key-file <f>             HMAC key file (created, mode 0600, when missing); default .local/pseudonym.key
 *   --k <n>                    k-anonymity target (default 5)
 *   --bias-threshold <x>       flag groups whose share moves more than x (default 0.05)
 *   --grant-missing-consent    patients with NO research Consent count as consenting (synthetic data only)
 */
import '../lib/runtime-polyfills';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { RunReport } from '../lambdas/deid/report';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { LocalKeyFile } from '../lambdas/pipeline/local-adapters';
import { runLocalPipeline } from '../lambdas/pipeline/local-run';

const LocalRunNumbers = z.object({
  k: z
    .string()
    .regex(/^\d{1,4}$/, 'a whole number such as 5')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(2, 'k-anonymity needs k of at least 2 (every record shares its quasi-identifiers with another)'),
    ),
  biasThreshold: z
    .string()
    .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/, 'a share between 0 and 1 such as 0.05')
    .transform(Number),
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      work: { type: 'string', default: '.local/pipeline' },
      'key-file': { type: 'string', default: '.local/pseudonym.key' },
      k: { type: 'string', default: '5' },
      'bias-threshold': { type: 'string', default: '0.05' },
      'grant-missing-consent': { type: 'boolean', default: false },
    },
  });
  if (!values.in || !values.out) {
    console.error('usage: npm run pipeline:local -- --in <folder of bundles or NDJSON> --out <folder>');
    return 2;
  }
  // The same bounds the state machine's ValidateRun input has: a bad value is named here, before
  // anything runs, not discovered by the validate task after every file was de-identified.
  const numbers = LocalRunNumbers.safeParse({ k: values.k, biasThreshold: values['bias-threshold'] });
  if (!numbers.success) {
    for (const issue of numbers.error.issues)
      console.error(`--${issue.path[0] === 'k' ? 'k' : 'bias-threshold'}: ${issue.message}`);
    return 2;
  }
  const outDir = path.resolve(values.out);
  const result = await runLocalPipeline({
    inDir: path.resolve(values.in),
    outDir,
    workDir: path.resolve(values.work ?? '.local/pipeline'),
    keys: new LocalKeyFile(values['key-file'] ?? '.local/pseudonym.key'),
    phi: { detectPhi, redactPhi },
    // Task logs carry keys and counts only; the progress lines below say the same more briefly.
    log: { info: () => undefined, warn: (m, f) => console.warn(m, JSON.stringify(f ?? {})) },
    kAnonymity: numbers.data.k,
    biasShiftThreshold: numbers.data.biasThreshold,
    missingConsent: values['grant-missing-consent'] ? 'include' : 'exclude',
    progress: (line) => console.log(line),
  });

  let report: RunReport | undefined;
  if (result.reportPath) {
    try {
      report = JSON.parse(await readFile(result.reportPath, 'utf8')) as RunReport;
    } catch {
      report = undefined;
    }
  }
  if (report) {
    const c = report.counts;
    console.log(
      `report: passed=${report.passed} patients ${c.patientsIn} in, ${c.patientsExcludedForConsent} excluded for consent, ${c.patientsOut} out; resources ${c.resourcesIn} in, ${c.resourcesOut} out`,
    );
    console.log(
      `k-anonymity: target ${report.kAnonymity.target}, k ${report.kAnonymity.kBefore} before, ${report.kAnonymity.kAfter} after (level ${report.kAnonymity.level})`,
    );
    console.log(
      `residual scan: ${report.residual.count} findings over ${report.residual.stringsScanned} strings`,
    );
    for (const f of report.residual.findings.slice(0, 10))
      console.log(`  ${f.rule} (${f.type}) at ${f.path} in ${f.file} line ${f.line}`);
    for (const f of report.bias.flagged) console.log(`bias: ${f.dimension}=${f.group} moved ${f.shift}`);
  }
  if (result.status === 'published') {
    console.log(`published: ${result.manifestPath}`);
    return 0;
  }
  console.error(
    `run ${result.runId} failed with ${result.error}; nothing was written to ${outDir}. Report: ${result.reportPath}`,
  );
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : 'pipeline failed');
    process.exitCode = 1;
  },
);
