import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteMatch } from './route-match';

export interface ProxyEventInput {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly match: RouteMatch;
  readonly body: Buffer;
  readonly requestId: string;
  /** Already rendered as API Gateway renders them (all strings), or undefined for public routes. */
  readonly claims: Record<string, string> | undefined;
  readonly now: Date;
}

/** The stage name local mode pretends to be deployed as. */
export const LOCAL_STAGE = 'local';

/**
 * Builds the REST API (v1) Lambda proxy event API Gateway would send for this request
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
 * Header names keep the client's spelling, as API Gateway forwards them; single-value maps keep
 * the last value of a repeated header or query parameter, as API Gateway does.
 */
export function toProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const { req, url, match, body, requestId, claims, now } = input;
  // Maps, then own properties: a client-chosen name such as `__proto__` must become a key (as it
  // does when Lambda JSON-parses the event), never reach Object.prototype through `obj[name]`.
  const headerValues = new Map<string, string[]>();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index] ?? '';
    headerValues.set(name, [...(headerValues.get(name) ?? []), req.rawHeaders[index + 1] ?? '']);
  }
  const headers = lastValues(headerValues);
  const multiValueHeaders = Object.fromEntries(headerValues);

  const queryValues = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    queryValues.set(name, [...(queryValues.get(name) ?? []), value]);
  }
  const query = lastValues(queryValues);
  const multiValueQuery = Object.fromEntries(queryValues);
  const hasQuery = queryValues.size > 0;
  // API Gateway sends null, not an empty object, when a request has no query string.
  const queryStringParameters = hasQuery ? query : null;
  const multiValueQueryStringParameters = hasQuery ? multiValueQuery : null;

  const sourceIp = normaliseIp(req.socket.remoteAddress);
  const userAgent = req.headers['user-agent'] ?? null;
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: match.route.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: match.pathParameters,
    stageVariables: null,
    // Without binaryMediaTypes on the API, API Gateway passes bodies as text.
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'wellgate-local',
      authorizer: claims === undefined ? null : { claims },
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: '127',
      extendedRequestId: requestId,
      httpMethod: match.route.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${LOCAL_STAGE}${url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: match.route.operationId,
      resourcePath: match.route.path,
      stage: LOCAL_STAGE,
    },
  };
}

function lastValues(values: ReadonlyMap<string, readonly string[]>): Record<string, string> {
  return Object.fromEntries([...values].map(([name, list]) => [name, list[list.length - 1] ?? '']));
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) as the plain address API Gateway reports. */
function normaliseIp(address: string | undefined): string {
  if (address === undefined) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
