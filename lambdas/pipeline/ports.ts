/**
 * Ports of the pipeline tasks (DESIGN.md: services depend on ports, never on a concrete client).
 * S3 and Secrets Manager in AWS (aws-adapters.ts); a folder and a key file locally (local-adapters.ts).
 */
import type { PhiDetector } from '../deid/phi-port';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
}

export interface WriteResult {
  readonly bytes: number;
  /** SHA-256 of the written bytes (hex): the manifest's file hashes. */
  readonly sha256: string;
}

export interface ObjectStore {
  /** The object's bytes, streamed. */
  read(bucket: string, key: string): AsyncIterable<Uint8Array>;
  /** Writes from chunks, streamed (S3: multipart above one part), and hashes what it wrote. */
  write(bucket: string, key: string, body: AsyncIterable<string | Uint8Array> | string): Promise<WriteResult>;
  list(bucket: string, prefix: string): AsyncIterable<StoredObject>;
  /** Deletes every object (every version, in a versioned bucket) under the prefix; returns how many. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  delete(bucket: string, keys: readonly string[]): Promise<void>;
}

/** The HMAC key behind every pseudonym. Never logged, never in state data, outputs or reports. */
export interface PseudonymKeySource {
  getKey(secretId: string): Promise<string>;
}

/** Structured task log: messages and counts/keys only, never record content (no PHI). */
export interface PipelineLog {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
}

/** What an admin reads back from `GET /v1/admin/training-runs/{runId}`: figures, never PHI. */
export interface RunOutcome {
  readonly status: 'published' | 'failed';
  readonly finishedAt: string;
  readonly report?: {
    readonly passed: boolean;
    readonly failures: readonly string[];
    readonly patientsOut: number;
    readonly patientsExcludedForConsent: number;
    /** Patients left out for k-anonymity (with every resource referencing them). */
    readonly patientsSuppressed?: number;
    readonly k: number | null;
    readonly residualFindings: number;
    readonly manifestKey?: string;
  };
}

/**
 * Records how a run ended where the admin API reads it (appState in AWS, a file locally).
 * The first outcome wins: a failed validation's report is not overwritten by the cleanup that
 * follows it on the Catch path.
 */
export interface RunStatusRecorder {
  finish(runId: string, outcome: RunOutcome): Promise<void>;
}

/**
 * What every task needs. The tasks that only move or delete objects (publish, cleanup) take this
 * alone, so their bundles carry none of the PHI module's dictionaries.
 */
export interface PipelineRunDeps {
  readonly store: ObjectStore;
  readonly keys: PseudonymKeySource;
  readonly log: PipelineLog;
  readonly now: () => Date;
  /** Where the run's outcome is recorded for the admin API; runs without one are not recorded. */
  readonly runs?: RunStatusRecorder;
  /** "include" only for synthetic data without Consent resources (local runs); AWS always excludes. */
  readonly missingConsent?: 'exclude' | 'include';
  /** Called once per de-identified file (the local runner prints a progress line). */
  readonly onFile?: (file: {
    sourceKey: string;
    outputKey: string;
    resourcesIn: number;
    resourcesOut: number;
  }) => void;
}

/** The tasks that read free text (de-identify, validate) also get the PHI module. */
export interface PipelineDeps extends PipelineRunDeps {
  readonly phi: PhiDetector;
}
