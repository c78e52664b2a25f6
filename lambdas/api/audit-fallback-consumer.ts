/**
 * The audit fallback queue's consumer: each message is one audit event an answer went out
 * without (router.ts, `deferAuditOnFailure`), appended to its chain at most once by eventId.
 * A message that fails to parse or to append is reported as a batch item failure, so SQS
 * delivers it again and, after maxReceiveCount, moves it to the alarmed dead-letter queue.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_PURPOSES, type AuditEvent, type AuditReplaySink } from '../core/ports';
import type { ApiLogger } from './composition';
import { ROLES } from './route-table';

const Text = z.string().min(1).max(2048);

/** The event exactly as the router built it; anything else is not an audit event of ours. */
export const AuditEventMessage: z.ZodType<AuditEvent> = z.strictObject({
  eventId: Text,
  time: z.iso.datetime({ offset: true }),
  actor: z.strictObject({ sub: Text, role: z.enum(ROLES) }),
  patientId: Text.optional(),
  resourceType: Text,
  resourceId: Text.optional(),
  action: z.enum(AUDIT_ACTIONS),
  purpose: z.enum(AUDIT_PURPOSES),
  outcome: z.enum(['success', 'denied', 'refused']),
  operationId: Text,
  requestId: Text,
  sourceIp: Text,
  breakGlassReason: Text.optional(),
});

export interface AuditFallbackConsumerDependencies {
  readonly sink: AuditReplaySink;
  readonly logger: ApiLogger;
}

export type AuditFallbackConsumer = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function createAuditFallbackConsumer(deps: AuditFallbackConsumerDependencies): AuditFallbackConsumer {
  return async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    // One at a time, in delivery order: appends to one chain queue behind each other anyway.
    for (const record of event.Records) {
      const messageId = record.messageId;
      const parsed = parseMessage(record.body);
      if (!parsed) {
        // Ids only: the body holds patient identifiers.
        deps.logger.error('audit fallback message invalid', { messageId });
        batchItemFailures.push({ itemIdentifier: messageId });
        continue;
      }
      try {
        const { appended } = await deps.sink.appendOnce(parsed);
        deps.logger.info(
          appended ? 'deferred audit event appended' : 'deferred audit event already present',
          {
            messageId,
            eventId: parsed.eventId,
          },
        );
      } catch (error) {
        deps.logger.warn('deferred audit event not appended yet', {
          messageId,
          eventId: parsed.eventId,
          errorName: error instanceof Error ? error.name : typeof error,
        });
        batchItemFailures.push({ itemIdentifier: messageId });
      }
    }
    return { batchItemFailures };
  };
}

function parseMessage(body: string): AuditEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = AuditEventMessage.safeParse(json);
  return result.success ? result.data : undefined;
}
