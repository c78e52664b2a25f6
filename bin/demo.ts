/**
 * `npm run demo`: a scripted first visit of a patient, printing every request and response.
 *
 *   npm run demo                      use the portal `npm start` is running, or start one in-process
 *   npm run demo -- --url <base URL>  use another local portal (credentials from .local/demo-users.json)
 *
 * Tokens are abbreviated in the output; the data is synthetic.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type HttpExchange, readBody, signInWithMfa } from '../lambdas/local/client';
import type { DemoUserCredentials } from '../lambdas/local/identity/demo-users';
import { localPaths, readRuntimeInfo } from '../lambdas/local/paths';
import { type LocalPortal, startLocalPortal } from '../lambdas/local/portal';

const DATA_DIR = resolve('.local');
const DEMO_USERNAME = 'demo-patient-1';
const MAX_PRINTED_BODY = 1200;

/** JWTs and other long opaque strings shortened, so the output shows shape, not secrets. */
function abbreviate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /[A-Za-z0-9_\-.=]{41,}/g,
      (token) => `${token.slice(0, 12)}…(${token.length} chars)`,
    );
  }
  if (Array.isArray(value)) return value.map(abbreviate);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, abbreviate(item)]));
  }
  return value;
}

function show(exchange: HttpExchange, headers: Record<string, string> = {}): void {
  console.log(`\n> ${exchange.method} ${exchange.path}`);
  for (const [name, value] of Object.entries(headers)) console.log(`> ${name}: ${String(abbreviate(value))}`);
  if (exchange.requestBody !== undefined)
    console.log(`> ${JSON.stringify(abbreviate(exchange.requestBody))}`);
  const body = JSON.stringify(abbreviate(exchange.responseBody), null, 2) ?? '';
  const printed =
    body.length > MAX_PRINTED_BODY ? `${body.slice(0, MAX_PRINTED_BODY)}\n  …(${body.length} chars)` : body;
  console.log(`< ${exchange.status}\n${printed}`);
}

function step(title: string): void {
  console.log(`\n=== ${title}`);
}

async function api(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<HttpExchange> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const exchange: HttpExchange = {
    method,
    path,
    ...(body === undefined ? {} : { requestBody: body }),
    status: response.status,
    responseBody: await readBody(response),
  };
  show(exchange, { authorization: `Bearer ${token}`, ...extraHeaders });
  return exchange;
}

interface SeriesView {
  display: string;
  unit?: string;
  points: unknown[];
  trend?: { first: number; last: number; direction: string; lastOutsideReferenceRange: boolean };
}

/** The trend summaries, which the full response above is too long to show. */
function summariseSeries(body: unknown): void {
  const series = (body as { series?: SeriesView[] } | undefined)?.series ?? [];
  console.log('\n(trend summary)');
  for (const item of series) {
    const trend = item.trend;
    const detail = trend
      ? `${trend.first} -> ${trend.last} ${item.unit ?? ''}, ${trend.direction}${trend.lastOutsideReferenceRange ? ', last reading outside the reference range' : ''}`
      : 'no trend';
    console.log(`  ${item.display}: ${item.points.length} readings, ${detail}`);
  }
}

async function findPortal(url: string | undefined): Promise<{
  baseUrl: string;
  users: readonly DemoUserCredentials[];
  inProcess?: LocalPortal;
}> {
  const paths = localPaths(DATA_DIR);
  const readUsers = () =>
    (JSON.parse(readFileSync(paths.demoUsersFile, 'utf8')) as { users: DemoUserCredentials[] }).users;
  if (url !== undefined) return { baseUrl: url.replace(/\/$/, ''), users: readUsers() };
  const running = readRuntimeInfo(paths);
  if (running !== undefined) {
    console.log(`using the running local portal at ${running.baseUrl}`);
    return { baseUrl: running.baseUrl, users: readUsers() };
  }
  console.log('no local portal is running: starting one in this process on a free port');
  const portal = await startLocalPortal({ dataDir: DATA_DIR, port: 0 });
  return { baseUrl: portal.baseUrl, users: portal.demoUsers, inProcess: portal };
}

async function walkThrough(baseUrl: string, user: DemoUserCredentials): Promise<void> {
  step('1. Is the API up? (public route, no token)');
  const health = await fetch(`${baseUrl}/v1/health`);
  show({ method: 'GET', path: '/v1/health', status: health.status, responseBody: await readBody(health) });

  step(`2. Sign in as ${user.username}: password first, then a TOTP code (MFA is required)`);
  const tokens = await signInWithMfa(baseUrl, user, {
    exchange: (exchange) => show(exchange),
    step: (message) => console.log(`\n(${message})`),
  });
  const token = tokens.accessToken;

  step('3. My profile and six months of blood pressure (LOINC 85354-9), with a trend');
  await api(baseUrl, token, 'GET', '/v1/me');
  const pressure = await api(baseUrl, token, 'GET', '/v1/me/observations?code=85354-9');
  summariseSeries(pressure.responseBody);

  step('4. Free slots over the next two weeks');
  const start = new Date();
  const end = new Date(start.getTime() + 14 * 24 * 60 * 60 * 1000);
  const slots = await api(
    baseUrl,
    token,
    'GET',
    `/v1/slots?start=${encodeURIComponent(start.toISOString())}&end=${encodeURIComponent(end.toISOString())}`,
  );
  const firstSlot = (slots.responseBody as { slots?: Array<{ slotId: string }> } | undefined)?.slots?.[0];
  if (firstSlot === undefined) {
    console.log('\nno free slot to book; stopping here');
    return;
  }

  step('5. Book the first free slot with an Idempotency-Key');
  const idempotencyKey = randomUUID();
  const booking = { slotId: firstSlot.slotId, reason: 'Blood pressure follow-up' };
  await api(baseUrl, token, 'POST', '/v1/me/appointments', booking, { 'Idempotency-Key': idempotencyKey });

  step('6. The app retries (say, after a timeout) with the same key: the first answer, no second booking');
  await api(baseUrl, token, 'POST', '/v1/me/appointments', booking, { 'Idempotency-Key': idempotencyKey });
  await api(baseUrl, token, 'GET', '/v1/me/appointments');

  step('7. Ask the assistant (the local rules model stands in for Bedrock; red flags never reach a model)');
  await api(baseUrl, token, 'POST', '/v1/chat/messages', {
    text: 'Can I get a refill of my blood pressure pills?',
  });
  await api(baseUrl, token, 'POST', '/v1/chat/messages', {
    text: 'I have crushing chest pain spreading to my arm',
  });

  step('8. Who accessed my record? (accounting of disclosures, from the hash-chained audit log)');
  await api(baseUrl, token, 'GET', '/v1/me/access-log');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } }, strict: true });
  const portal = await findPortal(values.url);
  try {
    const user = portal.users.find((candidate) => candidate.username === DEMO_USERNAME);
    if (user === undefined) throw new Error(`${DEMO_USERNAME} is not among the demo users`);
    await walkThrough(portal.baseUrl, user);
    console.log('\nDone. `npm run audit:verify` checks the audit hash chains these requests extended.');
  } finally {
    await portal.inProcess?.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exitCode = 1;
});
