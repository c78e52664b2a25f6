import { z } from 'zod';

/**
 * The contract between `stepfunctions/deid-pipeline.asl.json` and the pipeline task handlers:
 * what each Task state sends and what the state machine reads back. Only keys, ids, counts and
 * settings cross it, never record content and never the pseudonym key itself.
 */

const s3Key = z.string().min(1).max(1024);
const bucket = z.string().min(3).max(63);
const runId = z.string().min(1).max(80);

/** One object from the Distributed Map's S3 ListObjectsV2 item reader. */
export const ExportedObject = z.object({ Key: s3Key, Size: z.number().int().nonnegative() }).loose();

/** Child execution input of the Distributed Map (ItemBatcher: `Items` + `BatchInput`). */
export const DeidentifyBatchInput = z.object({
  Items: z.array(ExportedObject).min(1),
  BatchInput: z.object({
    runId,
    exportBucket: bucket,
    stagingBucket: bucket,
    stagingDataPrefix: s3Key,
    pseudonymKeySecretArn: z.string().startsWith('arn:'),
    /**
     * Every key of the run's export listing (the ListExport state). The task reads the Patient,
     * RelatedPerson and Consent files among them first: consent and the patients' known
     * identifiers live in other files than the batch's own. Optional for compatibility; a batch
     * without it fails closed (consent could not be checked).
     */
    exportKeys: z.array(s3Key).optional(),
    /** ListObjectsV2 stopped at 1,000 keys: the listing is incomplete, so the batch fails closed. */
    exportListingTruncated: z.boolean().optional(),
  }),
});
export type DeidentifyBatchInput = z.infer<typeof DeidentifyBatchInput>;

export const DeidentifyBatchOutput = z.object({
  files: z.array(z.object({ sourceKey: s3Key, outputKey: s3Key, resources: z.number().int().nonnegative() })),
});
export type DeidentifyBatchOutput = z.infer<typeof DeidentifyBatchOutput>;

export const ValidateRunInput = z.object({
  runId,
  stagingBucket: bucket,
  stagingPrefix: s3Key,
  stagingDataPrefix: s3Key,
  kAnonymity: z.number().int().min(2),
  biasShiftThreshold: z.number().min(0).max(1),
  /**
   * Share of patients that may be suppressed (with all their resources) to reach k; the
   * configuration's default (training.maxSuppression) when the state machine does not send it.
   */
  maxSuppression: z.number().min(0).max(1).default(0.05),
});
export type ValidateRunInput = z.infer<typeof ValidateRunInput>;

/** `passed` drives the ValidationPassed Choice: the only way to PublishDataset. */
export const ValidateRunOutput = z.object({ passed: z.boolean(), reportKey: s3Key });
export type ValidateRunOutput = z.infer<typeof ValidateRunOutput>;

export const PublishDatasetInput = z.object({
  runId,
  stagingBucket: bucket,
  stagingDataPrefix: s3Key,
  reportKey: s3Key,
  trainingBucket: bucket,
  datasetPrefix: s3Key,
});
export type PublishDatasetInput = z.infer<typeof PublishDatasetInput>;

export const PublishDatasetOutput = z.object({
  manifestKey: s3Key,
  trainingDataUri: z.string().startsWith('s3://'),
});
export type PublishDatasetOutput = z.infer<typeof PublishDatasetOutput>;

export const CleanupStagingInput = z.object({ runId, stagingBucket: bucket, stagingDataPrefix: s3Key });
export type CleanupStagingInput = z.infer<typeof CleanupStagingInput>;

export const CleanupStagingOutput = z.object({ deletedObjects: z.number().int().nonnegative() });
export type CleanupStagingOutput = z.infer<typeof CleanupStagingOutput>;
