/**
 * HealthLakeFhirStore against a fake FHIR server on 127.0.0.1: SigV4 headers on every request,
 * exact paths and query strings, paging through `next` links, bounded retries on 429/5xx, and
 * typed errors that never carry upstream text.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Task } from '@medplum/fhirtypes';
import { Conflict, DependencyUnavailable, HealthLakeFhirStore, NotFound } from '../lambdas/api';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let respond: (
  request: Seen,
  body: string,
) => { status: number; body?: unknown; headers?: Record<string, string> };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      seen.push(request);
      const answer = respond(request, body);
      res.writeHead(answer.status, { 'content-type': 'application/fhir+json', ...answer.headers });
      res.end(
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

function store(options: { maxAttempts?: number } = {}): HealthLakeFhirStore {
  return new HealthLakeFhirStore({
    endpoint: `${base}/datastore/ds-1/r4/`,
    region: 'us-east-2',
    credentials: { accessKeyId: 'AKIDFAKEHEALTHLAKE', secretAccessKey: 'fake-secret' },
    sleep: async () => {},
    random: () => 0.5,
    ...options,
  });
}

function expectSigned(request: Seen): void {
  expect(request.headers['authorization']).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDFAKEHEALTHLAKE\/\d{8}\/us-east-2\/healthlake\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
  );
  expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
}

test('search follows next links across pages after a 429, signing every request', async () => {
  let calls = 0;
  respond = (request) => {
    calls++;
    if (calls === 1) return { status: 429, headers: { 'retry-after': '1' } };
    const page2 = request.url.includes('page=2');
    return {
      status: 200,
      body: {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { resource: { resourceType: 'Observation', id: page2 ? 'o-2' : 'o-1', status: 'final', code: {} } },
        ],
        ...(page2
          ? {}
          : {
              link: [
                {
                  relation: 'next',
                  url: `${base}/datastore/ds-1/r4/Observation?page=2&subject=Patient%2Fp-1`,
                },
              ],
            }),
      },
    };
  };
  const results = await store().search('Observation', {
    subject: 'Patient/p-1',
    date: ['ge2025-01-01', 'le2025-03-01'],
  });
  expect(results.map((r) => r.id)).toEqual(['o-1', 'o-2']);
  expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
    'GET /datastore/ds-1/r4/Observation?date=ge2025-01-01&date=le2025-03-01&subject=Patient%2Fp-1',
    'GET /datastore/ds-1/r4/Observation?date=ge2025-01-01&date=le2025-03-01&subject=Patient%2Fp-1',
    'GET /datastore/ds-1/r4/Observation?page=2&subject=Patient%2Fp-1',
  ]);
  for (const request of seen) expectSigned(request);
});

test('read maps 404 to NotFound; update sends If-Match and maps 412 to Conflict', async () => {
  respond = (request) =>
    request.method === 'GET' ? { status: 404, body: { resourceType: 'OperationOutcome' } } : { status: 412 };
  await expect(store().read('Patient', 'missing')).rejects.toBeInstanceOf(NotFound);
  await expect(
    store().update(
      { resourceType: 'Slot', id: 's-1', status: 'busy', start: 'x', end: 'y', schedule: {} },
      { ifMatchVersion: '3' },
    ),
  ).rejects.toBeInstanceOf(Conflict);
  expect(seen[0]?.url).toBe('/datastore/ds-1/r4/Patient/missing');
  expect(seen[1]).toMatchObject({ method: 'PUT', url: '/datastore/ds-1/r4/Slot/s-1' });
  expect(seen[1]?.headers['if-match']).toBe('W/"3"');
  expectSigned(seen[1]!);
});

test('persistent 5xx gives up after maxAttempts with DependencyUnavailable and no upstream text', async () => {
  respond = () => ({ status: 503, body: 'upstream secret: Patient Marisol Vantongeren' });
  const failure = await store({ maxAttempts: 3 })
    .read('Patient', 'p-1')
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(DependencyUnavailable);
  expect(String((failure as Error).message)).not.toContain('Marisol');
  expect(seen).toHaveLength(3);
});

test('a create is not retried on 5xx (it may have landed), only on 429', async () => {
  respond = () => ({ status: 500 });
  await expect(
    store().create({ resourceType: 'Task', status: 'requested', intent: 'order' }),
  ).rejects.toBeInstanceOf(DependencyUnavailable);
  expect(seen).toHaveLength(1);
  let calls = 0;
  respond = (_request, body) => {
    calls++;
    return calls === 1 ? { status: 429 } : { status: 201, body: { ...JSON.parse(body), id: 't-1' } };
  };
  const created = await store().create<Task>({ resourceType: 'Task', status: 'requested', intent: 'order' });
  expect(created.id).toBe('t-1');
  expect(seen.slice(1).map((r) => `${r.method} ${r.url} ${r.headers['content-type']}`)).toEqual([
    'POST /datastore/ds-1/r4/Task application/fhir+json',
    'POST /datastore/ds-1/r4/Task application/fhir+json',
  ]);
});

test('a next link to another host is refused: signed requests go only to the datastore', async () => {
  respond = () => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: 'https://attacker.example/r4/Observation?page=2' }],
    },
  });
  await expect(store().search('Observation', {})).rejects.toBeInstanceOf(DependencyUnavailable);
  expect(seen).toHaveLength(1);
});

test('a non-HTTPS endpoint other than loopback is refused at construction', () => {
  expect(
    () => new HealthLakeFhirStore({ endpoint: 'http://healthlake.us-east-1.amazonaws.com/datastore/x/r4/' }),
  ).toThrow(/HTTPS/);
});
