// Step Functions task on every failure path: delete every object version under the run's staging
// data prefix so de-identified but unvalidated output does not outlive a failed run.
import { awsPipelineRunDeps } from './aws-deps';
import { CleanupStagingInput, type CleanupStagingOutput } from './task-contracts';
import { cleanupStaging } from './tasks';

export async function handler(event: unknown): Promise<CleanupStagingOutput> {
  return cleanupStaging(CleanupStagingInput.parse(event), awsPipelineRunDeps);
}
