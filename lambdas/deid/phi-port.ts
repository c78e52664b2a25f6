import type { DetectOptions, PhiSpan } from '../phi/types';

/**
 * The engine's view of the one PHI-detection module (lambdas/phi, DESIGN.md: "never write the
 * detectors twice"). Injected so the engine stays pure and tests can pass the real module.
 */
export interface PhiDetector {
  detectPhi(text: string, options?: DetectOptions): readonly PhiSpan[];
  redactPhi(text: string, options?: DetectOptions): { text: string; spans: readonly PhiSpan[] };
}
