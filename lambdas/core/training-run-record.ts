/**
 * Where a training run's record lives in the appState table. The admin API writes it when a run
 * starts and reads it back; the pipeline's tasks record how the run ended. One key, two writers.
 */
export function trainingRunKey(runId: string): { pk: string; sk: string } {
  return { pk: `training-run#${runId}`, sk: 'run' };
}
