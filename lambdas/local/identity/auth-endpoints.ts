import { z } from 'zod';
import type { LocalProblem } from '../gateway/problem';
import type { AuthFailure, AuthResult, LocalAuthService } from './auth-service';

/** What an endpoint answers: a JSON payload or a problem. */
export type EndpointResult =
  | { readonly kind: 'json'; readonly status: number; readonly payload: unknown }
  | { readonly kind: 'problem'; readonly problem: LocalProblem };

const SignInRequest = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
});
const MfaRequest = z.object({
  session: z.string().min(1).max(512),
  code: z.string().min(1).max(16),
});
const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(1024) });

/** Local stand-ins for Cognito's InitiateAuth / RespondToAuthChallenge / RevokeToken. */
export const AUTH_PATHS = {
  signIn: '/local/auth/sign-in',
  mfa: '/local/auth/mfa',
  refresh: '/local/auth/refresh',
  revoke: '/local/auth/revoke',
} as const;

export class LocalAuthEndpoints {
  constructor(private readonly auth: LocalAuthService) {}

  handles(path: string): boolean {
    return (Object.values(AUTH_PATHS) as string[]).includes(path);
  }

  async handle(path: string, body: unknown): Promise<EndpointResult> {
    switch (path) {
      case AUTH_PATHS.signIn: {
        const request = SignInRequest.safeParse(body);
        if (!request.success) return invalidRequest(request.error);
        return toEndpoint(await this.auth.signIn(request.data.username, request.data.password), 200);
      }
      case AUTH_PATHS.mfa: {
        const request = MfaRequest.safeParse(body);
        if (!request.success) return invalidRequest(request.error);
        return toEndpoint(await this.auth.respondToMfa(request.data.session, request.data.code), 200);
      }
      case AUTH_PATHS.refresh: {
        const request = RefreshRequest.safeParse(body);
        if (!request.success) return invalidRequest(request.error);
        return toEndpoint(await this.auth.refresh(request.data.refreshToken), 200);
      }
      case AUTH_PATHS.revoke: {
        const request = RefreshRequest.safeParse(body);
        if (!request.success) return invalidRequest(request.error);
        this.auth.revoke(request.data.refreshToken);
        return { kind: 'json', status: 200, payload: { revoked: true } };
      }
      default:
        return { kind: 'problem', problem: { status: 404, slug: 'not-found', title: 'Not found' } };
    }
  }
}

function toEndpoint<T>(result: AuthResult<T>, status: number): EndpointResult {
  if (result.ok) return { kind: 'json', status, payload: result.value };
  return { kind: 'problem', problem: failureProblem(result.failure, result.retryAfterSeconds) };
}

/** Titles mirror Cognito's messages; none says whether the username exists. */
function failureProblem(failure: AuthFailure, retryAfterSeconds: number | undefined): LocalProblem {
  switch (failure) {
    case 'invalid-credentials':
      return { status: 401, slug: 'sign-in-failed', title: 'Incorrect username or password' };
    case 'invalid-session':
      return {
        status: 401,
        slug: 'mfa-session-invalid',
        title: 'Invalid session for the user, session is expired or was already used',
      };
    case 'invalid-code':
      return { status: 401, slug: 'mfa-code-invalid', title: 'Invalid code received for user' };
    case 'invalid-refresh-token':
      return { status: 401, slug: 'refresh-token-invalid', title: 'Invalid refresh token' };
    case 'too-many-attempts':
      return {
        status: 429,
        slug: 'too-many-attempts',
        title: 'Password attempts exceeded',
        headers: { 'retry-after': String(retryAfterSeconds ?? 60) },
      };
  }
}

function invalidRequest(error: z.ZodError): EndpointResult {
  return {
    kind: 'problem',
    problem: {
      status: 400,
      slug: 'validation-failed',
      title: 'Request validation failed',
      // Paths and zod's generic messages only: the rejected values are never echoed.
      extensions: {
        errors: error.issues.map((issue) => ({
          path: `body.${issue.path.join('.')}`,
          message: issue.message,
        })),
      },
    },
  };
}
