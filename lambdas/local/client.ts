import { setTimeout as sleep } from 'node:timers/promises';
import { totpCode } from './identity/totp';

/** Tokens as `POST /local/auth/mfa` returns them. */
export interface LocalTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface LocalCredentials {
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
}

export interface HttpExchange {
  readonly method: string;
  readonly path: string;
  readonly requestBody?: unknown;
  readonly status: number;
  readonly responseBody: unknown;
}

export interface SignInObserver {
  /** Each request/response of the flow (the demo prints them). */
  exchange?(exchange: HttpExchange): void;
  /** Plain-language steps, e.g. "computing the TOTP code from the secret". */
  step?(message: string): void;
}

export class LocalSignInError extends Error {
  constructor(
    readonly stage: 'sign-in' | 'mfa',
    readonly status: number,
  ) {
    super(`Local ${stage} failed with HTTP ${status}`);
  }
}

/**
 * The two-step Cognito-style sign-in against a local portal: password, then a TOTP code computed
 * from the user's secret, which is what an authenticator app does. A code is accepted once, so if
 * this user already signed in during the current 30-second step, the next step's code is used.
 */
export async function signInWithMfa(
  baseUrl: string,
  credentials: LocalCredentials,
  observer: SignInObserver = {},
): Promise<LocalTokens> {
  for (let attempt = 0; ; attempt++) {
    const signIn = await postJson(baseUrl, '/local/auth/sign-in', {
      username: credentials.username,
      password: credentials.password,
    });
    observer.exchange?.(signIn);
    if (signIn.status !== 200) throw new LocalSignInError('sign-in', signIn.status);
    const { session } = signIn.responseBody as { session: string };

    observer.step?.(
      "computing the current TOTP code from the user's secret (what an authenticator app does)",
    );
    const code = await totpCode(credentials.totpSecret);
    const mfa = await postJson(baseUrl, '/local/auth/mfa', { session, code });
    observer.exchange?.(mfa);
    if (mfa.status === 200) return mfa.responseBody as LocalTokens;
    if (mfa.status !== 401 || attempt > 0) throw new LocalSignInError('mfa', mfa.status);
    // Most likely this code was already used (codes are single-use); wait for the next step.
    const waitMs = 30_000 - (Date.now() % 30_000) + 250;
    observer.step?.(
      `code refused (codes are single-use); waiting ${Math.ceil(waitMs / 1000)} s for the next one`,
    );
    await sleep(waitMs);
  }
}

export async function postJson(baseUrl: string, path: string, body: unknown): Promise<HttpExchange> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    method: 'POST',
    path,
    requestBody: body,
    status: response.status,
    responseBody: await readBody(response),
  };
}

export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
