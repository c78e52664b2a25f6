/**
 * The run report (validate-run writes it, publish-dataset requires passed = true, the admin API
 * returns it). Counts, rule names, resource types and paths only: never a value, never the key.
 */
import { z } from 'zod';
import { PHI_TYPES } from '../phi/types';
import { DEMOGRAPHIC_DIMENSIONS } from './demographics';

const count = z.number().int().nonnegative();
const distribution = z.record(z.string(), count);
export const DemographicCountsSchema = z.object({
  ageBand: distribution,
  sex: distribution,
  race: distribution,
  ethnicity: distribution,
});

/** Per-file sidecar written by deidentify-file next to its output (`<data>/_stats/<file>.json`). */
export const FileStatsSchema = z.object({
  sourceKey: z.string(),
  outputKey: z.string(),
  engineVersion: z.string(),
  engineConfigHash: z.string(),
  referenceYear: z.number().int(),
  resourcesIn: count,
  resourcesOut: count,
  excludedByConsent: count,
  excludedByType: count,
  patientsIn: count,
  patientsExcluded: count,
  freeTextFields: count,
  redactedSpans: z.record(z.string(), count),
  binaryAttachmentsRemoved: count,
  agesFolded: count,
  sourceDemographics: DemographicCountsSchema,
});
export type FileStats = z.infer<typeof FileStatsSchema>;

const shift = z.object({
  group: z.string(),
  sourceShare: z.number(),
  outputShare: z.number(),
  shift: z.number(),
  flagged: z.boolean(),
  /** Patients of the group suppressed for k-anonymity. */
  suppressed: count,
});

export const RunReportSchema = z.object({
  runId: z.string(),
  passed: z.boolean(),
  /** Why the run failed: stable codes. */
  failures: z.array(
    z.enum(['residual-phi', 'k-anonymity', 'empty-dataset', 'inconsistent-engine-config', 'no-files']),
  ),
  engineVersion: z.string(),
  engineConfigHash: z.string(),
  configHash: z.string(),
  referenceYear: z.number().int(),
  createdAt: z.string(),
  files: z.array(z.object({ key: z.string(), sha256: z.string(), bytes: count, resources: count })),
  counts: z.object({
    resourcesIn: count,
    resourcesOut: count,
    excludedByConsent: count,
    excludedByType: count,
    patientsIn: count,
    patientsExcludedForConsent: count,
    /** Patients left out for k-anonymity, and every resource referencing them. */
    patientsSuppressed: count,
    resourcesSuppressed: count,
    patientsOut: count,
    freeTextFields: count,
    redactedSpans: z.record(z.string(), count),
    binaryAttachmentsRemoved: count,
    agesFolded: count,
  }),
  residual: z.object({
    passed: z.boolean(),
    count,
    stringsScanned: count,
    findings: z.array(
      z.object({
        rule: z.string(),
        type: z.enum(PHI_TYPES),
        resourceType: z.string(),
        path: z.string(),
        file: z.string(),
        line: count,
      }),
    ),
  }),
  kAnonymity: z.object({
    target: z.number().int(),
    patients: count,
    kBefore: z.number().nullable(),
    kAfter: z.number().nullable(),
    level: z.number().int().nullable(),
    generalization: z
      .object({
        level: z.number().int(),
        age: z.union([z.number(), z.literal('broad')]),
        geo: z.enum(['zip3', 'state']),
      })
      .nullable(),
    passed: z.boolean(),
    /** The suppression budget, a share of patients. */
    maxSuppression: z.number().min(0).max(1),
    /** Patients suppressed at the chosen level. */
    suppressed: count,
    /** The smallest budget with which some level reaches the target; null when none can. */
    suppressionNeeded: z.number().nullable(),
    levels: z.array(
      z.object({
        level: z.number().int(),
        k: count,
        suppressed: count,
        kSuppressed: z.number().int().nullable(),
      }),
    ),
    /** Why no level was chosen (counts and shares only). */
    message: z.string().optional(),
  }),
  bias: z.object({
    threshold: z.number(),
    dimensions: z.object(
      Object.fromEntries(DEMOGRAPHIC_DIMENSIONS.map((d) => [d, z.array(shift)])) as Record<
        (typeof DEMOGRAPHIC_DIMENSIONS)[number],
        z.ZodArray<typeof shift>
      >,
    ),
    flagged: z.array(
      z.object({ dimension: z.enum(DEMOGRAPHIC_DIMENSIONS), group: z.string(), shift: z.number() }),
    ),
    patientsSuppressed: count,
    source: DemographicCountsSchema,
    output: DemographicCountsSchema,
    /** The groups of the patients suppressed for k-anonymity. */
    suppressed: DemographicCountsSchema,
  }),
});
export type RunReport = z.infer<typeof RunReportSchema>;
