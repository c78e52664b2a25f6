/** Demographic groups for the bias report and quasi-identifiers for k-anonymity, from a Patient. */
import { asArray, isObject, type JsonObject, str } from './fhir-json';
import { ageAt, ageBand } from './generalize';
import { AGE_BAND_EXTENSION } from './rules';

const RACE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';
const ETHNICITY = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity';

export interface Demographics {
  readonly ageBand: string;
  readonly sex: string;
  readonly race: string;
  readonly ethnicity: string;
}

export const DEMOGRAPHIC_DIMENSIONS = ['ageBand', 'sex', 'race', 'ethnicity'] as const;
export type DemographicDimension = (typeof DEMOGRAPHIC_DIMENSIONS)[number];

/** Birth year from birthDate (source or de-identified, both start with the year). */
export function birthYearOf(patient: JsonObject): number | undefined {
  const birth = str(patient['birthDate']);
  return birth && /^\d{4}/.test(birth) ? Number(birth.slice(0, 4)) : undefined;
}

/** The age-band extension the engine or k-anonymity wrote in place of a birth year. */
export function ageBandExtensionOf(patient: JsonObject): string | undefined {
  for (const ext of asArray(patient['extension']))
    if (isObject(ext) && ext['url'] === AGE_BAND_EXTENSION) return str(ext['valueString']);
  return undefined;
}

function ombDisplay(patient: JsonObject, url: string): string {
  for (const ext of asArray(patient['extension'])) {
    if (!isObject(ext) || ext['url'] !== url) continue;
    for (const sub of asArray(ext['extension'])) {
      if (isObject(sub) && sub['url'] === 'ombCategory' && isObject(sub['valueCoding']))
        return str(sub['valueCoding']['display']) ?? str(sub['valueCoding']['code']) ?? 'unknown';
    }
  }
  return 'unknown';
}

/** Ten-year age bands (90+ folded) so source and output compare on the same groups. */
export function demographicsOf(patient: JsonObject, referenceYear: number): Demographics {
  const year = birthYearOf(patient);
  const band =
    year !== undefined ? ageBand(ageAt(year, referenceYear), 10) : (ageBandExtensionOf(patient) ?? 'unknown');
  return {
    ageBand: band,
    sex: str(patient['gender']) ?? 'unknown',
    race: ombDisplay(patient, RACE),
    ethnicity: ombDisplay(patient, ETHNICITY),
  };
}

export type Distribution = Record<string, number>;
export type DemographicCounts = Record<DemographicDimension, Distribution>;

export const emptyCounts = (): DemographicCounts => ({ ageBand: {}, sex: {}, race: {}, ethnicity: {} });

export function countInto(counts: DemographicCounts, d: Demographics): void {
  for (const dim of DEMOGRAPHIC_DIMENSIONS) counts[dim][d[dim]] = (counts[dim][d[dim]] ?? 0) + 1;
}

export function mergeCounts(into: DemographicCounts, from: DemographicCounts): void {
  for (const dim of DEMOGRAPHIC_DIMENSIONS)
    for (const [group, n] of Object.entries(from[dim])) into[dim][group] = (into[dim][group] ?? 0) + n;
}
