/** Verifies the audit table's hash chains: local mode's dynalite store or a deployed table. */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AuditVerifyReport, verifyAuditChains } from '../api';
import { LOCAL_TABLES, localDynamoClient, startLocalDynamo } from './dynamodb';
import { localPaths, readRuntimeInfo } from './paths';

interface Target {
  readonly description: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  release(): Promise<void>;
}

async function resolveTarget(args: {
  table?: string;
  region?: string;
  'data-dir'?: string;
}): Promise<Target> {
  if (args.table !== undefined) {
    if (args.region === undefined) throw new UsageError('--table needs --region');
    const client = new DynamoDBClient({ region: args.region });
    return {
      description: `table ${args.table} in ${args.region}`,
      tableName: args.table,
      client,
      release: async () => client.destroy(),
    };
  }
  const paths = localPaths(args['data-dir'] ?? '.local');
  const running = readRuntimeInfo(paths);
  if (running !== undefined) {
    // A running portal holds the LevelDB lock; ask its dynalite instead of opening the folder.
    const client = localDynamoClient(running.dynamodbEndpoint);
    return {
      description: `local mode (running portal, ${paths.root})`,
      tableName: LOCAL_TABLES.auditIndex,
      client,
      release: async () => client.destroy(),
    };
  }
  const dynamo = await startLocalDynamo(paths.dynamodbDir);
  return {
    description: `local mode (${paths.root})`,
    tableName: LOCAL_TABLES.auditIndex,
    client: dynamo.client,
    release: () => dynamo.close(),
  };
}

class UsageError extends Error {}

function printReport(report: AuditVerifyReport, print: (line: string) => void): void {
  print(`chains checked: ${report.chainsChecked}`);
  print(`events checked: ${report.eventsChecked}`);
  if (report.ok) {
    print('result: every chain verifies');
    return;
  }
  const first = report.firstBreak ?? report.breaks[0];
  print(`result: ${report.breaks.length} broken chain(s)`);
  if (first !== undefined) {
    print(`first break: chain ${first.chain}, event seq ${first.seq}, reason ${first.reason}`);
  }
  for (const chainBreak of report.breaks.slice(1)) {
    print(`also broken: chain ${chainBreak.chain} at seq ${chainBreak.seq} (${chainBreak.reason})`);
  }
}

/**
 * The `audit:verify` command: returns the exit code (0 every chain verifies, 1 a chain is broken,
 * 2 the check could not run) and prints through `print`, so tests can run it in-process.
 */
export async function runAuditVerify(
  args: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  try {
    return await verify(args, print);
  } catch (error) {
    if (error instanceof UsageError) print(`usage: ${error.message}`);
    else if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      print('the audit table does not exist (has local mode been started yet?)');
    } else
      print(`audit verification could not run: ${error instanceof Error ? error.name : 'unknown error'}`);
    return 2;
  }
}

async function verify(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      table: { type: 'string' },
      region: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const target = await resolveTarget(values);
  try {
    print(`verifying audit hash chains: ${target.description}`);
    const documentClient = DynamoDBDocumentClient.from(target.client);
    const report = await verifyAuditChains(target.tableName, documentClient);
    printReport(report, print);
    return report.ok ? 0 : 1;
  } finally {
    await target.release();
  }
}
