/**
 * `npm run deid -- --in <file|folder> --out <folder>`: the structured Safe Harbor engine alone,
 * over Bundle JSON files or NDJSON, writing one NDJSON file per resource type.
 *
 * NDJSON files whose lines are other JSON than FHIR resources (a bulk export's log.ndjson) are
 * skipped with a warning naming them.
 *
 * Options:
 *   --key-file <f>             HMAC key file (created, mode 0600, when missing); default .local/pseudonym.key
 *   --grant-missing-consent    treat patients with NO research Consent as consenting (synthetic data only)
 *   --year <yyyy>              reference year for ages (default: this year)
 *   --leak-check               afterwards, search the output for the source's names, address lines,
 *                              phones, e-mails, SSN/MRN/licence/passport numbers and full birth dates
 *   --bench                    also time JSON.parse+JSON.stringify vs the engine on the same NDJSON, in memory
 *                              and file to file (see benchmarks/json-baseline.ts for the method)
 *   --help                     this text
 * Prints counts and rates; never a record value. Exit codes: 0 done, 1 failed or leak found, 2 usage.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { compareFileToFile, compareInMemory } from '../benchmarks/json-baseline';
import { DeidEngine } from '../lambdas/deid/engine';
import { resourceInputFiles, resourcesOfFile } from '../lambdas/deid/files';
import { LeakCheck } from '../lambdas/deid/leak-check';
import { linesOf } from '../lambdas/deid/ndjson';
import { PatientContextBuilder } from '../lambdas/deid/patient-context';
import { Pseudonymizer } from '../lambdas/deid/pseudonym';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { LocalKeyFile } from '../lambdas/pipeline/local-adapters';

const USAGE = `usage: npm run deid -- --in <file|folder> --out <folder> [options]

  --in <path>               a Bundle JSON or NDJSON file, or a folder of them (searched recursively)
  --out <folder>            receives one NDJSON file per resource type
  --key-file <f>            HMAC key file (created, mode 0600, when missing); default .local/pseudonym.key
  --grant-missing-consent   patients with NO research Consent count as consenting (synthetic data only)
  --year <yyyy>             reference year for ages (default: this year)
  --leak-check              search the output for the source's identifiers afterwards (exit 1 on a find)
  --bench                   also time JSON.parse+JSON.stringify against the engine on the same input
  --help                    this text
NDJSON files of other JSON than FHIR resources (a bulk export's log.ndjson) are skipped with a warning.`;

const Year = z
  .string()
  .regex(/^\d{4}$/, 'a four-digit year such as 2025')
  .transform(Number);

function parse() {
  return parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      'key-file': { type: 'string', default: '.local/pseudonym.key' },
      'grant-missing-consent': { type: 'boolean', default: false },
      year: { type: 'string' },
      'leak-check': { type: 'boolean', default: false },
      bench: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.in || !values.out) {
    console.error(USAGE);
    return 2;
  }
  const year = values.year === undefined ? undefined : Year.safeParse(values.year);
  if (year !== undefined && !year.success) {
    console.error(`--year: ${year.error.issues[0]?.message ?? 'invalid'}\n${USAGE}`);
    return 2;
  }
  const input = await resourceInputFiles(values.in);
  for (const s of input.skipped) console.warn(`warning: skipped ${s.file}: ${s.reason}`);
  const files = input.files;
  if (files.length === 0) {
    console.error(`no FHIR resource files in ${values.in}`);
    return 1;
  }
  const referenceYear = year?.data ?? new Date().getUTCFullYear();
  const key = await new LocalKeyFile(values['key-file'] ?? '.local/pseudonym.key').getKey();
  const phi = { detectPhi, redactPhi };

  // Pass 1: consent and known identifiers of every patient (and the leak check's source values).
  const builder = new PatientContextBuilder();
  const leaks = new LeakCheck();
  for (const file of files)
    for await (const r of resourcesOfFile(file)) {
      builder.add(r);
      leaks.addSource(r);
    }
  const context = builder.build(values['grant-missing-consent'] ? 'include' : 'exclude');
  const engine = new DeidEngine({ pseudonymizer: new Pseudonymizer(key), context, phi, referenceYear });

  // Pass 2: de-identify, one resource at a time.
  await mkdir(values.out, { recursive: true });
  const outputs = new Map<string, WriteStream>();
  let bytesIn = 0;
  const started = process.hrtime.bigint();
  for (const [i, file] of files.entries()) {
    for await (const r of resourcesOfFile(file)) {
      const line = JSON.stringify(r);
      bytesIn += line.length + 1;
      const outcome = engine.processLine(line);
      if (outcome.kind !== 'kept') continue;
      let out = outputs.get(outcome.resourceType);
      if (!out) {
        out = createWriteStream(path.join(values.out, `${outcome.resourceType}.ndjson`));
        outputs.set(outcome.resourceType, out);
      }
      if (!out.write(`${outcome.line}\n`))
        await new Promise<void>((resolve) => out?.once('drain', () => resolve()));
    }
    console.log(`[${i + 1}/${files.length}] ${path.basename(file)}`);
  }
  await Promise.all([...outputs.values()].map((o) => new Promise<void>((resolve) => o.end(() => resolve()))));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = engine.stats;
  console.log(
    JSON.stringify({
      resourcesIn: s.resourcesIn,
      resourcesOut: s.resourcesOut,
      patientsIn: s.patientsIn,
      patientsExcludedForConsent: s.patientsExcluded,
      excludedByConsent: s.excludedByConsent,
      freeTextFields: s.freeTextFields,
      redactedSpans: s.redactedSpans,
      agesFolded: s.agesFolded,
      mbPerSecond: Number((bytesIn / 1e6 / seconds).toFixed(2)),
    }),
  );

  let exit = 0;
  if (values['leak-check']) {
    for (const type of outputs.keys()) {
      const file = path.join(values.out, `${type}.ndjson`);
      let lineNo = 0;
      for await (const line of linesOf(createReadStream(file))) {
        lineNo++;
        leaks.checkLine(line, path.basename(file), lineNo);
      }
    }
    const byCategory: Record<string, number> = {};
    for (const f of leaks.findings) byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    console.log(
      JSON.stringify({
        leakCheck: { sourceValues: leaks.valuesCollected, findings: leaks.findings.length, byCategory },
      }),
    );
    for (const f of leaks.findings.slice(0, 20))
      console.log(`  leak: ${f.category} in ${f.file} line ${f.line}`);
    if (leaks.findings.length > 0) exit = 1;
  }

  if (values.bench) {
    const lines: string[] = [];
    for (const file of files) for await (const r of resourcesOfFile(file)) lines.push(JSON.stringify(r));
    const newEngine = () =>
      new DeidEngine({ pseudonymizer: new Pseudonymizer(key), context, phi, referenceYear });
    const comparison = { warmupPasses: 5, pairs: 15 };
    const inMemory = await compareInMemory(lines, newEngine, comparison);
    const fileToFile = await compareFileToFile(lines, newEngine, comparison);
    console.log(JSON.stringify({ bench: { resources: lines.length, inMemory, fileToFile } }));
    if (inMemory.linesKept < inMemory.linesIn * 0.9)
      console.warn(
        `bench: the engine left out ${inMemory.linesIn - inMemory.linesKept} of ${inMemory.linesIn} lines (no research consent): the ratios mostly measure skipping them`,
      );
  }
  return exit;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Messages from the engine name files and line numbers, never values.
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : 'deid failed');
    process.exitCode = 1;
  },
);
