/**
 * The four pipeline task behaviours, on ports only (ports.ts). The Lambda entries
 * (deidentify-file.ts, validate-run.ts, publish-dataset.ts, cleanup-staging.ts) bind them to S3
 * and Secrets Manager; the local runner binds them to folders. Logs and thrown errors carry keys,
 * counts and line numbers only: never record content, never the pseudonym key.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type EngineConfig, engineConfigHash, sha256Hex } from '../deid/config';
import { countInto, type Demographics, demographicsOf, emptyCounts, mergeCounts } from '../deid/demographics';
import { DeidEngine } from '../deid/engine';
import { isObject, type Json, type JsonObject, str } from '../deid/fhir-json';
import { chunked, holdsResources, linesOf } from '../deid/ndjson';
import { CONTEXT_RESOURCE_TYPES, PatientContextBuilder } from '../deid/patient-context';
import { Pseudonymizer } from '../deid/pseudonym';
import { type FileStats, FileStatsSchema, type RunReport, RunReportSchema } from '../deid/report';
import {
  biasReport,
  chooseGeneralization,
  type GeneralizationLevel,
  generalizePatient,
  type QuasiIdentifiers,
  quasiIdentifiersOf,
  ResidualScanner,
  Suppression,
  smallClassMembers,
} from '../deid/validation';
import { ENGINE_VERSION } from '../deid/version';
import type { PipelineDeps, PipelineRunDeps, RunOutcome } from './ports';
import type {
  CleanupStagingInput,
  CleanupStagingOutput,
  DeidentifyBatchInput,
  DeidentifyBatchOutput,
  PublishDatasetInput,
  PublishDatasetOutput,
  ValidateRunInput,
  ValidateRunOutput,
} from './task-contracts';

/** Sidecars live beside the data so cleanup removes them with it; publish copies only `*.ndjson`. */
export const STATS_FOLDER = '_stats/';
export const REPORT_NAME = 'report/report.json';

/** A task failed for a reason that is safe to log and to show in the execution history. */
export class PipelineTaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** "exports/r/ds-FHIR_EXPORT-j/Patient/Patient-0.ndjson" → "Patient". */
export function resourceTypeOfKey(key: string): string | undefined {
  const parts = key.split('/');
  const base = parts.at(-1) ?? '';
  const fromName = /^([A-Z][A-Za-z]+)(?:[-_.]\d+)*\.ndjson$/.exec(base)?.[1];
  if (fromName) return fromName;
  const folder = parts.at(-2) ?? '';
  return /^[A-Z][A-Za-z]+$/.test(folder) ? folder : undefined;
}

const isNdjson = (key: string): boolean => key.endsWith('.ndjson');

/** The output name of a source file: its file name (HealthLake names are unique within a job). */
export function outputNameOf(sourceKey: string): string {
  const base = sourceKey.split('/').at(-1) ?? sourceKey;
  return isNdjson(base) ? base : `${base}.ndjson`;
}

function parseLine(line: string, file: string, lineNo: number): JsonObject {
  let value: Json;
  try {
    value = JSON.parse(line) as Json;
  } catch {
    // JSON.parse's message quotes the input; name the place instead.
    throw new PipelineTaskError('MalformedNdjson', `${file} line ${lineNo} is not valid JSON`);
  }
  if (!isObject(value))
    throw new PipelineTaskError('MalformedNdjson', `${file} line ${lineNo} is not a JSON object`);
  return value;
}

async function readText(deps: PipelineRunDeps, bucket: string, key: string): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of linesOf(deps.store.read(bucket, key))) parts.push(chunk);
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------

export async function deidentifyBatch(
  input: DeidentifyBatchInput,
  deps: PipelineDeps,
): Promise<DeidentifyBatchOutput> {
  const b = input.BatchInput;
  if (b.exportKeys === undefined)
    throw new PipelineTaskError(
      'ExportListingMissing',
      'No export listing: consent cannot be checked, so the batch fails closed.',
    );
  if (b.exportListingTruncated === true)
    throw new PipelineTaskError(
      'ExportListingTruncated',
      'The export listing was truncated: consent cannot be checked completely.',
    );

  const key = await deps.keys.getKey(b.pseudonymKeySecretArn);
  const config: EngineConfig = {
    referenceYear: deps.now().getUTCFullYear(),
    missingConsent: deps.missingConsent ?? 'exclude',
  };
  const configHash = engineConfigHash(config);

  // Consent and known identifiers come from the whole export, not just this batch.
  const builder = new PatientContextBuilder();
  const contextTypes = new Set<string>(CONTEXT_RESOURCE_TYPES);
  for (const contextKey of b.exportKeys) {
    if (!isNdjson(contextKey) || !contextTypes.has(resourceTypeOfKey(contextKey) ?? '')) continue;
    let lineNo = 0;
    for await (const line of linesOf(deps.store.read(b.exportBucket, contextKey))) {
      lineNo++;
      if (line.trim().length > 0) builder.add(parseLine(line, contextKey, lineNo));
    }
  }
  const context = builder.build(config.missingConsent);
  const pseudonymizer = new Pseudonymizer(key);

  const files: DeidentifyBatchOutput['files'] = [];
  for (const item of input.Items) {
    // An export also writes files of other JSON (a bulk export's log.ndjson): not data to publish.
    if (!(await holdsResources(deps.store.read(b.exportBucket, item.Key)))) {
      deps.log.warn('skipped an export file that holds no FHIR resources', { sourceKey: item.Key });
      continue;
    }
    const engine = new DeidEngine({
      pseudonymizer,
      context,
      phi: deps.phi,
      referenceYear: config.referenceYear,
    });
    const outputKey = `${b.stagingDataPrefix}${outputNameOf(item.Key)}`;
    async function* output(): AsyncGenerator<string> {
      let lineNo = 0;
      for await (const line of linesOf(deps.store.read(b.exportBucket, item.Key))) {
        lineNo++;
        let outcome: ReturnType<DeidEngine['processLine']>;
        try {
          outcome = engine.processLine(line);
        } catch (err) {
          if (err instanceof PipelineTaskError) throw err;
          throw new PipelineTaskError(
            'DeidentifyFailed',
            `${item.Key} line ${lineNo}: ${err instanceof SyntaxError ? 'not valid JSON' : ((err as Error).name ?? 'error')}`,
          );
        }
        if (outcome.kind === 'kept') yield outcome.line;
      }
    }
    await deps.store.write(b.stagingBucket, outputKey, chunked(output()));
    const s = engine.stats;
    const stats: FileStats = {
      sourceKey: item.Key,
      outputKey,
      engineVersion: ENGINE_VERSION,
      engineConfigHash: configHash,
      referenceYear: config.referenceYear,
      ...s,
      redactedSpans: { ...s.redactedSpans },
    };
    await deps.store.write(
      b.stagingBucket,
      `${b.stagingDataPrefix}${STATS_FOLDER}${outputNameOf(item.Key)}.json`,
      JSON.stringify(FileStatsSchema.parse(stats)),
    );
    deps.log.info('de-identified file', {
      sourceKey: item.Key,
      outputKey,
      resourcesIn: s.resourcesIn,
      resourcesOut: s.resourcesOut,
      excludedByConsent: s.excludedByConsent,
    });
    deps.onFile?.({
      sourceKey: item.Key,
      outputKey,
      resourcesIn: s.resourcesIn,
      resourcesOut: s.resourcesOut,
    });
    files.push({ sourceKey: item.Key, outputKey, resources: s.resourcesOut });
  }
  return { files };
}

// ---------------------------------------------------------------------------------------------

export async function validateRun(input: ValidateRunInput, deps: PipelineDeps): Promise<ValidateRunOutput> {
  const reportKey = `${input.stagingPrefix}${REPORT_NAME}`;
  const dataKeys: string[] = [];
  const statsKeys: string[] = [];
  for await (const o of deps.store.list(input.stagingBucket, input.stagingDataPrefix)) {
    const rel = o.key.slice(input.stagingDataPrefix.length);
    if (rel.startsWith(STATS_FOLDER)) statsKeys.push(o.key);
    else if (isNdjson(rel) && !rel.includes('/')) dataKeys.push(o.key);
  }

  const stats: FileStats[] = [];
  for (const k of statsKeys)
    stats.push(FileStatsSchema.parse(JSON.parse(await readText(deps, input.stagingBucket, k))));
  const hashes = new Set(stats.map((s) => s.engineConfigHash));
  const referenceYear = stats[0]?.referenceYear ?? deps.now().getUTCFullYear();
  const engineHash = [...hashes][0] ?? '';

  const failures: RunReport['failures'] = [];
  if (dataKeys.length === 0 || stats.length !== dataKeys.length) failures.push('no-files');
  if (hashes.size > 1) failures.push('inconsistent-engine-config');

  // Pass 1: residual scan of every string, quasi-identifiers and demographics of every patient.
  const scanner = new ResidualScanner(deps.phi, referenceYear);
  const qis: QuasiIdentifiers[] = [];
  const patientIds: string[] = [];
  const patientDemographics: Demographics[] = [];
  const patientFiles = new Set<string>();
  const fileInfo = new Map<string, { sha256: string; bytes: number; resources: number }>();
  for (const key of dataKeys) {
    const hash = createHash('sha256');
    let bytes = 0;
    const tee = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of deps.store.read(input.stagingBucket, key)) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    };
    let lineNo = 0;
    let resources = 0;
    for await (const line of linesOf(tee())) {
      lineNo++;
      if (line.trim().length === 0) continue;
      const resource = parseLine(line, key, lineNo);
      resources++;
      scanner.scanResource(resource, key.slice(input.stagingDataPrefix.length), lineNo);
      if (resource['resourceType'] === 'Patient') {
        qis.push(quasiIdentifiersOf(resource));
        patientIds.push(str(resource['id']) ?? '');
        patientDemographics.push(demographicsOf(resource, referenceYear));
        patientFiles.add(key);
      }
    }
    fileInfo.set(key, { sha256: hash.digest('hex'), bytes, resources });
  }
  if (!scanner.passed) failures.push('residual-phi');

  const kAnonymity = chooseGeneralization(qis, input.kAnonymity, referenceYear, input.maxSuppression);
  if (qis.length === 0) failures.push('empty-dataset');
  else if (!kAnonymity.passed) failures.push('k-anonymity');

  // Counts and the bias report say what was done: a run that fails, whatever the reason, suppresses no one.
  const level = kAnonymity.generalization;
  const suppressedIndices = new Set(
    failures.length === 0 && level !== null
      ? smallClassMembers(qis, level, input.kAnonymity, referenceYear)
      : [],
  );
  const outputDemographics = emptyCounts();
  const suppressedDemographics = emptyCounts();
  for (const [i, d] of patientDemographics.entries())
    countInto(suppressedIndices.has(i) ? suppressedDemographics : outputDemographics, d);

  // Pass 2 (only when the run passes otherwise): suppress and generalize in place.
  let resourcesSuppressed = 0;
  if (failures.length === 0 && level !== null && (suppressedIndices.size > 0 || level.level > 0)) {
    const suppression = new Suppression([...suppressedIndices].map((i) => patientIds[i] as string));
    const touched =
      suppressedIndices.size > 0
        ? await suppressedFiles(deps, input.stagingBucket, dataKeys, suppression)
        : new Set<string>();
    for (const key of dataKeys) {
      if (!touched.has(key) && !(level.level > 0 && patientFiles.has(key))) continue;
      // A file left empty stays (with no lines): the staging listing is what publish checks against.
      const { suppressed, ...written } = await rewriteFile(
        deps,
        input.stagingBucket,
        key,
        suppression,
        level,
        referenceYear,
      );
      resourcesSuppressed += suppressed;
      fileInfo.set(key, written);
    }
  }
  const files = dataKeys.map((key) => ({
    key,
    ...(fileInfo.get(key) ?? { sha256: '', bytes: 0, resources: 0 }),
  }));

  const sourceDemographics = emptyCounts();
  const redactedSpans: Record<string, number> = {};
  const sum = (f: (s: FileStats) => number) => stats.reduce((a, s) => a + f(s), 0);
  for (const s of stats) {
    mergeCounts(sourceDemographics, s.sourceDemographics);
    for (const [t, n] of Object.entries(s.redactedSpans)) redactedSpans[t] = (redactedSpans[t] ?? 0) + n;
  }
  const bias = biasReport(
    sourceDemographics,
    outputDemographics,
    input.biasShiftThreshold,
    suppressedDemographics,
  );
  const report: RunReport = {
    runId: input.runId,
    passed: failures.length === 0,
    failures,
    engineVersion: ENGINE_VERSION,
    engineConfigHash: engineHash,
    configHash: sha256Hex(
      canonicalJson({
        engineConfigHash: engineHash,
        kAnonymity: input.kAnonymity,
        maxSuppression: input.maxSuppression,
        biasShiftThreshold: input.biasShiftThreshold,
      }),
    ),
    referenceYear,
    createdAt: deps.now().toISOString(),
    files,
    counts: {
      resourcesIn: sum((s) => s.resourcesIn),
      resourcesOut: files.reduce((a, f) => a + f.resources, 0),
      excludedByConsent: sum((s) => s.excludedByConsent),
      excludedByType: sum((s) => s.excludedByType),
      patientsIn: sum((s) => s.patientsIn),
      patientsExcludedForConsent: sum((s) => s.patientsExcluded),
      patientsSuppressed: suppressedIndices.size,
      resourcesSuppressed,
      patientsOut: qis.length - suppressedIndices.size,
      freeTextFields: sum((s) => s.freeTextFields),
      redactedSpans,
      binaryAttachmentsRemoved: sum((s) => s.binaryAttachmentsRemoved),
      agesFolded: sum((s) => s.agesFolded),
    },
    residual: {
      passed: scanner.passed,
      count: scanner.count,
      stringsScanned: scanner.stringsScanned,
      findings: scanner.findings,
    },
    kAnonymity,
    bias: {
      ...bias,
      source: sourceDemographics,
      output: outputDemographics,
      suppressed: suppressedDemographics,
    },
  };
  await deps.store.write(
    input.stagingBucket,
    reportKey,
    JSON.stringify(RunReportSchema.parse(report), null, 2),
  );
  deps.log.info('validated run', {
    runId: input.runId,
    passed: report.passed,
    failures: failures.join(','),
    residualFindings: scanner.count,
    k: kAnonymity.kAfter ?? -1,
    level: kAnonymity.level ?? -1,
    patients: qis.length,
    patientsSuppressed: suppressedIndices.size,
    resourcesSuppressed,
  });
  if (kAnonymity.message !== undefined && failures.includes('k-anonymity'))
    deps.log.warn('k-anonymity not reached', { runId: input.runId, reason: kAnonymity.message });
  if (!report.passed) {
    await deps.runs?.finish(input.runId, {
      status: 'failed',
      finishedAt: deps.now().toISOString(),
      report: outcomeFigures(report),
    });
  }
  return { passed: report.passed, reportKey };
}

/**
 * Finds every resource to suppress: the suppressed patients, what references them, and what
 * references those, pass after pass until a pass finds nothing new. Returns the files that hold such resources.
 */
async function suppressedFiles(
  deps: PipelineRunDeps,
  bucket: string,
  keys: readonly string[],
  suppression: Suppression,
): Promise<Set<string>> {
  for (;;) {
    const before = suppression.size;
    const touched = new Set<string>();
    for (const key of keys) {
      let lineNo = 0;
      for await (const line of linesOf(deps.store.read(bucket, key))) {
        lineNo++;
        if (line.trim().length === 0) continue;
        if (suppression.absorb(parseLine(line, key, lineNo))) touched.add(key);
      }
    }
    if (suppression.size === before) return touched;
  }
}

/** Rewrites one staging file without its suppressed resources and with its Patients generalized. */
async function rewriteFile(
  deps: PipelineRunDeps,
  bucket: string,
  key: string,
  suppression: Suppression,
  level: GeneralizationLevel,
  referenceYear: number,
): Promise<{ sha256: string; bytes: number; resources: number; suppressed: number }> {
  let resources = 0;
  let suppressed = 0;
  async function* kept(): AsyncGenerator<string> {
    let lineNo = 0;
    for await (const line of linesOf(deps.store.read(bucket, key))) {
      lineNo++;
      if (line.trim().length === 0) continue;
      const resource = parseLine(line, key, lineNo);
      if (suppression.absorb(resource)) {
        suppressed++;
        continue;
      }
      if (level.level > 0 && resource['resourceType'] === 'Patient')
        generalizePatient(resource, level, referenceYear);
      resources++;
      yield JSON.stringify(resource);
    }
  }
  const written = await deps.store.write(bucket, key, chunked(kept()));
  return { sha256: written.sha256, bytes: written.bytes, resources, suppressed };
}

/** The report's figures an admin sees; the full report stays in staging or the training bucket. */
function outcomeFigures(report: RunReport, manifestKey?: string): NonNullable<RunOutcome['report']> {
  return {
    passed: report.passed,
    failures: report.failures,
    patientsOut: report.counts.patientsOut,
    patientsExcludedForConsent: report.counts.patientsExcludedForConsent,
    patientsSuppressed: report.counts.patientsSuppressed,
    k: report.kAnonymity.kAfter,
    residualFindings: report.residual.count,
    ...(manifestKey ? { manifestKey } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

export interface Manifest {
  readonly runId: string;
  readonly createdAt: string;
  readonly engineVersion: string;
  readonly engineConfigHash: string;
  readonly configHash: string;
  readonly files: ReadonlyArray<{ key: string; sha256: string; bytes: number; resources: number }>;
  readonly counts: {
    resources: number;
    patients: number;
    patientsExcludedForConsent: number;
    patientsSuppressed: number;
  };
  readonly kAnonymity: {
    target: number;
    k: number | null;
    level: number | null;
    suppressed: number;
    maxSuppression: number;
  };
  readonly report: { key: string; sha256: string };
}

export async function publishDataset(
  input: PublishDatasetInput,
  deps: PipelineRunDeps,
): Promise<PublishDatasetOutput> {
  const report = RunReportSchema.parse(
    JSON.parse(await readText(deps, input.stagingBucket, input.reportKey)),
  );
  // The Choice state is the gate; this re-check makes the task safe to call on its own too.
  if (!report.passed || report.runId !== input.runId)
    throw new PipelineTaskError(
      'ValidationNotPassed',
      `Run ${input.runId} has no passing validation report.`,
    );
  const staged = new Set<string>();
  for await (const o of deps.store.list(input.stagingBucket, input.stagingDataPrefix)) {
    const rel = o.key.slice(input.stagingDataPrefix.length);
    if (isNdjson(rel) && !rel.includes('/')) staged.add(o.key);
  }
  const validated = new Set(report.files.map((f) => f.key));
  if (staged.size !== validated.size || [...staged].some((k) => !validated.has(k)))
    throw new PipelineTaskError('StagingChanged', 'The staging data differs from what validation saw.');

  const written: string[] = [];
  try {
    const files: Array<Manifest['files'][number]> = [];
    for (const f of report.files) {
      const name = f.key.slice(input.stagingDataPrefix.length);
      const target = `${input.datasetPrefix}data/${name}`;
      written.push(target);
      const result = await deps.store.write(
        input.trainingBucket,
        target,
        deps.store.read(input.stagingBucket, f.key),
      );
      if (result.sha256 !== f.sha256)
        throw new PipelineTaskError('StagingChanged', `${name} changed after validation (hash mismatch).`);
      files.push({ key: `data/${name}`, sha256: result.sha256, bytes: result.bytes, resources: f.resources });
    }
    const reportText = JSON.stringify(report, null, 2);
    const reportTarget = `${input.datasetPrefix}report.json`;
    written.push(reportTarget);
    const reportWrite = await deps.store.write(input.trainingBucket, reportTarget, reportText);
    const manifest: Manifest = {
      runId: input.runId,
      createdAt: deps.now().toISOString(),
      engineVersion: report.engineVersion,
      engineConfigHash: report.engineConfigHash,
      configHash: report.configHash,
      files,
      counts: {
        resources: report.counts.resourcesOut,
        patients: report.counts.patientsOut,
        patientsExcludedForConsent: report.counts.patientsExcludedForConsent,
        patientsSuppressed: report.counts.patientsSuppressed,
      },
      kAnonymity: {
        target: report.kAnonymity.target,
        k: report.kAnonymity.kAfter,
        level: report.kAnonymity.level,
        suppressed: report.kAnonymity.suppressed,
        maxSuppression: report.kAnonymity.maxSuppression,
      },
      report: { key: 'report.json', sha256: reportWrite.sha256 },
    };
    // The manifest is written last: its presence means the dataset is complete.
    const manifestKey = `${input.datasetPrefix}manifest.json`;
    written.push(manifestKey);
    await deps.store.write(input.trainingBucket, manifestKey, JSON.stringify(manifest, null, 2));
    deps.log.info('published dataset', { runId: input.runId, files: files.length, manifestKey });
    await deps.runs?.finish(input.runId, {
      status: 'published',
      finishedAt: deps.now().toISOString(),
      report: outcomeFigures(report, manifestKey),
    });
    return { manifestKey, trainingDataUri: `s3://${input.trainingBucket}/${input.datasetPrefix}data/` };
  } catch (err) {
    // Nothing partial stays in the training bucket.
    await deps.store.delete(input.trainingBucket, written).catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------

export async function cleanupStaging(
  input: CleanupStagingInput,
  deps: PipelineRunDeps,
): Promise<CleanupStagingOutput> {
  const deletedObjects = await deps.store.deletePrefix(input.stagingBucket, input.stagingDataPrefix);
  deps.log.info('cleaned staging', { runId: input.runId, deletedObjects });
  // Reached on every failure path; a validation failure has already recorded its report.
  await deps.runs?.finish(input.runId, { status: 'failed', finishedAt: deps.now().toISOString() });
  return { deletedObjects };
}
