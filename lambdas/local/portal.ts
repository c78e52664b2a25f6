import { rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EmfSecurityMetrics } from '../adapters/emf-security-metrics';
import {
  type ApiLogger,
  type ApiPorts,
  createApiHandler,
  createApiTables,
  DynamoAuditSink,
  DynamoIdempotencyStore,
  DynamoSlotLedger,
  MemoryFhirStore,
} from '../api';
import { assistantOperations } from '../assistant';
import { isIanaTimeZone } from '../core/clinic-time';
import { LocalAuditFallbackQueue, replaySinkOf } from './audit-fallback-queue';
import { LOCAL_TABLES, type LocalDynamo, startLocalDynamo } from './dynamodb';
import { LocalCognitoAuthorizer } from './gateway/authorizer';
import { createLocalGateway } from './gateway/server';
import { LocalAuthEndpoints } from './identity/auth-endpoints';
import { LocalAuthService } from './identity/auth-service';
import { type DemoUserCredentials, provisionDemoUsers } from './identity/demo-users';
import { loadOrCreateSigningKey } from './identity/signing-key';
import { TokenIssuer } from './identity/token-issuer';
import { LocalUserDirectory } from './identity/user-directory';
import { LocalUserStore } from './identity/user-store';
import { InFlightWork } from './in-flight-work';
import { type LocalLog, silentLog } from './log';
import { ensureLocalDirs, type LocalPaths, type LocalRuntimeInfo, localPaths } from './paths';
import { seedFhirStore } from './seed/seed-store';
import { generateSyntheticClinic, type SyntheticClinic } from './seed/synthetic-clinic';
import { localTrainingRunOperations } from './training-runs';

export const DEFAULT_LOCAL_PORT = 3000;
/** Loopback only: local mode serves synthetic PHI-shaped data and demo credentials. */
export const LOCAL_HOST = '127.0.0.1';

export interface LocalPortalOptions {
  /** Folder for keys, users and DynamoDB data (`.local/` for `npm start`, a temp dir in tests). */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly log?: LocalLog;
  /** The day the synthetic clinic is generated for (default today). */
  readonly today?: Date;
  /** Origins the API answers CORS for (exact match), as `corsOrigins` in the deployed config; default none. */
  readonly corsOrigins?: readonly string[];
  /** The clinic's IANA time zone, as `clinic.timeZone` in the deployed config; default UTC. */
  readonly timeZone?: string;
  /**
   * Test seam: replaces or wraps the ports the handler runs on (the hardening suites wrap them with
   * fault injectors). Called once, at start, with the local adapters and the dynalite instance.
   */
  readonly wrapPorts?: (ports: ApiPorts, dynamo: LocalDynamo) => ApiPorts;
}

export interface LocalPortal {
  readonly baseUrl: string;
  readonly paths: LocalPaths;
  readonly clinic: SyntheticClinic;
  /** The seeded FHIR store itself (tests inspect what a request wrote, or seed more patients). */
  readonly fhir: MemoryFhirStore;
  readonly demoUsers: readonly DemoUserCredentials[];
  readonly tables: typeof LOCAL_TABLES;
  /** Signs tokens with the local pool's key (tests build expired and edge-case tokens). */
  readonly tokenIssuer: TokenIssuer;
  readonly users: LocalUserStore;
  readonly dynamo: LocalDynamo;
  close(): Promise<void>;
}

/**
 * Starts the whole portal on one machine: the synthetic clinic in Medplum's in-memory FHIR
 * repository, dynalite for the DynamoDB tables, the local Cognito stand-in, and the gateway in
 * front of the very handler the Lambda functions run.
 */
/**
 * How long closing waits for requests, training runs and deferred audit events in flight (a run
 * takes seconds locally).
 */
const CLOSE_WAIT_MS = 120_000;

export async function startLocalPortal(options: LocalPortalOptions): Promise<LocalPortal> {
  const log = options.log ?? silentLog;
  const paths = localPaths(options.dataDir);
  ensureLocalDirs(paths);

  const clinic = generateSyntheticClinic(options.today === undefined ? {} : { today: options.today });
  const fhir = new MemoryFhirStore();
  const counts = await seedFhirStore(fhir, clinic);
  log('synthetic clinic seeded', counts);

  const dynamo = await startLocalDynamo(paths.dynamodbDir);
  try {
    await createApiTables(dynamo.client, Object.values(LOCAL_TABLES));
    // The FHIR store was just reseeded with every slot free; bookings the ledger remembers from an
    // earlier run would refuse those slots, so the ledger starts over with it.
    await clearSlotLedger(dynamo);

    const signingKey = loadOrCreateSigningKey(paths.signingKeyFile);
    const users = LocalUserStore.open(paths.userStoreFile);
    const demoUsers = await provisionDemoUsers(users, clinic, paths.demoUsersFile);
    const tokenIssuer = new TokenIssuer(signingKey);

    const apiLogger = apiLoggerOver(log);
    const inFlight = new InFlightWork();
    const localAudit = new DynamoAuditSink({
      client: dynamo.documentClient,
      tableName: LOCAL_TABLES.auditIndex,
    });
    const localPorts: ApiPorts = {
      fhir,
      audit: localAudit,
      idempotency: new DynamoIdempotencyStore({
        client: dynamo.documentClient,
        tableName: LOCAL_TABLES.idempotency,
      }),
      slotLedger: new DynamoSlotLedger({ client: dynamo.documentClient, tableName: LOCAL_TABLES.appState }),
      users: new LocalUserDirectory(users),
      logger: apiLogger,
      // Break-glass raises a CloudWatch alarm in AWS; locally the metric line goes to the log.
      metrics: new EmfSecurityMetrics((line) => log('security metric', { emf: line })),
    };
    const wrappedPorts = options.wrapPorts ? options.wrapPorts(localPorts, dynamo) : localPorts;
    // SQS and its consumer in AWS: deferred audit events retry into the sink the API writes to.
    const auditFallback = new LocalAuditFallbackQueue({
      sink: replaySinkOf(wrappedPorts.audit, localAudit),
      background: inFlight,
      log,
    });
    const ports: ApiPorts = { ...wrappedPorts, auditFallback };
    const appState = { client: dynamo.documentClient, tableName: LOCAL_TABLES.appState };
    const timeZone = options.timeZone ?? 'UTC';
    if (!isIanaTimeZone(timeZone)) throw new Error(`Not an IANA time zone: ${timeZone}`);
    const apiHandler = createApiHandler(ports, {
      corsOrigins: options.corsOrigins ?? [],
      timeZone,
      // The same plug-ins the assistant and admin functions load in AWS, on local adapters:
      // the local rules model (no Bedrock) and the training pipeline over folders.
      operations: {
        ...assistantOperations({
          fhir: ports.fhir,
          appState,
          logger: apiLogger,
          env: {},
          timeZone,
        }),
        ...localTrainingRunOperations({
          fhir: ports.fhir,
          appState,
          workRoot: join(paths.root, 'training-runs'),
          logger: apiLogger,
          background: inFlight,
        }),
      },
    });

    const server = createLocalGateway({
      apiHandler,
      authorizer: new LocalCognitoAuthorizer(signingKey.jwks),
      authEndpoints: new LocalAuthEndpoints(new LocalAuthService(users, tokenIssuer)),
      jwks: signingKey.jwks,
      log,
      corsOrigins: options.corsOrigins ?? [],
      inFlight,
    });
    const port = await listen(server, options.port ?? DEFAULT_LOCAL_PORT);
    const baseUrl = `http://${LOCAL_HOST}:${port}`;
    log('local portal listening', { baseUrl });
    const runtime: LocalRuntimeInfo = { pid: process.pid, baseUrl, dynamodbEndpoint: dynamo.endpoint };
    writeFileSync(paths.runtimeFile, JSON.stringify(runtime, null, 2), { mode: 0o600 });

    return {
      baseUrl,
      paths,
      clinic,
      fhir,
      demoUsers,
      tables: LOCAL_TABLES,
      tokenIssuer,
      users,
      dynamo,
      close: async () => {
        rmSync(paths.runtimeFile, { force: true });
        await closeServer(server);
        // Requests already being served and training runs already started still write to the
        // store: it closes after them.
        if (inFlight.size > 0) log('waiting for work in flight', { pending: inFlight.size });
        if (!(await inFlight.settled(CLOSE_WAIT_MS)))
          log('closing with work still in flight', { pending: inFlight.size, waitedMs: CLOSE_WAIT_MS });
        await auditFallback.close();
        await dynamo.close();
      },
    };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
}

function apiLoggerOver(log: LocalLog): ApiLogger {
  return {
    info: (message, attributes) => log(message, { level: 'INFO', ...attributes }),
    warn: (message, attributes) => log(message, { level: 'WARN', ...attributes }),
    error: (message, attributes) => log(message, { level: 'ERROR', ...attributes }),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCAL_HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open until they time out.
    server.closeAllConnections();
  });
}

async function clearSlotLedger(dynamo: LocalDynamo): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.documentClient.send(
      new ScanCommand({
        TableName: LOCAL_TABLES.appState,
        FilterExpression: 'begins_with(pk, :slot)',
        ExpressionAttributeValues: { ':slot': 'slot#' },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await dynamo.documentClient.send(
        new DeleteCommand({ TableName: LOCAL_TABLES.appState, Key: { pk: item['pk'], sk: item['sk'] } }),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
