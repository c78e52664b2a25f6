/**
 * The local portal for the hardening suites: started in this process on port 0 with a temporary
 * data folder, optional CORS origins and port wrappers (fault injection), demo users signed in
 * through the real password + TOTP flow, and every log line (portal log, stdout, stderr) captured
 * so each suite can scan for seeded identifiers at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { ApiPorts } from '../../lambdas/api';
import { type LocalTokens, readBody, signInWithMfa } from '../../lambdas/local/client';
import type { LocalDynamo } from '../../lambdas/local/dynamodb';
import type { DemoUserCredentials } from '../../lambdas/local/identity/demo-users';
import { type LocalPortal, startLocalPortal } from '../../lambdas/local/portal';
import { seededIdentifiers } from '../../lambdas/local/seed/synthetic-clinic';

export interface HardeningResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text (or undefined when empty). */
  readonly body: unknown;
  readonly text: string;
}

export interface HardeningRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Sent exactly as given (size, content-type and malformed-JSON cases). */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /** The bearer token; omitted for anonymous calls. */
  readonly token?: string;
}

export interface HardenedPortal {
  readonly portal: LocalPortal;
  /** Every line the portal and this process wrote while the suite ran. */
  readonly logLines: string[];
  readonly users: Readonly<Record<string, DemoUserCredentials>>;
  readonly tokens: Readonly<Record<string, LocalTokens>>;
  /** Seeded identifiers plus those of patients the suite added: none may reach a log. */
  readonly identifiers: string[];
  send(request: HardeningRequest): Promise<HardeningResponse>;
  accessToken(username: string): string;
  close(): Promise<void>;
}

export const DEMO_USERS = {
  patient1: 'demo-patient-1',
  patient2: 'demo-patient-2',
  clinician: 'demo-clinician',
  staff: 'demo-staff',
  admin: 'demo-admin',
} as const;

export interface HardenedPortalOptions {
  readonly corsOrigins?: readonly string[];
  readonly wrapPorts?: (ports: ApiPorts, dynamo: LocalDynamo) => ApiPorts;
}

export async function startHardenedPortal(options: HardenedPortalOptions = {}): Promise<HardenedPortal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wellgate-hardening-'));
  const logLines: string[] = [];
  const restoreStreams = captureProcessOutput(logLines);
  let portal: LocalPortal;
  try {
    portal = await startLocalPortal({
      dataDir,
      port: 0,
      log: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
      ...(options.wrapPorts ? { wrapPorts: options.wrapPorts } : {}),
    });
  } catch (error) {
    restoreStreams();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const users: Record<string, DemoUserCredentials> = {};
  const tokens: Record<string, LocalTokens> = {};
  for (const user of portal.demoUsers) {
    users[user.username] = user;
    tokens[user.username] = await signInWithMfa(portal.baseUrl, user);
  }

  async function send(request: HardeningRequest): Promise<HardeningResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
    let body: string | Uint8Array | undefined = request.rawBody;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${portal.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.clone().text();
    return { status: response.status, headers: response.headers, body: await readBody(response), text };
  }

  return {
    portal,
    logLines,
    users,
    tokens,
    identifiers: seededIdentifiers(portal.clinic),
    send,
    accessToken: (username) => {
      const token = tokens[username]?.accessToken;
      if (token === undefined) throw new Error(`${username} is not signed in`);
      return token;
    },
    close: async () => {
      restoreStreams();
      await portal.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tees process stdout/stderr into `lines` (the Powertools logger and EMF metrics write there). */
function captureProcessOutput(lines: string[]): () => void {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, index) => {
    const original = originals[index];
    if (original === undefined) return;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return () => {
    streams.forEach((stream, index) => {
      const original = originals[index];
      if (original !== undefined) stream.write = original as typeof stream.write;
    });
  };
}

export interface SyntheticPatientUser {
  readonly username: string;
  readonly patientId: string;
  readonly accessToken: string;
}

/**
 * Adds patients the way an admin would end up with them: a FHIR Patient written through the
 * FhirStore port, and an access token signed by the local pool's key for a user linked to it.
 * The users are not put through scrypt + TOTP one by one (the sign-in flow has its own tests and
 * 200 scrypt hashes would dominate the suite); their tokens are the same Cognito-shaped tokens the
 * local sign-in issues, verified by the same authorizer.
 */
export async function addSyntheticPatients(
  harness: HardenedPortal,
  count: number,
  label: string,
): Promise<SyntheticPatientUser[]> {
  const template = harness.portal.users.find(DEMO_USERS.patient1);
  if (template === undefined) throw new Error('demo patient missing from the local user store');
  const nowSeconds = Math.floor(Date.now() / 1000);
  const created: SyntheticPatientUser[] = [];
  for (let index = 0; index < count; index++) {
    // Names made of letters only and unlike the seeded ones, so the log scan can look for them.
    const family = `Zyx${label}${String.fromCharCode(97 + (index % 26))}${String.fromCharCode(97 + Math.floor(index / 26))}quor`;
    const mrn = `HARD-${label}-${String(index).padStart(5, '0')}`;
    const patient = (await harness.portal.fhir.create<Patient>({
      resourceType: 'Patient',
      active: true,
      identifier: [{ system: 'https://wellgate.dev/fhir/identifier/mrn', value: mrn }],
      name: [{ use: 'official', family, given: ['Synthia'] }],
      birthDate: '1977-07-17',
    })) as Patient & { id: string };
    harness.identifiers.push(family, mrn);
    const username = `hardening-${label.toLowerCase()}-${index}`;
    const issued = await harness.portal.tokenIssuer.issue(
      {
        ...template,
        username,
        sub: randomUUID(),
        email: `${username}@example.test`,
        fhirPatientId: patient.id,
      },
      { issuedAt: nowSeconds, authTime: nowSeconds, originJti: randomUUID() },
    );
    created.push({ username, patientId: patient.id, accessToken: issued.accessToken });
  }
  return created;
}

/** The seeded identifiers (names, MRNs, phones, birth dates, address lines) found in `lines`. */
export function identifiersInLogs(lines: readonly string[], identifiers: readonly string[]): string[] {
  const text = lines.join('\n');
  return [...new Set(identifiers)].filter(
    (identifier) => identifier.length >= 4 && text.includes(identifier),
  );
}

/** A free-slot window query for the next two weeks. */
export function slotWindowQuery(): string {
  const start = new Date();
  const end = new Date(start.getTime() + 14 * 86_400_000);
  return `start=${encodeURIComponent(start.toISOString())}&end=${encodeURIComponent(end.toISOString())}`;
}
