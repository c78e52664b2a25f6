/**
 * De-identification throughput and memory (issue 5 "Speed", issue 6 benchmarks), on synthetic
 * data the project generates (never the shared corpora, so the figures are reproducible anywhere):
 * - structured NDJSON: the engine's MB/s against a JSON.parse + JSON.stringify pass over the same
 *   lines (the ratio is the figure that travels between machines);
 * - free text: the shared PHI module's redaction MB/s over synthetic clinical notes;
 * - memory: peak heap while streaming a file of 1×, 4× and 16× the base size through the engine.
 * Numbers, not pass/fail.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Resource } from '@medplum/fhirtypes';
import { DeidEngine } from '../lambdas/deid/engine';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { linesOf } from '../lambdas/deid/ndjson';
import { PatientContextBuilder } from '../lambdas/deid/patient-context';
import { Pseudonymizer } from '../lambdas/deid/pseudonym';
import { allResources, generateSyntheticClinic } from '../lambdas/local/seed/synthetic-clinic';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { compareFileToFile, compareInMemory } from './json-baseline';
import { round } from './stats';

const KEY = 'benchmark-key-not-a-secret-0123456789abcdef0123456789abcdef';
const REFERENCE_YEAR = 2026;
const phi = { detectPhi, redactPhi };

/** A free-text note that names the patient, a relative, a phone number and dates, as notes do. */
function noteFor(resource: Resource, index: number): string {
  const patient = resource.resourceType === 'Patient' ? resource : undefined;
  const given = patient?.name?.[0]?.given?.[0] ?? 'Alex';
  const family = patient?.name?.[0]?.family ?? 'Morgan';
  const phone = patient?.telecom?.find((t) => t.system === 'phone')?.value ?? '555-0100';
  return (
    `Seen ${given} ${family} on 03/${(index % 27) + 1}/2026 for follow-up of hypertension. ` +
    `BP 142/88, HR 76. Daughter ${family} called from ${phone} to confirm the visit. ` +
    `Plan: continue lisinopril, recheck in 3 months, call Dr. Okafor with questions.`
  );
}

/** NDJSON lines of a synthetic clinic with `patients` patients and one note per patient. */
function syntheticNdjson(patients: number, seed: number): string[] {
  const clinic = generateSyntheticClinic({
    patientCount: patients,
    seed,
    today: new Date('2026-06-01T00:00:00Z'),
  });
  const notes = clinic.patients.map(
    (patient, index): Resource => ({
      resourceType: 'DocumentReference',
      id: `note-${patient.id}`,
      status: 'current',
      subject: { reference: `Patient/${patient.id}` },
      content: [
        {
          attachment: {
            contentType: 'text/plain',
            data: Buffer.from(noteFor(patient, index)).toString('base64'),
          },
        },
      ],
    }),
  );
  return [...allResources(clinic), ...notes].map((r) => JSON.stringify(r));
}

function contextOf(lines: readonly string[]) {
  const builder = new PatientContextBuilder();
  for (const line of lines) builder.add(JSON.parse(line) as JsonObject);
  return builder.build('exclude');
}

function seconds(work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const bestOf = (runs: number, work: () => void): number =>
  Math.min(...Array.from({ length: runs }, () => seconds(work)));

/** `gc` without --expose-gc (V8 accepts the flag at run time); undefined where refused. */
function collector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export async function runDeidBenchmark(options: {
  readonly quick: boolean;
}): Promise<Record<string, unknown>> {
  const basePatients = options.quick ? 20 : 60;
  const runs = options.quick ? 2 : 5;

  // Structured NDJSON against the JSON baseline, in memory, on the same lines.
  const lines = syntheticNdjson(basePatients, 7);
  const context = contextOf(lines);
  const newEngine = () =>
    new DeidEngine({ pseudonymizer: new Pseudonymizer(KEY), context, phi, referenceYear: REFERENCE_YEAR });
  const comparison = options.quick ? { warmupPasses: 2, pairs: 5 } : { warmupPasses: 5, pairs: 25 };
  const structured = await compareInMemory(lines, newEngine, comparison);
  const structuredFileToFile = await compareFileToFile(lines, newEngine, comparison);
  let sink = 0;

  // Free text through the shared PHI module.
  const notes = Array.from({ length: options.quick ? 2_000 : 8_000 }, (_, i) =>
    noteFor({ resourceType: 'Patient', name: [{ given: ['Dana'], family: `Lindqvist${i % 50}` }] }, i),
  );
  const textBytes = notes.reduce((sum, note) => sum + Buffer.byteLength(note), 0);
  const textTime = bestOf(runs, () => {
    for (const note of notes) sink += redactPhi(note).text.length;
  });

  // Memory while streaming 1×, 4×, 16× through the engine.
  const gc = collector();
  const dir = await mkdtemp(join(tmpdir(), 'wellgate-deid-bench-'));
  const memory: Array<Record<string, number>> = [];
  try {
    for (const scale of [1, 4, 16]) {
      const scaled = syntheticNdjson(basePatients * scale, 11 + scale);
      const file = join(dir, `x${scale}.ndjson`);
      await writeFile(file, `${scaled.join('\n')}\n`);
      const fileBytes = scaled.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      const scaledContext = contextOf(scaled);
      scaled.length = 0;
      gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      let count = 0;
      const engine = new DeidEngine({
        pseudonymizer: new Pseudonymizer(KEY),
        context: scaledContext,
        phi,
        referenceYear: REFERENCE_YEAR,
      });
      for await (const line of linesOf(createReadStream(file))) {
        const outcome = engine.processLine(line);
        if (outcome.kind === 'kept') sink += outcome.line.length;
        if (++count % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      memory.push({
        scale,
        fileMB: round(fileBytes / 1e6, 2),
        peakHeapAboveStartMB: round((peak - before) / 1e6, 1),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  return {
    data: `synthetic clinic, ${basePatients} patients at 1× (${lines.length} resources, one note each)`,
    structured,
    structuredFileToFile,
    freeText: { mb: round(textBytes / 1e6, 2), mbPerSecond: round(textBytes / 1e6 / textTime, 2) },
    memory,
    gcAvailable: gc !== undefined,
    sinkNonZero: sink > 0,
  };
}
