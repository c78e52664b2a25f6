/**
 * The audit fallback queue in AWS: an SQS queue (KMS-encrypted, TLS only, with a dead-letter
 * queue: lib/constructs/audit-fallback-queue.ts) whose consumer, lambdas/handlers/audit-fallback.ts,
 * appends each event to the audit trail once.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyUnavailable } from '../core/errors';
import type { AuditEvent, AuditFallbackQueue } from '../core/ports';

export interface SqsAuditFallbackQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

export class SqsAuditFallbackQueue implements AuditFallbackQueue {
  constructor(private readonly options: SqsAuditFallbackQueueOptions) {}

  async enqueue(event: AuditEvent): Promise<void> {
    try {
      await this.options.client.send(
        new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: JSON.stringify(event) }),
      );
    } catch (error) {
      throw new DependencyUnavailable('audit', 2, { cause: error });
    }
  }
}
