/**
 * Words and tokens, shared by the name and place detectors (names.ts, places.ts, repeats.ts): the
 * dictionary port, the tokenizer, the facts about a word that depend only on its spelling (computed
 * once per spelling) and the small predicates over tokens. No detection rule lives here.
 */
import {
  AMBIGUOUS_NAMES,
  CITIES,
  CLINICAL_ABBREVIATIONS,
  CLINICAL_WORDS,
  COMMON_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  STATE_NAMES,
} from './lexicon';

/**
 * Word tests backed by large dictionaries (lambdas/phi/dictionaries.ts). Injected so one detector
 * serves both entries: lambdas/phi/index.ts passes the real lists, lambdas/phi/light.ts passes
 * NO_DICTIONARY and its bundle carries none of the 6 MB.
 */
export interface WordDictionary {
  /** A word (lower case) in no English or clinical dictionary: "quillbrook", not "harbor". */
  isUnknownWord(lower: string): boolean;
  /** A given name or surname (lower case) that is no English word: "suzette", not "will". */
  isDistinctName(lower: string): boolean;
  /** A US place name, lower case with single spaces between its words ("bel air"). */
  isPlaceName(lowerWords: string): boolean;
  /** The first word (lower case) of some US place name. */
  startsPlaceName(lower: string): boolean;
  /** A given name or surname (lower case), English word or not: "suzette", and "will" too. */
  isPersonName(lower: string): boolean;
}

/**
 * Without the lists no word counts as unknown and no name as distinct: only the compact lexicons,
 * cues and capitalisation find names and sites, so the light entry misses some but adds no guesses.
 */
export const NO_DICTIONARY: WordDictionary = {
  isUnknownWord: () => false,
  isDistinctName: () => false,
  isPlaceName: () => false,
  startsPlaceName: () => false,
  isPersonName: () => false,
};

export type CaseMode = 'mixed' | 'upper' | 'lower';

/**
 * What the detectors ask of a word that depends only on its spelling, computed once per distinct
 * spelling and shared by its tokens: notes repeat their words, and these tests (Set lookups, case
 * folds, the dictionary lookups) were most of the name detector's cost when run per token.
 */
export interface WordInfo {
  readonly text: string;
  readonly lower: string;
  /** COMMON_WORDS, CLINICAL_WORDS or CLINICAL_ABBREVIATIONS: never a name. */
  readonly common: boolean;
  /** In FIRST_NAMES. */
  readonly first: boolean;
  /** FIRST_NAMES, LAST_NAMES, or distinct. */
  readonly lexName: boolean;
  readonly ambiguous: boolean;
  /** A given name or surname that is no English word (WordDictionary.isDistinctName). */
  readonly distinct: boolean;
  /** Two letters or more, all upper case: an initialism on a mixed-case line. */
  readonly acro: boolean;
  /** First letter upper case and the rest not all upper case: capitalised where case is trusted. */
  readonly capShape: boolean;
  /** The word a cue regex would end in (see cueWord). */
  readonly cue: string;
  /** Matches HOSPITAL_ABBR. */
  readonly abbr: boolean;
  /** A facility head word, a facility stem or the first word of a lexicon city: detectPlaces looks further. */
  readonly place: boolean;
  /** The first word of a US place name in the gazetteer (WordDictionary.startsPlaceName). */
  readonly gazetteer: boolean;
  /** A US state name ("maryland", also as "maryland's"): looked up once, not per token. */
  readonly state: boolean;
  /**
   * Membership in the small word sets the per-token loops test (cue endings, place prepositions,
   * home words, visit verbs) and a hyphen inside: memoized like the rest, since a Set lookup per
   * token and per loop was a measurable share of the name detector's time.
   */
  readonly cueLast: boolean;
  readonly placePrep: boolean;
  readonly home: boolean;
  readonly visit: boolean;
  readonly hyphen: boolean;
}

export interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly lower: string;
  readonly mode: CaseMode;
  /** Capitalised word in a mixed-case line ("Smith", "McDonald", "O'Neil"). */
  readonly cap: boolean;
  /** A given name or surname that is no English word (WordDictionary.isDistinctName), looked up once. */
  readonly distinct: boolean;
  /** Ends in "'s": a name ends there and its span leaves the "'s" out. */
  readonly poss: boolean;
  readonly w: WordInfo;
}

const WORD = /\p{L}(?:[\p{L}'’-]{0,40}\p{L})?/gu;

// The word sets below are the ones the per-spelling facts (wordInfo) test; the detectors that also
// read them import them from here, so no detector module is imported by this one.

/**
 * Parts of a state ("Eastern Shore", "Southern Maryland", "Upstate New York") are geographic
 * subdivisions smaller than a state, which Safe Harbor removes though it keeps the state itself.
 */
export const REGION_HEAD: ReadonlySet<string> = new Set(
  'northern southern eastern western central upstate downstate north south east west'.split(' '),
);

/** Religious and civic stems of US hospital names: "Holy Cross", "Sacred Heart", "St. Agnes". */
export const FACILITY_STEM: ReadonlySet<string> = new Set('holy sacred good saint st mercy our'.split(' '));

/** Head words of a facility's name: "Calvert Hospital", "Laurel Regional", "KERNAN HOSP". */
export const FACILITY_WORD: ReadonlySet<string> = new Set(
  'hospital hosp clinic manor hospice infirmary institute memorial center centre ctr rehab regional campus'.split(
    ' ',
  ),
);

/** Hospital initialisms: "GH", "XGH", "GBMC", "UMMC", "BIDMC". */
export const HOSPITAL_ABBR = /^(?:[A-Z]{1,4}H|[A-Z]{1,4}MC|[a-z]{1,3}h)$/u;

/** The words a site cue ends in (detectSites looks no further after any other word). */
const PLACE_PREPOSITIONS = new Set(['to', 'into', 'from', 'at', 'in', 'the', 'by']);

/** State names are kept by Safe Harbor: never a repeated site. */
export const STATE_WORDS: ReadonlySet<string> = new Set(STATE_NAMES.map((n) => n.toLowerCase()));

/** First words of the lexicon's cities (whose words CITIES joins with "_"). */
export const CITY_FIRST_WORDS: ReadonlySet<string> = new Set([...CITIES].map((c) => c.split('_')[0] ?? c));

/** Verbs a relative's visit or call is logged with: "bill called", "bob visited", "ROMERO FAMILY". */
const VISIT_VERBS: ReadonlySet<string> = new Set('called calls phoned visited visits came family'.split(' '));

/**
 * The last word each cue regex can end in (lower case, a trailing "'s" and any hyphenated prefix
 * dropped, as cueWord does): a necessary condition checked before the regex itself.
 */
const set = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/u).filter((w) => w.length > 0));
export const TITLE_WORDS = set(
  'mr mrs ms mx miss dr drs doctor prof professor rev reverend fr atty judge sgt capt officer',
);
export const RELATION_WORDS =
  set(`wife husband son sons daughter daughters dtr mother mom father dad brother bro sister sis
  sibling spouse partner fiance fiancee fiancé fiancée girlfriend boyfriend friend neighbor neighbour niece nephew
  cousin aunt uncle grandson granddaughter grandmother grandfather grandma grandpa grandchild stepson stepdaughter
  guardian hcp proxy proxys proxies poa caregiver roommate nok kin sitter companion named is was called`);
export const VERBAL_WORDS = set('with to w for page paged called by');
export const CUE_WORDS =
  set(`by with to w paged called consulted attending pcp resident intern fellow covering surgeon
  cardiologist oncologist nephrologist neurologist pulmonologist physician provider nurse patient cc thanks you
  dear hello hi is says producer name surname me`);
const HOME_WORDS = set('in of to from');
const CUE_LAST_WORDS: ReadonlySet<string> = new Set([
  ...TITLE_WORDS,
  ...RELATION_WORDS,
  ...VERBAL_WORDS,
  ...CUE_WORDS,
]);
const cueWord = (lower: string): string => {
  const w = lower.replace(/['’]s$/u, '');
  const cut = Math.max(w.lastIndexOf('-'), w.lastIndexOf("'"), w.lastIndexOf('’'));
  return cut >= 0 ? w.slice(cut + 1) : w;
};

/** Case mode of text[start, end): counts ASCII letters only, as the detectors' case tests do. */
function caseMode(text: string, start: number, end: number): CaseMode {
  let upper = 0;
  let lower = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
  }
  if (upper + lower === 0) return 'mixed';
  if (lower === 0 || upper / (upper + lower) > 0.6) return 'upper';
  if (upper === 0) return 'lower';
  return 'mixed';
}

/**
 * Surname endings of Slavic, Caucasian, Nordic and Balkan names ("Yefremova", "Kadiev",
 * "Karlsdóttir", "Živković"). No English or clinical word that the dictionary does not know ends
 * this way often enough to matter, so an unknown capitalised word with one is taken as a surname.
 */
const SURNAME_ENDING =
  /(?:ov|ova|ev|eva|yev|yeva|ski|ska|sky|skaya|ić|vich|ovna|evna|enko|shvili|idze|dze|dóttir|dottir|sson|sdóttir|poulos|oglu|oğlu)$/u;
/** Letters outside ASCII: a capitalised word written with them is a foreign proper noun in an English note. */
const NON_ASCII_LETTER = /\P{ASCII}/u;
const COMBINING_MARK = /\p{M}/gu;

/**
 * A capitalised word in no English or clinical dictionary that reads as a foreign name: written
 * with accented or non-Latin letters ("Krisztián", "Sedláčková") or with a surname ending. The
 * name lexicon is unaccented, so an accented spelling is also looked up without its marks
 * ("Miklós" as "miklos"). Needs the dictionaries: the light entry's word tests answer false.
 */
function foreignName(word: string, lower: string, dict: WordDictionary): boolean {
  if (word.length < 3 || !/^\p{Lu}\p{L}+$/u.test(word) || !dict.isUnknownWord(lower)) return false;
  if (NON_ASCII_LETTER.test(word)) {
    const folded = lower.normalize('NFD').replace(COMBINING_MARK, '');
    // "Café", "Naïve": an English word with its accents is still that word.
    return folded === lower || dict.isUnknownWord(folded) || dict.isDistinctName(folded);
  }
  return SURNAME_ENDING.test(lower);
}

/** Word facts per dictionary (the light entry's differ in `distinct`), bounded: spellings churn. */
const wordMemos = new WeakMap<WordDictionary, Map<string, WordInfo>>();
const MAX_WORDS = 200_000;

function wordInfo(memo: Map<string, WordInfo>, word: string, dict: WordDictionary): WordInfo {
  let info = memo.get(word);
  if (info !== undefined) return info;
  const lower = word.toLowerCase();
  const first = word[0] ?? '';
  const rest = word.slice(1);
  // A state name is kept by Safe Harbor and is no person's name here ("towson maryland's").
  const state = STATE_WORDS.has(lower);
  const distinct = !state && (dict.isDistinctName(lower) || foreignName(word, lower, dict));
  const isFirst = FIRST_NAMES.has(lower);
  const cue = cueWord(lower);
  const gazetteer = dict.startsPlaceName(lower);
  info = {
    text: word,
    lower,
    common: COMMON_WORDS.has(lower) || CLINICAL_WORDS.has(lower) || CLINICAL_ABBREVIATIONS.has(lower),
    first: isFirst,
    lexName: !state && (isFirst || LAST_NAMES.has(lower) || distinct),
    ambiguous: AMBIGUOUS_NAMES.has(lower),
    distinct,
    acro: word.length > 1 && word === word.toUpperCase(),
    capShape: first !== first.toLowerCase() && rest !== rest.toUpperCase(),
    cue,
    abbr: HOSPITAL_ABBR.test(word),
    place:
      FACILITY_WORD.has(lower) ||
      FACILITY_STEM.has(lower) ||
      CITY_FIRST_WORDS.has(lower) ||
      REGION_HEAD.has(lower) ||
      gazetteer,
    state,
    gazetteer,
    cueLast: CUE_LAST_WORDS.has(cue),
    placePrep: PLACE_PREPOSITIONS.has(lower),
    home: HOME_WORDS.has(lower),
    visit: VISIT_VERBS.has(lower),
    hyphen: word.includes('-'),
  };
  if (memo.size >= MAX_WORDS) memo.clear();
  memo.set(word, info);
  return info;
}

/** Ends in "'s" or "’s" after at least two letters ("Amanda's", "SMITH'S"; not "it's"). */
function possessive(word: string): boolean {
  const n = word.length;
  if (n < 5) return false;
  const q = word.charCodeAt(n - 2);
  const s = word.charCodeAt(n - 1);
  return (q === 39 || q === 0x2019) && (s === 115 || s === 83);
}

/**
 * One sticky scan over the whole text (a word never spans a line break, so this finds the same
 * words as a scan per line), with each line's case mode computed when the scan enters it.
 */
export function tokenize(text: string, dict: WordDictionary): Token[] {
  let memo = wordMemos.get(dict);
  if (memo === undefined) {
    memo = new Map();
    wordMemos.set(dict, memo);
  }
  const tokens: Token[] = [];
  let lineEnd = -1;
  let mode: CaseMode = 'mixed';
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const poss = possessive(m[0]);
    // A possessive is the name itself ("Amanda's daughter"): the word is looked up without its "'s",
    // while the token keeps its whole extent so a span still covers "St. Mary's" to its end.
    const word = poss ? m[0].slice(0, -2) : m[0];
    const start = m.index;
    if (start > lineEnd) {
      const lineStart = text.lastIndexOf('\n', start) + 1;
      const nl = text.indexOf('\n', start);
      lineEnd = nl < 0 ? text.length : nl;
      mode = caseMode(text, lineStart, lineEnd);
    }
    const w = wordInfo(memo, word, dict);
    tokens.push({
      start,
      end: start + m[0].length,
      text: w.text,
      lower: w.lower,
      mode,
      cap: mode === 'mixed' && w.capShape,
      distinct: w.distinct,
      poss,
      w,
    });
  }
  return tokens;
}

export const isLexiconName = (t: Token): boolean => t.w.lexName;
export const isCommon = (t: Token): boolean => t.w.common;
/** Upper-case initialisms ("ICU", "CABG") read as words, not names, on mixed-case lines. */
export const isAcronym = (t: Token): boolean => t.mode === 'mixed' && t.w.acro;

export const gap = (text: string, a: Token, b: Token): string => text.slice(a.end, b.start);

/** text[from, to) is min..max spaces or tabs (the regex /^[ \t]{min,max}$/ without the slice). */
export function blanks(text: string, from: number, to: number, min: number, max: number): boolean {
  const n = to - from;
  if (n < min || n > max) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** A word rare enough that, once a cue has shown it to be a name or a site, every use of it is. */
export const repeatable = (t: Token, dict: WordDictionary): boolean =>
  t.text.length >= 3 &&
  (t.mode !== 'mixed' || t.cap) &&
  !/\p{Ll}\p{Lu}/u.test(t.text) &&
  !/icu|ccu/iu.test(t.text) &&
  !STATE_WORDS.has(t.lower) &&
  !isCommon(t) &&
  !t.w.ambiguous &&
  !(t.mode === 'mixed' && t.w.acro) &&
  /^\p{L}+$/u.test(t.text) &&
  (t.distinct || dict.isUnknownWord(t.lower));
