import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { emptyCounts } from '../lambdas/deid/demographics';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { Pseudonymizer } from '../lambdas/deid/pseudonym';
import { RunReportSchema } from '../lambdas/deid/report';
import {
  biasReport,
  chooseGeneralization,
  GENERALIZATION_LADDER,
  kAt,
  type QuasiIdentifiers,
  referencesOf,
  Suppression,
  smallClassMembers,
} from '../lambdas/deid/validation';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { StaticKeySource } from '../lambdas/pipeline/local-adapters';
import { runLocalPipeline } from '../lambdas/pipeline/local-run';
import type { Manifest } from '../lambdas/pipeline/tasks';
import { ConfigError, parseConfig } from '../lib/config';
import example from '../wellgate.config.example.json';

const YEAR = 2025;
const many = (n: number, q: QuasiIdentifiers): QuasiIdentifiers[] => Array.from({ length: n }, () => q);

/**
 * 20 women and 20 men born in 1980 in ZIP3 972, three women born 1981-1983 there, and one woman
 * alone in Alaska: k = 1 at every level, so no generalization reaches k = 5 on its own.
 */
function population(): QuasiIdentifiers[] {
  return [
    ...many(20, { birthYear: 1980, sex: 'female', zip3: '972', state: 'OR' }),
    ...many(20, { birthYear: 1980, sex: 'male', zip3: '972', state: 'OR' }),
    { birthYear: 1981, sex: 'female', zip3: '972', state: 'OR' },
    { birthYear: 1982, sex: 'female', zip3: '972', state: 'OR' },
    { birthYear: 1983, sex: 'female', zip3: '972', state: 'OR' },
    { birthYear: 1950, sex: 'female', zip3: '995', state: 'AK' },
  ];
}

describe('k-anonymity with suppression', () => {
  test('no level reaches k alone; within the budget the level suppressing fewest patients is chosen', () => {
    const qis = population();
    for (const level of GENERALIZATION_LADDER) expect(kAt(qis, level, YEAR)).toBe(1);
    expect(chooseGeneralization(qis, 5, YEAR).passed).toBe(false);

    const result = chooseGeneralization(qis, 5, YEAR, 0.05);
    // 44 patients, budget 0.05: at most 2 suppressed. Levels 0 and 1 would need 4 (the three
    // 1981-1983 women and the Alaskan); from level 2 on (10-year bands) only the Alaskan.
    expect(result.levels.map((l) => l.suppressed)).toEqual([4, 4, 1, 1, 1, 1]);
    expect(result).toMatchObject({
      passed: true,
      level: 2,
      generalization: { level: 2, age: 10, geo: 'zip3' },
      suppressed: 1,
      kBefore: 1,
      kAfter: 20,
      maxSuppression: 0.05,
    });
    expect(result.message).toBeUndefined();
    const chosen = GENERALIZATION_LADDER[2];
    if (!chosen) throw new Error('ladder too short');
    expect(smallClassMembers(qis, chosen, 5, YEAR)).toEqual([43]);
  });

  test('a larger budget still prefers fewer suppressed patients over less generalization', () => {
    const result = chooseGeneralization(population(), 5, YEAR, 0.2);
    expect(result).toMatchObject({ passed: true, level: 2, suppressed: 1 });
  });

  test('with no suppression needed, the least generalization that reaches k is chosen', () => {
    const qis = [
      ...many(6, { birthYear: 1980, sex: 'female', zip3: '972', state: 'OR' }),
      ...many(3, { birthYear: 1981, sex: 'female', zip3: '972', state: 'OR' }),
      ...many(3, { birthYear: 1983, sex: 'female', zip3: '972', state: 'OR' }),
    ];
    expect(chooseGeneralization(qis, 5, YEAR, 0.5)).toMatchObject({ passed: true, level: 1, suppressed: 0 });
  });

  test('a budget too small fails closed and names the budget that would have worked', () => {
    const qis = population();
    const result = chooseGeneralization(qis, 5, YEAR, 0.01);
    expect(result.passed).toBe(false);
    expect(result.level).toBeNull();
    expect(result.suppressed).toBe(0);
    // 1 of 44 patients = 0.02273, rounded up so that the printed budget suffices.
    expect(result.suppressionNeeded).toBe(0.0228);
    expect(result.message).toContain('budget 0.01');
    expect(result.message).toContain('a budget of 0.0228 would');
    expect(result.message).toContain('suppressing 1 of 44 patients at level 2');
    expect(chooseGeneralization(qis, 5, YEAR, 0.0228)).toMatchObject({ passed: true, suppressed: 1 });
    expect(chooseGeneralization(qis, 5, YEAR, 0.0227).passed).toBe(false);
  });

  test('a population that no budget can make k-anonymous says so', () => {
    const qis = many(3, { birthYear: 1980, sex: 'female', zip3: '972', state: 'OR' });
    const result = chooseGeneralization(qis, 5, YEAR, 1);
    expect(result.passed).toBe(false);
    expect(result.suppressionNeeded).toBeNull();
    expect(result.message).toMatch(/no budget would help/);
  });

  test('suppression follows references: what references a suppressed patient, and what references that', () => {
    const suppression = new Suppression(['p1']);
    const encounter: JsonObject = {
      resourceType: 'Encounter',
      id: 'e1',
      subject: { reference: 'Patient/p1' },
      participant: [{ individual: { reference: 'Practitioner/dr' } }],
    };
    const observation: JsonObject = {
      resourceType: 'Observation',
      id: 'o1',
      encounter: { reference: 'Encounter/e1' },
    };
    const provenance: JsonObject = {
      resourceType: 'Provenance',
      id: 'v1',
      target: [{ reference: 'urn:pseudonym:o1' }],
    };
    const media: JsonObject = {
      resourceType: 'Media',
      id: 'm1',
      content: { contentType: 'image/png', url: 'Binary/b1' },
    };
    const binary: JsonObject = {
      resourceType: 'Binary',
      id: 'b1',
      securityContext: { reference: 'Encounter/e1' },
    };
    const practitioner: JsonObject = { resourceType: 'Practitioner', id: 'dr' };
    const other: JsonObject = { resourceType: 'Observation', id: 'o2', subject: { reference: 'Patient/p2' } };
    expect(referencesOf(media)).toEqual(['Binary/b1']);
    expect(referencesOf(encounter)).toEqual(['Patient/p1', 'Practitioner/dr']);

    // Pass 1 meets the dependents before what they depend on; later passes find them.
    const order = [provenance, media, observation, binary, encounter, practitioner, other];
    const pass = () => order.map((r) => suppression.absorb(r));
    expect(pass()).toEqual([false, false, false, false, true, false, false]);
    expect(pass()).toEqual([false, false, true, true, true, false, false]);
    expect(pass()).toEqual([true, true, true, true, true, false, false]);
    expect(pass()).toEqual([true, true, true, true, true, false, false]);
    expect(suppression.absorb({ resourceType: 'Patient', id: 'p1' })).toBe(true);
    expect(suppression.absorb({ resourceType: 'Patient', id: 'p2' })).toBe(false);
  });

  test("a kept patient's record stays whole; what names a suppressed patient goes", () => {
    const suppression = new Suppression(['p1']);
    const condition: JsonObject = {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'Patient/p1' },
    };
    expect(suppression.absorb(condition)).toBe(true);
    // The kept patient, even linked to the suppressed one: suppressing it would shrink its class.
    const linked: JsonObject = {
      resourceType: 'Patient',
      id: 'p2',
      link: [{ other: { reference: 'Patient/p1' }, type: 'seealso' }],
    };
    expect(suppression.absorb(linked)).toBe(false);
    // A kept patient's Observation about the suppressed patient's Condition: the kept record stays.
    const focus: JsonObject = {
      resourceType: 'Observation',
      id: 'o2',
      subject: { reference: 'Patient/p2' },
      focus: [{ reference: 'Condition/c1' }],
    };
    expect(suppression.absorb(focus)).toBe(false);
    // Anything naming the suppressed patient goes, whoever else it names.
    const group: JsonObject = {
      resourceType: 'Group',
      id: 'g1',
      member: [{ entity: { reference: 'Patient/p2' } }, { entity: { reference: 'urn:pseudonym:p1' } }],
    };
    expect(suppression.absorb(group)).toBe(true);
  });

  test('the bias report counts the suppressed patients, per group', () => {
    const source = emptyCounts();
    source.sex = { female: 24, male: 20 };
    const output = emptyCounts();
    output.sex = { female: 23, male: 20 };
    const suppressed = emptyCounts();
    suppressed.sex = { female: 1 };
    suppressed.ageBand = { '70-79': 1 };
    const report = biasReport(source, output, 0.05, suppressed);
    expect(report.patientsSuppressed).toBe(1);
    expect(report.dimensions.sex).toEqual([
      expect.objectContaining({ group: 'female', suppressed: 1 }),
      expect.objectContaining({ group: 'male', suppressed: 0 }),
    ]);
    expect(report.dimensions.ageBand).toEqual([expect.objectContaining({ group: '70-79', suppressed: 1 })]);
    expect(biasReport(source, output, 0.05).patientsSuppressed).toBe(0);
  });
});

describe('training.maxSuppression in the clinic configuration', () => {
  const withTraining = (training: Record<string, unknown>) => ({ ...example, training });

  test('defaults to 0.05 and accepts a share of patients', () => {
    expect(parseConfig(example).training.maxSuppression).toBe(0.05);
    expect(parseConfig(withTraining({ maxSuppression: 0 })).training.maxSuppression).toBe(0);
    expect(parseConfig(withTraining({ maxSuppression: 0.25 })).training.maxSuppression).toBe(0.25);
  });

  test.each([[1.5], [-0.01], ['0.1']])('refuses %j, naming the field', (value) => {
    let problems: readonly string[] = [];
    try {
      parseConfig(withTraining({ maxSuppression: value }), 'test');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^training\.maxSuppression: /)]);
  });
});

// ---------------------------------------------------------------------------------------------

const KEY = 'suppression-test-key-do-not-use-0123456789abcdef0123456789';

interface Person {
  readonly id: string;
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
  readonly postalCode: string;
  readonly state: string;
}

/** One synthetic patient's bundle: an Encounter, an Observation reached only through the
 * Encounter, a note as an attachment, and a Provenance of the Observation. */
function bundle(p: Person): JsonObject {
  const note = `Seen today for ${p.id}. Plan: recheck in 2 weeks.`;
  const resources: JsonObject[] = [
    {
      resourceType: 'Patient',
      id: p.id,
      gender: p.gender,
      birthDate: p.birthDate,
      address: [{ city: 'Springfield', state: p.state, postalCode: p.postalCode }],
    },
    {
      resourceType: 'Encounter',
      id: `enc-${p.id}`,
      status: 'finished',
      subject: { reference: `Patient/${p.id}` },
      participant: [{ individual: { reference: 'Practitioner/dr-1' } }],
    },
    {
      resourceType: 'Observation',
      id: `obs-${p.id}`,
      status: 'final',
      encounter: { reference: `Encounter/enc-${p.id}` },
      code: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }] },
      valueQuantity: { value: 170, unit: 'cm' },
    },
    {
      resourceType: 'DocumentReference',
      id: `doc-${p.id}`,
      status: 'current',
      subject: { reference: `Patient/${p.id}` },
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(note).toString('base64') } }],
    },
    {
      resourceType: 'Provenance',
      id: `prov-${p.id}`,
      target: [{ reference: `Observation/obs-${p.id}` }],
      agent: [{ who: { reference: 'Practitioner/dr-1' } }],
    },
  ];
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${String(resource['id'])}`, resource })),
  };
}

async function ndjsonLines(dir: string): Promise<Array<{ file: string; resource: JsonObject }>> {
  const out: Array<{ file: string; resource: JsonObject }> = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ndjson')).sort())
    for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n'))
      if (line.trim()) out.push({ file, resource: JSON.parse(line) as JsonObject });
  return out;
}

describe('the pipeline suppresses the patients no generalization hides, with all their resources', () => {
  let root: string;
  let inDir: string;
  const warnings: string[] = [];
  const log = {
    info: () => undefined,
    warn: (m: string, f?: Record<string, unknown>) => warnings.push(`${m} ${JSON.stringify(f ?? {})}`),
  };
  const outlier = 'patient-alaska';
  const people: Person[] = [
    ...Array.from(
      { length: 24 },
      (_, i): Person => ({
        id: `patient-${i}`,
        gender: i % 2 === 0 ? 'female' : 'male',
        birthDate: `1980-0${1 + (i % 9)}-1${i % 10}`,
        postalCode: '97212',
        state: 'OR',
      }),
    ),
    { id: outlier, gender: 'female', birthDate: '1950-06-15', postalCode: '99501', state: 'AK' },
  ];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wellgate-suppression-'));
    inDir = path.join(root, 'in');
    await mkdir(inDir, { recursive: true });
    await writeFile(
      path.join(inDir, 'practitioner.json'),
      JSON.stringify({ resourceType: 'Practitioner', id: 'dr-1', active: true }),
    );
    for (const p of people) await writeFile(path.join(inDir, `${p.id}.json`), JSON.stringify(bundle(p)));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const run = (name: string, maxSuppression: number) =>
    runLocalPipeline({
      inDir,
      outDir: path.join(root, name, 'out'),
      workDir: path.join(root, name, 'work'),
      keys: new StaticKeySource(KEY),
      phi: { detectPhi, redactPhi },
      log,
      runId: `run-${name}`,
      kAnonymity: 5,
      maxSuppression,
      missingConsent: 'include',
    });

  test('publishes within the budget: the outlier and everything referencing it are absent', async () => {
    const result = await run('within', 0.05);
    expect(result.status).toBe('published');
    const out = path.join(root, 'within', 'out');
    const report = RunReportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
    expect(report.kAnonymity).toMatchObject({
      passed: true,
      level: 0,
      suppressed: 1,
      kBefore: 1,
      kAfter: 12,
      maxSuppression: 0.05,
    });
    // Patient, Encounter, Observation (through the Encounter), DocumentReference, Provenance.
    expect(report.counts).toMatchObject({ patientsSuppressed: 1, resourcesSuppressed: 5, patientsOut: 24 });
    expect(report.bias.patientsSuppressed).toBe(1);
    expect(report.bias.suppressed.sex).toEqual({ female: 1 });
    expect(report.bias.dimensions.sex.find((g) => g.group === 'female')?.suppressed).toBe(1);

    const p = new Pseudonymizer(KEY);
    const gone = [
      p.resourceId('Patient', outlier),
      p.resourceId('Encounter', `enc-${outlier}`),
      p.resourceId('Observation', `obs-${outlier}`),
      p.resourceId('DocumentReference', `doc-${outlier}`),
      p.resourceId('Provenance', `prov-${outlier}`),
    ];
    const lines = await ndjsonLines(path.join(out, 'data'));
    const all = lines.map((l) => JSON.stringify(l.resource)).join('\n');
    for (const id of gone) expect(all).not.toContain(id);
    // The same pseudonyms of a kept patient are there: the absence above is the suppression's.
    for (const [type, id] of [
      ['Patient', 'patient-0'],
      ['Encounter', 'enc-patient-0'],
      ['Observation', 'obs-patient-0'],
      ['Provenance', 'prov-patient-0'],
    ] as const)
      expect(all).toContain(p.resourceId(type, id));
    expect(all).not.toContain('"AK"');
    const count = (type: string) => lines.filter((l) => l.resource['resourceType'] === type).length;
    expect(
      ['Patient', 'Encounter', 'Observation', 'DocumentReference', 'Provenance'].map((t) => count(t)),
    ).toEqual([24, 24, 24, 24, 24]);
    // Shared resources stay: the practitioner the outlier's encounter also named.
    expect(count('Practitioner')).toBe(1);
    // The kept patients' notes are still there, attachments and all.
    expect(lines.filter((l) => l.resource['resourceType'] === 'DocumentReference')).toHaveLength(24);

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.counts).toMatchObject({ patients: 24, patientsSuppressed: 1, resources: 24 * 5 + 1 });
    expect(manifest.kAnonymity).toMatchObject({ level: 0, suppressed: 1, maxSuppression: 0.05 });
    expect(manifest.files.reduce((a, f) => a + f.resources, 0)).toBe(lines.length);
  });

  test('a budget too small fails closed, publishes nothing and names the budget that would work', async () => {
    const result = await run('too-small', 0.02);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('ValidationFailed');
    expect(await readdir(path.join(root, 'too-small', 'out')).catch(() => [])).toEqual([]);
    const report = RunReportSchema.parse(JSON.parse(await readFile(result.reportPath ?? '', 'utf8')));
    expect(report.failures).toEqual(['k-anonymity']);
    expect(report.kAnonymity).toMatchObject({ passed: false, suppressed: 0, suppressionNeeded: 0.04 });
    expect(report.kAnonymity.message).toContain('a budget of 0.04 would');
    expect(report.counts.patientsSuppressed).toBe(0);
    expect(warnings.join('\n')).toContain('a budget of 0.04 would');
  });
});
