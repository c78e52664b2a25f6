import type { ServerResponse } from 'node:http';

/** Same type-URI base as the API's own problems, so clients see one vocabulary. */
const PROBLEM_BASE = 'https://wellgate.dev/problems/';

export interface LocalProblem {
  readonly status: number;
  /** Stable slug appended to the type URI. */
  readonly slug: string;
  readonly title: string;
  readonly detail?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Writes an RFC 9457 problem. Bodies are fixed text: never request data, never upstream errors. */
export function sendProblem(res: ServerResponse, requestId: string, problem: LocalProblem): void {
  const body = JSON.stringify({
    type: `${PROBLEM_BASE}${problem.slug}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...problem.extensions,
    requestId,
  });
  res.writeHead(problem.status, {
    ...securityHeaders(requestId),
    'content-type': 'application/problem+json',
    ...problem.headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, requestId: string, status: number, payload: unknown): void {
  res.writeHead(status, { ...securityHeaders(requestId), 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/** Headers every local response carries; `no-store` because responses may hold PHI or tokens. */
export function securityHeaders(requestId: string): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-amzn-requestid': requestId,
  };
}
