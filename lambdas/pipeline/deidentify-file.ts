// Step Functions task (Distributed Map child): de-identify one batch of HealthLake export NDJSON
// files into the run's staging prefix with the keyed HMAC pseudonym key from Secrets Manager.
import { awsPipelineDeps } from './aws-phi-deps';
import { DeidentifyBatchInput, type DeidentifyBatchOutput } from './task-contracts';
import { deidentifyBatch } from './tasks';

export async function handler(event: unknown): Promise<DeidentifyBatchOutput> {
  return deidentifyBatch(DeidentifyBatchInput.parse(event), awsPipelineDeps);
}
