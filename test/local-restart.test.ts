import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES } from '../lambdas/local/dynamodb';
import { startLocalPortal } from '../lambdas/local/portal';

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
