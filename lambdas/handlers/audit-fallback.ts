// Lambda entry for the audit fallback queue (SQS event source, partial batch responses): appends
// each audit event deferred while the audit trail was down, once, to the audit table.
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAuditFallbackConsumer } from '../api/audit-fallback-consumer';
import { auditReplaySinkFromEnvironment, createLogger } from '../api/composition';

const consumer = createAuditFallbackConsumer({
  sink: auditReplaySinkFromEnvironment(),
  logger: createLogger(),
});

export const handler = middy<SQSEvent, SQSBatchResponse>().handler((event) => consumer(event));
