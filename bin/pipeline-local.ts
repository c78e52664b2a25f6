/**
 * `npm run pipeline:local -- --in <folder of bundles or NDJSON> --out <folder>`: the deployed
 * de-identification state machine, run locally with aws-local-stepfunctions and the same task
 * handlers over folders. On success <out> holds manifest.json, data/*.ndjson and report.json; on
 * failure <out> receives nothing and the run report (no values, only rules, paths and counts) is
 * printed. `--from-local-clinic` runs it over the project's synthetic clinic instead, generated at
 * `--patients` patients with its consents, as a HealthLake export of the local store would hold it.
 * See USAGE for the options.
 */
import '../lib/runtime-polyfills';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type RunReport, RunReportSchema } from '../lambdas/deid/report';
import { allResources, generateSyntheticClinic } from '../lambdas/local/seed/synthetic-clinic';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { LocalKeyFile } from '../lambdas/pipeline/local-adapters';
import { runLocalPipeline } from '../lambdas/pipeline/local-run';

const USAGE = `usage: npm run pipeline:local -- (--in <folder> | --from-local-clinic [--patients <n>]) --out <folder> [options]

  --in <folder>              Bundle JSON and NDJSON files (searched recursively); NDJSON files of other
                             JSON than FHIR resources (a bulk export's log.ndjson) are skipped with a warning
  --from-local-clinic        instead of --in: the project's synthetic clinic, with its consents
  --patients <n>             patients of the synthetic clinic (default 2000)
  --out <folder>             receives the dataset (manifest.json, data/*.ndjson, report.json) if it passes
  --work <dir>               export and staging folders (default .local/pipeline)
  --key-file <f>             HMAC key file (created, mode 0600, when missing); default .local/pseudonym.key
  --k <n>                    k-anonymity target (default 5)
  --max-suppression <x>      share of patients that may be suppressed, with all their resources, to
                             reach k (default 0.05)
  --bias-threshold <x>       flag groups whose share moves more than x (default 0.05)
  --grant-missing-consent    patients with NO research Consent count as consenting (synthetic data only)
  --help                     this text
Exit codes: 0 published, 1 the run failed (nothing published), 2 usage.`;

const share = (what: string) =>
  z
    .string()
    .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/, `a share between 0 and 1 such as ${what}`)
    .transform(Number);

/** The same bounds the state machine's ValidateRun input has, named before anything runs. */
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
  'max-suppression': share('0.05'),
  'bias-threshold': share('0.05'),
  patients: z
    .string()
    .regex(/^\d{1,6}$/, 'a whole number such as 2000')
    .transform(Number)
    .pipe(z.number().min(1, 'at least one patient').max(100_000, 'at most 100000 patients')),
});

function parse() {
  return parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      'from-local-clinic': { type: 'boolean', default: false },
      patients: { type: 'string' },
      work: { type: 'string', default: '.local/pipeline' },
      'key-file': { type: 'string', default: '.local/pseudonym.key' },
      k: { type: 'string', default: '5' },
      'max-suppression': { type: 'string', default: '0.05' },
      'bias-threshold': { type: 'string', default: '0.05' },
      'grant-missing-consent': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

function usageError(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

/** The synthetic clinic as an export of the local store holds it: one NDJSON file per type. */
async function writeLocalClinic(dir: string, patientCount: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const clinic = generateSyntheticClinic({ patientCount });
  const writers = new Map<string, WriteStream>();
  for (const resource of allResources(clinic)) {
    let w = writers.get(resource.resourceType);
    if (!w) {
      w = createWriteStream(path.join(dir, `${resource.resourceType}.ndjson`));
      writers.set(resource.resourceType, w);
    }
    if (!w.write(`${JSON.stringify(resource)}\n`))
      await new Promise<void>((resolve) => w?.once('drain', () => resolve()));
  }
  await Promise.all([...writers.values()].map((w) => new Promise<void>((resolve) => w.end(() => resolve()))));
  return clinic.patients.length;
}

function printReport(report: RunReport): void {
  const c = report.counts;
  const k = report.kAnonymity;
  console.log(
    `report: passed=${report.passed} patients ${c.patientsIn} in, ${c.patientsExcludedForConsent} excluded for consent, ${c.patientsSuppressed} suppressed for k-anonymity, ${c.patientsOut} out; resources ${c.resourcesIn} in, ${c.resourcesSuppressed} suppressed, ${c.resourcesOut} out`,
  );
  console.log(
    `k-anonymity: target ${k.target}, k ${k.kBefore} before, ${k.kAfter} after (level ${k.level}, ${k.suppressed} of ${k.patients} patients suppressed, budget ${k.maxSuppression})`,
  );
  if (k.message !== undefined) console.log(`k-anonymity: ${k.message}`);
  console.log(
    `residual scan: ${report.residual.count} findings over ${report.residual.stringsScanned} strings`,
  );
  for (const f of report.residual.findings.slice(0, 10))
    console.log(`  ${f.rule} (${f.type}) at ${f.path} in ${f.file} line ${f.line}`);
  if (report.bias.patientsSuppressed > 0) {
    const groups = (['ageBand', 'sex'] as const).map(
      (dim) =>
        `${dim} ${Object.entries(report.bias.suppressed[dim])
          .map(([g, n]) => `${g}: ${n}`)
          .join(', ')}`,
    );
    console.log(`bias: ${report.bias.patientsSuppressed} patients suppressed (${groups.join('; ')})`);
  }
  for (const f of report.bias.flagged) console.log(`bias: ${f.dimension}=${f.group} moved ${f.shift}`);
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const fromClinic = values['from-local-clinic'] === true;
  if (fromClinic && values.in !== undefined)
    return usageError('--in and --from-local-clinic exclude each other');
  if (!fromClinic && values.patients !== undefined)
    return usageError('--patients sets the size of --from-local-clinic');
  if ((!values.in && !fromClinic) || !values.out)
    return usageError('--out and one of --in, --from-local-clinic are required');
  const numbers = LocalRunNumbers.safeParse({
    k: values.k,
    'max-suppression': values['max-suppression'],
    'bias-threshold': values['bias-threshold'],
    patients: values.patients ?? '2000',
  });
  if (!numbers.success) {
    for (const issue of numbers.error.issues) console.error(`--${String(issue.path[0])}: ${issue.message}`);
    console.error(USAGE);
    return 2;
  }

  const outDir = path.resolve(values.out);
  const workDir = path.resolve(values.work ?? '.local/pipeline');
  const clinicDir = path.join(workDir, 'local-clinic');
  let inDir = path.resolve(values.in ?? clinicDir);
  if (fromClinic) {
    await rm(clinicDir, { recursive: true, force: true });
    const patients = await writeLocalClinic(clinicDir, numbers.data.patients);
    console.log(`generated the synthetic clinic: ${patients} patients`);
    inDir = clinicDir;
  }
  let result: Awaited<ReturnType<typeof runLocalPipeline>>;
  try {
    result = await runLocalPipeline({
      inDir,
      outDir,
      workDir,
      keys: new LocalKeyFile(values['key-file'] ?? '.local/pseudonym.key'),
      phi: { detectPhi, redactPhi },
      // Task logs carry keys and counts only; the progress lines below say the same more briefly.
      log: {
        info: () => undefined,
        warn: (m, f) => console.warn(`warning: ${m}`, JSON.stringify(f ?? {})),
      },
      kAnonymity: numbers.data.k,
      maxSuppression: numbers.data['max-suppression'],
      biasShiftThreshold: numbers.data['bias-threshold'],
      missingConsent: values['grant-missing-consent'] ? 'include' : 'exclude',
      progress: (line) => console.log(line),
    });
  } finally {
    if (fromClinic) await rm(clinicDir, { recursive: true, force: true });
  }

  let report: RunReport | undefined;
  if (result.reportPath) {
    try {
      report = RunReportSchema.parse(JSON.parse(await readFile(result.reportPath, 'utf8')));
    } catch {
      report = undefined;
    }
  }
  if (report) printReport(report);
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
