// Step Functions task: copy a validated run from staging into the training bucket, manifest last
// (file hashes, counts, config hash, engine version), removing its own partial output on failure.
// Interim: issue 5 writes the copy; until then the input is checked and the run fails closed.
import {
  PipelineTaskNotImplementedError,
  PublishDatasetInput,
  type PublishDatasetOutput,
} from './task-contracts';

export async function handler(event: unknown): Promise<PublishDatasetOutput> {
  const input = PublishDatasetInput.parse(event);
  throw new PipelineTaskNotImplementedError('publish-dataset', input.runId);
}
