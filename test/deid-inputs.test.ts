import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { resourceInputFiles, resourcesOfFile } from '../lambdas/deid/files';
import { holdsResources, lineKind } from '../lambdas/deid/ndjson';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { LocalFolderStore, StaticKeySource } from '../lambdas/pipeline/local-adapters';
import { runLocalPipeline } from '../lambdas/pipeline/local-run';
import { DeidentifyBatchInput } from '../lambdas/pipeline/task-contracts';
import { deidentifyBatch } from '../lambdas/pipeline/tasks';

const KEY = 'inputs-test-key-do-not-use-0123456789abcdef0123456789abcdef';

/** What a bulk-data client writes beside the resource files: one JSON event per line. */
const LOG_LINES = [
  { exportId: 'e-1', timestamp: 1700000000000, eventId: 'kickoff', eventDetail: { errorCode: null } },
  {
    exportId: 'e-1',
    timestamp: 1700000005000,
    eventId: 'status_complete',
    eventDetail: { transactionTime: 'x' },
  },
  { exportId: 'e-1', timestamp: 1700000009000, eventId: 'export_complete', eventDetail: { files: 3 } },
];
const ndjson = (rows: readonly unknown[]): string => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

function patients(n: number): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    resourceType: 'Patient',
    id: `p-${i}`,
    gender: i % 2 === 0 ? 'female' : 'male',
    birthDate: `1980-04-0${1 + (i % 9)}`,
    address: [{ state: 'OR', postalCode: '97212' }],
  }));
}
function observations(n: number): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    resourceType: 'Observation',
    id: `o-${i}`,
    status: 'final',
    subject: { reference: `Patient/p-${i}` },
    code: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }] },
    valueQuantity: { value: 170, unit: 'cm' },
  }));
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wellgate-inputs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A bulk export as written: resource files and the client's log.ndjson. */
async function exportFolder(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'Patient.ndjson'), ndjson(patients(12)));
  await writeFile(path.join(dir, 'Observation.ndjson'), ndjson(observations(12)));
  await writeFile(path.join(dir, 'log.ndjson'), ndjson(LOG_LINES));
  return dir;
}

describe('NDJSON lines and files', () => {
  test('a line is a resource only as a JSON object with a string resourceType', () => {
    expect(lineKind('{"resourceType":"Patient","id":"1"}')).toBe('resource');
    expect(lineKind(JSON.stringify(LOG_LINES[0]))).toBe('other-json');
    expect(lineKind('{"resourceType":7}')).toBe('other-json');
    expect(lineKind('[{"resourceType":"Patient"}]')).toBe('other-json');
    expect(lineKind('"Patient"')).toBe('other-json');
    expect(lineKind('{"resourceType":"Pat')).toBe('not-json');
  });

  test('a file is judged by its first non-blank line', async () => {
    const chunks = (text: string) =>
      (async function* () {
        yield text;
      })();
    expect(await holdsResources(chunks(`\n\n${ndjson(LOG_LINES)}`))).toBe(false);
    expect(await holdsResources(chunks(ndjson(patients(2))))).toBe(true);
    expect(await holdsResources(chunks(''))).toBe(true);
    // Not JSON at all: kept, so that its reader reports the line instead of dropping the file.
    expect(await holdsResources(chunks('not json\n'))).toBe(true);
  });

  test('the input files of an export leave out its log, naming it', async () => {
    const dir = await exportFolder('listing');
    const input = await resourceInputFiles(dir);
    expect(input.files.map((f) => path.basename(f))).toEqual(['Observation.ndjson', 'Patient.ndjson']);
    expect(input.skipped).toEqual([
      { file: path.join(dir, 'log.ndjson'), reason: expect.stringMatching(/resourceType/) },
    ]);
  });

  test('a resource file with a line that is no resource still fails, naming the file and line', async () => {
    const file = path.join(root, 'mixed.ndjson');
    await writeFile(file, ndjson([...patients(2), LOG_LINES[0]]));
    const read = async () => {
      for await (const _ of resourcesOfFile(file));
    };
    await expect(read()).rejects.toThrow('mixed.ndjson line 3 is not a FHIR resource (no resourceType)');
  });
});

describe('the pipeline takes an export as it was written', () => {
  const warnings: string[] = [];
  const log = {
    info: () => undefined,
    warn: (m: string, f?: Record<string, unknown>) => warnings.push(`${m} ${JSON.stringify(f ?? {})}`),
  };

  test('the de-identify task skips an export file of other JSON with a warning naming it', async () => {
    const exportDir = path.join(root, 'task-export');
    const job = 'exports/r1/ds-FHIR_EXPORT-j/';
    await mkdir(path.join(exportDir, job, 'Patient'), { recursive: true });
    await writeFile(path.join(exportDir, job, 'Patient', 'Patient-0.ndjson'), ndjson(patients(3)));
    await writeFile(path.join(exportDir, job, 'log.ndjson'), ndjson(LOG_LINES));
    const stagingDir = path.join(root, 'task-staging');
    const store = new LocalFolderStore([
      { bucket: 'export', prefix: '', dir: exportDir },
      { bucket: 'staging', prefix: '', dir: stagingDir },
    ]);
    const keys = [`${job}Patient/Patient-0.ndjson`, `${job}log.ndjson`];
    const warned: string[] = [];
    const output = await deidentifyBatch(
      DeidentifyBatchInput.parse({
        Items: keys.map((Key) => ({ Key, Size: 1 })),
        BatchInput: {
          runId: 'r1',
          exportBucket: 'export',
          stagingBucket: 'staging',
          stagingDataPrefix: 'runs/r1/data/',
          pseudonymKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:k',
          exportKeys: keys,
          exportListingTruncated: false,
        },
      }),
      {
        store,
        keys: new StaticKeySource(KEY),
        phi: { detectPhi, redactPhi },
        log: { info: () => undefined, warn: (m, f) => warned.push(`${m} ${JSON.stringify(f ?? {})}`) },
        now: () => new Date('2025-06-01T00:00:00Z'),
        missingConsent: 'include',
      },
    );
    expect(output.files.map((f) => f.sourceKey)).toEqual([`${job}Patient/Patient-0.ndjson`]);
    expect(warned).toEqual([expect.stringContaining(`${job}log.ndjson`)]);
    expect((await readdir(path.join(stagingDir, 'runs', 'r1', 'data'))).sort()).toEqual([
      'Patient-0.ndjson',
      '_stats',
    ]);
  });

  test('npm run pipeline:local publishes from a folder holding a log.ndjson, warning about it', async () => {
    const dir = await exportFolder('pipeline-in');
    const result = await runLocalPipeline({
      inDir: dir,
      outDir: path.join(root, 'pipeline-out'),
      workDir: path.join(root, 'pipeline-work'),
      keys: new StaticKeySource(KEY),
      phi: { detectPhi, redactPhi },
      log,
      runId: 'run-inputs',
      kAnonymity: 5,
      missingConsent: 'include',
    });
    expect(result.status).toBe('published');
    expect(warnings.filter((w) => w.includes('log.ndjson'))).toEqual([
      expect.stringContaining('skipped an input file that holds no FHIR resources'),
    ]);
    const data = await readdir(path.join(root, 'pipeline-out', 'data'));
    expect(data.sort()).toEqual(['Observation-0.ndjson', 'Patient-0.ndjson']);
  });
});

describe('npm run deid', () => {
  const cli = (args: readonly string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), 'bin/deid.ts', ...args], {
      encoding: 'utf8',
      cwd: path.join(__dirname, '..'),
    });

  test('skips the export log with a warning naming it and de-identifies the rest', async () => {
    const dir = await exportFolder('deid-in');
    const out = path.join(root, 'deid-out');
    const run = cli([
      '--in',
      dir,
      '--out',
      out,
      '--key-file',
      path.join(root, 'deid.key'),
      '--grant-missing-consent',
      '--year',
      '2025',
    ]);
    expect(run.stderr).toContain(`warning: skipped ${path.join(dir, 'log.ndjson')}`);
    expect(run.status).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['Observation.ndjson', 'Patient.ndjson']);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { resourcesIn: number };
    expect(summary.resourcesIn).toBe(24);
    expect(await readFile(path.join(out, 'Patient.ndjson'), 'utf8')).not.toContain('eventId');
  });

  test('answers --help and refuses a bad flag with exit code 2 and the usage', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run deid/);
    const bad = cli(['--in', root, '--out', path.join(root, 'never'), '--bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bogus/);
    expect(bad.stderr).toMatch(/usage: npm run deid/);
    const year = cli(['--in', root, '--out', path.join(root, 'never'), '--year', '25']);
    expect(year.status).toBe(2);
    expect(year.stderr).toMatch(/--year: a four-digit year/);
  });
});
