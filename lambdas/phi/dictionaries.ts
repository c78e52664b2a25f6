/**
 * Large public lexicons for the Philter-style "safe word" test: a word that is neither English nor
 * clinical vocabulary is unusual enough to be an identifier when a context cue points at it, and a
 * given name or surname that is not also an English word can be taken on its own. A gazetteer of US
 * place names finds towns no cue points at.
 *
 * Sources (npm): `humannames` (MIT, ~197K given names and surnames), `an-array-of-english-words`
 * (MIT, ~275K words) and `zipcodes` (BSD, the city of every US ZIP code). Together they add about
 * 11 MB of JSON and JS to a bundle, so only the dictionary entry
 * (lambdas/phi/index.ts) imports this file; lambdas/phi/light.ts does not, and its callers bundle
 * none of it.
 *
 * Both lists are loaded with a `require` inside a function, on the first lookup rather than at
 * module load: a bundler wraps a required module in a function, which V8 only pre-parses at load,
 * so a cold start that never detects names (health checks, a consent-only run) never pays for the
 * full parse. Neither list is copied into a Set: lookups run on the parsed array and object.
 */

import { isEnglishWord } from './english-words';
import { CLINICAL_ABBREVIATIONS, CLINICAL_WORDS, COMMON_WORDS } from './lexicon';
import type { WordDictionary } from './words';

export { CLINICAL_ABBREVIATIONS };

let names: Readonly<Record<string, number>> | undefined;

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
  return isPersonName(lower) && isUnknownWord(lower);
}

/** A given name or surname of three letters or more (lower case), whether or not it is also a word. */
export function isPersonName(lower: string): boolean {
  if (lower.length < 3) return false;
  if (names === undefined) {
    // See english-words.ts for why `require`.
    names = require('humannames') as Readonly<Record<string, number>>;
  }
  return Object.hasOwn(names, (lower[0] as string).toUpperCase() + lower.slice(1));
}

let places: ReadonlySet<string> | undefined;
let placeFirstWords: ReadonlySet<string> | undefined;

/**
 * US place names (lower case, words joined by one space) from the `zipcodes` package: the city of
 * every ZIP code, about 19K names from "Bel Air" to "Lansdowne". Built on the first lookup, like the
 * other lists, with the first word of each name for the detector's per-word test.
 */
function loadPlaces(): ReadonlySet<string> {
  if (places === undefined) {
    const { codes } = require('zipcodes/lib/codes.js') as {
      codes: Readonly<Record<string, { readonly city: string }>>;
    };
    const names = new Set<string>();
    const firsts = new Set<string>();
    for (const zip in codes) {
      const city = codes[zip]?.city.toLowerCase().replace(/\s+/gu, ' ').trim() ?? '';
      if (city.length === 0) continue;
      names.add(city);
      firsts.add(city.split(' ')[0] ?? city);
      // "Winston Salem" is written "Winston-Salem" too, which the tokenizer keeps as one word.
      if (city.includes(' ')) {
        const hyphenated = city.replaceAll(' ', '-');
        names.add(hyphenated);
        firsts.add(hyphenated);
      }
    }
    places = names;
    placeFirstWords = firsts;
  }
  return places;
}

/** A US place name, lower case with single spaces ("bel air", "towson"). */
export function isPlaceName(lowerWords: string): boolean {
  return loadPlaces().has(lowerWords);
}

/** The first word of some US place name ("bel" of "bel air"). */
export function startsPlaceName(lower: string): boolean {
  loadPlaces();
  return placeFirstWords?.has(lower) === true;
}

/** True for an English word (lower case), e.g. to tell "Harbor" from "Quartermain". */
export const isEnglish = (lower: string): boolean => isEnglishWord(lower);

/** The dictionary-backed word tests the name and place detectors use (lambdas/phi/index.ts). */
export const WORD_DICTIONARIES: WordDictionary = {
  isUnknownWord,
  isDistinctName,
  isPlaceName,
  startsPlaceName,
  isPersonName,
};
