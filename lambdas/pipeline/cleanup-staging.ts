// Step Functions task on every failure path: delete every object version under the run's staging
// data prefix so de-identified but unvalidated output does not outlive a failed run.
// Interim: issue 5 writes the deletion; until then the input is checked and the task fails.
import {
  CleanupStagingInput,
  type CleanupStagingOutput,
  PipelineTaskNotImplementedError,
} from './task-contracts';

export async function handler(event: unknown): Promise<CleanupStagingOutput> {
  const input = CleanupStagingInput.parse(event);
  throw new PipelineTaskNotImplementedError('cleanup-staging', input.runId);
}
