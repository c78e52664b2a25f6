/**
 * Local API under load: autocannon at fixed concurrency against an authenticated read
 * (GET /v1/me with a token from the real local sign-in, audited on every call) and the public
 * health route, the server in its own process. Requests per second, latency p50/p99, errors.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { signInWithMfa } from '../lambdas/local/client';
import type { DemoUserCredentials } from '../lambdas/local/identity/demo-users';
import { round } from './stats';

export interface RouteLoad {
  readonly route: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface LocalApiFigures {
  readonly routes: RouteLoad[];
  /** /v1/health requests per second over GET /v1/me's: what auth, FHIR reads and the audit write cost. */
  readonly healthToMeThroughputRatio: number;
  readonly meToHealthP50Ratio: number;
}

async function startServer() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'benchmarks/serve-local.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`local portal exited with ${code}`)));
  });
  const ready = JSON.parse(first) as { baseUrl: string; patient: DemoUserCredentials };
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

async function load(
  url: string,
  route: string,
  options: { connections: number; duration: number; headers?: Record<string, string> },
): Promise<RouteLoad> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return {
    route,
    connections: options.connections,
    durationSeconds: options.duration,
    requestsPerSecond: round(result.requests.average, 1),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function benchmarkLocalApi(options: {
  connections: number;
  duration: number;
}): Promise<LocalApiFigures> {
  const server = await startServer();
  try {
    const tokens = await signInWithMfa(server.baseUrl, server.patient);
    const warm = { connections: 2, duration: 1 };
    await load(`${server.baseUrl}/v1/health`, 'warm-up', warm);
    const me = await load(`${server.baseUrl}/v1/me`, 'GET /v1/me (patient token)', {
      ...options,
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    const health = await load(`${server.baseUrl}/v1/health`, 'GET /v1/health', options);
    return {
      routes: [me, health],
      healthToMeThroughputRatio: round(health.requestsPerSecond / me.requestsPerSecond, 1),
      meToHealthP50Ratio: round(me.latencyP50Ms / Math.max(health.latencyP50Ms, 1), 1),
    };
  } finally {
    await server.stop();
  }
}
