/**
 * The one PHI-detection module without its large dictionaries: the same API and the same detectors
 * as lambdas/phi/index.ts (patterns, known identifiers, names and places from cues, capitalisation
 * and the compact lexicons), minus the two tests that need 6 MB of word lists (a name that is no
 * English word taken without a cue; an unknown word after a transfer cue taken as a care site).
 *
 * For the assistant's minimizer: it also has the patient's own identifiers from the record (known
 * identifiers) and Bedrock's guardrail PII filter behind it, and its Lambda's cold start is on the
 * chat path. De-identification for training uses lambdas/phi/index.ts.
 */
import { createPhiDetector } from './detect';
import { NO_DICTIONARY } from './words';

export * from './api';

const phi = createPhiDetector(NO_DICTIONARY);

/** Finds identifiers in free text (see lambdas/phi/index.ts). */
export const detectPhi = phi.detectPhi;
/** True when `text` holds at least one identifier. */
export const containsPhi = phi.containsPhi;
/** Replaces every identifier with a typed placeholder (never a partial string). */
export const redactPhi = phi.redactPhi;
