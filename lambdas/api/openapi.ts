/**
 * The OpenAPI 3.1 document, generated from the route table and the operations' zod schemas: the
 * same schemas that validate requests and responses, so the document cannot drift from the code.
 */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { notImplementedOperation, OPERATIONS } from './operations';
import { type OperationContract, PLUGGABLE_CONTRACTS } from './pluggable-contracts';
import { ROUTES } from './route-table';
import { IdempotencyKeyHeader, MAX_BODY_BYTES, ProblemSchema } from './schemas';

export const SECURITY_SCHEME = 'cognito';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

function problemResponse(description: string, headers?: ResponseConfig['headers']): ResponseConfig {
  return { description, content: problemContent, ...(headers ? { headers } : {}) };
}

const retryAfter = z.object({ 'Retry-After': z.string().describe('Seconds to wait before retrying') });

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'Cognito access token (MFA required). Roles are Cognito groups: patient, clinician, staff, admin.',
  });
  const operations = new Map<string, OperationContract>([
    ...OPERATIONS.map((operation): [string, OperationContract] => [operation.operationId, operation]),
    ...Object.values(PLUGGABLE_CONTRACTS).map((contract): [string, OperationContract] => [
      contract.operationId,
      contract,
    ]),
  ]);

  for (const route of ROUTES) {
    const isPublic = route.access === 'public';
    const operation =
      operations.get(route.operationId) ??
      (isPublic ? undefined : notImplementedOperation(route.operationId));
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
    const params =
      operation?.params instanceof z.ZodObject && Object.keys(operation.params.shape).length > 0
        ? operation.params
        : pathParams.length > 0
          ? z.object(Object.fromEntries(pathParams.map((name) => [name, z.string()])))
          : undefined;
    const query =
      operation?.query instanceof z.ZodObject && Object.keys(operation.query.shape).length > 0
        ? operation.query
        : undefined;
    const headers = [
      ...(operation?.requiresIdempotencyKey
        ? [IdempotencyKeyHeader.meta({ param: { name: 'Idempotency-Key', in: 'header' } })]
        : []),
      ...(route.access !== 'public' && route.access.includes('clinician') && route.compartment === 'care-team'
        ? [
            z
              .string()
              .min(10)
              .optional()
              .meta({
                param: { name: 'X-Break-Glass-Reason', in: 'header' },
                description: 'Emergency access outside the care team: audited and alarmed',
              }),
          ]
        : []),
    ];
    const responses: RouteConfig['responses'] = {
      [String(operation?.successStatus ?? 200)]: {
        description: 'Success',
        content: { 'application/json': { schema: operation?.response ?? z.record(z.string(), z.unknown()) } },
      },
    };
    if (!isPublic) {
      responses['400'] = problemResponse('Invalid input: `errors` lists each field path and rule');
      responses['401'] = problemResponse('Missing, invalid or expired access token');
      responses['403'] = problemResponse("The caller's role may not call this route");
      responses['404'] = problemResponse(
        "Not found, or outside the caller's compartment (indistinguishable)",
      );
      responses['429'] = problemResponse('Too many requests', retryAfter);
      responses['503'] = problemResponse(
        'A dependency (FHIR store, DynamoDB, audit) is unavailable; no data returned',
        retryAfter,
      );
    }
    if (operation?.body) {
      responses['413'] = problemResponse(`Body larger than ${MAX_BODY_BYTES} bytes (1 MB)`);
      responses['415'] = problemResponse('Body is not application/json');
    }
    if (
      operation?.requiresIdempotencyKey ||
      ['cancelAppointment', 'submitIntake', 'setMyConsent'].includes(route.operationId)
    ) {
      responses['409'] = problemResponse('Conflict (slot taken, record changed, Idempotency-Key reused)');
    }
    if (!operations.has(route.operationId) && !isPublic) {
      responses['501'] = problemResponse('Not implemented yet');
    }
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.group],
      security: isPublic ? [] : [{ [SECURITY_SCHEME]: [] }],
      'x-wellgate-roles': isPublic ? [] : [...route.access],
      'x-wellgate-compartment': route.compartment,
      request: {
        ...(params ? { params } : {}),
        ...(query ? { query } : {}),
        ...(headers.length > 0 ? { headers } : {}),
        ...(operation?.body
          ? {
              body: {
                description: `JSON, at most ${MAX_BODY_BYTES} bytes`,
                required: route.operationId !== 'requestRefill',
                content: { 'application/json': { schema: operation.body } },
              },
            }
          : {}),
      },
      responses,
    });
  }

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Wellgate API',
      version,
      description: [
        'Patient portal API. Errors are RFC 9457 problem+json with stable `type` URIs under https://wellgate.dev/problems/.',
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MB); larger bodies get 413.`,
        'Every response carries Cache-Control: no-store.',
      ].join('\n\n'),
    },
    servers: [{ url: '/' }],
  });
  return JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
}
