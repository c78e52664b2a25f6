import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createApiHandler } from '../lambdas/api';
import {
  DynamoTrainingRunStore,
  SfnTrainingRunStarter,
  trainingRunOperations,
  trainingRunOperationsFromEnvironment,
} from '../lambdas/api/training-runs';
import {
  apiEvent,
  claimsFor,
  createHarness,
  type LocalDynamo,
  parseBody,
  startDynalite,
  TABLES,
} from './helpers/api-fixtures';

const NOW = new Date('2025-03-12T15:00:00Z');

describe('admin training-run routes (plugged in through createApiHandler operations)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  async function setup() {
    const harness = await createHarness(dynamo, NOW);
    const started: string[] = [];
    const handler = createApiHandler(harness.ports, {
      operations: trainingRunOperations({
        starter: { start: async (runId) => void started.push(runId) },
        store: new DynamoTrainingRunStore({ client: dynamo.documentClient, tableName: TABLES.appState }),
        newRunId: () => 'run-20250312-test',
      }),
    });
    return { handler, started };
  }

  const admin = claimsFor({ sub: 'admin-1', roles: ['admin'] });

  test('an admin starts a run: the state machine starts, the run is recorded and audited', async () => {
    const { handler, started } = await setup();
    const res = await handler(
      apiEvent({ method: 'POST', path: '/v1/admin/training-runs', claims: admin, body: {} }),
    );
    expect(res.statusCode).toBe(201);
    expect(parseBody(res.body)).toMatchObject({
      runId: 'run-20250312-test',
      status: 'started',
      startedBy: 'user-admin-1',
    });
    expect(started).toEqual(['run-20250312-test']);

    const got = await handler(
      apiEvent({ method: 'GET', path: '/v1/admin/training-runs/run-20250312-test', claims: admin }),
    );
    expect(got.statusCode).toBe(200);
    expect(parseBody(got.body)).toMatchObject({ runId: 'run-20250312-test', status: 'started' });

    const audit = await dynamo.documentClient.send(new ScanCommand({ TableName: TABLES.audit }));
    const events = (audit.Items ?? []).filter((i) => i['resourceType'] === 'TrainingRun');
    expect(events.map((e) => e['action']).sort()).toEqual(['create', 'read']);
  });

  test('an unknown run answers 404; non-admins never reach the routes', async () => {
    const { handler, started } = await setup();
    const missing = await handler(
      apiEvent({ method: 'GET', path: '/v1/admin/training-runs/run-none', claims: admin }),
    );
    expect(missing.statusCode).toBe(404);
    for (const roles of [['patient'], ['clinician'], ['staff']] as const) {
      const res = await handler(
        apiEvent({
          method: 'POST',
          path: '/v1/admin/training-runs',
          claims: claimsFor({ sub: 'x', roles, patientId: 'p' }),
          body: {},
        }),
      );
      expect(res.statusCode).toBe(403);
    }
    expect(started).toEqual([]);
  });

  test('the AWS starter names the execution after the run and passes no data', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:1:execution:m:run-1' });
    await new SfnTrainingRunStarter(
      sfn as unknown as SFNClient,
      'arn:aws:states:us-east-1:1:stateMachine:m',
    ).start('run-1');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
      name: 'run-1',
      input: '{}',
    });
    expect(trainingRunOperationsFromEnvironment({})).toEqual({});
  });
});
