// Step Functions task: residual-PHI scan, k-anonymity (generalizing further when needed) and bias
// report over the run's staging output; writes the run report and answers whether the run passed.
// Consent was applied by deidentify-file, which reads every Consent of the export.
import { awsPipelineDeps } from './aws-phi-deps';
import { ValidateRunInput, type ValidateRunOutput } from './task-contracts';
import { validateRun } from './tasks';

export async function handler(event: unknown): Promise<ValidateRunOutput> {
  return validateRun(ValidateRunInput.parse(event), awsPipelineDeps);
}
