/**
 * The phrase matcher behind concepts and ConText triggers. A phrase is a sequence of slots; a
 * slot lists alternatives separated by "|":
 *   word    the word's Snowball stem in the phrase's language ("breathing" matches "breathe")
 *   word*   a prefix of the normalized word ("suicid*")
 *   =word   the exact normalized word (for short words whose stems collide: "=od", "=lo")
 *   #       any number
 *   #year   a number that reads as a year (1950-2035)
 * A phrase written "^a b" needs its words adjacent (no gap).
 * Consecutive slots may be separated by up to `gap` other words of the same sentence (never a
 * comma), so "lips turning blue" and "lips are blue" are one phrase "lips blue".
 */
import { foldAccents, stemEnglish, stemSpanish, type Token } from './tokens';

export type Language = 'en' | 'es';

type SlotMatcher =
  | { readonly kind: 'stem'; readonly stem: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'exact'; readonly word: string }
  | { readonly kind: 'number' }
  | { readonly kind: 'year' };

export interface CompiledPhrase {
  readonly source: string;
  readonly language: Language;
  readonly slots: readonly (readonly SlotMatcher[])[];
  readonly gap: number;
}

export interface PhraseMatch {
  /** First and last token index (inclusive). */
  readonly start: number;
  readonly end: number;
  /** The tokens the slots matched (the rest of start..end is gap). */
  readonly slots: readonly number[];
}

const DEFAULT_GAP = 2;
/** Determiners and possessives do not count against the gap: "can't move either of my legs". */
const FILLERS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'my',
  'his',
  'her',
  'their',
  'our',
  'your',
  'its',
  'of',
  'either',
  'both',
  'this',
  'that',
  'mi',
  'su',
  'sus',
  'mis',
  'el',
  'la',
  'los',
  'las',
  'un',
  'una',
  'de',
  'del',
  'al',
]);

export function compilePhrase(source: string, language: Language, gap = DEFAULT_GAP): CompiledPhrase {
  const stem = language === 'en' ? stemEnglish : stemSpanish;
  // "^" before a phrase: its words must be adjacent ("^not herself" is not "not ... hurting herself").
  const adjacent = source.startsWith('^');
  const slots = foldAccents((adjacent ? source.slice(1) : source).toLowerCase())
    .trim()
    .split(/\s+/)
    .map((slot) =>
      slot.split('|').map((alternative): SlotMatcher => {
        if (alternative === '#') return { kind: 'number' };
        if (alternative === '#year') return { kind: 'year' };
        if (alternative.startsWith('=')) return { kind: 'exact', word: alternative.slice(1) };
        if (alternative.endsWith('*')) return { kind: 'prefix', prefix: alternative.slice(0, -1) };
        return { kind: 'stem', stem: stem(alternative) };
      }),
    );
  return { source, language, slots, gap: adjacent ? 0 : gap };
}

function slotMatches(slot: readonly SlotMatcher[], token: Token, language: Language): boolean {
  if (token.only !== undefined && token.only !== language) return false;
  for (const matcher of slot) {
    switch (matcher.kind) {
      case 'number':
        if (token.value !== undefined) return true;
        break;
      case 'year':
        if (
          token.value !== undefined &&
          Number.isInteger(token.value) &&
          token.value >= 1950 &&
          token.value <= 2035
        )
          return true;
        break;
      case 'exact':
        if (token.word === matcher.word) return true;
        break;
      case 'prefix':
        if (token.word.startsWith(matcher.prefix)) return true;
        break;
      case 'stem':
        if ((language === 'en' ? token.stemEn : token.stemEs) === matcher.stem) return true;
        break;
    }
  }
  return false;
}

/** Every occurrence of the phrase in the tokens, leftmost-shortest from each start. */
export function findPhrase(phrase: CompiledPhrase, tokens: readonly Token[]): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  const [first, ...rest] = phrase.slots;
  if (!first) return matches;
  for (let start = 0; start < tokens.length; start++) {
    const token = tokens[start];
    if (!token || !slotMatches(first, token, phrase.language)) continue;
    let position = start;
    let ok = true;
    const matched = [start];
    for (const slot of rest) {
      let found = -1;
      let skipped = 0;
      for (let next = position + 1; skipped <= phrase.gap && next < tokens.length; next++) {
        const candidate = tokens[next];
        if (!candidate || candidate.sentence !== token.sentence) break;
        if (slotMatches(slot, candidate, phrase.language)) {
          found = next;
          break;
        }
        if (candidate.word === ',') break;
        if (!FILLERS.has(candidate.word)) skipped++;
      }
      if (found < 0) {
        ok = false;
        break;
      }
      position = found;
      matched.push(found);
    }
    if (ok) matches.push({ start, end: position, slots: matched });
  }
  return matches;
}
