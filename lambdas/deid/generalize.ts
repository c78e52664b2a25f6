/**
 * Safe Harbor generalizations, 45 CFR 164.514(b)(2)(i)(B) (geographic units) and (C) (dates and
 * ages). Pure functions of their input so every rule is property-testable.
 */

/**
 * ZIP3 prefixes whose combined population was 20,000 or fewer in the 2000 Census: Safe Harbor
 * requires "000" for them (164.514(b)(2)(i)(B)(2)); HHS lists these 17 in its de-identification
 * guidance (section 3.3).
 */
export const RESTRICTED_ZIP3 = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);

const US_ZIP = /^(\d{3})\d{2}(?:-?\d{4})?$/;

/**
 * A US ZIP (5 or 9 digits) → its first three digits, or "000" for a restricted prefix. Anything
 * else (a foreign or malformed postal code) → undefined: the caller removes the element, since
 * only the US 3-digit form is an allowed geographic unit.
 */
export function zip3(postalCode: string): string | undefined {
  const match = US_ZIP.exec(postalCode.trim());
  if (!match) return undefined;
  const prefix = match[1] as string;
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
}

/**
 * FHIR date / dateTime / instant with at least a month: YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss(.s)(zone).
 * A bare year is already what Safe Harbor allows and passes untouched.
 */
const FHIR_DATE_WITH_MONTH =
  /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$/;

/** Cheap pre-check before the regex: most strings are not dates. */
export function looksLikeFhirDate(value: string): boolean {
  if (value.length < 7 || value.charCodeAt(4) !== 45 /* - */) return false;
  const c0 = value.charCodeAt(0);
  return c0 >= 48 && c0 <= 57 && FHIR_DATE_WITH_MONTH.test(value);
}

/** Every date element except the year is removed (164.514(b)(2)(i)(C)). */
export function toYear(value: string): string {
  return value.slice(0, 4);
}

/** Safe Harbor folds every age over 89 into one category (164.514(b)(2)(i)(C)). */
export const OLDEST_AGE = 90;
export const OLDEST_BAND = '90+';

/** Age in whole years at the reference year, from a birth year (the most the output keeps). */
export function ageAt(birthYear: number, referenceYear: number): number {
  return Math.max(0, referenceYear - birthYear);
}

export function isOverEightyNine(birthYear: number, referenceYear: number): boolean {
  return ageAt(birthYear, referenceYear) > 89;
}

/** Age bands used by k-anonymity generalization and the bias report. */
export type BandWidth = 1 | 5 | 10 | 20 | 'broad';

/** Unions of the 20-year bands, so every step of the k-anonymity ladder only merges classes. */
const BROAD_BANDS: ReadonlyArray<readonly [number, number]> = [
  [0, 39],
  [40, 59],
  [60, 89],
];

/** The band label for an age; every age over 89 is "90+" whatever the width. */
export function ageBand(age: number, width: BandWidth): string {
  if (age > 89) return OLDEST_BAND;
  if (width === 1) return String(age);
  if (width === 'broad') {
    const band = BROAD_BANDS.find(([lo, hi]) => age >= lo && age <= hi) ?? [60, 89];
    return `${band[0]}-${band[1]}`;
  }
  const lo = Math.floor(age / width) * width;
  return `${lo}-${Math.min(lo + width - 1, 89)}`;
}

/**
 * An Age / Quantity in years over 89 → 90 with comparator ">=" (the single "90 or older"
 * category). Returns undefined when the quantity is not an age in years.
 */
const YEAR_UNITS = new Set(['a', 'yr', 'yrs', 'year', 'years', 'ann']);
export function foldAgeQuantity(quantity: { value?: unknown; unit?: unknown; code?: unknown }): boolean {
  const unit = typeof quantity.code === 'string' ? quantity.code : quantity.unit;
  if (typeof unit !== 'string' || !YEAR_UNITS.has(unit.toLowerCase())) return false;
  return typeof quantity.value === 'number' && quantity.value > 89;
}
