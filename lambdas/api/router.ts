/**
 * One generic API router: API Gateway proxy event in, proxy result out. Each Lambda function
 * serves its group's routes with it; the local server serves every route with the same code.
 *
 * Per request: match the route → verified caller (401) → route roles (403) → body limits (413,
 * 415) → zod parsing (400) → service call (authorization inside, in data access) → exactly one
 * audit event → response validated against its zod schema. Any failure becomes problem+json in
 * `problems.ts`; an audit failure answers 503 and returns no data, except for answers flagged
 * `deferAuditOnFailure`, whose event goes to the audit fallback queue instead.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { canonicalJson } from '../core/audit-chain';
import { type Caller, callerFromClaims } from '../core/caller';
import {
  CompartmentAccessDenied,
  Conflict,
  type FieldError,
  Forbidden,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
  WritesNotUndone,
} from '../core/errors';
import { type FhirWriteJournal, withFhirWriteJournal } from '../core/fhir-write-journal';
import type { AccessContext } from '../core/policy';
import type {
  AuditEvent,
  AuditFallbackQueue,
  AuditOutcome,
  AuditSink,
  AuditTarget,
  IdempotencyStore,
  SecurityMetrics,
} from '../core/ports';
import type { Audited } from '../core/services/audited';
import {
  type ApiLogger,
  type ApiPorts,
  type ApiServices,
  createLogger,
  createServices,
  securityMetricsOf,
} from './composition';
import { corsHeaders, isJsonContentType, normalizeHeaders, preflightHeaders, SECURITY_HEADERS } from './http';
import { buildOpenApiDocument } from './openapi';
import {
  type ApiOperation,
  notImplementedOperation,
  OPERATIONS,
  type PluggableOperationId,
} from './operations';
import { type Problem, problemForUnknown, ROUTE_NOT_FOUND } from './problems';
import { type FunctionGroup, ROUTES, type RouteSpec } from './route-table';
import { HealthResponse, IdempotencyKeyHeader, MAX_BODY_BYTES } from './schemas';

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface ApiOptions {
  /** Origins allowed by CORS (exact match); default none. */
  readonly corsOrigins?: readonly string[];
  /** Function groups this handler serves; default all. Other routes answer 404. */
  readonly groups?: readonly FunctionGroup[];
  /** Implementations of operations other issues own; absent ones answer 501. */
  readonly operations?: Partial<Record<PluggableOperationId, ApiOperation>>;
  /** Reported by /v1/health. */
  readonly version?: string;
  /** The clinic's IANA time zone (config `clinic.timeZone`); default UTC. */
  readonly timeZone?: string;
}

const BREAK_GLASS_HEADER = 'x-break-glass-reason';
const BREAK_GLASS_MIN_LENGTH = 10;
const BREAK_GLASS_MAX_LENGTH = 500;

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
}

const COMPILED_ROUTES: readonly CompiledRoute[] = ROUTES.map((route) => {
  const paramNames: string[] = [];
  const source = route.path
    .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`))
    .replace(/\{(\w+)\}/g, (_all, name: string) => {
      paramNames.push(name);
      return '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}$`), paramNames };
});

function matchRoute(
  method: string,
  path: string,
): { route: RouteSpec; params: Record<string, string> } | undefined {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const compiled of COMPILED_ROUTES) {
    if (compiled.route.method !== method) continue;
    const match = compiled.pattern.exec(trimmed);
    if (!match) continue;
    const params: Record<string, string> = {};
    let malformed = false;
    compiled.paramNames.forEach((name, index) => {
      try {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      } catch {
        malformed = true;
      }
    });
    if (malformed) return undefined;
    return { route: compiled.route, params };
  }
  return undefined;
}

/** The API behind ports. Build once per process (cold start) and call per request. */
export function createApiHandler(ports: ApiPorts, options: ApiOptions = {}): ApiHandler {
  return buildHandler(
    { ports, services: createServices(ports, options.timeZone ? { timeZone: options.timeZone } : {}) },
    options,
  );
}

/** The public function group needs no ports: health and the OpenAPI document only. */
export function createPublicApiHandler(options: ApiOptions = {}): ApiHandler {
  return buildHandler(undefined, { ...options, groups: ['public'] });
}

interface Wiring {
  readonly ports: ApiPorts;
  readonly services: ApiServices;
}

function buildHandler(wiring: Wiring | undefined, options: ApiOptions): ApiHandler {
  const logger: ApiLogger = wiring?.ports.logger ?? createLogger();
  const metrics = securityMetricsOf(wiring?.ports ?? {});
  const clock = wiring?.ports.clock ?? (() => new Date());
  const allowedOrigins = options.corsOrigins ?? [];
  const groups = new Set<FunctionGroup>(
    options.groups ?? ['public', 'patient', 'clinician', 'staff', 'admin', 'assistant'],
  );
  const registry = new Map<string, ApiOperation>(
    OPERATIONS.map((operation) => [operation.operationId, operation]),
  );
  for (const route of ROUTES) {
    if (route.access === 'public' || registry.has(route.operationId)) continue;
    const plugin = options.operations?.[route.operationId as PluggableOperationId];
    registry.set(route.operationId, plugin ?? notImplementedOperation(route.operationId));
  }
  let openApiDocument: Record<string, unknown> | undefined;

  return async (event) => {
    const headers = normalizeHeaders(event.headers);
    const requestId = event.requestContext?.requestId || randomUUID();
    const cors = corsHeaders(headers['origin'], allowedOrigins);
    let operationId = 'unknown';

    const json = (
      statusCode: number,
      body: unknown,
      extra: Record<string, string> = {},
    ): APIGatewayProxyResult => ({
      statusCode,
      headers: { ...SECURITY_HEADERS, ...cors, 'Content-Type': 'application/json', ...extra },
      body: JSON.stringify(body),
    });
    const problemResult = (problem: Problem, extra: Record<string, string> = {}): APIGatewayProxyResult => {
      const result = {
        statusCode: problem.status,
        headers: {
          ...SECURITY_HEADERS,
          ...cors,
          'Content-Type': 'application/problem+json',
          ...titleCase(extra),
        },
        body: JSON.stringify({ ...problem, requestId }),
      };
      logger.info('request completed', {
        operationId,
        requestId,
        status: problem.status,
        problemType: problem.type,
      });
      return result;
    };

    try {
      if (event.httpMethod === 'OPTIONS') {
        return {
          statusCode: 204,
          headers: { ...SECURITY_HEADERS, ...preflightHeaders(headers['origin'], allowedOrigins) },
          body: '',
        };
      }
      const matched = matchRoute(event.httpMethod, event.path ?? '');
      if (!matched || !groups.has(matched.route.group)) return problemResult(ROUTE_NOT_FOUND);
      const { route, params } = matched;
      operationId = route.operationId;

      if (route.access === 'public') {
        if (route.operationId === 'getOpenApi') {
          openApiDocument ??= buildOpenApiDocument(options.version ?? '0.1.0');
          return json(200, openApiDocument);
        }
        return json(200, HealthResponse.parse({ status: 'ok', version: options.version ?? '0.1.0' }));
      }
      if (!wiring) return problemResult(ROUTE_NOT_FOUND);

      const caller = callerFromClaims(event.requestContext?.authorizer?.['claims']);
      const role = route.access.find((allowed) => caller.roles.includes(allowed));
      if (!role) throw new Forbidden('role-not-allowed');
      const operation = registry.get(route.operationId);
      if (!operation) return problemResult(ROUTE_NOT_FOUND);

      const input = parseInput(operation, params, event, headers);
      const breakGlassReason =
        role === 'clinician' ? parseBreakGlass(headers[BREAK_GLASS_HEADER]) : undefined;
      const context: AccessContext = {
        caller,
        role,
        operationId,
        requestId,
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        now: clock(),
        ...(breakGlassReason ? { breakGlassReason } : {}),
      };
      const auditWriter = new RequestAuditor(wiring.ports.audit, context, {
        queue: wiring.ports.auditFallback,
        metrics,
        logger,
      });

      try {
        if (operation.requiresIdempotencyKey) {
          const key = IdempotencyKeyHeader.safeParse(headers['idempotency-key']);
          if (!key.success) {
            throw new ValidationFailed([
              {
                path: 'headers.idempotency-key',
                message: 'An Idempotency-Key header (8–128 characters: letters, digits, _ . : -) is required',
              },
            ]);
          }
          const answer = await runIdempotent(
            wiring,
            operation,
            input,
            context,
            caller,
            key.data,
            auditWriter,
            logger,
          );
          logger.info('request completed', { operationId, requestId, status: answer.statusCode, role });
          return json(answer.statusCode, answer.body);
        }
        const result = await runAudited(operation, wiring, input, context, auditWriter, logger);
        const body = validateResponse(operation, result, logger, requestId);
        logger.info('request completed', { operationId, requestId, status: operation.successStatus, role });
        return json(operation.successStatus, body);
      } catch (error) {
        if (error instanceof Conflict && error.target) {
          // A refused write to a patient's record is still an access attempt: recorded, outcome "refused".
          await auditWriter.write(error.target, 'refused');
        }
        if (error instanceof CompartmentAccessDenied) {
          // Record the refusal first: if that fails, the caller gets 503, never a silent 404.
          await auditWriter.write(
            {
              ...(error.target.patientId ? { patientId: error.target.patientId } : {}),
              resourceType: error.target.resourceType,
              ...(error.target.resourceId ? { resourceId: error.target.resourceId } : {}),
              action: 'read',
              purpose: role === 'clinician' ? 'treatment' : 'patient-request',
            },
            'denied',
          );
        }
        throw error;
      }
    } catch (error) {
      const mapped = problemForUnknown(error);
      if (!mapped.expected) {
        // The error's name only: messages of unknown errors may carry upstream text or PHI.
        logger.error('unhandled error', {
          operationId,
          requestId,
          errorName: error instanceof Error ? error.name : typeof error,
        });
      } else if (mapped.problem.status >= 500) {
        logger.warn('dependency unavailable', { operationId, requestId, problemType: mapped.problem.type });
      }
      return problemResult(mapped.problem, mapped.headers);
    }
  };
}

interface AuditFallback {
  readonly queue: AuditFallbackQueue | undefined;
  readonly metrics: SecurityMetrics;
  readonly logger: ApiLogger;
}

/** Writes the one audit event of a request; a second write is a programming error. */
class RequestAuditor {
  private written = false;

  constructor(
    private readonly sink: AuditSink,
    private readonly context: AccessContext,
    private readonly fallback: AuditFallback,
  ) {}

  async write(target: AuditTarget, outcome: AuditOutcome): Promise<void> {
    await this.sink.append(this.event(target, outcome));
  }

  /**
   * For answers that must go out even when the audit trail is down: a failed append hands the
   * same event (same eventId) to the fallback queue, whose consumer appends it later. Never
   * throws; `not-deferred`: the event is missing, and the error log and alarm name it for an operator.
   */
  async writeOrDefer(
    target: AuditTarget,
    outcome: AuditOutcome,
  ): Promise<'written' | 'deferred' | 'not-deferred'> {
    const event = this.event(target, outcome);
    try {
      await this.sink.append(event);
      return 'written';
    } catch {
      // The answer goes out either way; what follows decides whether its event still will.
    }
    const { queue, metrics, logger } = this.fallback;
    const ids = { operationId: event.operationId, requestId: event.requestId, eventId: event.eventId };
    try {
      if (!queue) throw new Error('no audit fallback queue');
      await queue.enqueue(event);
      logger.warn('audit event deferred', ids);
      metrics.auditEventDeferred({ operationId: event.operationId });
      return 'deferred';
    } catch {
      logger.error('audit event not deferred', ids);
      metrics.auditFallbackFailed({ operationId: event.operationId });
      return 'not-deferred';
    }
  }

  private event(target: AuditTarget, outcome: AuditOutcome): AuditEvent {
    if (this.written) throw new Error('A request writes exactly one audit event');
    this.written = true;
    return {
      eventId: randomUUID(),
      time: this.context.now.toISOString(),
      actor: { sub: this.context.caller.sub, role: this.context.role },
      ...(target.patientId ? { patientId: target.patientId } : {}),
      resourceType: target.resourceType,
      ...(target.resourceId ? { resourceId: target.resourceId } : {}),
      action: target.action,
      purpose: target.purpose,
      outcome,
      operationId: this.context.operationId,
      requestId: this.context.requestId,
      sourceIp: this.context.sourceIp,
      ...(target.purpose === 'break-glass' && this.context.breakGlassReason
        ? { breakGlassReason: this.context.breakGlassReason }
        : {}),
    };
  }
}

/**
 * Runs the operation inside the request's FHIR write journal and writes its one audit event. No
 * write may stand unaudited: when the operation throws after writing, or its audit write fails,
 * the request's FHIR writes are rolled back and then, only if all were undone, its own side effects
 * (Audited.undo). Writes that could not be undone turn the failure into WritesNotUndone, which
 * keeps the slot claim and the Idempotency-Key. Steps after the audit (Audited.afterAudit) run last.
 * An answer flagged `deferAuditOnFailure` is never undone for its audit write: see writeOrDefer.
 */
async function runAudited(
  operation: ApiOperation,
  wiring: Wiring,
  input: { params: unknown; query: unknown; body: unknown },
  context: AccessContext,
  auditor: RequestAuditor,
  logger: ApiLogger,
  /** Checks the operation's answer before its audit event; a failure undoes it like any other. */
  check?: (done: Audited<unknown>) => void,
): Promise<Audited<unknown>> {
  return withFhirWriteJournal(async (journal) => {
    let done: Audited<unknown>;
    try {
      done = await operation.run(wiring.services, input, context);
    } catch (error) {
      await undoWrites(journal, undefined, wiring, logger, context, error);
      throw error;
    }
    try {
      check?.(done);
    } catch (error) {
      await undoWrites(journal, done.undo, wiring, logger, context, error);
      throw error;
    }
    if (done.audit && done.deferAuditOnFailure) {
      // A step that may only follow a durable audit event keeps its guard when the event is lost.
      if ((await auditor.writeOrDefer(done.audit, 'success')) === 'not-deferred') return done;
    } else if (done.audit) {
      try {
        await auditor.write(done.audit, 'success');
      } catch (auditError) {
        await undoWrites(journal, done.undo, wiring, logger, context, auditError);
        throw auditError;
      }
    }
    if (done.afterAudit) {
      // The operation stands and is audited; a step after it that fails leaves a guard in place
      // (a slot still busy), never a second owner: logged for an operator.
      await done.afterAudit().catch(() =>
        logger.error('a step after the audit write failed', {
          operationId: context.operationId,
          requestId: context.requestId,
        }),
      );
    }
    return done;
  });
}

async function undoWrites(
  journal: FhirWriteJournal,
  undo: (() => Promise<void>) | undefined,
  wiring: Wiring,
  logger: ApiLogger,
  context: AccessContext,
  cause: unknown,
): Promise<void> {
  const notUndone = await journal.rollBack(wiring.services.fhir.inner);
  if (notUndone > 0) {
    logger.error('a failed request left writes that could not be undone', {
      operationId: context.operationId,
      requestId: context.requestId,
      notUndone,
    });
    throw new WritesNotUndone({ cause });
  }
  if (undo === undefined) return;
  await undo().catch(() =>
    // The FHIR record is whole again; only a guard (a slot claim) is left behind.
    logger.error('a failed request could not release what it held', {
      operationId: context.operationId,
      requestId: context.requestId,
    }),
  );
}

async function runIdempotent(
  wiring: Wiring,
  operation: ApiOperation,
  input: { params: unknown; query: unknown; body: unknown },
  context: AccessContext,
  caller: Caller,
  key: string,
  auditor: RequestAuditor,
  logger: ApiLogger,
): Promise<{ statusCode: number; body: unknown }> {
  const store: IdempotencyStore = wiring.ports.idempotency;
  // Keys are per caller and operation: one user's key can never replay another user's response.
  const scopedKey = `idem#${caller.sub}#${operation.operationId}#${key}`;
  const fingerprint = createHash('sha256')
    .update(canonicalJson({ params: input.params, body: input.body }))
    .digest('hex');
  const begun = await store.begin(scopedKey, fingerprint);
  if (begun.state === 'mismatch') throw new Conflict('idempotency-key-reused');
  if (begun.state === 'in-progress') throw new Conflict('idempotency-in-progress');
  if (begun.state === 'replay') {
    // A replay discloses the record again, so it is audited as a read.
    if (begun.response.audit) await auditor.write({ ...begun.response.audit, action: 'read' }, 'success');
    return { statusCode: begun.response.statusCode, body: begun.response.body };
  }
  let result: Audited<unknown>;
  let body: unknown;
  try {
    // When the operation or its audit write fails, its writes are undone and the key released
    // below, so a retry with the same key runs the operation afresh and records its own event.
    // The response is checked before the audit write: a booking that stands is answered.
    result = await runAudited(operation, wiring, input, context, auditor, logger, (done) => {
      body = operation.response.parse(done.value);
    });
  } catch (error) {
    // Nothing stands, so the same key may be used again; unless a write could not be undone, when
    // the key stays taken (until it expires) so no retry builds on it.
    if (!(error instanceof WritesNotUndone)) await store.release(scopedKey);
    throw error;
  }
  // Remembered once written and audited: a retry with the same key replays this response. The
  // booking stands and is audited either way: if remembering fails, it is still answered.
  await store
    .complete(scopedKey, {
      statusCode: operation.successStatus,
      body,
      ...(result.audit ? { audit: result.audit } : {}),
    })
    .catch(() =>
      logger.warn('an idempotent response could not be remembered', {
        operationId: operation.operationId,
        requestId: context.requestId,
      }),
    );
  return { statusCode: operation.successStatus, body };
}

function parseInput(
  operation: ApiOperation,
  params: Record<string, string>,
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
): { params: unknown; query: unknown; body: unknown } {
  let rawBody: unknown;
  if (operation.body) {
    const text = event.body ?? '';
    const bytes = event.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    if (bytes.byteLength > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
    if (bytes.byteLength === 0) {
      rawBody = {};
    } else {
      if (!isJsonContentType(headers['content-type'])) throw new UnsupportedMediaType();
      try {
        rawBody = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new ValidationFailed([{ path: 'body', message: 'Malformed JSON' }]);
      }
    }
  }
  const errors: FieldError[] = [];
  const parsedParams = parsePart(operation.params, params, 'params', errors);
  const parsedQuery = parsePart(operation.query, event.queryStringParameters ?? {}, 'query', errors);
  const parsedBody = operation.body ? parsePart(operation.body, rawBody, 'body', errors) : undefined;
  if (errors.length > 0) throw new ValidationFailed(errors);
  return { params: parsedParams, query: parsedQuery, body: parsedBody };
}

function parsePart(schema: z.ZodType, value: unknown, part: string, errors: FieldError[]): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [part, ...issue.path.map(String)].join('.');
    // Messages describe the rule, never the input: zod's unknown-key message would echo a key.
    errors.push({
      path,
      message: issue.code === 'unrecognized_keys' ? 'Unknown fields are not accepted' : issue.message,
    });
  }
  return undefined;
}

function parseBreakGlass(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const reason = raw.trim();
  if (reason.length < BREAK_GLASS_MIN_LENGTH || reason.length > BREAK_GLASS_MAX_LENGTH) {
    throw new ValidationFailed([
      {
        path: 'headers.x-break-glass-reason',
        message: `A break-glass reason needs ${BREAK_GLASS_MIN_LENGTH}–${BREAK_GLASS_MAX_LENGTH} characters`,
      },
    ]);
  }
  return reason;
}

function validateResponse(
  operation: ApiOperation,
  result: Audited<unknown>,
  logger: ApiLogger,
  requestId: string,
): unknown {
  const parsed = operation.response.safeParse(result.value);
  if (parsed.success) return parsed.data;
  // Paths only: the values are PHI.
  logger.error('response failed its schema', {
    operationId: operation.operationId,
    requestId,
    paths: parsed.error.issues.map((issue) => issue.path.join('.')),
  });
  throw new Error('response schema violation');
}

function titleCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[
      name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`)
    ] = value;
  }
  return out;
}
