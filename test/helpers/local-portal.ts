import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../lambdas/api/route-table';
import { type LocalTokens, readBody, signInWithMfa } from '../../lambdas/local/client';
import type { DemoUserCredentials } from '../../lambdas/local/identity/demo-users';
import { type LocalPortal, startLocalPortal } from '../../lambdas/local/portal';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** A raw body sent as is (for size and content-type tests). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PortalUnderTest {
  readonly portal: LocalPortal;
  /** Every log line the portal and the API wrote, as JSON text. */
  readonly logLines: string[];
  readonly users: Readonly<Record<string, DemoUserCredentials>>;
  readonly tokens: Readonly<Record<string, LocalTokens>>;
  /** Sends a request, with `token` as the bearer token when given. */
  send(spec: RequestSpec, token?: string): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** The demo users by role name used across the end-to-end tests. */
export const DEMO = {
  patient1: 'demo-patient-1',
  patient2: 'demo-patient-2',
  clinician: 'demo-clinician',
  staff: 'demo-staff',
  admin: 'demo-admin',
} as const;

export const TOKEN_OF_ROLE: Readonly<Record<Role, string>> = {
  patient: DEMO.patient1,
  clinician: DEMO.clinician,
  staff: DEMO.staff,
  admin: DEMO.admin,
};

/**
 * The whole local portal on a free port, with its data in a fresh temporary folder (never the
 * developer's `.local/`), and every demo user signed in through the real password + TOTP flow.
 */
export async function startPortalForTest(): Promise<PortalUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wellgate-e2e-'));
  const logLines: string[] = [];
  const portal = await startLocalPortal({
    dataDir,
    port: 0,
    log: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
  });
  const users: Record<string, DemoUserCredentials> = {};
  const tokens: Record<string, LocalTokens> = {};
  for (const user of portal.demoUsers) {
    users[user.username] = user;
    tokens[user.username] = await signInWithMfa(portal.baseUrl, user);
  }

  async function send(spec: RequestSpec, token?: string): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...spec.headers };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined = spec.rawBody;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${portal.baseUrl}${spec.path}`, {
      method: spec.method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, headers: response.headers, body: await readBody(response) };
  }

  return {
    portal,
    logLines,
    users,
    tokens,
    send,
    close: async () => {
      await portal.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
