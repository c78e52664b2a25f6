import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MFA_SESSION_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from './cognito-shape';
import type { IssuedTokens, TokenIssuer } from './token-issuer';
import { checkTotpCode } from './totp';
import { hashPassword, type LocalUserStore, passwordMatches } from './user-store';

/** Why a sign-in step failed; mapped to problem+json by the HTTP layer. */
export type AuthFailure =
  | 'invalid-credentials'
  | 'invalid-session'
  | 'invalid-code'
  | 'too-many-attempts'
  | 'invalid-refresh-token';

export type AuthResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: AuthFailure; readonly retryAfterSeconds?: number };

export interface MfaChallenge {
  readonly challenge: 'SOFTWARE_TOKEN_MFA';
  readonly session: string;
}

export interface SignedIn extends IssuedTokens {
  readonly refreshToken: string;
}

interface PendingSession {
  readonly username: string;
  readonly expiresAt: number;
}

interface RefreshGrant {
  readonly username: string;
  readonly authTime: number;
  readonly originJti: string;
  readonly expiresAt: number;
}

interface FailureCount {
  count: number;
  lockedUntil: number;
}

export interface AuthServiceOptions {
  /** Epoch milliseconds; injected so tests can age sessions and tokens without waiting. */
  readonly now?: () => number;
  /** Consecutive failures (password or code) before the username is locked. */
  readonly maxFailures?: number;
  readonly lockoutSeconds?: number;
}

/**
 * Cognito's USER_PASSWORD_AUTH + SOFTWARE_TOKEN_MFA flow, locally: a correct password yields an
 * opaque, short-lived, single-use session; the session plus a TOTP code yields tokens. Failures
 * never say whether the username exists.
 */
export class LocalAuthService {
  private readonly sessions = new Map<string, PendingSession>();
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  private readonly failures = new Map<string, FailureCount>();
  /** Last accepted TOTP time step per user: a code cannot be replayed (RFC 6238 section 5.2). */
  private readonly lastTimeStep = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  /** Verified against for unknown usernames so that their timing matches real ones. */
  private readonly decoyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly users: LocalUserStore,
    private readonly issuer: TokenIssuer,
    options: AuthServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxFailures = options.maxFailures ?? 5;
    this.lockoutMs = (options.lockoutSeconds ?? 15 * 60) * 1000;
  }

  async signIn(username: string, password: string): Promise<AuthResult<MfaChallenge>> {
    const locked = this.lockedFor(username);
    if (locked !== undefined) return locked;
    const user = this.users.find(username);
    const matches = await passwordMatches(password, user?.passwordHash ?? (await this.decoyHash));
    if (user === undefined || !matches) return this.fail(username, 'invalid-credentials');
    const session = randomBytes(32).toString('base64url');
    this.sessions.set(digest(session), {
      username,
      expiresAt: this.now() + MFA_SESSION_TTL_SECONDS * 1000,
    });
    return { ok: true, value: { challenge: 'SOFTWARE_TOKEN_MFA', session } };
  }

  async respondToMfa(session: string, code: string): Promise<AuthResult<SignedIn>> {
    const key = digest(session);
    const pending = this.sessions.get(key);
    // Single use: the session is spent by any answer, right or wrong, as a stolen session must not
    // allow guessing codes.
    this.sessions.delete(key);
    if (pending === undefined || pending.expiresAt <= this.now()) {
      return { ok: false, failure: 'invalid-session' };
    }
    const locked = this.lockedFor(pending.username);
    if (locked !== undefined) return locked;
    const user = this.users.find(pending.username);
    if (user === undefined) return { ok: false, failure: 'invalid-session' };
    const nowSeconds = Math.floor(this.now() / 1000);
    const result = await checkTotpCode(
      user.totpSecret,
      code,
      nowSeconds,
      this.lastTimeStep.get(user.username),
    );
    if (!result.valid) return this.fail(user.username, 'invalid-code');
    this.lastTimeStep.set(user.username, result.timeStep);
    this.failures.delete(user.username);

    const originJti = randomUUID();
    const tokens = await this.issuer.issue(user, { issuedAt: nowSeconds, authTime: nowSeconds, originJti });
    const refreshToken = randomBytes(48).toString('base64url');
    this.refreshGrants.set(digest(refreshToken), {
      username: user.username,
      authTime: nowSeconds,
      originJti,
      expiresAt: this.now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
    });
    return { ok: true, value: { ...tokens, refreshToken } };
  }

  /** REFRESH_TOKEN_AUTH: new access and ID tokens carrying the user's current groups and links. */
  async refresh(refreshToken: string): Promise<AuthResult<IssuedTokens>> {
    const grant = this.refreshGrants.get(digest(refreshToken));
    const user = grant === undefined ? undefined : this.users.find(grant.username);
    if (grant === undefined || user === undefined || grant.expiresAt <= this.now()) {
      return { ok: false, failure: 'invalid-refresh-token' };
    }
    const tokens = await this.issuer.issue(user, {
      issuedAt: Math.floor(this.now() / 1000),
      authTime: grant.authTime,
      originJti: grant.originJti,
    });
    return { ok: true, value: tokens };
  }

  /** RevokeToken: the refresh token stops working at once. */
  revoke(refreshToken: string): void {
    this.refreshGrants.delete(digest(refreshToken));
  }

  private lockedFor(username: string): AuthResult<never> | undefined {
    const entry = this.failures.get(username);
    if (entry === undefined || entry.lockedUntil <= this.now()) return undefined;
    return {
      ok: false,
      failure: 'too-many-attempts',
      retryAfterSeconds: Math.ceil((entry.lockedUntil - this.now()) / 1000),
    };
  }

  private fail(username: string, failure: AuthFailure): AuthResult<never> {
    // Counted for unknown usernames too, so lockout does not reveal which usernames exist.
    const entry = this.failures.get(username) ?? { count: 0, lockedUntil: 0 };
    entry.count += 1;
    if (entry.count >= this.maxFailures) {
      entry.count = 0;
      entry.lockedUntil = this.now() + this.lockoutMs;
    }
    this.failures.set(username, entry);
    return { ok: false, failure };
  }
}

/** Sessions and refresh tokens are kept only as digests: a heap dump does not reveal them. */
function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
