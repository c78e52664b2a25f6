import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';

/** Table names in local mode; AWS deployments name theirs in the data stack's outputs. */
export const LOCAL_TABLES = {
  appState: 'wellgate-local-app-state',
  idempotency: 'wellgate-local-idempotency',
  auditIndex: 'wellgate-local-audit',
} as const;

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/**
 * dynalite (DynamoDB's API over LevelDB) in this process, on a loopback port, so the very same
 * DynamoDB adapters run locally as in AWS. Data persists in `dataDir`; without one it is in memory.
 */
export async function startLocalDynamo(dataDir: string | undefined): Promise<LocalDynamo> {
  const server: Server = dynalite({
    ...(dataDir === undefined ? {} : { path: dataDir }),
    // DynamoDB makes tables ACTIVE asynchronously; locally there is no reason to wait.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  return {
    endpoint,
    client,
    documentClient: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client for a dynalite endpoint; dynalite ignores credentials, the SDK still wants some. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
}
