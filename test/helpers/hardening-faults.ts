/**
 * Fault injectors for the hardening suites, placed on the wire so the production adapters' own
 * retry and error handling is what gets tested:
 *
 * - `FaultyFhirServer`: a FHIR REST facade over a FhirStore (the portal's MemoryFhirStore) on
 *   127.0.0.1. The API reaches it through the real `HealthLakeFhirStore` (SigV4, bounded
 *   retries, timeouts), and the server answers a share of calls with 429, 500 or no answer at all.
 * - `FaultyDynamoProxy`: a pass-through proxy in front of dynalite that answers a share of calls
 *   with DynamoDB's throttling or internal-error responses; the real AWS SDK client retries them.
 *
 * Every injected fault happens before the backend does any work, the way HealthLake answers 429
 * and DynamoDB answers throttling, so a fault never lands a write on its own.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Resource } from '@medplum/fhirtypes';
import {
  type ApiPorts,
  Conflict,
  DynamoAuditSink,
  DynamoIdempotencyStore,
  DynamoSlotLedger,
  documentClient,
  type FhirSearchParams,
  type FhirStore,
  HealthLakeFhirStore,
  NotFound,
  ValidationFailed,
} from '../../lambdas/api';
import { LOCAL_TABLES, type LocalDynamo } from '../../lambdas/local/dynamodb';

export type FhirFaultKind = 'throttle-429' | 'error-500' | 'timeout';
export type DynamoFaultKind = 'throttling' | 'provisioned-throughput' | 'internal-error';

/** What the API's FHIR adapter is configured with in the fault suite. */
export const FHIR_MAX_ATTEMPTS = 3;
export const FHIR_TIMEOUT_MS = 150;
/** The AWS SDK's default attempt count (DynamoDBClient({}) in the Lambda functions). */
export const DYNAMO_MAX_ATTEMPTS = 3;

export interface FaultRule<Call, Kind extends string> {
  /** Which calls the rule applies to (default all). */
  readonly when?: (call: Call) => boolean;
  /** Share of matching calls that fail, 0..1. */
  readonly share: number;
  /** Faults to pick from, evenly. */
  readonly kinds: readonly Kind[];
  /** Seconds in a 429's Retry-After header. */
  readonly retryAfterSeconds?: number;
}

/** Mulberry32: reproducible fault decisions for a given seed and call order. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A switchable fault plan plus a record of every call that reached the injector. */
export class FaultPlan<Call, Kind extends string> {
  private rule: FaultRule<Call, Kind> | undefined;
  private random = prng(1);
  readonly calls: Array<Call & { readonly fault: Kind | undefined }> = [];

  /** Starts a new plan; the call record starts afresh with it. */
  set(rule: FaultRule<Call, Kind>, seed = 7): void {
    this.rule = rule;
    this.random = prng(seed);
    this.calls.length = 0;
  }

  clear(): void {
    this.rule = undefined;
  }

  get retryAfterSeconds(): number | undefined {
    return this.rule?.retryAfterSeconds;
  }

  decide(call: Call): Kind | undefined {
    const rule = this.rule;
    let fault: Kind | undefined;
    if (rule && (rule.when?.(call) ?? true) && this.random() < rule.share) {
      fault = rule.kinds[Math.floor(this.random() * rule.kinds.length)];
    }
    this.calls.push({ ...call, fault });
    return fault;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---- FHIR ----------------------------------------------------------------------------------------

export interface FhirCall {
  readonly method: string;
  /** `Appointment`, `Slot/123`… relative to the datastore base. */
  readonly path: string;
  readonly resourceType: string;
}

const FHIR_BASE_PATH = '/datastore/local/r4/';

/** FHIR REST (read, search, create, update with If-Match, delete) over a FhirStore, with faults. */
export class FaultyFhirServer {
  readonly plan = new FaultPlan<FhirCall, FhirFaultKind>();
  /** Set once the portal has built its store (see `faultyPorts`). */
  backend: FhirStore | undefined;
  private readonly hung = new Set<ServerResponse>();
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  private baseUrl = '';

  async start(): Promise<void> {
    this.baseUrl = await listen(this.server);
  }

  get endpoint(): string {
    return `${this.baseUrl}${FHIR_BASE_PATH}`;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readAll(req);
    const path = url.pathname.startsWith(FHIR_BASE_PATH) ? url.pathname.slice(FHIR_BASE_PATH.length) : '';
    const [resourceType = '', id] = path.split('/');
    const method = req.method ?? 'GET';
    const fault = this.plan.decide({ method, path, resourceType });
    if (fault === 'timeout') {
      // No answer: the client's per-attempt timeout fires. Destroyed when the suite closes.
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (fault !== undefined) {
      const status = fault === 'throttle-429' ? 429 : 500;
      res.writeHead(status, {
        'content-type': 'application/fhir+json',
        ...(status === 429 ? { 'retry-after': String(this.plan.retryAfterSeconds ?? 1) } : {}),
      });
      // Upstream text the API must never pass on to its caller.
      res.end(JSON.stringify(outcome('exception', `injected ${fault} UPSTREAM-SECRET-TEXT`)));
      return;
    }
    const store = this.backend;
    if (store === undefined) {
      res.writeHead(503).end();
      return;
    }
    try {
      const answer = await this.dispatch(store, method, resourceType, id, url.searchParams, body, req);
      res.writeHead(answer.status, { 'content-type': 'application/fhir+json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    } catch (error) {
      const status =
        error instanceof NotFound
          ? 404
          : error instanceof Conflict
            ? 412
            : error instanceof ValidationFailed
              ? 400
              : 500;
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(outcome('processing', 'backend error')));
    }
  }

  private async dispatch(
    store: FhirStore,
    method: string,
    resourceType: string,
    id: string | undefined,
    query: URLSearchParams,
    body: Buffer,
    req: IncomingMessage,
  ): Promise<{ status: number; body?: unknown }> {
    const type = resourceType as Resource['resourceType'];
    if (method === 'GET' && id !== undefined) return { status: 200, body: await store.read(type, id) };
    if (method === 'GET') {
      const params: Record<string, string | string[]> = {};
      for (const [name, value] of query) {
        const existing = params[name];
        params[name] =
          existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      const matches = await store.search(type, params as FhirSearchParams);
      return {
        status: 200,
        body: { resourceType: 'Bundle', type: 'searchset', entry: matches.map((resource) => ({ resource })) },
      };
    }
    if (method === 'POST')
      return { status: 201, body: await store.create(JSON.parse(body.toString('utf8')) as Resource) };
    if (method === 'PUT' && id !== undefined) {
      const ifMatch = /^W\/"(.+)"$/.exec(String(req.headers['if-match'] ?? ''))?.[1];
      const resource = JSON.parse(body.toString('utf8')) as Resource;
      return {
        status: 200,
        body: await store.update(resource, ifMatch ? { ifMatchVersion: ifMatch } : undefined),
      };
    }
    if (method === 'DELETE' && id !== undefined) {
      await store.delete(type, id);
      return { status: 204 };
    }
    return { status: 400, body: outcome('not-supported', 'unsupported interaction') };
  }
}

function outcome(code: string, diagnostics: string) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

// ---- DynamoDB ------------------------------------------------------------------------------------

export interface DynamoCall {
  /** `PutItem`, `Query`… from X-Amz-Target. */
  readonly operation: string;
  readonly table: string;
  /** The SDK's id for one logical call, the same on each of its retries. */
  readonly invocationId: string;
}

const DYNAMO_ERRORS: Record<DynamoFaultKind, { status: number; type: string; message: string }> = {
  throttling: {
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  'provisioned-throughput': {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  'internal-error': { status: 500, type: 'InternalServerError', message: 'Internal server error' },
};

/** Forwards DynamoDB JSON-protocol calls to dynalite, failing a share of them as DynamoDB does. */
export class FaultyDynamoProxy {
  readonly plan = new FaultPlan<DynamoCall, DynamoFaultKind>();
  /** dynalite's endpoint, set once the portal has started it. */
  target: string | undefined;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  endpoint = '';

  async start(): Promise<void> {
    this.endpoint = await listen(this.server);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    let table = '';
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { TableName?: unknown };
      table = typeof parsed.TableName === 'string' ? parsed.TableName : '';
    } catch {
      // Not JSON: forwarded as is, dynalite answers it.
    }
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const invocationId = String(req.headers['amz-sdk-invocation-id'] ?? '');
    const fault = this.plan.decide({ operation, table, invocationId });
    if (fault !== undefined) {
      const error = DYNAMO_ERRORS[fault];
      res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message }),
      );
      return;
    }
    if (this.target === undefined) {
      res.writeHead(500).end();
      return;
    }
    const target = new URL(this.target);
    await new Promise<void>((resolve, reject) => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
          answer.on('end', () => resolve());
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

// ---- wiring --------------------------------------------------------------------------------------

export interface FaultInjectors {
  readonly fhir: FaultyFhirServer;
  readonly dynamo: FaultyDynamoProxy;
  close(): Promise<void>;
  /** For `startHardenedPortal({ wrapPorts })`. */
  wrapPorts(ports: ApiPorts, dynamo: LocalDynamo): ApiPorts;
}

/**
 * The API's ports rebuilt on top of the injectors: `HealthLakeFhirStore` (the AWS adapter, bounded
 * retries and per-attempt timeouts) against the FHIR facade, and the DynamoDB adapters over an SDK
 * client pointed at the proxy. Users, metrics, logger and clock stay the portal's own.
 */
export async function startFaultInjectors(): Promise<FaultInjectors> {
  const fhir = new FaultyFhirServer();
  const dynamo = new FaultyDynamoProxy();
  await Promise.all([fhir.start(), dynamo.start()]);
  let client: DynamoDBClient | undefined;
  return {
    fhir,
    dynamo,
    close: async () => {
      client?.destroy();
      await Promise.all([fhir.close(), dynamo.close()]);
    },
    wrapPorts: (ports, localDynamo) => {
      fhir.backend = ports.fhir;
      dynamo.target = localDynamo.endpoint;
      client = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: DYNAMO_MAX_ATTEMPTS,
      });
      const documents = documentClient(client);
      return {
        ...ports,
        fhir: new HealthLakeFhirStore({
          endpoint: fhir.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDHARDENING', secretAccessKey: 'hardening-secret' },
          maxAttempts: FHIR_MAX_ATTEMPTS,
          baseDelayMs: 5,
          maxDelayMs: 20,
          timeoutMs: FHIR_TIMEOUT_MS,
        }),
        audit: new DynamoAuditSink({ client: documents, tableName: LOCAL_TABLES.auditIndex }),
        idempotency: new DynamoIdempotencyStore({ client: documents, tableName: LOCAL_TABLES.idempotency }),
        slotLedger: new DynamoSlotLedger({ client: documents, tableName: LOCAL_TABLES.appState }),
      };
    },
  };
}
