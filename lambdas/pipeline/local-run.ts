/**
 * Runs the deployed ASL (stepfunctions/deid-pipeline.asl.json) with aws-local-stepfunctions over
 * folders: every Task resource is overridden to call the same task behaviours (tasks.ts) with the
 * local adapters. What differs from AWS, and why:
 * - the HealthLake export is replaced by converting the input (Bundles or NDJSON) into one NDJSON
 *   file per resource type in an "export" folder, laid out as HealthLake lays it out;
 * - aws-local-stepfunctions has no S3 ItemReader or ItemBatcher: the Map reads the listing from
 *   the execution input and an ItemSelector builds the same { Items, BatchInput } a batch of one gets;
 * - SNS notifications become log lines;
 * - input NDJSON files of other JSON than FHIR resources (a bulk export's log.ndjson) are left out
 *   of the export with a warning naming them, as the de-identify task leaves them out in AWS.
 * Requires the Promise.withResolvers polyfill on Node 20 (lib/runtime-polyfills.ts).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
import { resourceInputFiles, resourcesOfFile } from '../deid/files';
import type { PhiDetector } from '../deid/phi-port';
import { type FolderMount, LocalFolderStore } from './local-adapters';
import type { PipelineLog, PseudonymKeySource, RunStatusRecorder } from './ports';
import {
  CleanupStagingInput,
  DeidentifyBatchInput,
  PublishDatasetInput,
  ValidateRunInput,
} from './task-contracts';
import { cleanupStaging, deidentifyBatch, publishDataset, validateRun } from './tasks';

/** The same file lib/constructs/deid-pipeline.ts deploys (without importing the CDK here). */
export const DEID_PIPELINE_ASL = path.resolve(__dirname, '../../stepfunctions/deid-pipeline.asl.json');

export const LOCAL_BUCKETS = {
  export: 'wellgate-local-export',
  staging: 'wellgate-local-staging',
  training: 'wellgate-local-training',
} as const;

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';
const DATASTORE_ID = 'local';

export interface LocalRunOptions {
  readonly inDir: string;
  /** Receives the dataset: manifest.json, data/*.ndjson, report.json; nothing unless validation passes. */
  readonly outDir: string;
  /** Export and staging folders; the raw export is removed when the run ends. */
  readonly workDir: string;
  readonly keys: PseudonymKeySource;
  readonly phi: PhiDetector;
  readonly log: PipelineLog;
  readonly runId?: string;
  readonly kAnonymity?: number;
  /** Share of patients that may be suppressed to reach k (default 0.05, as training.maxSuppression). */
  readonly maxSuppression?: number;
  readonly biasShiftThreshold?: number;
  readonly missingConsent?: 'exclude' | 'include';
  readonly now?: () => Date;
  readonly progress?: (line: string) => void;
  /** Receives the run's outcome as the deployed tasks record it in appState. */
  readonly runs?: RunStatusRecorder;
}

export interface LocalRunResult {
  readonly runId: string;
  readonly status: 'published' | 'failed';
  /** The Fail state's error (e.g. "ValidationFailed"), when failed. */
  readonly error?: string;
  /** The run report in the staging folder (kept on failure for review; it holds no values). */
  readonly reportPath?: string;
  readonly manifestPath?: string;
  /** Task states in the order they ran. */
  readonly states: readonly string[];
}

/** The placeholders the CDK substitutes at deploy, with local values. */
interface LocalSettings {
  readonly k: number;
  readonly threshold: number;
  readonly maxSuppression: number;
}

function substitutions(opts: LocalSettings): Record<string, string> {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
  return {
    DatastoreId: DATASTORE_ID,
    ExportRoleArn: arn('iam', 'role/local-export'),
    ExportBucketName: LOCAL_BUCKETS.export,
    ExportKeyArn: arn('kms', 'key/local'),
    StagingBucketName: LOCAL_BUCKETS.staging,
    TrainingBucketName: LOCAL_BUCKETS.training,
    PseudonymKeySecretArn: arn('secretsmanager', 'secret:local-pseudonym-key'),
    DeidentifyFileFunctionArn: arn('lambda', 'function:deidentify-file'),
    ValidateRunFunctionArn: arn('lambda', 'function:validate-run'),
    PublishDatasetFunctionArn: arn('lambda', 'function:publish-dataset'),
    CleanupStagingFunctionArn: arn('lambda', 'function:cleanup-staging'),
    AlarmTopicArn: arn('sns', 'local-alarms'),
    MaxConcurrency: '1',
    KAnonymity: String(opts.k),
    BiasShiftThreshold: String(opts.threshold),
    MaxSuppression: String(opts.maxSuppression),
    CustomizationEnabled: 'false',
    CustomizationBaseModelId: 'customization-disabled',
    CustomizationRoleArn: 'customization-disabled',
  };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObj = { [key: string]: Json };

/** The deployed definition with the Map rewritten for the local runner (see the file comment). */
export async function localDefinition(opts: LocalSettings): Promise<JsonObj> {
  const values = substitutions(opts);
  const raw = (await readFile(DEID_PIPELINE_ASL, 'utf8')).replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no local substitution for \${${name}}`);
    return v;
  });
  const definition = JSON.parse(raw) as JsonObj;
  const states = definition['States'] as { [name: string]: JsonObj };
  const map = states['DeidentifyFiles'];
  if (!map) throw new Error('The ASL has no DeidentifyFiles state.');
  const batcher = map['ItemBatcher'] as JsonObj | undefined;
  for (const k of ['ItemReader', 'ItemBatcher', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'Label'])
    delete map[k];
  const processor = map['ItemProcessor'] as JsonObj;
  delete processor['ProcessorConfig'];
  map['ItemsPath'] = '$.localListing';
  map['MaxConcurrency'] = 1;
  map['ItemSelector'] = {
    'Items.$': 'States.Array($$.Map.Item.Value)',
    BatchInput: (batcher?.['BatchInput'] as Json) ?? {},
  };
  return definition;
}

/**
 * The "export": input Bundles / NDJSON → `exports/<run>/<datastore>-FHIR_EXPORT-<job>/<Type>/<Type>-0.ndjson`.
 * Streams resources out as they are read (one Bundle in memory at a time).
 */
async function exportToFolder(
  inDir: string,
  exportDir: string,
  runId: string,
  log: PipelineLog,
): Promise<string[]> {
  const jobFolder = `exports/${runId}/${DATASTORE_ID}-FHIR_EXPORT-local/`;
  const writers = new Map<string, WriteStream>();
  const input = await resourceInputFiles(inDir);
  for (const s of input.skipped)
    log.warn('skipped an input file that holds no FHIR resources', {
      file: path.relative(inDir, s.file) || path.basename(s.file),
    });
  for (const file of input.files) {
    for await (const resource of resourcesOfFile(file)) {
      const type = resource['resourceType'];
      if (typeof type !== 'string' || !/^[A-Z][A-Za-z]+$/.test(type)) continue;
      let w = writers.get(type);
      if (!w) {
        const target = path.join(exportDir, jobFolder, type, `${type}-0.ndjson`);
        await mkdir(path.dirname(target), { recursive: true });
        w = createWriteStream(target);
        writers.set(type, w);
      }
      if (!w.write(`${JSON.stringify(resource)}\n`))
        await new Promise<void>((r) => w?.once('drain', () => r()));
    }
  }
  await Promise.all([...writers.values()].map((w) => new Promise<void>((r) => w.end(() => r()))));
  return [...writers.keys()].sort().map((t) => `${jobFolder}${t}/${t}-0.ndjson`);
}

export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunResult> {
  const { StateMachine, ExecutionError } = await import('aws-local-stepfunctions');
  const now = options.now ?? (() => new Date());
  const runId = options.runId ?? `local-${now().toISOString().replace(/[:.]/g, '-')}`;
  const k = options.kAnonymity ?? 5;
  const threshold = options.biasShiftThreshold ?? 0.05;
  const maxSuppression = options.maxSuppression ?? 0.05;
  const exportDir = path.join(options.workDir, 'export');
  const stagingDir = path.join(options.workDir, 'staging');
  const mounts: FolderMount[] = [
    { bucket: LOCAL_BUCKETS.export, prefix: '', dir: exportDir },
    { bucket: LOCAL_BUCKETS.staging, prefix: '', dir: stagingDir },
    // The dataset prefix of this run IS the output folder: manifest.json lands at its top.
    { bucket: LOCAL_BUCKETS.training, prefix: `datasets/${runId}/`, dir: options.outDir },
  ];
  const store = new LocalFolderStore(mounts);
  const progress = options.progress ?? (() => undefined);
  const deps = {
    store,
    keys: options.keys,
    phi: options.phi,
    log: options.log,
    now,
    missingConsent: options.missingConsent ?? 'exclude',
    runs: options.runs,
    onFile: (f: { sourceKey: string; resourcesIn: number; resourcesOut: number }) =>
      progress(`de-identified ${f.sourceKey.split('/').at(-1)}: ${f.resourcesIn} in, ${f.resourcesOut} out`),
  };

  const states: string[] = [];
  type LocalHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
  // Task results are plain JSON (the task contracts' zod outputs); the runner's JSON type is not exported.
  const track =
    (name: string, fn: (input: JsonObj) => Promise<unknown>): LocalHandler =>
    async (input) => {
      states.push(name);
      return (await fn(input as JsonObj)) as Awaited<ReturnType<LocalHandler>>;
    };
  const payload = (input: JsonObj): unknown => input['Payload'];
  const definition = await localDefinition({ k, threshold, maxSuppression });
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });

  try {
    const exportKeys = await exportToFolder(options.inDir, exportDir, runId, options.log);
    const listing: Array<{ Key: string; Size: number }> = [];
    for await (const o of store.list(LOCAL_BUCKETS.export, `exports/${runId}/`))
      listing.push({ Key: o.key, Size: o.size });
    progress(`exported ${exportKeys.length} NDJSON files from ${options.inDir}`);

    const execution = machine.run(
      { localListing: listing },
      {
        context: {
          Execution: {
            Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:wellgate-local-deid-pipeline:${runId}`,
            Name: runId,
          },
        },
        overrides: {
          // No export to wait for; stragglers here are in-process promises that settle within moments.
          waitTimeOverrides: { WaitForExport: 0, WaitForStragglers: 500 },
          taskResourceLocalHandlers: {
            // The export already happened above (exportToFolder).
            StartExport: track('StartExport', async () => ({ JobId: 'local' })),
            DescribeExport: track('DescribeExport', async () => ({
              ExportJobProperties: { JobStatus: 'COMPLETED' },
            })),
            ListExport: track('ListExport', async () => ({ Contents: listing, IsTruncated: false })),
            DeidentifyBatch: track('DeidentifyBatch', async (input) => ({
              Payload: await deidentifyBatch(DeidentifyBatchInput.parse(payload(input)), deps),
            })),
            // The budget is this run's setting unless the definition passes one itself.
            ValidateRun: track('ValidateRun', async (input) => ({
              Payload: await validateRun(
                ValidateRunInput.parse({ maxSuppression, ...(payload(input) as JsonObj) }),
                deps,
              ),
            })),
            PublishDataset: track('PublishDataset', async (input) => ({
              Payload: await publishDataset(PublishDatasetInput.parse(payload(input)), deps),
            })),
            CleanupStaging: track('CleanupStaging', async (input) => ({
              Payload: await cleanupStaging(CleanupStagingInput.parse(payload(input)), deps),
            })),
            CleanupStragglers: track('CleanupStragglers', async (input) => ({
              Payload: await cleanupStaging(CleanupStagingInput.parse(payload(input)), deps),
            })),
            StartCustomization: track('StartCustomization', async () => {
              throw new Error('Bedrock customization does not run locally.');
            }),
            NotifySuccess: track('NotifySuccess', async (input) => {
              progress(`notification: ${String(input['Message'] ?? '')}`);
              return {};
            }),
            NotifyFailure: track('NotifyFailure', async (input) => {
              progress(`notification: ${String(input['Message'] ?? '')}`);
              return {};
            }),
          },
        },
      },
    );
    const reportPath = path.join(stagingDir, 'runs', runId, 'report', 'report.json');
    try {
      await execution.result;
      return {
        runId,
        status: 'published',
        reportPath,
        manifestPath: path.join(options.outDir, 'manifest.json'),
        states,
      };
    } catch (err) {
      if (err instanceof ExecutionError) {
        const cause = err.cause as Error | undefined;
        return { runId, status: 'failed', error: cause?.name ?? 'ExecutionFailed', reportPath, states };
      }
      throw err;
    }
  } finally {
    // The raw export is PHI: it does not outlive the run (HealthLake stays the source of truth).
    await rm(path.join(exportDir, 'exports', runId), { recursive: true, force: true });
  }
}
