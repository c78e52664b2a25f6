/**
 * The task functions' adapters, created once per container at module scope (STYLE.md practice 2):
 * S3, Secrets Manager, the run-status table and a structured logger. The PHI module is added in
 * aws-phi-deps.ts for the tasks that read free text only: its dictionaries are most of a bundle.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV } from '../../lib/contracts';
import { DynamoRunStatusRecorder, S3ObjectStore, SecretsManagerKeySource } from './aws-adapters';
import type { PipelineRunDeps } from './ports';

const logger = new Logger({ serviceName: 'wellgate-deid-pipeline' });
const appStateTable = process.env[RUNTIME_ENV.appStateTable]?.trim();

export const awsPipelineRunDeps: PipelineRunDeps = {
  store: new S3ObjectStore(new S3Client({})),
  keys: new SecretsManagerKeySource(new SecretsManagerClient({})),
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
