/**
 * Admin training-run routes (issue 5), plugged into the API through createApiHandler's
 * `operations` option: `POST /v1/admin/training-runs` starts the de-identification state machine
 * and records the run in appState; `GET /v1/admin/training-runs/{runId}` answers from appState.
 * Admin only (route table) and audited (the router writes the returned audit target). A run record
 * holds ids, status and report figures: never PHI and never the pseudonym key.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV } from '../../lib/contracts';
import { NotFound } from '../core/errors';
import { trainingRunKey } from '../core/training-run-record';
import { documentClient } from './composition';
import { type ApiOperation, defineOperation, type PluggableOperationId } from './operations';
import { GET_TRAINING_RUN, START_TRAINING_RUN } from './pluggable-contracts';
import { type TrainingRun, TrainingRunSchema } from './training-run-schemas';

export {
  StartTrainingRunBody,
  TRAINING_RUN_STATUSES,
  type TrainingRun,
  TrainingRunParams,
  TrainingRunSchema,
} from './training-run-schemas';

/** Starts one execution of the de-identification state machine named `runId`. */
export interface TrainingRunStarter {
  start(runId: string): Promise<void>;
}

export interface TrainingRunStore {
  put(run: TrainingRun): Promise<void>;
  get(runId: string): Promise<TrainingRun | undefined>;
}

export interface TrainingRunDependencies {
  readonly starter: TrainingRunStarter;
  readonly store: TrainingRunStore;
  readonly newRunId?: (now: Date) => string;
}

const defaultRunId = (now: Date): string =>
  `run-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(4).toString('hex')}`;

export function trainingRunOperations(
  deps: TrainingRunDependencies,
): Partial<Record<PluggableOperationId, ApiOperation>> {
  return {
    startTrainingRun: defineOperation({
      ...START_TRAINING_RUN,
      run: async (_services, _input, ctx) => {
        const runId = (deps.newRunId ?? defaultRunId)(ctx.now);
        const run: TrainingRun = {
          runId,
          status: 'started',
          startedAt: ctx.now.toISOString(),
          startedBy: ctx.caller.username,
        };
        // Recorded first: a run the state machine knows is never missing from appState.
        await deps.store.put(run);
        await deps.starter.start(runId);
        return {
          value: run,
          audit: { resourceType: 'TrainingRun', resourceId: runId, action: 'create', purpose: 'operations' },
        };
      },
    }),
    getTrainingRun: defineOperation({
      ...GET_TRAINING_RUN,
      run: async (_services, { params }) => {
        const run = await deps.store.get(params.runId);
        if (!run) throw new NotFound('TrainingRun');
        return {
          value: run,
          audit: {
            resourceType: 'TrainingRun',
            resourceId: params.runId,
            action: 'read',
            purpose: 'operations',
          },
        };
      },
    }),
  };
}

// --- AWS adapters ---------------------------------------------------------------------------

export class SfnTrainingRunStarter implements TrainingRunStarter {
  constructor(
    private readonly sfn: Pick<SFNClient, 'send'>,
    private readonly stateMachineArn: string,
  ) {}

  async start(runId: string): Promise<void> {
    // The input is empty: every prefix derives from the execution name; nothing else crosses.
    await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: runId, input: '{}' }),
    );
  }
}

/** appState item: pk `training-run#<runId>`, sk `run`. */
export class DynamoTrainingRunStore implements TrainingRunStore {
  constructor(
    private readonly options: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  ) {}

  async put(run: TrainingRun): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { ...trainingRunKey(run.runId), ...run },
      }),
    );
  }

  async get(runId: string): Promise<TrainingRun | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: trainingRunKey(runId) }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...run } = out.Item;
    return TrainingRunSchema.parse(run);
  }
}

/**
 * The admin function's training-run operations from the environment the CDK sets. Without a
 * training state machine (training disabled), none: the routes keep answering 501.
 */
export function trainingRunOperationsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<PluggableOperationId, ApiOperation>> {
  const arn = env[RUNTIME_ENV.trainingStateMachineArn]?.trim();
  const table = env[RUNTIME_ENV.appStateTable]?.trim();
  if (!arn || !table) return {};
  return trainingRunOperations({
    starter: new SfnTrainingRunStarter(new SFNClient({}), arn),
    store: new DynamoTrainingRunStore({ client: documentClient(new DynamoDBClient({})), tableName: table }),
  });
}
