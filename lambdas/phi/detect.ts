/**
 * The detector code of the one PHI-detection module, shared by both of its entries:
 * lambdas/phi/index.ts (with the large dictionaries) and lambdas/phi/light.ts (without them). The
 * entries differ only in the WordDictionary passed to createPhiDetector, so there is one set of
 * detectors to test and fix.
 */
import { detectKnown } from './known';
import { detectNames } from './names';
import { detectPatterns, type Emit } from './patterns';
import type { DetectOptions, PhiSpan, PhiType } from './types';
import type { WordDictionary } from './words';

/**
 * When spans overlap, the merged span takes the type of the most specific detector: a known value
 * beats a pattern, a pattern with a fixed shape beats a name guess.
 */
const PRIORITY: Readonly<Record<PhiType, number>> = {
  SSN: 10,
  EMAIL: 10,
  URL: 9,
  IP: 9,
  PHONE: 8,
  FAX: 8,
  MRN: 7,
  HEALTH_PLAN_ID: 7,
  ACCOUNT: 7,
  LICENSE: 7,
  VEHICLE_ID: 7,
  DEVICE_ID: 7,
  BIOMETRIC_ID: 7,
  PHOTO: 7,
  OTHER_ID: 6,
  DATE: 6,
  AGE: 6,
  ZIP: 5,
  ADDRESS: 4,
  NAME: 3,
};

interface Candidate extends PhiSpan {
  readonly known: boolean;
}

const better = (a: Candidate, b: Candidate): boolean => {
  if (a.known !== b.known) return a.known;
  const pa = PRIORITY[a.type];
  const pb = PRIORITY[b.type];
  if (pa !== pb) return pa > pb;
  return a.end - a.start > b.end - b.start;
};

/**
 * Merges overlapping candidates into non-overlapping spans covering their union, so a redaction
 * never leaves part of an identifier behind.
 */
function resolve(candidates: Candidate[]): PhiSpan[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PhiSpan[] = [];
  let cur: Candidate | undefined;
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (cur !== undefined && best !== undefined && c.start < cur.end) {
      if (c.end > cur.end) cur = { ...cur, end: c.end };
      if (better(c, best)) best = c;
      continue;
    }
    if (cur !== undefined && best !== undefined)
      out.push({ type: best.type, start: cur.start, end: cur.end, rule: best.rule });
    cur = c;
    best = c;
  }
  if (cur !== undefined && best !== undefined)
    out.push({ type: best.type, start: cur.start, end: cur.end, rule: best.rule });
  return out;
}

/** The typed placeholder that replaces a span: `[NAME]`, `[DATE]`, `[PHONE]`... */
export const placeholder = (type: PhiType): string => `[${type}]`;

export interface RedactOptions extends DetectOptions {
  /**
   * Replacement for one span (default: its typed placeholder). Receives the span and the original
   * text it covers, e.g. to keep a date's year; it must return a replacement for the whole span.
   */
  readonly replace?: (span: PhiSpan, original: string) => string;
}

export interface Redaction {
  readonly text: string;
  /** Spans in the ORIGINAL text's offsets. */
  readonly spans: PhiSpan[];
}

/**
 * Finds identifiers in free text. Returns non-overlapping spans sorted by start; `[start, end)` are
 * UTF-16 offsets into `text`.
 */
/**
 * The recall-first pass of training mode (keep-list.ts): the tokens of `text` that the detectors'
 * spans do not cover and that cannot be proven safe. Injected by the dictionary entry only, so the
 * light entry's bundle and cold start carry none of it.
 */
export type KeepList = (text: string, dict: WordDictionary, covered: readonly PhiSpan[]) => PhiSpan[];

function detectWith(
  dict: WordDictionary,
  keepList: KeepList | undefined,
  text: string,
  options: DetectOptions,
): PhiSpan[] {
  if (text.length === 0) return [];
  const candidates: Candidate[] = [];
  // The emit callbacks are made once (below) and read the current call's text and list from here,
  // so a call builds no closures; saved and restored in case a detector ever calls back in.
  const saved = current;
  current = { text, candidates };
  try {
    detectPatterns(text, emitPattern, options.bareYears === true);
    detectNames(text, emitPattern, dict);
    if (options.known !== undefined && options.known.length > 0) detectKnown(text, options.known, emitKnown);
  } finally {
    current = saved;
  }
  let spans = resolve(candidates);
  if (options.mode === 'training') {
    if (keepList === undefined)
      throw new Error(
        'training mode needs the dictionary entry (lambdas/phi/index.ts): the keep-list proves words against its vocabulary',
      );
    const unproven = keepList(text, dict, spans);
    if (unproven.length > 0) spans = [...spans, ...unproven].sort((a, b) => a.start - b.start);
  }
  if (options.types === undefined) return spans;
  const wanted = new Set(options.types);
  return spans.filter((s) => wanted.has(s.type));
}

let current: { readonly text: string; readonly candidates: Candidate[] } | undefined;

/** A whitespace character, as /\s/u: printable ASCII never is, so most characters skip the regex. */
const isSpace = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c > 32 && c < 127) return false;
  return i >= 0 && i < text.length && /\s/u.test(text[i] ?? '');
};

function push(type: PhiType, start: number, end: number, rule: string, known: boolean): void {
  if (current === undefined) return;
  const { text, candidates } = current;
  // Trim surrounding whitespace so a placeholder never swallows a line break.
  let s = start;
  let e = end;
  while (s < e && isSpace(text, s)) s++;
  while (e > s && isSpace(text, e - 1)) e--;
  if (e > s) candidates.push({ type, start: s, end: e, rule, known });
}

const emitPattern: Emit = (type, start, end, rule) => push(type, start, end, rule, false);
const emitKnown: Emit = (type, start, end, rule) => push(type, start, end, rule, true);

/** Replaces every identifier with a typed placeholder (never a partial string). */
function redactWith(
  dict: WordDictionary,
  keepList: KeepList | undefined,
  text: string,
  options: RedactOptions,
): Redaction {
  const spans = detectWith(dict, keepList, text, options);
  if (spans.length === 0) return { text, spans };
  const parts: string[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(text.slice(at, span.start));
    parts.push(
      options.replace !== undefined
        ? options.replace(span, text.slice(span.start, span.end))
        : placeholder(span.type),
    );
    at = span.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), spans };
}

/** The module's API, bound to one WordDictionary. */
export interface PhiDetectorApi {
  /**
   * Finds identifiers in free text. Returns non-overlapping spans sorted by start; `[start, end)`
   * are UTF-16 offsets into `text`.
   */
  detectPhi(text: string, options?: DetectOptions): PhiSpan[];
  /** True when `text` holds at least one identifier (the residual scan and log checks). */
  containsPhi(text: string, options?: DetectOptions): boolean;
  /** Replaces every identifier with a typed placeholder (never a partial string). */
  redactPhi(text: string, options?: RedactOptions): Redaction;
}

export function createPhiDetector(dict: WordDictionary, keepList?: KeepList): PhiDetectorApi {
  return {
    detectPhi: (text, options = {}) => detectWith(dict, keepList, text, options),
    containsPhi: (text, options = {}) => detectWith(dict, keepList, text, options).length > 0,
    redactPhi: (text, options = {}) => redactWith(dict, keepList, text, options),
  };
}
