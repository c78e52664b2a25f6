import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { LeakCheck } from '../lambdas/deid/leak-check';
import { RunReportSchema } from '../lambdas/deid/report';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { StaticKeySource } from '../lambdas/pipeline/local-adapters';
import { runLocalPipeline } from '../lambdas/pipeline/local-run';
import type { RunOutcome } from '../lambdas/pipeline/ports';
import type { Manifest } from '../lambdas/pipeline/tasks';

/**
 * Synthetic patients generated here (never real data): each with a research Consent, a note that
 * mentions the patient's name, phone and dates (a base64 text attachment), an Encounter, an
 * Observation and a Communication. Some patients revoked research consent, some never gave it.
 */
const GIVEN = ['Ramona', 'Beezus', 'Henry', 'Otis', 'Ellen', 'Austine', 'Howie', 'Willa', 'Jean', 'Mitch'];
const FAMILY = ['Quimby', 'Huggins', 'Spofford', 'Tebbets', 'Kemp', 'Grumbie', 'Whaley', 'Haversham'];
const STREETS = ['Klickitat', 'Tillamook', 'Alameda', 'Siskiyou', 'Knott'];
const PSEUDONYM_KEY = 'pipeline-test-key-do-not-use-9f8e7d6c5b4a3928171615141312111';

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  bundles: JsonObject[];
  consented: string[];
  notConsented: string[];
}

function generateClinic(count: number, seed = 7): Generated {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const two = (n: number) => String(n).padStart(2, '0');
  const bundles: JsonObject[] = [];
  const consented: string[] = [];
  const notConsented: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `patient-${i}`;
    const given = `${pick(GIVEN)}${i}`;
    const family = `${pick(FAMILY)}${i}`;
    const phone = `555-${100 + i}-${String(1000 + Math.floor(rnd() * 8999))}`;
    const birth = `${1976 + Math.floor(rnd() * 8)}-${two(1 + Math.floor(rnd() * 12))}-${two(1 + Math.floor(rnd() * 28))}`;
    const line = `${10 + i} ${pick(STREETS)} St`;
    const ssn = `900-${two(10 + (i % 80))}-${String(1000 + i)}`;
    const consent = i % 10 === 3 ? 'inactive' : i % 10 === 7 ? undefined : 'active';
    (consent === 'active' ? consented : notConsented).push(id);
    const visit = `2024-${two(1 + (i % 12))}-${two(1 + (i % 27))}`;
    const note = `${given} ${family} was seen on ${visit}. Mother called from ${phone} about the refill. DOB ${birth}. Lives at ${line}. Plan: recheck in 2 weeks.`;
    const resources: JsonObject[] = [
      {
        resourceType: 'Patient',
        id,
        name: [{ given: [given], family }],
        telecom: [
          { system: 'phone', value: phone },
          { system: 'email', value: `${given.toLowerCase()}@example.org` },
        ],
        gender: i % 2 === 0 ? 'female' : 'male',
        birthDate: birth,
        address: [
          { line: [line], city: 'Portland', state: 'OR', postalCode: i % 3 === 0 ? '97212' : '97214' },
        ],
        identifier: [
          { type: { coding: [{ code: 'MR' }] }, system: 'urn:wellgate:mrn', value: `MRN${700000 + i}` },
          { type: { coding: [{ code: 'SS' }] }, system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn },
          {
            type: { coding: [{ code: 'DL' }] },
            system: 'urn:oid:2.16.840.1.113883.4.3.41',
            value: `OR${9000000 + i}`,
          },
          { type: { coding: [{ code: 'PPN' }] }, system: 'urn:passport', value: `X${80000000 + i}` },
        ],
        extension: [
          {
            url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
            extension: [
              {
                url: 'ombCategory',
                valueCoding: {
                  code: i % 4 === 0 ? '2054-5' : '2106-3',
                  display: i % 4 === 0 ? 'Black or African American' : 'White',
                },
              },
            ],
          },
          {
            url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName',
            valueString: `${pick(FAMILY)}Maiden`,
          },
        ],
      },
      {
        resourceType: 'Encounter',
        id: `enc-${i}`,
        status: 'finished',
        subject: { reference: `Patient/${id}` },
        period: { start: `${visit}T09:00:00Z` },
      },
      {
        resourceType: 'Observation',
        id: `obs-${i}`,
        status: 'final',
        subject: { reference: `Patient/${id}` },
        encounter: { reference: `Encounter/enc-${i}` },
        effectiveDateTime: `${visit}T09:30:00Z`,
        code: {
          coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }],
          text: 'Body height',
        },
        valueQuantity: { value: 160 + i, unit: 'cm' },
        note: [{ text: `Measured by nurse; ${given} was cooperative.` }],
      },
      {
        resourceType: 'DocumentReference',
        id: `doc-${i}`,
        status: 'current',
        subject: { reference: `Patient/${id}` },
        date: `${visit}T10:00:00Z`,
        content: [
          {
            attachment: {
              contentType: 'text/plain',
              data: Buffer.from(note).toString('base64'),
              url: `https://ehr.example.org/doc/${i}`,
            },
          },
        ],
      },
      {
        resourceType: 'Communication',
        id: `comm-${i}`,
        status: 'completed',
        subject: { reference: `Patient/${id}` },
        payload: [{ contentString: `Hi ${given}, please call us back at 555-000-1234 before ${visit}.` }],
      },
    ];
    if (consent !== undefined)
      resources.push({
        resourceType: 'Consent',
        id: `consent-${i}`,
        status: consent,
        patient: { reference: `Patient/${id}` },
        category: [
          { coding: [{ system: 'https://wellgate.dev/fhir/CodeSystem/consent-category', code: 'research' }] },
        ],
        dateTime: '2024-01-02T03:04:05Z',
      });
    bundles.push({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${String(resource['id'])}`, resource })),
    });
  }
  return { bundles, consented, notConsented };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[] = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

describe('npm run pipeline:local: the deployed ASL over folders with the real task handlers', () => {
  let root: string;
  let inDir: string;
  let clinic: Generated;
  const logs: string[] = [];
  const log = {
    info: (m: string, f?: Record<string, unknown>) => logs.push(`${m} ${JSON.stringify(f ?? {})}`),
    warn: (m: string, f?: Record<string, unknown>) => logs.push(`${m} ${JSON.stringify(f ?? {})}`),
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wellgate-pipeline-'));
    inDir = path.join(root, 'in');
    clinic = generateClinic(60);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(inDir, { recursive: true });
    for (const [i, b] of clinic.bundles.entries())
      await writeFile(path.join(inDir, `bundle-${i}.json`), JSON.stringify(b));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const outcomes: Array<{ runId: string; outcome: RunOutcome }> = [];
  const runs = {
    finish: async (runId: string, outcome: RunOutcome) => void outcomes.push({ runId, outcome }),
  };
  const run = (name: string, k: number) =>
    runLocalPipeline({
      runs,
      inDir,
      outDir: path.join(root, name, 'out'),
      workDir: path.join(root, name, 'work'),
      keys: new StaticKeySource(PSEUDONYM_KEY),
      phi: { detectPhi, redactPhi },
      log,
      runId: `run-${name}`,
      kAnonymity: k,
      progress: (line) => logs.push(line),
    });

  test('publishes a validated dataset: manifest at the top, hashes match, no identifier survives', async () => {
    const result = await run('ok', 5);
    if (result.status !== 'published') {
      const failed = RunReportSchema.parse(JSON.parse(await readFile(result.reportPath ?? '', 'utf8')));
      console.log(
        JSON.stringify([
          result.error,
          failed.failures,
          failed.residual.findings.slice(0, 20),
          failed.kAnonymity,
        ]),
      );
    }
    expect(result).toMatchObject({ status: 'published' });
    expect(outcomes.filter((o) => o.runId === 'run-ok').map((o) => o.outcome)).toEqual([
      expect.objectContaining({
        status: 'published',
        report: expect.objectContaining({
          passed: true,
          residualFindings: 0,
          manifestKey: expect.stringContaining('manifest.json'),
        }),
      }),
    ]);
    expect(result.states).toEqual(
      expect.arrayContaining([
        'StartExport',
        'ListExport',
        'DeidentifyBatch',
        'ValidateRun',
        'PublishDataset',
        'NotifySuccess',
      ]),
    );
    expect(result.states).not.toContain('CleanupStaging');
    const out = path.join(root, 'ok', 'out');

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.counts.patients).toBe(clinic.consented.length);
    expect(manifest.counts.patientsExcludedForConsent).toBe(clinic.notConsented.length);
    expect(manifest.engineVersion).toMatch(/^wellgate-deid\//);
    expect(manifest.configHash).toMatch(/^[0-9a-f]{64}$/);
    for (const f of manifest.files) {
      const bytes = await readFile(path.join(out, f.key));
      expect({ key: f.key, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        key: f.key,
        sha256: f.sha256,
      });
    }
    const report = RunReportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
    expect(report.passed).toBe(true);
    expect(report.residual.count).toBe(0);
    expect(report.kAnonymity.kAfter).toBeGreaterThanOrEqual(5);

    // The acceptance check of issue 5, on the generated clinic.
    const leaks = new LeakCheck();
    for (const b of clinic.bundles)
      for (const e of b['entry'] as JsonObject[]) leaks.addSource(e['resource'] as JsonObject);
    const outputs = (await filesUnder(out)).filter((f) => f.endsWith('.ndjson'));
    expect(outputs.length).toBeGreaterThan(4);
    for (const file of outputs) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      for (const [i, line] of lines.entries()) leaks.checkLine(line, path.basename(file), i + 1);
    }
    expect(leaks.valuesCollected).toBeGreaterThan(clinic.bundles.length * 8);
    expect(leaks.findings).toEqual([]);

    // Notes stay in the dataset as scrubbed text.
    const docs = (await readFile(path.join(out, 'data', 'DocumentReference-0.ndjson'), 'utf8'))
      .trim()
      .split('\n');
    expect(docs).toHaveLength(clinic.consented.length);
    const text = Buffer.from(
      String(
        (JSON.parse(docs[0] ?? '{}') as { content: Array<{ attachment: { data: string } }> }).content[0]
          ?.attachment.data,
      ),
      'base64',
    ).toString('utf8');
    expect(text).toContain('[NAME]');
    expect(text).toContain('[PHONE]');
    expect(text).toContain('refill');
  });

  test('patients without active research consent are excluded with all their resources', async () => {
    const out = path.join(root, 'ok', 'out');
    const all = (await Promise.all((await filesUnder(out)).map((f) => readFile(f, 'utf8')))).join('\n');
    const { Pseudonymizer } = await import('../lambdas/deid/pseudonym');
    const p = new Pseudonymizer(PSEUDONYM_KEY);
    for (const id of clinic.notConsented) expect(all).not.toContain(p.resourceId('Patient', id));
    for (const id of clinic.consented.slice(0, 5)) expect(all).toContain(p.resourceId('Patient', id));
  });

  test('the pseudonym key appears in no output file, report, state data or log', async () => {
    const files = await filesUnder(root);
    for (const f of files.filter((x) => !x.includes(`${path.sep}in${path.sep}`))) {
      const content = await readFile(f, 'utf8');
      expect({ f, leaked: content.includes(PSEUDONYM_KEY) }).toEqual({ f, leaked: false });
    }
    expect(logs.join('\n')).not.toContain(PSEUDONYM_KEY);
    // Logs carry counts and keys, never the seeded identifiers.
    expect(logs.join('\n')).not.toMatch(/Ramona|Quimby|555-1\d\d-|900-\d\d-/);
  });

  test('a run that fails validation writes nothing to the training folder and cleans staging', async () => {
    const result = await run('rejected', 1000);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('ValidationFailed');
    expect(result.states).toContain('CleanupStaging');
    expect(result.states).not.toContain('PublishDataset');
    expect(await filesUnder(path.join(root, 'rejected', 'out'))).toEqual([]);
    const staging = await filesUnder(
      path.join(root, 'rejected', 'work', 'staging', 'runs', 'run-rejected', 'data'),
    );
    expect(staging).toEqual([]);
    const report = RunReportSchema.parse(JSON.parse(await readFile(result.reportPath ?? '', 'utf8')));
    expect(report.failures).toEqual(['k-anonymity']);
    // The admin API's record: the validation failure with its figures first, then cleanup's.
    const recorded = outcomes.filter((o) => o.runId === 'run-rejected').map((o) => o.outcome);
    expect(recorded[0]).toMatchObject({
      status: 'failed',
      report: { passed: false, failures: ['k-anonymity'] },
    });
    expect(recorded.at(-1)).toMatchObject({ status: 'failed' });
    // The raw export (PHI) does not outlive the run.
    await expect(
      stat(path.join(root, 'rejected', 'work', 'export', 'exports', 'run-rejected')),
    ).rejects.toThrow();
  });

  test('a task that fails (not validation) takes the Catch path: staging cleaned, nothing published, run failed', async () => {
    const broken = {
      detectPhi: () => {
        throw new Error('detector crashed');
      },
      redactPhi: () => {
        throw new Error('detector crashed');
      },
    };
    const result = await runLocalPipeline({
      runs,
      inDir,
      outDir: path.join(root, 'crashed', 'out'),
      workDir: path.join(root, 'crashed', 'work'),
      keys: new StaticKeySource(PSEUDONYM_KEY),
      phi: broken,
      log,
      runId: 'run-crashed',
      kAnonymity: 5,
    });
    expect(result.status).toBe('failed');
    expect(result.states).toContain('CleanupStaging');
    expect(result.states).not.toContain('ValidateRun');
    expect(result.states).not.toContain('PublishDataset');
    expect(await filesUnder(path.join(root, 'crashed', 'out'))).toEqual([]);
    expect(
      await filesUnder(path.join(root, 'crashed', 'work', 'staging', 'runs', 'run-crashed', 'data')),
    ).toEqual([]);
    // Both cleanup passes report the failure; appState keeps the first (DynamoRunStatusRecorder).
    const statuses = outcomes.filter((o) => o.runId === 'run-crashed').map((o) => o.outcome.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));
  });
});
