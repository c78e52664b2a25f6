import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { preflightHeaders } from '../../api/http';
import { ROUTES, type RouteSpec } from '../../api/route-table';
import type { LocalAuthEndpoints } from '../identity/auth-endpoints';
import type { InFlightWork } from '../in-flight-work';
import { type LocalLog, silentLog } from '../log';
import { type LocalCognitoAuthorizer, renderClaimsLikeApiGateway } from './authorizer';
import { securityHeaders, sendJson, sendProblem } from './problem';
import { toProxyEvent } from './proxy-event';
import { RouteMatcher } from './route-match';

/** The documented request-body limit of the API (1 MB). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Past this, an oversized body is no longer drained politely: the connection is dropped. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

export const JWKS_PATH = '/local/.well-known/jwks.json';

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface LocalGatewayOptions {
  /** The API core's handler, i.e. what the Lambda functions run in AWS. */
  readonly apiHandler: ProxyHandler;
  readonly authorizer: LocalCognitoAuthorizer;
  readonly authEndpoints: LocalAuthEndpoints;
  readonly jwks: Jwks;
  readonly log?: LocalLog;
  readonly routes?: readonly RouteSpec[];
  readonly bodyLimitBytes?: number;
  /** Origins answered in CORS preflights, as the deployed API's mock OPTIONS integration does. */
  readonly corsOrigins?: readonly string[];
  /** Follows requests being served, so closing the portal waits for their writes. */
  readonly inFlight?: InFlightWork;
}

type BodyRead = { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large' };

/**
 * API Gateway in front of the Lambda handler, for one machine: route matching from the route
 * table, the 1 MB body limit, the Cognito authorizer, the proxy event, and the local sign-in
 * endpoints that stand in for Cognito's own API.
 */
export function createLocalGateway(options: LocalGatewayOptions): Server {
  const matcher = new RouteMatcher(options.routes ?? ROUTES);
  const log = options.log ?? silentLog;
  const bodyLimit = options.bodyLimitBytes ?? BODY_LIMIT_BYTES;

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';

    if (url.pathname === JWKS_PATH && method === 'GET') {
      sendJson(res, requestId, 200, options.jwks);
      return 'jwks';
    }
    if (options.authEndpoints.handles(url.pathname)) {
      if (method !== 'POST') {
        await drain(req);
        sendProblem(res, requestId, methodNotAllowed(['POST']));
        return 'local-auth';
      }
      const read = await readBody(req, bodyLimit);
      if (read.kind === 'too-large') {
        sendProblem(res, requestId, payloadTooLarge(bodyLimit));
        return 'local-auth';
      }
      if (!isJson(req)) {
        sendProblem(res, requestId, unsupportedMediaType());
        return 'local-auth';
      }
      const parsed = parseJson(read.body);
      const result = await options.authEndpoints.handle(url.pathname, parsed);
      if (result.kind === 'json') sendJson(res, requestId, result.status, result.payload);
      else sendProblem(res, requestId, result.problem);
      return 'local-auth';
    }

    const lookup = matcher.lookup(method, url.pathname);
    if (method === 'OPTIONS' && lookup.kind === 'method-not-allowed') {
      // In AWS a mock integration answers preflights (lib/constructs/portal-api.ts): no
      // authorizer, no Lambda, CORS headers only for an allowed origin.
      await drain(req);
      const origin = req.headers.origin;
      res.writeHead(204, {
        ...securityHeaders(requestId),
        ...preflightHeaders(typeof origin === 'string' ? origin : undefined, options.corsOrigins ?? []),
      });
      res.end();
      return 'cors-preflight';
    }
    if (lookup.kind !== 'matched') {
      await drain(req);
      if (lookup.kind === 'method-not-allowed') sendProblem(res, requestId, methodNotAllowed(lookup.allowed));
      else if (lookup.kind === 'bad-path') sendProblem(res, requestId, badPath());
      else sendProblem(res, requestId, { status: 404, slug: 'not-found', title: 'No such route' });
      return 'unmatched';
    }
    const { route } = lookup.match;

    const read = await readBody(req, bodyLimit);
    if (read.kind === 'too-large') {
      sendProblem(res, requestId, payloadTooLarge(bodyLimit));
      return route.operationId;
    }

    let claims: Record<string, string> | undefined;
    if (route.access !== 'public') {
      const decision = options.authorizer.authorize(req.headers.authorization);
      if (!decision.allowed) {
        log('authorizer rejected request', {
          requestId,
          operationId: route.operationId,
          reason: decision.reason,
        });
        sendProblem(res, requestId, {
          status: 401,
          slug: 'not-authenticated',
          title: 'Unauthorized',
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
        return route.operationId;
      }
      claims = renderClaimsLikeApiGateway(decision.claims);
    }

    const event = toProxyEvent({
      req,
      url,
      match: lookup.match,
      body: read.body,
      requestId,
      claims,
      now: new Date(),
    });
    let result: APIGatewayProxyResult;
    try {
      result = await options.apiHandler(event);
    } catch (error) {
      // API Gateway answers a failed invocation with 502; only the error's class is logged.
      log('handler invocation failed', {
        requestId,
        operationId: route.operationId,
        error: error instanceof Error ? error.name : 'unknown',
      });
      sendProblem(res, requestId, { status: 502, slug: 'bad-gateway', title: 'Internal server error' });
      return route.operationId;
    }
    writeProxyResult(res, requestId, result);
    return route.operationId;
  }

  return createServer((req, res) => {
    const requestId = randomUUID();
    const served = serve(req, res, requestId)
      .then((operation) => {
        log('request', { requestId, method: req.method ?? '', operation, status: res.statusCode });
      })
      .catch((error: unknown) => {
        log('gateway failure', { requestId, error: error instanceof Error ? error.name : 'unknown' });
        if (!res.headersSent) {
          sendProblem(res, requestId, {
            status: 500,
            slug: 'internal-error',
            title: 'Internal server error',
          });
        } else {
          res.destroy();
        }
      });
    options.inFlight?.track(served);
  });
}

function writeProxyResult(res: ServerResponse, requestId: string, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map((value) => String(value));
  }
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/**
 * Reads the body up to `limit` bytes. An oversized body is drained (up to a hard cap) before the
 * 413 is sent, so that the client, still uploading, reads the answer instead of a reset.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? '0');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) {
      req.destroy();
      resolve({ kind: 'too-large' });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) {
        req.destroy();
        resolve({ kind: 'too-large' });
        return;
      }
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }),
    );
    req.on('error', reject);
  });
}

async function drain(req: IncomingMessage): Promise<void> {
  await readBody(req, 0);
}

function isJson(req: IncomingMessage): boolean {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return contentType === 'application/json';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function payloadTooLarge(limit: number) {
  return {
    status: 413,
    slug: 'payload-too-large',
    title: 'Request body too large',
    detail: `The request body limit is ${limit} bytes.`,
    extensions: { limitBytes: limit },
  };
}

function unsupportedMediaType() {
  return { status: 415, slug: 'unsupported-media-type', title: 'Content-Type must be application/json' };
}

function methodNotAllowed(allowed: readonly string[]) {
  return {
    status: 405,
    slug: 'method-not-allowed',
    title: 'Method not allowed',
    headers: { allow: allowed.join(', ') },
  };
}

function badPath() {
  return { status: 400, slug: 'bad-path', title: 'The request path is not valid' };
}
