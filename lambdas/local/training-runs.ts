import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Resource } from '@medplum/fhirtypes';
import type { ApiLogger } from '../api/composition';
import type { ApiOperation, PluggableOperationId } from '../api/operations';
import { DynamoTrainingRunStore, type TrainingRunStarter, trainingRunOperations } from '../api/training-runs';
import type { FhirStore } from '../core/ports';
import { detectPhi, redactPhi } from '../phi';
import { DynamoRunStatusRecorder } from '../pipeline/aws-adapters';
import { LocalKeyFile } from '../pipeline/local-adapters';
import { runLocalPipeline } from '../pipeline/local-run';
import type { InFlightWork } from './in-flight-work';

/** What a HealthLake $export of the local store would contain. */
const EXPORTED_TYPES = [
  'Patient',
  'Practitioner',
  'CareTeam',
  'Observation',
  'MedicationRequest',
  'Appointment',
  'Consent',
  'QuestionnaireResponse',
  'Task',
] as const satisfies ReadonlyArray<Resource['resourceType']>;

export interface LocalTrainingRunOptions {
  readonly fhir: FhirStore;
  readonly appState: { readonly client: DynamoDBDocumentClient; readonly tableName: string };
  /** Under `.local/`: exports, staging and datasets of local runs, and the pseudonym key. */
  readonly workRoot: string;
  readonly logger: ApiLogger;
  readonly kAnonymity?: number;
  /** Share of patients that may be suppressed to reach k (default 0.05, as training.maxSuppression). */
  readonly maxSuppression?: number;
  /** Where background runs are followed, so closing the portal waits for them. */
  readonly background?: InFlightWork;
}

/**
 * Starts a training run in local mode the way the deployed API starts the state machine: the run
 * is recorded first, then the same ASL runs in the background over an NDJSON export of the local
 * FHIR store, and its outcome lands on the same appState record `GET …/training-runs/{id}` reads.
 */
class LocalPipelineStarter implements TrainingRunStarter {
  constructor(private readonly options: LocalTrainingRunOptions) {}

  async start(runId: string): Promise<void> {
    const runRoot = join(this.options.workRoot, runId);
    const inDir = join(runRoot, 'export-input');
    await mkdir(inDir, { recursive: true });
    for (const type of EXPORTED_TYPES) {
      const resources = await this.options.fhir.search(type, {});
      if (resources.length > 0) {
        await writeFile(
          join(inDir, `${type}.ndjson`),
          `${resources.map((r) => JSON.stringify(r)).join('\n')}\n`,
        );
      }
    }
    const runs = new DynamoRunStatusRecorder(this.options.appState.client, this.options.appState.tableName);
    // Not awaited: the API answers 201 "started" as Step Functions' StartExecution does.
    const run = runLocalPipeline({
      inDir,
      outDir: join(runRoot, 'dataset'),
      workDir: join(runRoot, 'work'),
      keys: new LocalKeyFile(join(this.options.workRoot, 'pseudonym.key')),
      phi: { detectPhi, redactPhi },
      log: {
        info: (message, fields) => this.options.logger.info(message, { runId, ...fields }),
        warn: (message, fields) => this.options.logger.warn(message, { runId, ...fields }),
      },
      runId,
      kAnonymity: this.options.kAnonymity ?? 5,
      maxSuppression: this.options.maxSuppression ?? 0.05,
      runs,
    })
      .then(
        (result) => this.options.logger.info('local training run ended', { runId, status: result.status }),
        async (error: unknown) => {
          this.options.logger.error('local training run crashed', {
            runId,
            errorName: error instanceof Error ? error.name : typeof error,
          });
          await runs
            .finish(runId, { status: 'failed', finishedAt: new Date().toISOString() })
            .catch(() => undefined);
        },
      )
      // The raw export is PHI: it does not outlive the run, however the run ended. A failure to
      // delete it is the operator's to see, not a reason to call a published run failed.
      .then(() => rm(inDir, { recursive: true, force: true }))
      .catch(() => this.options.logger.error('local training run export not deleted', { runId }));
    this.options.background?.track(run);
  }
}

export function localTrainingRunOperations(
  options: LocalTrainingRunOptions,
): Partial<Record<PluggableOperationId, ApiOperation>> {
  return trainingRunOperations({
    starter: new LocalPipelineStarter(options),
    store: new DynamoTrainingRunStore(options.appState),
  });
}
