/**
 * Known identifiers: values the structured record already names (the patient's and relatives'
 * names, MRN, phone, address, birth date) are removed wherever they appear in that patient's text,
 * in any case, with any spacing, and in the other usual spellings of the same value.
 *
 * Matching works on normalised tokens (maximal runs of letters and digits, lower-cased), not on a
 * regex per value: compiling and tiering up one regex per patient cost milliseconds, more than
 * scrubbing all of that patient's text. A known set is indexed once (cached by the array and by its
 * content) into a map from first token to the phrases that start with it; the text is tokenised
 * once per call and each token costs one Map lookup. Tokens are maximal, so a value never matches
 * inside a longer word or number.
 */
import { type Emit, firstMatch, nextMatch } from './patterns';
import type { KnownIdentifier, PhiType } from './types';

interface Tok {
  readonly start: number;
  readonly end: number;
  readonly lower: string;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  // exec on the shared regex, not matchAll, which clones the regex on every call.
  for (let m = firstMatch(TOKEN, text); m !== null; m = nextMatch(TOKEN, text))
    out.push({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase() });
  return out;
}

/** Whitespace runs collapse to one space so "Oriana  Vasquez" matches "oriana vasquez". */
const normGap = (gap: string): string => gap.replace(/\s+/gu, ' ');

/** A literal value: its tokens, and the (normalised) punctuation between consecutive tokens. */
interface Phrase {
  readonly type: PhiType;
  readonly tokens: readonly string[];
  readonly gaps: readonly string[];
}

/**
 * A code whose separators may vary: "123-45-6789" also as "123 45 6789" and "123456789", a phone in
 * any punctuation. `value` is its letters and digits only; `gap` tests the text between the tokens.
 */
interface Code {
  readonly type: PhiType;
  readonly value: string;
  readonly gap: RegExp;
}

interface KnownDate {
  readonly type: PhiType;
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

interface KnownIndex {
  readonly phrases: ReadonlyMap<string, readonly Phrase[]>;
  readonly codes: readonly Code[];
  readonly dates: readonly KnownDate[];
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const MONTH_TOKENS: ReadonlySet<string> = new Set([...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);

/** Parses the date shapes a FHIR record or a form carries: YYYY-MM-DD[...], MM/DD/YYYY. */
function parseDate(value: string): { y: number; m: number; d: number } | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})/u.exec(value.trim());
  if (iso) return { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) };
  const us = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/u.exec(value.trim());
  if (us) return { y: Number(us[3]), m: Number(us[1]), d: Number(us[2]) };
  return undefined;
}

function phraseOf(type: PhiType, value: string): Phrase | undefined {
  const tokens: string[] = [];
  const gaps: string[] = [];
  let last = -1;
  for (const m of value.matchAll(TOKEN)) {
    if (last >= 0) gaps.push(normGap(value.slice(last, m.index)));
    tokens.push(m[0].toLowerCase());
    last = m.index + m[0].length;
  }
  return tokens.length > 0 ? { type, tokens, gaps } : undefined;
}

const alnum = (s: string): string => s.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
const CODE_GAP = /^[\s./-]$/u;
const PHONE_GAP = /^[\s().-]{1,2}$/u;

function index(known: readonly KnownIdentifier[]): KnownIndex {
  const phrases = new Map<string, Phrase[]>();
  const codes: Code[] = [];
  const dates: KnownDate[] = [];
  const addPhrase = (type: PhiType, value: string): void => {
    const p = phraseOf(type, value);
    const first = p?.tokens[0];
    if (p === undefined || first === undefined) return;
    const list = phrases.get(first);
    if (list === undefined) phrases.set(first, [p]);
    else list.push(p);
  };
  for (const k of known) {
    const value = k.value.trim();
    if (value.length === 0) continue;
    switch (k.type) {
      case 'NAME': {
        // The whole name, and each part on its own (a note says "Mrs. Smith" or "John"), and each
        // half of a hyphenated surname ("Vasquez" of "Vasquez-Thorne").
        addPhrase(k.type, value);
        for (const part of value.split(/[\s,]+/u)) {
          const p = part.replace(/\.$/u, '');
          if (p.length >= 2) addPhrase(k.type, p);
          if (p.includes('-')) for (const half of p.split('-')) if (half.length >= 3) addPhrase(k.type, half);
        }
        break;
      }
      case 'PHONE':
      case 'FAX': {
        const digits = value.replace(/\D/gu, '');
        const local = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
        // Any punctuation between groups: (555) 123-4567, 555.123.4567, +1 555 123 4567.
        if (local.length >= 7) codes.push({ type: k.type, value: local, gap: PHONE_GAP });
        else addPhrase(k.type, value);
        break;
      }
      case 'DATE': {
        const p = parseDate(value);
        if (p === undefined) addPhrase(k.type, value);
        else dates.push({ type: k.type, ...p });
        break;
      }
      case 'ADDRESS':
        // The full line and, for a multi-line address, each line.
        addPhrase(k.type, value);
        for (const line of value.split(/\s*[\n,]\s*/u)) if (line.length >= 4) addPhrase(k.type, line);
        break;
      case 'EMAIL':
      case 'URL':
        addPhrase(k.type, value);
        break;
      default:
        addPhrase(k.type, value);
        if (/\d/u.test(value)) codes.push({ type: k.type, value: alnum(value), gap: CODE_GAP });
    }
  }
  return { phrases, codes, dates };
}

/** Indexes by the identity of the known array (callers keep one array per patient)... */
const byArray = new WeakMap<readonly KnownIdentifier[], KnownIndex>();
/** ...and by content, for callers that rebuild an equal array per call. Bounded: patients churn. */
const byContent = new Map<string, KnownIndex>();
const MAX_CACHED = 5_000;

function indexFor(known: readonly KnownIdentifier[]): KnownIndex {
  const cached = byArray.get(known);
  if (cached !== undefined) return cached;
  const key = known.map((k) => `${k.type}\u0001${k.value}`).join('\u0000');
  let idx = byContent.get(key);
  if (idx === undefined) {
    idx = index(known);
    if (byContent.size >= MAX_CACHED) byContent.clear();
    byContent.set(key, idx);
  }
  byArray.set(known, idx);
  return idx;
}

/** Tokens i..j of a phrase, with the same punctuation between them as the value has. */
function phraseEnd(text: string, toks: readonly Tok[], i: number, p: Phrase): number {
  for (let k = 1; k < p.tokens.length; k++) {
    const a = toks[i + k - 1];
    const b = toks[i + k];
    if (a === undefined || b === undefined || b.lower !== p.tokens[k]) return -1;
    if (normGap(text.slice(a.end, b.start)) !== p.gaps[k - 1]) return -1;
  }
  return i + p.tokens.length - 1;
}

/** Consecutive tokens whose letters and digits spell the code exactly. */
function codeEnd(text: string, toks: readonly Tok[], i: number, c: Code): number {
  let at = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j];
    if (t === undefined) return -1;
    if (j > i) {
      const prev = toks[j - 1];
      if (prev === undefined || !c.gap.test(text.slice(prev.end, t.start))) return -1;
    }
    if (!c.value.startsWith(t.lower, at)) return -1;
    at += t.lower.length;
    if (at === c.value.length) return j;
  }
  return -1;
}

const DATE_SEP = /^[/.-]$/u;
const isNum = (s: string | undefined, n: number): boolean => s === String(n) || s === `0${n}`;
const isYear = (s: string | undefined, y: number): boolean =>
  s === String(y) || s === String(y % 100).padStart(2, '0');
const isMonthName = (s: string | undefined, m: number): boolean => {
  const name = MONTHS[m - 1];
  return s !== undefined && name !== undefined && (s === name || s === name.slice(0, 3));
};
const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th)?$/u;
const isDay = (s: string | undefined, d: number): boolean => {
  const m = s === undefined ? null : ORDINAL.exec(s);
  return m !== null && isNum(m[1], d);
};

/** The text between two tokens; a blank line (matching no separator) when either is missing. */
const gapOf = (text: string, a: Tok | undefined, b: Tok | undefined): string =>
  a === undefined || b === undefined ? '\n\n' : text.slice(a.end, b.start);

/** The spellings of a known date: 7/9/1948, 1948-07-09, 19480709, 9-Jul-48, July 9th, 9 July 1948, 7/9. */
function dateEnd(text: string, toks: readonly Tok[], i: number, k: KnownDate): number {
  const t0 = toks[i];
  const t1 = toks[i + 1];
  const t2 = toks[i + 2];
  if (t0 === undefined) return -1;
  const g1 = gapOf(text, t0, t1);
  const g2 = gapOf(text, t1, t2);
  const { y, m, d } = k;
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  if (t0.lower === `${y}${mm}${dd}`) return i;
  // m/d/y and y-mm-dd, any of "/", ".", "-".
  if (
    isNum(t0.lower, m) &&
    DATE_SEP.test(g1) &&
    isNum(t1?.lower, d) &&
    DATE_SEP.test(g2) &&
    isYear(t2?.lower, y)
  )
    return i + 2;
  if (
    t0.lower === String(y) &&
    DATE_SEP.test(g1) &&
    t1?.lower === mm &&
    DATE_SEP.test(g2) &&
    t2?.lower === dd
  )
    return i + 2;
  // 9-Jul-1948, 09.July.48
  if (
    isNum(t0.lower, d) &&
    DATE_SEP.test(g1) &&
    isMonthName(t1?.lower, m) &&
    /^\.?[/.-]$/u.test(g2) &&
    isYear(t2?.lower, y)
  )
    return i + 2;
  // July 9th[, 1948]
  if (isMonthName(t0.lower, m) && /^\.?\s+$/u.test(g1) && isDay(t1?.lower, d)) {
    return /^,?\s+$/u.test(g2) && t2?.lower === String(y) ? i + 2 : i + 1;
  }
  // 9th [of] July[, 1948]
  if (isDay(t0.lower, d) && /^\s+$/u.test(g1)) {
    let j = i + 1;
    if (toks[j]?.lower === 'of' && /^\s+$/u.test(gapOf(text, toks[j], toks[j + 1]))) j++;
    if (isMonthName(toks[j]?.lower, m)) {
      const after = toks[j + 1];
      return /^\.?,?\s+$/u.test(gapOf(text, toks[j], after)) && after?.lower === String(y) ? j + 1 : j;
    }
  }
  // 7/9, not the start of a longer m/d/y
  if (isNum(t0.lower, m) && g1 === '/' && isNum(t1?.lower, d) && t1 !== undefined && text[t1.end] !== '/')
    return i + 1;
  return -1;
}

/** Emits tokens i..j as a known value when a matcher found one (j >= i); a function, not a closure per token. */
function emitTo(emit: Emit, toks: readonly Tok[], t: Tok, i: number, type: PhiType, j: number): void {
  const last = toks[j];
  if (j >= i && last !== undefined) emit(type, t.start, last.end, 'known');
}

/** Finds every occurrence of the known values in `text`. */
export function detectKnown(text: string, known: readonly KnownIdentifier[], emit: Emit): void {
  if (known.length === 0) return;
  const idx = indexFor(known);
  const toks = tokenize(text);
  const hasDigits = idx.codes.length > 0 || idx.dates.length > 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t === undefined) continue;
    const phrases = idx.phrases.get(t.lower);
    if (phrases !== undefined)
      for (const p of phrases) emitTo(emit, toks, t, i, p.type, phraseEnd(text, toks, i, p));
    if (!hasDigits) continue;
    for (const c of idx.codes)
      if (c.value.startsWith(t.lower)) emitTo(emit, toks, t, i, c.type, codeEnd(text, toks, i, c));
    // Every date spelling starts with a number or a month name.
    const c = t.lower.charCodeAt(0);
    if ((c >= 48 && c <= 57) || MONTH_TOKENS.has(t.lower))
      for (const k of idx.dates) emitTo(emit, toks, t, i, k.type, dateEnd(text, toks, i, k));
  }
}
