/**
 * The repeat pass: a rare word or a site's name that a cue showed to be a name or a place is taken
 * again wherever else the same text uses it. detectNames (names.ts) runs it last, over the spans
 * its own rules and the place detector found.
 */
import { CLINICAL_WORDS, COMMON_WORDS } from './lexicon';
import type { Emit } from './patterns';
import type { PhiType } from './types';
import { blanks, FACILITY_WORD, repeatable, type Token, type WordDictionary } from './words';

/** A span a detector reported, recorded so the repeat pass can find its words again. */
export interface Found {
  readonly type: PhiType;
  readonly start: number;
  readonly end: number;
}

/**
 * Notes name a person or a site once with a cue and then bare ("transferred to Zorvath 3 ...
 * zorvath team aware"). A word in no dictionary that a cue already showed to be a name or a site is
 * taken wherever else it appears in the text; so is a rare capitalised word right after "of" behind
 * a name ("daughter Grace of Elmsworth"), which is where she lives.
 */
export function repeatNames(
  text: string,
  tokens: readonly Token[],
  found: Found[],
  emit: Emit,
  dict: WordDictionary,
): void {
  if (found.length === 0) return;
  found.sort((a, b) => a.start - b.start);
  const words = new Map<string, PhiType>();
  const nameEnds = new Set<number>();
  const siteTokens = new Map<Found, number[]>();
  let f = 0;
  const covered: boolean[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    while (f < found.length && (found[f]?.end ?? 0) <= t.start) f++;
    let inside = false;
    for (let k = f; k < found.length; k++) {
      const span = found[k];
      if (span === undefined || span.start >= t.end) break;
      inside = true;
      if (repeatable(t, dict) && !words.has(t.lower)) words.set(t.lower, span.type);
      if (span.type === 'NAME' && span.end === t.end) nameEnds.add(i);
      if (span.type === 'ADDRESS') {
        const at = siteTokens.get(span);
        if (at === undefined) siteTokens.set(span, [i]);
        else at.push(i);
      }
    }
    covered.push(inside);
  }
  const phrases = sitePhrases(tokens, siteTokens);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || covered[i] === true) continue;
    const phraseEnd = repeatedPhrase(text, tokens, i, phrases.get(t.lower), covered);
    if (phraseEnd > i) {
      const b = tokens[phraseEnd];
      if (b !== undefined) emit('ADDRESS', t.start, b.end, 'site-repeat');
      i = phraseEnd;
      continue;
    }
    const type = words.get(t.lower);
    if (type !== undefined) {
      emit(type, t.start, t.end, type === 'NAME' ? 'name-repeat' : 'site-repeat');
      continue;
    }
    const of = tokens[i - 1];
    if (
      of?.lower === 'of' &&
      nameEnds.has(i - 2) &&
      (t.mode === 'mixed' ? t.cap : true) &&
      repeatable(t, dict) &&
      !t.distinct &&
      blanks(text, of.end, t.start, 1, 1)
    )
      emit('ADDRESS', t.start, t.end, 'place-of');
  }
}

/**
 * The names of sites found in this text, two words or more without their head word ("Warren Grant"
 * of "Warren Grant hosp."), keyed by first word: the same words elsewhere in the text name the same
 * site even where no cue or head word does ("sent to Warren Grant EW").
 */
function sitePhrases(
  tokens: readonly Token[],
  siteTokens: ReadonlyMap<Found, number[]>,
): Map<string, string[][]> {
  const phrases = new Map<string, string[][]>();
  for (const indices of siteTokens.values()) {
    const words = indices.map((k) => tokens[k]?.lower ?? '');
    while (words.length > 0 && FACILITY_WORD.has(words[words.length - 1] ?? '')) words.pop();
    if (words.length < 2 || words.some((w) => COMMON_WORDS.has(w) || CLINICAL_WORDS.has(w))) continue;
    const first = words[0] ?? '';
    const list = phrases.get(first);
    if (list === undefined) phrases.set(first, [words]);
    else list.push(words);
  }
  return phrases;
}

/** The last index of a known site phrase starting at tokens[i] (uncovered, blank-separated), or -1. */
function repeatedPhrase(
  text: string,
  tokens: readonly Token[],
  i: number,
  candidates: readonly string[][] | undefined,
  covered: readonly boolean[],
): number {
  if (candidates === undefined) return -1;
  for (const words of candidates) {
    let k = 1;
    for (; k < words.length; k++) {
      const prev = tokens[i + k - 1];
      const cur = tokens[i + k];
      if (prev === undefined || cur === undefined || cur.lower !== words[k] || covered[i + k] === true) break;
      if (!blanks(text, prev.end, cur.start, 1, 2)) break;
    }
    if (k === words.length) return i + k - 1;
  }
  return -1;
}
