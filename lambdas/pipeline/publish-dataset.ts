// Step Functions task: copy a validated run from staging into the training bucket, manifest last
// (file hashes, counts, config hash, engine version), removing its own partial output on failure.
import { awsPipelineRunDeps } from './aws-deps';
import { PublishDatasetInput, type PublishDatasetOutput } from './task-contracts';
import { publishDataset } from './tasks';

export async function handler(event: unknown): Promise<PublishDatasetOutput> {
  return publishDataset(PublishDatasetInput.parse(event), awsPipelineRunDeps);
}
