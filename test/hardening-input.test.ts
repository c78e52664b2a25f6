/**
 * Bad input against every route of the local portal: fast-check drives path parameters, query
 * strings and bodies, both from the operations' zod schemas and far outside them. Every answer must
 * be a success or a 4xx problem+json, never a 5xx, never an echo of the input, and the process heap
 * must stay roughly flat across thousands of hostile requests.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../lambdas/api';
import { OPERATIONS, PLUGGABLE_OPERATION_IDS } from '../lambdas/api/operations';
import { ROUTES, type Role, type RouteSpec } from '../lambdas/api/route-table';
import {
  arbitraryFromZod,
  CANARY,
  hostileJsonText,
  hostileQuery,
  hostileString,
} from './helpers/hardening-fuzz';
import {
  DEMO_USERS,
  type HardenedPortal,
  type HardeningResponse,
  identifiersInLogs,
  startHardenedPortal,
} from './helpers/hardening-portal';

/** Runs per route and property; small enough for two shared cores, big enough to find shapes. */
const RUNS = 12;
const SEED = 20_250_601;

const USER_OF_ROLE: Record<Role, string> = {
  patient: DEMO_USERS.patient1,
  clinician: DEMO_USERS.clinician,
  staff: DEMO_USERS.staff,
  admin: DEMO_USERS.admin,
};

let harness: HardenedPortal;
beforeAll(async () => {
  harness = await startHardenedPortal();
});
afterAll(async () => {
  await harness?.close();
});

interface Attempt {
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body?: string;
  readonly contentType?: string;
}

function pathOf(route: RouteSpec, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

function send(route: RouteSpec, attempt: Attempt): Promise<HardeningResponse> {
  const query = new URLSearchParams(Object.entries(attempt.query)).toString();
  const token =
    route.access === 'public' ? undefined : harness.accessToken(USER_OF_ROLE[route.access[0] ?? 'patient']);
  return harness.send({
    method: route.method,
    path: `${pathOf(route, attempt.params)}${query ? `?${query}` : ''}`,
    headers: {
      ...(attempt.contentType ? { 'content-type': attempt.contentType } : {}),
      // Bookings need a key to reach validation of the body.
      'idempotency-key': `fuzz-${Math.random().toString(36).slice(2, 12)}`,
    },
    ...(attempt.body === undefined ? {} : { rawBody: attempt.body }),
    ...(token === undefined ? {} : { token }),
  });
}

const pluggable = new Set<string>(PLUGGABLE_OPERATION_IDS);

/** The contract for any answer to hostile input. */
function expectSafeAnswer(route: RouteSpec, response: HardeningResponse): void {
  if (pluggable.has(route.operationId) && response.status === 501) {
    // Owned by other issues and not plugged into local mode: a fixed 501 problem until they are.
    expect((response.body as { type: string }).type).toBe('https://wellgate.dev/problems/not-implemented');
  } else {
    expect(response.status).toBeLessThan(500);
  }
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = response.body as { type?: unknown; title?: unknown; status?: unknown };
    expect(typeof problem.type).toBe('string');
    expect(typeof problem.title).toBe('string');
    expect(problem.status).toBe(response.status);
    expect(response.text).not.toContain(CANARY);
  }
}

const operationById = new Map(OPERATIONS.map((operation) => [operation.operationId, operation]));
const paramNames = (route: RouteSpec): string[] =>
  [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

function schemaAttempt(route: RouteSpec): fc.Arbitrary<Attempt> {
  const operation = operationById.get(route.operationId);
  const params = operation ? arbitraryFromZod(operation.params) : fc.constant({});
  const query = operation ? arbitraryFromZod(operation.query) : fc.constant({});
  const body = operation?.body
    ? arbitraryFromZod(operation.body).map((value) => JSON.stringify(value))
    : fc.constant(undefined);
  const names = paramNames(route);
  return fc.record({
    params: params.map((value) => {
      const record = (value ?? {}) as Record<string, unknown>;
      return Object.fromEntries(names.map((name) => [name, String(record[name] ?? 'abc')]));
    }),
    query: query.map((value) =>
      Object.fromEntries(
        Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      ),
    ),
    body,
    contentType: fc.constant(route.method === 'GET' ? undefined : 'application/json'),
  }) as fc.Arbitrary<Attempt>;
}

function hostileAttempt(route: RouteSpec): fc.Arbitrary<Attempt> {
  const names = paramNames(route);
  return fc.record({
    params: fc
      .tuple(...names.map(() => hostileString))
      .map((values) => Object.fromEntries(names.map((name, index) => [name, values[index] ?? CANARY]))),
    query: hostileQuery,
    // fetch cannot send a GET body (and API Gateway drops it), so GETs are fuzzed in path and query.
    body: route.method === 'GET' ? fc.constant(undefined) : hostileJsonText,
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/fhir+json',
    ),
  }) as fc.Arbitrary<Attempt>;
}

describe.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s',
  (_name, route) => {
    test('inputs drawn from its zod schemas: success or 4xx problem, never 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(schemaAttempt(route), async (attempt) =>
          expectSafeAnswer(route, await send(route, attempt)),
        ),
        { numRuns: RUNS, seed: SEED },
      );
    });

    test('wrong types, unicode, deep nesting, big strings and __proto__ keys: 4xx problem, no echo', async () => {
      await fc.assert(
        fc.asyncProperty(hostileAttempt(route), async (attempt) =>
          expectSafeAnswer(route, await send(route, attempt)),
        ),
        { numRuns: RUNS, seed: SEED },
      );
    });
  },
);

describe('bodies the gateway and router refuse', () => {
  const booking = ROUTES.find((route) => route.operationId === 'bookAppointment');
  const intake = ROUTES.find((route) => route.operationId === 'submitIntake');

  test.each([
    ['one byte over the limit', MAX_BODY_BYTES + 1],
    ['three times the limit', 3 * MAX_BODY_BYTES],
  ])('a body %s answers 413 problem+json without echoing it', async (_name, size) => {
    if (!booking) throw new Error('route missing');
    const body = JSON.stringify({ slotId: 'abc', reason: `${CANARY}${'y'.repeat(size)}` });

    const response = await send(booking, { params: {}, query: {}, body, contentType: 'application/json' });

    expect(response.status).toBe(413);
    expectSafeAnswer(booking, response);
  });

  test.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/jsonp',
  ])('Content-Type %s answers 415 problem+json', async (contentType) => {
    if (!intake) throw new Error('route missing');

    const response = await send(intake, {
      params: {},
      query: {},
      body: `{"items":"${CANARY}"}`,
      contentType,
    });

    expect(response.status).toBe(415);
    expectSafeAnswer(intake, response);
  });

  test('prototype pollution through any body leaves Object.prototype untouched', () => {
    const probe: Record<string, unknown> = {};
    expect(probe['isAdmin']).toBeUndefined();
    expect(probe['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});

/**
 * `global.gc` without the --expose-gc command-line flag: V8 accepts the flag at run time and a
 * fresh context then sees `gc` (documented for node:v8 setFlagsFromString). Undefined if refused.
 */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gc = exposeGc();
const memoryTestName = gc
  ? 'heap after GC stays roughly flat across 400 hostile requests'
  : 'heap flatness not measured: V8 refused to expose gc in this process';

test(memoryTestName, async () => {
  if (!gc) {
    expect(gc).toBeUndefined();
    return;
  }
  const targets = ROUTES.filter((route) => route.access !== 'public');
  const batch = fc.sample(
    fc
      .tuple(fc.constantFrom(...targets), fc.nat())
      .chain(([route]) => hostileAttempt(route).map((attempt) => ({ route, attempt }))),
    { numRuns: 200, seed: SEED },
  );
  const run = async () => {
    for (const { route, attempt } of batch) expectSafeAnswer(route, await send(route, attempt));
  };
  await run(); // warm-up: JIT, caches, connection pool
  gc();
  const before = process.memoryUsage().heapUsed;

  await run();
  await run();
  gc();
  const after = process.memoryUsage().heapUsed;

  // Generous: per-request state is kilobytes; a leak of the bodies (up to 400 kB each) is not.
  expect(after - before).toBeLessThan(32 * 1024 * 1024);
});

test('captured logs contain none of the seeded identifiers and none of the fuzzed input', () => {
  expect(harness.logLines.length).toBeGreaterThan(100);
  expect(identifiersInLogs(harness.logLines, harness.identifiers)).toEqual([]);
  expect(harness.logLines.join('\n')).not.toContain(CANARY);
});
