/**
 * The task functions' adapters, created once per container at module scope (STYLE.md practice 2):
 * S3, Secrets Manager, the shared PHI module and a structured logger.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV } from '../../lib/contracts';
import { detectPhi, redactPhi } from '../phi';
import { DynamoRunStatusRecorder, S3ObjectStore, SecretsManagerKeySource } from './aws-adapters';
import type { PipelineDeps } from './ports';

const logger = new Logger({ serviceName: 'wellgate-deid-pipeline' });
const appStateTable = process.env[RUNTIME_ENV.appStateTable]?.trim();

export const awsPipelineDeps: PipelineDeps = {
  store: new S3ObjectStore(new S3Client({})),
  keys: new SecretsManagerKeySource(new SecretsManagerClient({})),
  phi: { detectPhi, redactPhi },
  log: {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
  },
  now: () => new Date(),
  // Only the tasks that end a run (validate, publish, cleanup) are given the table.
  runs: appStateTable
    ? new DynamoRunStatusRecorder(
        DynamoDBDocumentClient.from(new DynamoDBClient({}), {
          marshallOptions: { removeUndefinedValues: true },
        }),
        appStateTable,
      )
    : undefined,
  // Deployed runs never assume consent: a patient without a research Consent is left out.
  missingConsent: 'exclude',
};
