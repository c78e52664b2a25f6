import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES } from '../lambdas/local/dynamodb';
import { startLocalPortal } from '../lambdas/local/portal';
import { DEMO, startPortalForTest } from './helpers/local-portal';

/** `npm start` again: FHIR is reseeded with every slot free, so the booking ledger starts over too. */
describe('restarting local mode', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wellgate-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('forgets slot claims from the previous run and keeps other app state', async () => {
    const first = await startLocalPortal({ dataDir, port: 0 });
    const table = LOCAL_TABLES.appState;
    await first.dynamo.documentClient.send(
      new PutCommand({ TableName: table, Item: { pk: 'slot#s1', sk: 'booking', holderId: 'appointment-1' } }),
    );
    await first.dynamo.documentClient.send(
      new PutCommand({ TableName: table, Item: { pk: 'training-run#r1', sk: 'run', status: 'published' } }),
    );
    await first.close();

    const second = await startLocalPortal({ dataDir, port: 0 });
    try {
      const slot = await second.dynamo.documentClient.send(
        new GetCommand({ TableName: table, Key: { pk: 'slot#s1', sk: 'booking' } }),
      );
      const run = await second.dynamo.documentClient.send(
        new GetCommand({ TableName: table, Key: { pk: 'training-run#r1', sk: 'run' } }),
      );
      expect(slot.Item).toBeUndefined();
      expect(run.Item).toMatchObject({ status: 'published' });
    } finally {
      await second.close();
    }
  });
});

/** Ctrl-C, or a test's teardown, right after a training run was started. */
describe('closing local mode', () => {
  it('lets a training run it already answered 201 for finish before the store closes', async () => {
    const harness = await startPortalForTest();
    try {
      const started = await harness.send(
        { method: 'POST', path: '/v1/admin/training-runs', body: {} },
        harness.tokens[DEMO.admin]?.accessToken,
      );
      expect(started.status).toBe(201);
      const { runId } = started.body as { runId: string };

      await harness.portal.close();

      const ended = harness.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(ended).toContainEqual(expect.objectContaining({ message: 'local training run ended', runId }));
      expect(ended).not.toContainEqual(expect.objectContaining({ message: 'local training run crashed' }));
      // The raw export is removed when the run ends, so it is gone once close() returns.
      expect(existsSync(join(harness.portal.paths.root, 'training-runs', runId, 'export-input'))).toBe(false);
    } finally {
      rmSync(harness.portal.paths.root, { recursive: true, force: true });
    }
  });
});
