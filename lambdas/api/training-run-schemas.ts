/**
 * The training-run routes' schemas, apart from their implementation so the OpenAPI document (built
 * in the public function) describes them without loading Step Functions or DynamoDB clients.
 */
import { z } from 'zod';

export const TRAINING_RUN_STATUSES = ['started', 'published', 'failed'] as const;

/** Step Functions execution names: 1-80 of [A-Za-z0-9-_]; the ASL derives every S3 prefix from it. */
const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);

export const TrainingRunParams = z.object({ runId: RunId });
export const StartTrainingRunBody = z.object({}).strict();

export const TrainingRunSchema = z.object({
  runId: RunId,
  status: z.enum(TRAINING_RUN_STATUSES),
  startedAt: z.string(),
  startedBy: z.string(),
  /** Filled in when the run ends (report figures only; the full report stays in staging/training). */
  finishedAt: z.string().optional(),
  report: z
    .object({
      passed: z.boolean(),
      failures: z.array(z.string()),
      patientsOut: z.number().int().nonnegative(),
      patientsExcludedForConsent: z.number().int().nonnegative(),
      /** Patients left out, with all their resources, so that every class reaches k. */
      patientsSuppressed: z.number().int().nonnegative().optional(),
      k: z.number().nullable(),
      residualFindings: z.number().int().nonnegative(),
      manifestKey: z.string().optional(),
    })
    .optional(),
});
export type TrainingRun = z.infer<typeof TrainingRunSchema>;
