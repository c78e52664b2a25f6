/**
 * The API both entries of the PHI module export (lambdas/phi/index.ts, lambdas/phi/light.ts): one
 * list, so the two cannot drift apart.
 */
export { type PhiDetectorApi, placeholder, type Redaction, type RedactOptions } from './detect';
export {
  DETECT_MODES,
  type DetectMode,
  type DetectOptions,
  type KnownIdentifier,
  PHI_TYPES,
  type PhiSpan,
  type PhiType,
} from './types';
