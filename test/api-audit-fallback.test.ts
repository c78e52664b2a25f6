/**
 * The one exception to "no answer without its audit event": an answer flagged
 * `deferAuditOnFailure` (the assistant's emergency answer) goes out when the audit write fails,
 * with its event on the audit fallback queue. Everything else still fails closed with 503.
 */
import type { Communication } from '@medplum/fhirtypes';
import { z } from 'zod';
import {
  type ApiOperation,
  type AuditEvent,
  type AuditFallbackQueue,
  createApiHandler,
  defineOperation,
  verifyAuditChains,
} from '../lambdas/api';
import { NoParams, NoQuery } from '../lambdas/api/schemas';
import {
  type ApiHarness,
  apiEvent,
  claimsFor,
  createHarness,
  type LocalDynamo,
  parseBody,
  startDynalite,
  switchableAudit,
  TABLES,
} from './helpers/api-fixtures';

const NOW = new Date('2025-04-02T09:30:00.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

class RecordingQueue implements AuditFallbackQueue {
  readonly events: AuditEvent[] = [];
  failing = false;
  async enqueue(event: AuditEvent): Promise<void> {
    if (this.failing) throw new Error('queue unavailable');
    this.events.push(event);
  }
}

/**
 * A stand-in for the assistant's chat operation: it writes a Communication (a FHIR write the
 * router would roll back) and has an undo step, so the tests can see that neither is undone.
 */
function chatLikeOperation(options: { defer: boolean; undone: string[] }): ApiOperation {
  return defineOperation({
    operationId: 'sendChatMessage',
    params: NoParams,
    query: NoQuery,
    body: z.object({ text: z.string() }),
    response: z.strictObject({ communicationId: z.string(), disposition: z.string() }),
    successStatus: 200,
    run: async (services, _input, context) => {
      const patientId = context.caller.patientId ?? '';
      const written = await services.fhir.create<Communication>({
        resourceType: 'Communication',
        status: 'completed',
        subject: { reference: `Patient/${patientId}` },
      });
      return {
        value: { communicationId: written.id ?? '', disposition: 'emergency' },
        audit: {
          patientId,
          resourceType: 'Communication',
          resourceId: written.id,
          action: 'create',
          purpose: 'patient-request',
        },
        undo: async () => {
          options.undone.push(written.id ?? '');
        },
        ...(options.defer ? { deferAuditOnFailure: true as const } : {}),
      };
    },
  });
}

interface Setup {
  readonly harness: ApiHarness;
  readonly queue: RecordingQueue;
  readonly undone: string[];
  readonly patientId: string;
  send(requestId: string): Promise<{ statusCode: number; body: Record<string, unknown> }>;
}

async function setup(
  seed: number,
  options: { defer: boolean; auditDown: () => boolean; withQueue?: boolean },
): Promise<Setup> {
  const harness = await createHarness(dynamo, NOW, seed);
  const queue = new RecordingQueue();
  const undone: string[] = [];
  const handler = createApiHandler(
    {
      ...harness.ports,
      audit: switchableAudit(harness, options.auditDown),
      ...(options.withQueue === false ? {} : { auditFallback: queue }),
    },
    { operations: { sendChatMessage: chatLikeOperation({ defer: options.defer, undone }) } },
  );
  const patientId = harness.clinic.patients[0]?.id ?? '';
  return {
    harness,
    queue,
    undone,
    patientId,
    send: async (requestId) => {
      const response = await handler(
        apiEvent({
          method: 'POST',
          path: '/v1/chat/messages',
          body: { text: 'crushing chest pain and sweating right now' },
          claims: claimsFor({ sub: `sub-${patientId}`, roles: ['patient'], patientId }),
          requestId,
        }),
      );
      return { statusCode: response.statusCode, body: parseBody(response.body) };
    },
  };
}

function logged(harness: ApiHarness, message: string): Array<Record<string, unknown>> {
  return harness.logger.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['message'] === message);
}

describe('an answer flagged deferAuditOnFailure while the audit trail is down', () => {
  test('is answered, keeps its writes, and its exact event waits on the fallback queue', async () => {
    const { harness, queue, undone, patientId, send } = await setup(31, {
      defer: true,
      auditDown: () => true,
    });

    const response = await send('defer-1');

    expect(response.statusCode).toBe(200);
    expect(response.body['disposition']).toBe('emergency');
    const communicationId = String(response.body['communicationId']);
    // No rollback: the write stands, the undo step never ran.
    expect((await harness.fhir.read('Communication', communicationId)).id).toBe(communicationId);
    expect(undone).toEqual([]);
    expect(queue.events).toEqual([
      {
        eventId: expect.any(String),
        time: NOW.toISOString(),
        actor: { sub: `sub-${patientId}`, role: 'patient' },
        patientId,
        resourceType: 'Communication',
        resourceId: communicationId,
        action: 'create',
        purpose: 'patient-request',
        outcome: 'success',
        operationId: 'sendChatMessage',
        requestId: 'defer-1',
        sourceIp: '203.0.113.7',
      },
    ]);
    const eventId = queue.events[0]?.eventId;
    // Ids only, and nothing else: the event itself carries the patient id.
    expect(logged(harness, 'audit event deferred')).toEqual([
      {
        level: 'WARN',
        message: 'audit event deferred',
        operationId: 'sendChatMessage',
        requestId: 'defer-1',
        eventId,
      },
    ]);
    expect(harness.metrics.auditDeferred).toEqual([{ operationId: 'sendChatMessage' }]);
    expect(harness.metrics.auditFallbackFailures).toEqual([]);
    expect(harness.logger.lines.join('\n')).not.toContain(patientId);
  });

  test("the queued event is the request's one audit event: appended later, once, with the same eventId", async () => {
    let down = true;
    const { harness, queue, patientId, send } = await setup(32, { defer: true, auditDown: () => down });

    expect((await send('defer-2')).statusCode).toBe(200);
    down = false;
    const [queued] = queue.events;
    if (!queued) throw new Error('nothing was queued');
    // What the fallback consumer does, delivered twice as SQS may.
    expect(await harness.audit.appendOnce(queued)).toEqual({ appended: true });
    expect(await harness.audit.appendOnce(queued)).toEqual({ appended: false });

    const chain = await harness.audit.listForPatient(patientId);
    expect(chain.filter((e) => e.requestId === 'defer-2').map((e) => e.eventId)).toEqual([queued.eventId]);
    const report = await verifyAuditChains(TABLES.audit, dynamo.documentClient);
    expect(report.ok).toBe(true);
  });

  test('when the fallback queue fails too: still answered, the error logged with the eventId, the metric emitted', async () => {
    const { harness, queue, undone, send } = await setup(33, { defer: true, auditDown: () => true });
    queue.failing = true;

    const response = await send('defer-3');

    expect(response.statusCode).toBe(200);
    expect(response.body['disposition']).toBe('emergency');
    expect(undone).toEqual([]);
    const [errorLine] = logged(harness, 'audit event not deferred');
    expect(errorLine).toEqual({
      level: 'ERROR',
      message: 'audit event not deferred',
      operationId: 'sendChatMessage',
      requestId: 'defer-3',
      eventId: expect.any(String),
    });
    expect(harness.metrics.auditFallbackFailures).toEqual([{ operationId: 'sendChatMessage' }]);
    expect(harness.metrics.auditDeferred).toEqual([]);
    expect(logged(harness, 'audit event deferred')).toEqual([]);
  });

  test('without a fallback queue configured: answered, and the missing event logged and counted', async () => {
    const { harness, send } = await setup(34, { defer: true, auditDown: () => true, withQueue: false });

    expect((await send('defer-4')).statusCode).toBe(200);
    expect(logged(harness, 'audit event not deferred')).toHaveLength(1);
    expect(harness.metrics.auditFallbackFailures).toEqual([{ operationId: 'sendChatMessage' }]);
  });

  test('with the audit trail up, the event is written as always and the queue stays empty', async () => {
    const { harness, queue, patientId, send } = await setup(35, { defer: true, auditDown: () => false });

    expect((await send('defer-5')).statusCode).toBe(200);
    expect(queue.events).toEqual([]);
    expect(harness.metrics.auditDeferred).toEqual([]);
    const chain = await harness.audit.listForPatient(patientId);
    expect(chain.filter((e) => e.requestId === 'defer-5')).toHaveLength(1);
  });
});

describe('operations without the flag are unchanged: fail closed', () => {
  test('the same operation unflagged answers 503, is rolled back and undone, and queues nothing', async () => {
    const { harness, queue, undone, send } = await setup(36, { defer: false, auditDown: () => true });
    const before = await harness.fhir.search('Communication', {});

    const response = await send('closed-1');

    expect(response.statusCode).toBe(503);
    expect(response.body['type']).toBe('https://wellgate.dev/problems/service-unavailable');
    expect(response.body['communicationId']).toBeUndefined();
    expect(await harness.fhir.search('Communication', {})).toHaveLength(before.length);
    expect(undone).toHaveLength(1);
    expect(queue.events).toEqual([]);
    expect(harness.metrics.auditDeferred).toEqual([]);
    expect(harness.metrics.auditFallbackFailures).toEqual([]);
  });

  test('GET /v1/me answers 503 with no data and queues nothing, fallback queue or not', async () => {
    const harness = await createHarness(dynamo, NOW, 37);
    const queue = new RecordingQueue();
    const handler = createApiHandler({
      ...harness.ports,
      audit: switchableAudit(harness, () => true),
      auditFallback: queue,
    });
    const patient = harness.clinic.patients[0];
    if (!patient) throw new Error('fixture missing');

    const response = await handler(
      apiEvent({
        method: 'GET',
        path: '/v1/me',
        claims: claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id }),
      }),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('2');
    expect(response.body).not.toContain(patient.family);
    expect(queue.events).toEqual([]);
  });
});
