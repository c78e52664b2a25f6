import { createHash } from 'node:crypto';
import type { MissingConsentPolicy } from './patient-context';
import { SAFE_HARBOR_RULES } from './rules';
import { ENGINE_VERSION } from './version';

/** What shapes a de-identified file besides the key: recorded as a hash so runs are comparable. */
export interface EngineConfig {
  /** Ages are computed at this year; ages over 89 fold to 90+. */
  readonly referenceYear: number;
  /** A patient with no research Consent at all: "exclude" in every deployed run. */
  readonly missingConsent: MissingConsentPolicy;
}

/** JSON with sorted keys, so equal configurations hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** Hash of the engine version, the Safe Harbor rule tables and the engine settings (never the key). */
export function engineConfigHash(config: EngineConfig): string {
  return sha256Hex(canonicalJson({ engine: ENGINE_VERSION, rules: SAFE_HARBOR_RULES, config }));
}
