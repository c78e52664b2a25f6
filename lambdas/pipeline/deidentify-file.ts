// Step Functions task (Distributed Map child): de-identify one batch of HealthLake export NDJSON
// files into the run's staging prefix with the keyed HMAC pseudonym from Secrets Manager.
// Interim: issue 5 writes the engine; until then the input is checked and the run fails closed.
import {
  DeidentifyBatchInput,
  type DeidentifyBatchOutput,
  PipelineTaskNotImplementedError,
} from './task-contracts';

export async function handler(event: unknown): Promise<DeidentifyBatchOutput> {
  const input = DeidentifyBatchInput.parse(event);
  throw new PipelineTaskNotImplementedError('deidentify-file', input.BatchInput.runId);
}
