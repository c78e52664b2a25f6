/**
 * The audit fallback queue's consumer (SQS → audit chain) and local mode's in-process queue:
 * each deferred event reaches its chain exactly once, whatever the redeliveries; what cannot be
 * appended yet is retried, never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type AuditEvent,
  type AuditReplaySink,
  createApiTables,
  DependencyUnavailable,
  DynamoAuditSink,
  verifyAuditChains,
} from '../lambdas/api';
import { createAuditFallbackConsumer } from '../lambdas/api/audit-fallback-consumer';
import { LocalAuditFallbackQueue } from '../lambdas/local/audit-fallback-queue';
import { InFlightWork } from '../lambdas/local/in-flight-work';
import { CapturingLogger, type LocalDynamo, startDynalite } from './helpers/api-fixtures';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshSink(): Promise<{ sink: DynamoAuditSink; table: string }> {
  const table = `audit-fallback-${randomUUID()}`;
  await createApiTables(dynamo.client, [table]);
  return { sink: new DynamoAuditSink({ client: dynamo.documentClient, tableName: table }), table };
}

function deferredEvent(patientId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    eventId: randomUUID(),
    time: '2025-04-02T09:30:00.000Z',
    actor: { sub: `sub-${patientId}`, role: 'patient' },
    patientId,
    resourceType: 'Communication',
    resourceId: 'conversation-1',
    action: 'create',
    purpose: 'patient-request',
    outcome: 'success',
    operationId: 'sendChatMessage',
    requestId: `req-${randomUUID()}`,
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

function record(body: string, messageId: string = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1743586200000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1743586200000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:audit-fallback',
    awsRegion: 'us-east-1',
  };
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

async function eventIdsIn(sink: DynamoAuditSink, patientId: string): Promise<string[]> {
  return (await sink.listForPatient(patientId)).map((e) => e.eventId);
}

describe('the audit fallback consumer', () => {
  test('appends each event once, however often SQS delivers it, in one batch or later ones', async () => {
    const { sink, table } = await freshSink();
    const logger = new CapturingLogger();
    const consume = createAuditFallbackConsumer({ sink, logger });
    await sink.append(deferredEvent('p-redelivered'));
    const deferred = deferredEvent('p-redelivered');
    const body = JSON.stringify(deferred);

    const first = await consume(batch(record(body), record(body)));
    await sink.append(deferredEvent('p-redelivered'));
    const later = await consume(batch(record(body)));

    expect(first).toEqual({ batchItemFailures: [] });
    expect(later).toEqual({ batchItemFailures: [] });
    const ids = await eventIdsIn(sink, 'p-redelivered');
    expect(ids).toHaveLength(3);
    expect(ids.filter((id) => id === deferred.eventId)).toHaveLength(1);
    expect(ids[1]).toBe(deferred.eventId);
    expect((await verifyAuditChains(table, dynamo.documentClient)).ok).toBe(true);
    expect(logger.lines.join('\n')).not.toContain('p-redelivered');
  });

  test('two deliveries of one event racing in separate containers still append it once', async () => {
    const { sink, table } = await freshSink();
    const other = new DynamoAuditSink({ client: dynamo.documentClient, tableName: table });
    const deferred = deferredEvent('p-race');
    const competing = Array.from({ length: 3 }, () => deferredEvent('p-race'));

    const results = await Promise.all([
      sink.appendOnce(deferred),
      other.appendOnce(deferred),
      ...competing.map((event, index) => (index % 2 === 0 ? sink : other).append(event)),
    ]);

    expect(
      results
        .slice(0, 2)
        .map((r) => ('appended' in r ? r.appended : undefined))
        .sort(),
    ).toEqual([false, true]);
    const ids = await eventIdsIn(sink, 'p-race');
    expect(ids.filter((id) => id === deferred.eventId)).toHaveLength(1);
    expect(ids).toHaveLength(4);
    expect((await verifyAuditChains(table, dynamo.documentClient)).ok).toBe(true);
  });

  test('a body that is not one of our audit events is a batch item failure; the rest of the batch is appended', async () => {
    const { sink } = await freshSink();
    const logger = new CapturingLogger();
    const consume = createAuditFallbackConsumer({ sink, logger });
    const good = deferredEvent('p-bad-bodies');
    const { outcome: _dropped, ...withoutOutcome } = deferredEvent('p-bad-bodies');

    const response = await consume(
      batch(
        record('not json', 'm-not-json'),
        record(JSON.stringify(withoutOutcome), 'm-missing-field'),
        record(JSON.stringify({ ...deferredEvent('p-bad-bodies'), extra: 'x' }), 'm-unknown-field'),
        record(JSON.stringify({ ...deferredEvent('p-bad-bodies'), action: 'erase' }), 'm-bad-action'),
        record(JSON.stringify(good), 'm-good'),
      ),
    );

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-not-json' },
      { itemIdentifier: 'm-missing-field' },
      { itemIdentifier: 'm-unknown-field' },
      { itemIdentifier: 'm-bad-action' },
    ]);
    expect(await eventIdsIn(sink, 'p-bad-bodies')).toEqual([good.eventId]);
    const invalid = logger.lines.filter((line) => line.includes('audit fallback message invalid'));
    expect(invalid).toHaveLength(4);
    // The message id only: the body carries the patient id.
    expect(logger.lines.join('\n')).not.toContain('p-bad-bodies');
  });

  test('an event the sink cannot take is a batch item failure, retried later; the others are appended', async () => {
    const { sink } = await freshSink();
    const blocked = deferredEvent('p-sink-down');
    const passing = deferredEvent('p-sink-up');
    const flaky: AuditReplaySink = {
      appendOnce: async (event) => {
        if (event.patientId === 'p-sink-down') throw new DependencyUnavailable('audit');
        return sink.appendOnce(event);
      },
    };
    const consume = createAuditFallbackConsumer({ sink: flaky, logger: new CapturingLogger() });

    const response = await consume(
      batch(record(JSON.stringify(blocked), 'm-blocked'), record(JSON.stringify(passing), 'm-passing')),
    );
    const retried = await createAuditFallbackConsumer({ sink, logger: new CapturingLogger() })(
      batch(record(JSON.stringify(blocked), 'm-blocked')),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-blocked' }] });
    expect(await eventIdsIn(sink, 'p-sink-up')).toEqual([passing.eventId]);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(await eventIdsIn(sink, 'p-sink-down')).toEqual([blocked.eventId]);
  });
});

describe("local mode's audit fallback queue", () => {
  /** An audit sink that fails until `up` is set, counting attempts. */
  function switchable(sink: DynamoAuditSink) {
    const state = { up: false, attempts: 0 };
    const replay: AuditReplaySink = {
      appendOnce: async (event) => {
        state.attempts++;
        if (!state.up) throw new DependencyUnavailable('audit');
        return sink.appendOnce(event);
      },
    };
    return { state, replay };
  }

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('retries with back-off until the sink recovers, then appends every event once, in order', async () => {
    const { sink } = await freshSink();
    const { state, replay } = switchable(sink);
    const lines: string[] = [];
    const queue = new LocalAuditFallbackQueue({
      sink: replay,
      baseDelayMs: 5,
      maxDelayMs: 20,
      log: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
    });
    const events = [deferredEvent('p-local'), deferredEvent('p-local')];

    for (const event of events) await queue.enqueue(event);
    await until(() => state.attempts >= 3);
    expect(queue.size).toBe(2);
    state.up = true;
    await until(() => queue.size === 0);

    expect(await eventIdsIn(sink, 'p-local')).toEqual(events.map((e) => e.eventId));
    expect(lines.some((line) => line.includes('deferred audit events not appended yet'))).toBe(true);
    expect(lines.join('\n')).not.toContain('p-local');
    await queue.close();
  });

  test('is work in flight: closing the portal waits for it to drain, then nothing is left', async () => {
    const { sink } = await freshSink();
    const { state, replay } = switchable(sink);
    const inFlight = new InFlightWork();
    const queue = new LocalAuditFallbackQueue({
      sink: replay,
      background: inFlight,
      baseDelayMs: 5,
      maxDelayMs: 20,
    });
    const event = deferredEvent('p-drain');

    await queue.enqueue(event);
    const settled = inFlight.settled(5000);
    setTimeout(() => {
      state.up = true;
    }, 50);

    await expect(settled).resolves.toBe(true);
    expect(queue.size).toBe(0);
    expect(await eventIdsIn(sink, 'p-drain')).toEqual([event.eventId]);
    await queue.close();
  });

  test('closing with the sink still down stops retrying and reports how many events are left', async () => {
    const { sink } = await freshSink();
    const { replay } = switchable(sink);
    const inFlight = new InFlightWork();
    const lines: string[] = [];
    const queue = new LocalAuditFallbackQueue({
      sink: replay,
      background: inFlight,
      baseDelayMs: 5,
      maxDelayMs: 20,
      log: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
    });
    await queue.enqueue(deferredEvent('p-stuck'));

    expect(await inFlight.settled(50)).toBe(false);
    await queue.close();

    expect(await inFlight.settled(50)).toBe(true);
    expect(lines).toContain(JSON.stringify({ message: 'audit events still deferred at close', pending: 1 }));
    await expect(queue.enqueue(deferredEvent('p-stuck'))).rejects.toThrow('closed');
  });
});
