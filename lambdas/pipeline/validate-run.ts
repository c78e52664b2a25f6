// Step Functions task: residual-PHI scan, k-anonymity, consent filter and bias report over the
// run's staging output; writes the run report next to it and answers whether the run passed.
// Interim: issue 5 writes the validation; until then the input is checked and the run fails closed.
import { PipelineTaskNotImplementedError, ValidateRunInput, type ValidateRunOutput } from './task-contracts';

export async function handler(event: unknown): Promise<ValidateRunOutput> {
  const input = ValidateRunInput.parse(event);
  throw new PipelineTaskNotImplementedError('validate-run', input.runId);
}
