/**
 * Known identifiers: values the structured record already names (the patient's and relatives'
 * names, MRN, phone, address, birth date) are removed wherever they appear in that patient's text,
 * in any case, with any spacing, and in the other usual spellings of the same value.
 */
import type { Emit } from './patterns';
import type { KnownIdentifier } from './types';

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
/** Whitespace-tolerant literal: any run of spaces in the value matches any run in the text. */
const loose = (s: string): string => s.trim().split(/\s+/u).map(esc).join('\\s+');
/** Separator-tolerant form of a code: "123-45-6789" also matches "123 45 6789" and "123456789". */
const separated = (s: string): string => [...s.replace(/[^\p{L}\p{N}]/gu, '')].map(esc).join('[\\s.\\-/]?');

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Parses the date shapes a FHIR record or a form carries: YYYY-MM-DD[...], MM/DD/YYYY. */
function parseDate(value: string): { y: number; m: number; d: number } | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})/u.exec(value.trim());
  if (iso) return { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) };
  const us = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/u.exec(value.trim());
  if (us) return { y: Number(us[3]), m: Number(us[1]), d: Number(us[2]) };
  return undefined;
}

function dateVariants(value: string): string[] {
  const p = parseDate(value);
  if (p === undefined) return [loose(value)];
  const { y, m, d } = p;
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  const yy = String(y % 100).padStart(2, '0');
  const month = MONTHS[m - 1] ?? '';
  const mon = month.slice(0, 3);
  const ord = '(?:st|nd|rd|th)?';
  return [
    `0?${m}[/.-]0?${d}[/.-](?:${y}|${yy})`,
    `${y}[/.-]${mm}[/.-]${dd}`,
    `${y}${mm}${dd}`,
    `0?${d}[/.-](?:${month}|${mon})\\.?[/.-](?:${y}|${yy})`,
    `(?:${month}|${mon})\\.?\\s+0?${d}${ord}(?:,?\\s+${y})?`,
    `0?${d}${ord}\\s+(?:of\\s+)?(?:${month}|${mon})\\.?(?:,?\\s+${y})?`,
    `0?${m}/0?${d}(?![/\\d])`,
  ];
}

function patternsFor(k: KnownIdentifier): string[] {
  const value = k.value.trim();
  if (value.length === 0) return [];
  switch (k.type) {
    case 'NAME': {
      // The whole name, and each part on its own (a note says "Mrs. Smith" or "John").
      const parts = value
        .split(/[\s,]+/u)
        .map((p) => p.replace(/\.$/u, ''))
        .filter((p) => p.length >= 2);
      return [loose(value), ...parts.map(esc)];
    }
    case 'PHONE':
    case 'FAX': {
      const digits = value.replace(/\D/gu, '');
      const local = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
      if (local.length < 7) return [loose(value)];
      // Any punctuation between groups: (555) 123-4567, 555.123.4567, +1 555 123 4567.
      return [`(?:\\+?1[\\s.-]?)?${[...local].map(esc).join('[\\s().-]{0,2}')}`];
    }
    case 'DATE':
      return dateVariants(value);
    case 'ADDRESS':
      // The full line and, for a multi-line address, each line.
      return [
        loose(value),
        ...value
          .split(/\s*[\n,]\s*/u)
          .filter((l) => l.length >= 4)
          .map(loose),
      ];
    case 'EMAIL':
    case 'URL':
      return [loose(value)];
    default:
      return /\d/u.test(value) ? [separated(value), loose(value)] : [loose(value)];
  }
}

/** Finds every occurrence of the known values in `text`. */
export function detectKnown(text: string, known: readonly KnownIdentifier[], emit: Emit): void {
  for (const k of known) {
    const alternatives = patternsFor(k);
    if (alternatives.length === 0) continue;
    // Identifier boundaries: never match inside a longer word or number.
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
    for (const m of text.matchAll(re)) {
      if (m[0].length === 0) continue;
      emit(k.type, m.index, m.index + m[0].length, 'known');
    }
  }
}
