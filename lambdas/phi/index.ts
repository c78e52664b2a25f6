/**
 * The one PHI-detection module (DESIGN.md, "The assistant" step 2 and "The training wall"): the
 * chat minimizer, the free-text de-identifier and the pipeline's residual scan all call this.
 * Pure TypeScript, no I/O, no AWS imports; spans carry rule names, never matched values, so a
 * caller can log or report them.
 *
 * This entry adds the large public dictionaries (dictionaries.ts: names that are no English word,
 * unknown words after a place cue) and is what de-identification uses: the engine, the pipeline's
 * residual scan, `npm run deid` and the evaluation. lambdas/phi/light.ts has the same API and
 * detectors without them, for callers whose bundle size and cold start matter more.
 */
import { createPhiDetector } from './detect';
import { WORD_DICTIONARIES } from './dictionaries';
import { unprovenSpans } from './keep-list';

export * from './api';

// Training mode's keep-list proves words against these dictionaries, so only this entry has it.
const phi = createPhiDetector(WORD_DICTIONARIES, unprovenSpans);

/**
 * Finds identifiers in free text. Returns non-overlapping spans sorted by start; `[start, end)` are
 * UTF-16 offsets into `text`.
 */
export const detectPhi = phi.detectPhi;
/** True when `text` holds at least one identifier (the residual scan and log checks). */
export const containsPhi = phi.containsPhi;
/** Replaces every identifier with a typed placeholder (never a partial string). */
export const redactPhi = phi.redactPhi;
