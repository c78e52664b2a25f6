import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { LocalCognitoAuthorizer } from '../../lambdas/local/gateway/authorizer';
import { createLocalGateway } from '../../lambdas/local/gateway/server';
import { LocalAuthEndpoints } from '../../lambdas/local/identity/auth-endpoints';
import { LocalAuthService } from '../../lambdas/local/identity/auth-service';
import { generateSigningKey } from '../../lambdas/local/identity/signing-key';
import { TokenIssuer } from '../../lambdas/local/identity/token-issuer';
import { type IssuedCredentials, LocalUserStore } from '../../lambdas/local/identity/user-store';

export type FakeApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface GatewayUnderTest {
  readonly baseUrl: string;
  readonly events: APIGatewayProxyEvent[];
  readonly logLines: string[];
  readonly patient: IssuedCredentials;
  readonly issuer: TokenIssuer;
  /** Replaces what the fake API answers (default: 200 `{ "ok": true }`). */
  respondWith(handler: FakeApiHandler): void;
  close(): Promise<void>;
}

/**
 * The local gateway in front of a recording fake instead of the API core: tests see exactly the
 * proxy event the gateway produced, and whether a request reached the handler at all.
 */
export async function startGatewayWithFakeApi(): Promise<GatewayUnderTest> {
  const users = LocalUserStore.inMemory();
  const patient = await users.create({
    username: 'gateway-patient',
    email: 'gateway-patient@example.test',
    groups: ['patient'],
    fhirPatientId: 'patient-1',
  });
  const key = generateSigningKey();
  const issuer = new TokenIssuer(key);
  const events: APIGatewayProxyEvent[] = [];
  const logLines: string[] = [];
  let respond: FakeApiHandler = async () => ({ statusCode: 200, body: JSON.stringify({ ok: true }) });
  const server: Server = createLocalGateway({
    apiHandler: async (event) => {
      events.push(event);
      return respond(event);
    },
    authorizer: new LocalCognitoAuthorizer(key.jwks),
    authEndpoints: new LocalAuthEndpoints(new LocalAuthService(users, issuer)),
    jwks: key.jwks,
    log: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    events,
    logLines,
    patient,
    issuer,
    respondWith: (handler) => {
      respond = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
