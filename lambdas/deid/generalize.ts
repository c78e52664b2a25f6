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
export const FHIR_DATE_WITH_MONTH =
  /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$/;

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * FHIR_DATE_WITH_MONTH.test(value), character by character: every string value of every resource
 * is tested, and a date-shaped one (most timestamps) went through a RegExp call. The property
 * test in deid-fast-paths checks both agree.
 */
export function looksLikeFhirDate(value: string): boolean {
  const n = value.length;
  if (n < 7 || value.charCodeAt(4) !== 45 /* - */) return false;
  if (!isDigitAt(value, 0) || !isDigitAt(value, 1) || !isDigitAt(value, 2) || !isDigitAt(value, 3))
    return false;
  // Month: 01-09 | 10-12.
  const m1 = value.charCodeAt(5);
  const m2 = value.charCodeAt(6);
  if (m1 === 48 /* 0 */) {
    if (m2 < 49 || m2 > 57) return false;
  } else if (m1 === 49 /* 1 */) {
    if (m2 < 48 || m2 > 50) return false;
  } else return false;
  if (n === 7) return true;
  // Day: 01-09 | 10-29 | 30-31.
  if (n < 10 || value.charCodeAt(7) !== 45) return false;
  const d1 = value.charCodeAt(8);
  const d2 = value.charCodeAt(9);
  if (d1 === 48) {
    if (d2 < 49 || d2 > 57) return false;
  } else if (d1 === 49 || d1 === 50) {
    if (d2 < 48 || d2 > 57) return false;
  } else if (d1 === 51) {
    if (d2 !== 48 && d2 !== 49) return false;
  } else return false;
  if (n === 10) return true;
  // Thh:mm
  if (n < 16 || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(13) !== 58 /* : */) return false;
  if (!isDigitAt(value, 11) || !isDigitAt(value, 12) || !isDigitAt(value, 14) || !isDigitAt(value, 15))
    return false;
  let i = 16;
  // (:ss(.s+)?)?
  if (i < n && value.charCodeAt(i) === 58) {
    if (i + 3 > n || !isDigitAt(value, i + 1) || !isDigitAt(value, i + 2)) return false;
    i += 3;
    if (i < n && value.charCodeAt(i) === 46 /* . */) {
      let j = i + 1;
      while (j < n && isDigitAt(value, j)) j++;
      if (j === i + 1) return false;
      i = j;
    }
  }
  if (i === n) return true;
  // (Z|[+-]hh:mm)?
  const z = value.charCodeAt(i);
  if (z === 90 /* Z */) return i + 1 === n;
  if (z !== 43 /* + */ && z !== 45 /* - */) return false;
  return (
    i + 6 === n &&
    isDigitAt(value, i + 1) &&
    isDigitAt(value, i + 2) &&
    value.charCodeAt(i + 3) === 58 &&
    isDigitAt(value, i + 4) &&
    isDigitAt(value, i + 5)
  );
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
/** The longest of YEAR_UNITS: lower-casing never shortens a string, so longer units are not years. */
const LONGEST_YEAR_UNIT = Math.max(...[...YEAR_UNITS].map((u) => u.length));
export function foldAgeQuantity(quantity: { value?: unknown; unit?: unknown; code?: unknown }): boolean {
  // The value first: most quantities (89 or less) need no unit test and no lower-cased copy.
  if (typeof quantity.value !== 'number' || !(quantity.value > 89)) return false;
  const unit = typeof quantity.code === 'string' ? quantity.code : quantity.unit;
  return typeof unit === 'string' && unit.length <= LONGEST_YEAR_UNIT && YEAR_UNITS.has(unit.toLowerCase());
}
