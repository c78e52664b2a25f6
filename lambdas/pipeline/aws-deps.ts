/**
 * The task functions' adapters, created once per container at module scope (STYLE.md practice 2):
 * S3, Secrets Manager, the shared PHI module and a structured logger.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { detectPhi, redactPhi } from '../phi';
import { S3ObjectStore, SecretsManagerKeySource } from './aws-adapters';
import type { PipelineDeps } from './ports';

const logger = new Logger({ serviceName: 'wellgate-deid-pipeline' });

export const awsPipelineDeps: PipelineDeps = {
  store: new S3ObjectStore(new S3Client({})),
  keys: new SecretsManagerKeySource(new SecretsManagerClient({})),
  phi: { detectPhi, redactPhi },
  log: {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
  },
  now: () => new Date(),
  // Deployed runs never assume consent: a patient without a research Consent is left out.
  missingConsent: 'exclude',
};
