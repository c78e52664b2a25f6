/**
 * Large public lexicons for the Philter-style "safe word" test: a word that is neither English nor
 * clinical vocabulary is unusual enough to be an identifier when a context cue points at it, and a
 * given name or surname that is not also an English word can be taken on its own.
 *
 * Sources (npm, MIT): `humannames` (~197K given names and surnames) and `an-array-of-english-words`
 * (~275K words). Together they add about 6.3 MB of JSON to a bundle, so only the dictionary entry
 * (lambdas/phi/index.ts) imports this file; lambdas/phi/light.ts does not, and its callers bundle
 * none of it.
 *
 * Both lists are loaded with a `require` inside a function, on the first lookup rather than at
 * module load: a bundler wraps a required module in a function, which V8 only pre-parses at load,
 * so a cold start that never detects names (health checks, a consent-only run) never pays for the
 * full parse. Neither list is copied into a Set: lookups run on the parsed array and object.
 */
import { CLINICAL_ABBREVIATIONS, CLINICAL_WORDS, COMMON_WORDS } from './lexicon';
import type { WordDictionary } from './names';

export { CLINICAL_ABBREVIATIONS };

let english: readonly string[] | undefined;
let names: Readonly<Record<string, number>> | undefined;

/**
 * The English list is sorted (JS string order) and lower case, so membership is a binary search on
 * the array the bundle already holds: no 275K-entry Set to build (tens of milliseconds and ~15 MB
 * of heap at cold start). Results are memoized, since a note's words repeat.
 */
function isEnglishWord(lower: string): boolean {
  if (english === undefined) {
    // A plain `import` would be hoisted to module load (see the header); the package is a JSON array.
    english = require('an-array-of-english-words') as readonly string[];
  }
  let lo = 0;
  let hi = english.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = english[mid] as string;
    if (w === lower) return true;
    if (w < lower) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const unknownMemo = new Map<string, boolean>();

/** True for a word that a reader would not find in an English or clinical dictionary. */
export function isUnknownWord(lower: string): boolean {
  let unknown = unknownMemo.get(lower);
  if (unknown === undefined) {
    unknown =
      !CLINICAL_ABBREVIATIONS.has(lower) &&
      !CLINICAL_WORDS.has(lower) &&
      !COMMON_WORDS.has(lower) &&
      !isEnglishWord(lower);
    // Bounded: a long run over many notes must not grow the memo without limit.
    if (unknownMemo.size >= 100_000) unknownMemo.clear();
    unknownMemo.set(lower, unknown);
  }
  return unknown;
}

/**
 * A given name or surname (lower case, three letters or more) that is not an English word or
 * clinical shorthand: "suzette", "kowalczyk", but not "will", "rose" or "neo". The package is a JSON
 * object keyed by the name with an initial capital ("Suzette"; every key has that form), so the
 * object the bundle already holds is the lookup table and no Set of 197K names is built.
 */
export function isDistinctName(lower: string): boolean {
  if (lower.length < 3) return false;
  if (names === undefined) {
    // See isEnglishWord for why `require`.
    names = require('humannames') as Readonly<Record<string, number>>;
  }
  const key = (lower[0] as string).toUpperCase() + lower.slice(1);
  return Object.hasOwn(names, key) && isUnknownWord(lower);
}

/** True for an English word (lower case), e.g. to tell "Harbor" from "Quartermain". */
export const isEnglish = (lower: string): boolean => isEnglishWord(lower);

/** The dictionary-backed word tests the name and place detectors use (lambdas/phi/index.ts). */
export const WORD_DICTIONARIES: WordDictionary = { isUnknownWord, isDistinctName };
