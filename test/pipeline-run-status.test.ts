import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { trainingRunKey } from '../lambdas/core/training-run-record';
import { DynamoRunStatusRecorder } from '../lambdas/pipeline/aws-adapters';
import { type LocalDynamo, startDynalite, TABLES } from './helpers/api-fixtures';

/** The pipeline's outcome lands on the record the admin API created; the first outcome wins. */
describe('DynamoRunStatusRecorder (appState, as the admin API reads it)', () => {
  let dynamo: LocalDynamo;
  let db: DynamoDBDocumentClient;
  const table = TABLES.appState;

  beforeAll(async () => {
    dynamo = await startDynalite();
    db = dynamo.documentClient;
  });
  afterAll(async () => dynamo.close());

  const started = (runId: string) =>
    db.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...trainingRunKey(runId),
          runId,
          status: 'started',
          startedAt: '2026-11-22T10:00:00Z',
          startedBy: 'admin-sub',
        },
      }),
    );
  const read = async (runId: string) =>
    (await db.send(new GetCommand({ TableName: table, Key: trainingRunKey(runId) }))).Item;

  it('records a failed validation with its figures and keeps them when cleanup reports later', async () => {
    await started('r1');
    const recorder = new DynamoRunStatusRecorder(db, table);
    const report = {
      passed: false,
      failures: ['k-anonymity'],
      patientsOut: 12,
      patientsExcludedForConsent: 3,
      k: 1,
      residualFindings: 0,
    };
    await recorder.finish('r1', { status: 'failed', finishedAt: '2026-11-22T10:05:00Z', report });
    await recorder.finish('r1', { status: 'failed', finishedAt: '2026-11-22T10:06:00Z' });
    expect(await read('r1')).toMatchObject({
      status: 'failed',
      finishedAt: '2026-11-22T10:05:00Z',
      report,
      startedBy: 'admin-sub',
    });
  });

  it('records a published run with its manifest', async () => {
    await started('r2');
    await new DynamoRunStatusRecorder(db, table).finish('r2', {
      status: 'published',
      finishedAt: '2026-11-22T11:00:00Z',
      report: {
        passed: true,
        failures: [],
        patientsOut: 40,
        patientsExcludedForConsent: 0,
        k: 5,
        residualFindings: 0,
        manifestKey: 'datasets/r2/manifest.json',
      },
    });
    expect(await read('r2')).toMatchObject({
      status: 'published',
      report: { manifestKey: 'datasets/r2/manifest.json' },
    });
  });

  it('creates nothing for a run the admin API did not start', async () => {
    await new DynamoRunStatusRecorder(db, table).finish('unknown', {
      status: 'failed',
      finishedAt: '2026-11-22T12:00:00Z',
    });
    expect(await read('unknown')).toBeUndefined();
  });
});
