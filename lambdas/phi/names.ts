/**
 * Person names and places in free text. Clinical notes are often all upper case or all lower case,
 * so capitalisation is only trusted on lines written in mixed case; elsewhere a name needs a cue
 * (a title, a relation word, a field label, a credential after it) or the name lexicon.
 */
import {
  AMBIGUOUS_NAMES,
  CITIES,
  CLINICAL_ABBREVIATIONS,
  CLINICAL_WORDS,
  COMMON_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  STATE_CODES,
  STATE_NAMES,
} from './lexicon';
import type { Emit } from './patterns';
import type { PhiType } from './types';

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
};

type CaseMode = 'mixed' | 'upper' | 'lower';

/**
 * What the detectors ask of a word that depends only on its spelling, computed once per distinct
 * spelling and shared by its tokens: notes repeat their words, and these tests (Set lookups, case
 * folds, the dictionary lookups) were most of the name detector's cost when run per token.
 */
interface WordInfo {
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

interface Token {
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

// Credentials that are also clinical abbreviations (PA line, PT, OT) count only after a comma.
const CREDENTIAL =
  /^(?:,?[ \t]*(?:M\.D\.|MD|R\.N\.|RN|NP|Ph\.?D\.?|LPN|CNA|LCSW|MSW|PharmD|DDS|CRNA|APRN|FNP|FACC|FACP)|,[ \t]*(?:D\.O\.|DO|PA-?C|P\.A\.|PA|PT|OT|SLP|RRT|MPH))\b/u;

// "MS" is also mental status: only "Ms" / "Ms." (exact case) is a title. No line break in between.
const TITLE =
  /(?:\b(?:[Mm][Rr][Ss]?|[Mm]x|[Mm]iss|[Dd][Rr][Ss]?|[Dd]octor|[Pp]rof|[Pp]rofessor|[Rr]ev|[Rr]everend|[Ff]r|[Aa]tty|[Jj]udge|[Ss]gt|[Cc]apt|[Oo]fficer|MISS|DOCTOR|Ms)\.?[ \t]{1,3}|\bMS\.[ \t]{1,3}(?=\p{Lu}))$/u;
const RELATION =
  /(?<!\w)(?:wife|husband|son|sons|daughter|daughters|dtr|mother|mom|father|dad|brother|bro|sister|sis|sibling|spouse|partner|fianc[eé]e?|girlfriend|boyfriend|friend|neighbou?r|niece|nephew|cousin|aunt|uncle|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|grandchild|stepson|stepdaughter|guardian|hcp|prox(?:y|ys|ies)|poa|caregiver|roommate|nok|next\s+of\s+kin|health\s*care\s+proxy|sitter|companion)(?:'s)?\s*(?:,\s*|\(\s*|-{1,3}\s*|\.[ \t]+)?(?:(?:named|is|was|name\s+is|called)\s+)?$/iu;
const LABEL =
  /(?<!\w)(?:name|patient\s+name|pt\s+name|signed|signature|electronically\s+signed\s+by|e-?signed\s+by|dictated\s+by|transcribed\s+by|attending|pcp|provider|physician|author|cc|contact|emergency\s+contact|surgeon|referring(?:\s+physician)?|resident|intern|fellow|nurse|rn|np|pa|case\s+manager|social\s+worker|sw|chaplain|interpreter|therapist|pharmacist|dietitian)\s*:\s*$/iu;
const VERBAL_CUE =
  /(?<!\w)(?:spoke\s+(?:with|to)|talked\s+(?:with|to)|discussed\s+with|d\/w|ask\s+(?:for|to\s+page)|page|paged|called|met\s+with|visited\s+by|accompanied\s+by|follow(?:[ -]?up|ing[ \t]+up)\s+with)[ \t]*$/iu;
/** Strong place cues (a following name-like word is a place: "lives in Hampton"). */
const HOME_CUE =
  /(?<!\w)(?:(?:lives|living|resides|residing|resident|native|born|moved|relocated|home|house|grew\s+up|raised)\s+(?:in|of|to|from)|(?:lives|living|resides|residing)(?:[ \t]+[\p{L}']+){1,5}?[ \t]+in)[ \t]+$/iu;
/** Religious and civic stems of US hospital names: "Holy Cross", "Sacred Heart", "St. Agnes". */
/** "St A.": a saint's initial, capital and full stop, as a hospital's short name. */
const abbreviatedSaint = (text: string, next: Token | undefined): boolean =>
  next !== undefined &&
  next.text.length === 1 &&
  next.text !== next.text.toLowerCase() &&
  text.charCodeAt(next.end) === 46;

/**
 * Parts of a state ("Eastern Shore", "Southern Maryland", "Upstate New York") are geographic
 * subdivisions smaller than a state, which Safe Harbor removes though it keeps the state itself.
 */
const REGION_HEAD: ReadonlySet<string> = new Set(
  'northern southern eastern western central upstate downstate north south east west'.split(' '),
);
const REGION_TAIL: ReadonlySet<string> = new Set(['shore', 'jersey', 'panhandle', 'new']);
const FACILITY_STEM: ReadonlySet<string> = new Set(['holy', 'sacred', 'good', 'saint', 'st', 'mercy', 'our']);
const CUE =
  /(?<!\w)(?:seen\s+by|evaluated\s+by|examined\s+by|followed\s+by|referred\s+by|covered\s+by|discussed\s+with|spoke\s+(?:with|to)|talked\s+(?:with|to)|d\/w|paged|called|consulted|attending|pcp|resident|intern|fellow|covering|surgeon|cardiologist|oncologist|nephrologist|neurologist|pulmonologist|physician|provider|nurse|patient|cc|thanks|thank\s+you|dear|hello|hi|name\s+is|(?:first|last|full|sur)?name\s*\?|call(?:s|ed)?\s+me|says|directed\s+by|written\s+by|produced\s+by|producer)[ \t]*[:,]?[ \t]*$/iu;

const FACILITY_WORD: ReadonlySet<string> = new Set(
  'hospital hosp clinic manor hospice infirmary institute memorial center centre ctr rehab regional campus'.split(
    ' ',
  ),
);
/** On upper- or lower-case lines only unambiguous heads count ("go home", "awaiting rehab"). */
const FACILITY_WORD_STRICT: ReadonlySet<string> = new Set([
  'hospital',
  'hosp',
  'infirmary',
  'memorial',
  'regional',
]);
const FACILITY_STOP = new Set(
  'outside other another this that previous prior osh same home receiving referring sending transferring private local the a an his her their our community psychiatric nursing rehab general state university'.split(
    ' ',
  ),
);
const PLACE_CUE =
  /(?<!\w)(?:lives\s+in|living\s+in|resides\s+in|resident\s+of|native\s+of|born\s+in|moved\s+(?:to|from)|home\s+in|from|in|to|near|transferred\s+(?:from|to)|transfer\s+from|trans\s+to|admitted\s+to|taken\s+to|brought\s+to|sent\s+(?:to|from)|discharged\s+to|d\/c\s+to|returned\s+to|went\s+to|at)\s+$/iu;
const AMBIGUOUS_CITIES = new Set(
  'austin charlotte columbia frederick henderson lincoln madison washington aurora phoenix providence buffalo mesa jackson reno mobile durham irvine'.split(
    ' ',
  ),
);

/**
 * The last word each cue regex can end in (lower case, a trailing "'s" and any hyphenated prefix
 * dropped, as cueWord does): a necessary condition checked before the regex itself.
 */
const set = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/u).filter((w) => w.length > 0));
const TITLE_WORDS = set(
  'mr mrs ms mx miss dr drs doctor prof professor rev reverend fr atty judge sgt capt officer',
);
const RELATION_WORDS =
  set(`wife husband son sons daughter daughters dtr mother mom father dad brother bro sister sis
  sibling spouse partner fiance fiancee fiancé fiancée girlfriend boyfriend friend neighbor neighbour niece nephew
  cousin aunt uncle grandson granddaughter grandmother grandfather grandma grandpa grandchild stepson stepdaughter
  guardian hcp proxy proxys proxies poa caregiver roommate nok kin sitter companion named is was called`);
const VERBAL_WORDS = set('with to w for page paged called by');
const CUE_WORDS =
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

const CITY_FIRST_WORDS: ReadonlySet<string> = new Set([...CITIES].map((c) => c.split('_')[0] ?? c));

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
function tokenize(text: string, dict: WordDictionary): Token[] {
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

const isLexiconName = (t: Token): boolean => t.w.lexName;
const isCommon = (t: Token): boolean => t.w.common;
/** Upper-case initialisms ("ICU", "CABG") read as words, not names, on mixed-case lines. */
const isAcronym = (t: Token): boolean => t.mode === 'mixed' && t.w.acro;

/** A word taken as a name after a strong cue (title, relation, label). */
function strongName(t: Token): boolean {
  // After a title an all-caps word is a surname too ("MR. EDWIN SMITH" inside a mixed-case note).
  if (isCommon(t)) return false;
  // A lower-case surname after "Dr." still is one ("dr healey"); common words were excluded above.
  return t.text.length >= 2;
}

/** A word taken as a name after a relation word ("wife Mary", "daughter, suzette"). */
function relationName(t: Token, dict: WordDictionary): boolean {
  if (isCommon(t) || isAcronym(t)) return false;
  // Without capitalisation to go by, a known given name or surname is taken, and so is a word in
  // no dictionary at all: right after "husband" an unknown word is a name far more often than not.
  // Misspelt verbs ("visisted") and joined words ("called-update") are unknown too: a name has
  // letters only and no verb ending.
  return (
    isLexiconName(t) ||
    t.cap ||
    (t.mode !== 'mixed' &&
      t.text.length > 2 &&
      /^\p{L}+$/u.test(t.text) &&
      !/(?:ed|ing)$/iu.test(t.text) &&
      dict.isUnknownWord(t.lower))
  );
}

/**
 * "Son, Ed, was updated": a capitalised given name set off by commas right after a relation word is
 * that relative's name even when it is also an abbreviation ("Ed", "Al", "Pat").
 */
const appositiveGivenName = (text: string, t: Token): boolean =>
  t.cap && t.w.first && text.charCodeAt(t.end) === 44 && text.charCodeAt(t.start - 2) === 44;

/** A word taken as a name after a weaker clinical cue ("seen by", "per", "discussed with"). */
function cueName(t: Token): boolean {
  if (isCommon(t) || isAcronym(t)) return false;
  if (t.mode === 'mixed') return t.cap;
  return isLexiconName(t) && !t.w.ambiguous;
}

/** A further part of a name already found ("John [Q.] [Smith]"). */
function continuation(t: Token, prev?: Token): boolean {
  if (isCommon(t)) return false;
  // All-caps parts continue an all-caps name ("EDWIN SMITH"), not a capitalised one ("John ICU").
  if (isAcronym(t)) return prev !== undefined && isAcronym(prev);
  if (t.mode === 'mixed') return t.cap;
  return isLexiconName(t);
}

/** A word taken as a name after a verbal cue ("spoke with suzette", "ask to page Ann"). */
function verbalCueName(t: Token): boolean {
  if (isCommon(t) || isAcronym(t)) return false;
  if (/['’]s$/iu.test(t.text)) return false; // "called pt's husband"
  if (t.mode === 'mixed') return t.cap;
  return isLexiconName(t);
}

/** A standalone lexicon name with no cue. */
function lexiconName(t: Token): boolean {
  if (t.w.ambiguous || isCommon(t) || isAcronym(t)) return false;
  // A name that is no English word needs no capital: notes are often typed in one case throughout.
  // A name that is no English word, capitalised where case means something ("Suzette").
  if (t.mode === 'mixed' && t.cap && t.distinct) return true;
  if (t.mode === 'mixed') return t.cap && isLexiconName(t);
  if (t.mode === 'upper') return t.w.first;
  return false;
}

const gap = (text: string, a: Token, b: Token): string => text.slice(a.end, b.start);

/**
 * Two adjacent words that are both given names or surnames and not English ("GERRY MASCI", "lopie
 * certusi"): on single-case lines a pair is the evidence capitalisation would otherwise give.
 */
function namePair(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  if (t === undefined || t.mode === 'mixed') return false;
  // Neither word can count without being a lexicon name or distinct: decided before any slicing.
  const tn = pairNamed(t);
  if (!tn) return false;
  const next = tokens[i + 1];
  if (next === undefined || !pairNamed(next)) return false;
  if (!(pairDistinct(t) || pairDistinct(next))) return false;
  return blanks(text, t.end, next.start, 1, 2);
}
/** namePair's tests, kept out of it so no closure is built per token. */
const pairDistinct = (x: Token): boolean => x.distinct && !isCommon(x);
const pairNamed = (x: Token): boolean =>
  (isLexiconName(x) && !x.w.ambiguous && !isCommon(x)) || pairDistinct(x);

/** text[from, to) is min..max spaces or tabs (the regex /^[ \t]{min,max}$/ without the slice). */
function blanks(text: string, from: number, to: number, min: number, max: number): boolean {
  const n = to - from;
  if (n < min || n > max) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
/** Only spaces, a middle initial's full stop or a hyphen may separate name parts. */
const adjacent = (text: string, a: Token, b: Token): boolean => {
  const g = gap(text, a, b);
  if (/^[ \t]{1,3}$|^-$/u.test(g)) return true;
  return a.text.length === 1 && /^\.[ \t]{0,2}$/u.test(g);
};

/** Extends a name found at tokens[i] over its neighbouring parts; returns [first, last] indices. */
function extendName(
  text: string,
  tokens: readonly Token[],
  i: number,
  strong: boolean,
  dict: WordDictionary,
  cued = strong,
): [number, number] {
  let first = i;
  let last = i;
  for (let k = 0; k < 3; k++) {
    const next = tokens[last + 1];
    const cur = tokens[last];
    // "Bulgakov's Cautionary Tales": the name ends at its possessive.
    if (next === undefined || cur === undefined || cur.poss || !adjacent(text, cur, next)) break;
    const after = tokens[last + 2];
    // A single capital is a middle initial only if a full stop or another name part follows.
    const initial =
      next.text.length === 1 &&
      next.text !== next.text.toLowerCase() &&
      (text[next.end] === '.' ||
        (after !== undefined && adjacent(text, next, after) && continuation(after, cur)));
    // After a title or label, an all-caps surname continues an all-caps first name ("MR. EDGAR KOWALCZYK").
    // With the dictionaries, that surname must also be no English word: upper-case notes run the
    // sentence on ("DR BURKE SLOW WEAN", "DR. SHAUGHNESSY PRONOUNCED"). The light entry has no word
    // list to tell them apart and keeps the wider rule.
    const strongNext =
      strong &&
      next.mode === 'upper' &&
      cur.w.acro &&
      strongName(next) &&
      (dict === NO_DICTIONARY || isLexiconName(next) || dict.isUnknownWord(next.lower));
    // "Patricia WAITE": on a mixed-case line a surname written in capitals after a given name.
    const capitalSurname =
      next.mode === 'mixed' &&
      cur.cap &&
      isLexiconName(cur) &&
      next.w.acro &&
      next.text.length >= 3 &&
      !isCommon(next) &&
      (cued || isLexiconName(next) || dict.isUnknownWord(next.lower));
    if (!(initial || (next.text.length > 1 && (continuation(next, cur) || strongNext || capitalSurname))))
      break;
    last++;
  }
  for (let k = 0; k < 3; k++) {
    const prev = tokens[first - 1];
    const cur = tokens[first];
    if (prev === undefined || cur === undefined || prev.poss || !adjacent(text, prev, cur)) break;
    // A middle initial before the surname ("Ravil G Yefimov") is taken with the given name before it.
    const before = tokens[first - 2];
    if (
      prev.text.length === 1 &&
      prev.mode === 'mixed' &&
      prev.text !== prev.text.toLowerCase() &&
      before !== undefined &&
      adjacent(text, before, prev) &&
      givenBefore(before, strong, dict) &&
      continuation(before, prev)
    ) {
      first -= 2;
      continue;
    }
    if (!(givenBefore(prev, strong, dict) && continuation(prev, cur))) break;
    first--;
  }
  return [first, last];
}

/**
 * A word that may open a name found after it: a given name, any capitalised word after a strong
 * cue, or a capitalised word in no dictionary ("Tomomi Nishiyama", "Satu Elomo"), which a
 * sentence-initial English word ("The", "Unlike") never is.
 */
const givenBefore = (prev: Token, strong: boolean, dict: WordDictionary): boolean =>
  prev.w.first ||
  (prev.cap &&
    (strong ||
      prev.distinct ||
      // Letters only: "I'm" is in no dictionary either.
      (prev.text.length > 2 && /^\p{L}+$/u.test(prev.text) && dict.isUnknownWord(prev.lower))));

const BLANK_LINE = 1;
const COLON = 2;

/** Whether text[from, to) holds a blank line ("\n\n") and a colon, without slicing it. */
function gapScan(text: string, from: number, to: number): number {
  let flags = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) flags |= COLON;
    else if (c === 10 && text.charCodeAt(i + 1) === 10 && i + 1 < to) flags |= BLANK_LINE;
  }
  return flags;
}

/**
 * The cue rules, strongest first. Each needs its cue word (a Set lookup) and a word that may be a
 * name (memoized facts) before its regex runs on the 40 characters before the word: both are pure,
 * so testing them first changes no result, and most words after "to" or "with" fail them.
 */
function cuedRule(
  text: string,
  t: Token,
  cue: string,
  colon: boolean,
  dict: WordDictionary,
  next: Token | undefined,
): string | undefined {
  const title = TITLE_WORDS.has(cue) && (strongName(t) || titleInitial(text, t, next));
  const label = colon && strongName(t);
  const relation = RELATION_WORDS.has(cue) && (relationName(t, dict) || appositiveGivenName(text, t));
  const verbal = VERBAL_WORDS.has(cue) && verbalCueName(t);
  const cued = CUE_WORDS.has(cue) && cueName(t);
  if (!(title || label || relation || verbal || cued)) return undefined;
  const before = text.slice(Math.max(0, t.start - 40), t.start);
  if (title && (TITLE.test(before) || mentalStatusTitle(before, t))) return 'name-title';
  if (label && LABEL.test(before)) return 'name-label';
  if (relation && RELATION.test(before) && !relationAcrossLine(before, t) && !sentenceStart(before, t))
    return 'name-relation';
  if (verbal && VERBAL_CUE.test(before)) return 'name-verbal-cue';
  if (cued && CUE.test(before)) return 'name-cue';
  return undefined;
}

/**
 * A lone capital after a title is the patient's initial ("Mr. J. remained", "mr I remained"): a
 * full stop after it or a lower-case word next (a sentence going on) says it is no list marker.
 */
function titleInitial(text: string, t: Token, next: Token | undefined): boolean {
  if (t.text.length !== 1 || t.text === t.text.toLowerCase()) return false;
  if (text[t.end] === '.') return true;
  return (
    next !== undefined &&
    next.mode === 'mixed' &&
    /^[ \t]$/u.test(gap(text, t, next)) &&
    /^\p{Ll}/u.test(next.text)
  );
}

/**
 * "MS" on an upper-case line is mental status as often as a title, so TITLE leaves it out; before
 * a surname in no English dictionary ("MS KOWALCZYK") or an initial ("MS S.") it is the title.
 */
function mentalStatusTitle(before: string, t: Token): boolean {
  if (!/(?<!\w)MS[ \t]{1,3}$/u.test(before)) return false;
  return t.distinct || (t.text.length === 1 && t.text !== t.text.toLowerCase());
}

/**
 * After a full stop ("health care proxys. suzette and hank") a new sentence may start with any
 * capitalised word ("wife. Insulin gtt"): there only a word from the name lists is taken.
 */
const sentenceStart = (before: string, t: Token): boolean =>
  before.charCodeAt(before.length - 1) !== 46 && /\.[ \t]+$/u.test(before) && !isLexiconName(t);

/** Only a name the relation word's own line names is taken on the word-list evidence alone. */
const relationAcrossLine = (before: string, t: Token): boolean =>
  !t.cap && !t.w.lexName && /\n[^\p{L}]*$/u.test(before);

/** Verbs a relative's visit or call is logged with: "bill called", "bob visited", "ROMERO FAMILY". */
const VISIT_VERBS: ReadonlySet<string> = new Set('called calls phoned visited visits came family'.split(' '));

/**
 * A given name right before a visit or call verb ("george called early", "bob visited"), or a
 * surname before "family" ("the Romero family"): the verb is the cue the name would otherwise lack,
 * so even a name that is also a word ("bill") is taken. Initialisms ("MD called") are left out.
 */
function nameBeforeVerb(text: string, t: Token, next: Token | undefined): boolean {
  if (next === undefined || !next.w.visit || isCommon(t) || isAcronym(t)) return false;
  if (!blanks(text, t.end, next.start, 1, 2)) return false;
  if (next.lower === 'family') return (LAST_NAMES.has(t.lower) || t.distinct) && t.mode === next.mode;
  return t.w.first && t.text.length > 2;
}

/** Verbs only a person is the subject of: "Timotea lives on ...", "Mehrudin shouted", "Magnus spent". */
const PERSON_VERBS: ReadonlySet<string> = new Set(
  'lives lived resides resided shouted whispered spent works worked retired married'.split(' '),
);

/**
 * A capitalised word that is a name or in no dictionary, right before a verb only people do, or
 * before "is from": the verb is the cue. English words ("Husband lives", "Pt lives") are left out.
 */
function nameBeforePersonVerb(
  text: string,
  tokens: readonly Token[],
  i: number,
  dict: WordDictionary,
): boolean {
  const t = tokens[i];
  const next = tokens[i + 1];
  if (t === undefined || next === undefined || !t.cap || isCommon(t) || t.w.ambiguous) return false;
  if (!blanks(text, t.end, next.start, 1, 1)) return false;
  const verb =
    PERSON_VERBS.has(next.lower) ||
    (next.lower === 'is' &&
      tokens[i + 2]?.lower === 'from' &&
      blanks(text, next.end, tokens[i + 2]?.start ?? 0, 1, 1));
  return verb && (isLexiconName(t) || dict.isUnknownWord(t.lower));
}

/** A phone number, labelled or not, right after a contact's name ("Lopie Certusi cell# 410-322-1419"). */
const PHONE_AFTER_NAME =
  /^[ \t]*[,:-]?[ \t]*(?:\(?(?:cell|home|work|mobile|mob|phone|ph|tel|pager|beeper)\)?[ \t]*(?:#|:|no\.?|number)?[ \t]*:?[ \t]*)?\(?\d{3}\)?[ \t.-]?\d{3}[ \t.-]?\d{4}\b/iu;

/**
 * Two capitalised words that are names or in no dictionary, then a phone number: a contact list
 * entry. Both words must pass (a "Call Center 410-..." line has English words).
 */
function nameBeforePhone(text: string, tokens: readonly Token[], i: number, dict: WordDictionary): boolean {
  const t = tokens[i];
  const next = tokens[i + 1];
  if (t === undefined || next === undefined || !t.cap || !next.cap) return false;
  const nameLike = (x: Token): boolean =>
    !isCommon(x) && !x.w.ambiguous && (isLexiconName(x) || dict.isUnknownWord(x.lower));
  if (!nameLike(t) || !nameLike(next) || !blanks(text, t.end, next.start, 1, 1)) return false;
  return PHONE_AFTER_NAME.test(text.slice(next.end, next.end + 40));
}

/** Relation words a hyphen may join to a name in one token ("DAUGHTER-KRISSY"). */
const HYPHEN_RELATIONS: ReadonlySet<string> = new Set(
  [...RELATION_WORDS].filter((w) => !['named', 'is', 'was', 'called', 'kin'].includes(w)),
);

/** "DAUGHTER-KRISSY": the tokenizer keeps a hyphenated word whole, so its relation cue is inside it. */
function hyphenRelation(t: Token, dict: WordDictionary, emit: Emit): void {
  const cut = t.lower.indexOf('-');
  if (!HYPHEN_RELATIONS.has(t.lower.slice(0, cut))) return;
  // The name runs to the next hyphen ("DAUGHTER-KRISSY---CALLED" is one token).
  const stop = t.lower.indexOf('-', cut + 1);
  const rest = t.lower.slice(cut + 1, stop < 0 ? t.lower.length : stop);
  // "son-inlaw" is the relation itself, not a name.
  if (rest.length < 2 || rest.startsWith('inlaw') || COMMON_WORDS.has(rest) || CLINICAL_WORDS.has(rest))
    return;
  if (CLINICAL_ABBREVIATIONS.has(rest)) return;
  if (FIRST_NAMES.has(rest) || LAST_NAMES.has(rest) || dict.isDistinctName(rest) || dict.isUnknownWord(rest))
    emit('NAME', t.start + cut + 1, t.start + cut + 1 + rest.length, 'name-relation');
}

const BRACKET_RELATION =
  /^(?:[ \t]+\p{Lu}[\p{L}'-]+)?[ \t]*\((?:son|daughter|wife|husband|brother|sister|mother|father|niece|nephew|friend|hcp|proxy|dtr)\b/iu;

/** Skips spaces and tabs from `at` (no further than `limit`); returns the first other position. */
function skipBlanks(text: string, at: number, limit: number): number {
  let i = at;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/**
 * Necessary condition for CREDENTIAL on text after `end`: an optional comma, blanks, then the
 * capital every credential starts with. Checked on the text itself so most words cost no slice.
 */
function mayCredential(text: string, end: number): boolean {
  const limit = end + 12;
  let i = end;
  if (text.charCodeAt(i) === 44) i++;
  i = skipBlanks(text, i, limit);
  const c = text.charCodeAt(i);
  return i < limit && c >= 65 && c <= 90;
}

/**
 * Necessary condition for BRACKET_RELATION: after blanks, a "(" or a letter (its \p{Lu} is case
 * folded under the i flag, so any ASCII letter, or any non-ASCII character, left to the regex).
 */
function mayBracketRelation(text: string, end: number): boolean {
  const i = skipBlanks(text, end, end + 40);
  if (i >= end + 40) return false;
  const c = text.charCodeAt(i);
  return c === 40 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/** Emits the name found at tokens[i], extended over its parts; returns its last token's index. */
function emitName(
  text: string,
  tokens: readonly Token[],
  i: number,
  rule: string,
  dict: WordDictionary,
  emit: Emit,
): number {
  const [first, last] = extendName(
    text,
    tokens,
    i,
    rule === 'name-title' || rule === 'name-label' || rule === 'name-credential',
    dict,
    // A cue vouches for the name, and so for a surname in capitals after its given name.
    rule !== 'name-lexicon' && rule !== 'name-pair' && rule !== 'name-before-verb',
  );
  const a = tokens[first];
  const b = tokens[last];
  if (a !== undefined && b !== undefined) emit('NAME', a.start, b.poss ? b.end - 2 : b.end, rule);
  return last;
}

export function detectNames(text: string, report: Emit, dict: WordDictionary): void {
  const tokens = tokenize(text, dict);
  // Every name and place found is recorded so its rare words can be found again elsewhere in the
  // same text (repeatNames): one closure per text, not per word.
  const found: Found[] = [];
  const emit: Emit = (type, start, end, rule) => {
    found.push({ type, start, end });
    report(type, start, end, rule);
  };
  let prevEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    // Only the text since the previous word matters for a cue ending right before this word: a
    // blank line there cuts every cue, a colon there allows a label.
    const gapFlags = gapScan(text, prevEnd, t.start);
    prevEnd = t.end;
    if ((gapFlags & BLANK_LINE) !== 0) continue;
    // Every cue regex ends in a word from a small set (or, for labels, a colon): a Set lookup on the
    // previous word rules most words out before any regex runs on the text before them.
    const prev = tokens[i - 1];
    const cue = prev === undefined ? '' : prev.w.cue;
    const colon = (gapFlags & COLON) !== 0;
    let rule: string | undefined;
    if (cue !== '' && (prev?.w.cueLast === true || colon))
      rule = cuedRule(text, t, cue, colon, dict, tokens[i + 1]);
    if (rule !== undefined) {
      // found after a cue
    } else if (lexiconName(t)) rule = 'name-lexicon';
    else if (namePair(text, tokens, i)) rule = 'name-pair';
    else if (nameBeforeVerb(text, t, tokens[i + 1])) rule = 'name-before-verb';
    else if (nameBeforePhone(text, tokens, i, dict)) rule = 'name-contact';
    else if (nameBeforePersonVerb(text, tokens, i, dict)) rule = 'name-before-verb';
    else if (t.cap && !isCommon(t)) {
      // "Smith, MD" / "J. Smith RN": a capitalised word right before a credential.
      if (mayCredential(text, t.end) && CREDENTIAL.test(text.slice(t.end, t.end + 12)))
        rule = 'name-credential';
      // "Hank Smith (son)": a capitalised pair right before a relation in brackets.
      else if (mayBracketRelation(text, t.end) && BRACKET_RELATION.test(text.slice(t.end, t.end + 40)))
        rule = 'name-relation';
    }
    if (rule === undefined && t.w.hyphen) hyphenRelation(t, dict, emit);
    if (rule !== undefined) {
      i = emitName(text, tokens, i, rule, dict, emit);
      // "Suzette and Hank": a name-like word coordinated with a name is one too.
      const named = tokens[i];
      const conj = tokens[i + 1];
      const other = tokens[i + 2];
      if (
        named !== undefined &&
        conj !== undefined &&
        other !== undefined &&
        (conj.lower === 'and' || conj.lower === 'or') &&
        /^[ \t]+$/u.test(gap(text, named, conj)) &&
        /^[ \t]+$/u.test(gap(text, conj, other)) &&
        (isLexiconName(other) || (strongName(other) && (other.cap || other.mode !== 'mixed')))
      )
        i = emitName(text, tokens, i + 2, rule, dict, emit);
      const last = tokens[i];
      if (last !== undefined) prevEnd = last.end;
    }
  }
  nameLists(text, tokens, emit);
  detectPlaces(text, tokens, emit, dict);
  repeatNames(text, tokens, found, report, dict);
}

/**
 * A list of three or more one-word items, most of them given names ("they had 6: silvana, adam,
 * christopher and caleb"): the list is of people, so its other items are names too. Lists of
 * drugs, relatives or findings hold no given names and stay.
 */
function nameLists(text: string, tokens: readonly Token[], emit: Emit): void {
  let from = 0;
  while (from < tokens.length) {
    // Most words are followed by no comma and no "and": no list starts there.
    if (nextListItem(text, tokens, from) < 0) {
      from++;
      continue;
    }
    const items: Token[] = [];
    let at = from;
    for (;;) {
      const item = tokens[at];
      if (item === undefined) break;
      items.push(item);
      const next = nextListItem(text, tokens, at);
      if (next < 0) break;
      at = next;
    }
    if (items.length >= 3) {
      const given = items.filter((x) => x.w.first && !isCommon(x)).length;
      if (given >= 2 && given * 5 >= items.length * 3)
        for (const x of items)
          if (!isCommon(x) && !isAcronym(x) && x.text.length > 1) emit('NAME', x.start, x.end, 'name-list');
    }
    from = at + 1;
  }
}

/** The index of the list item after tokens[i] (", x", " and x", ", and x"), or -1. */
function nextListItem(text: string, tokens: readonly Token[], i: number): number {
  const a = tokens[i];
  const b = tokens[i + 1];
  if (a === undefined || b === undefined) return -1;
  const conj = b.lower === 'and' || b.lower === 'or';
  if (!conj && text.charCodeAt(a.end) !== 44) return -1;
  const g = gap(text, a, b);
  if (/^,[ \t]{0,2}$/u.test(g)) return conj ? conjunct(text, tokens, i + 1) : i + 1;
  if (conj && blanks(text, a.end, b.start, 1, 2)) return conjunct(text, tokens, i + 1);
  return -1;
}

const conjunct = (text: string, tokens: readonly Token[], k: number): number => {
  const c = tokens[k];
  const d = tokens[k + 1];
  return c !== undefined && d !== undefined && blanks(text, c.end, d.start, 1, 2) ? k + 1 : -1;
};

/**
 * A US place name from the gazetteer starting at tokens[i]; returns its last token's index, or -1.
 * On a mixed-case line every word is capitalised; elsewhere a place cue comes before it. A name of
 * one word must be in no English dictionary and no one's name ("Lansdowne", not "Mobile" or
 * "Warren"); a name of several words is taken as written ("Bel Air", "Glen Burnie").
 */
function gazetteerPlace(text: string, tokens: readonly Token[], i: number, dict: WordDictionary): number {
  const t = tokens[i];
  if (t === undefined || t.text.length < 3 || (t.mode === 'mixed' && !t.cap)) return -1;
  if (t.mode !== 'mixed' && !PLACE_CUE.test(text.slice(Math.max(0, t.start - 30), t.start))) return -1;
  let phrase = t.lower;
  let longest = -1;
  for (let n = 1; n <= 3; n++) {
    const last = tokens[i + n - 1];
    if (last === undefined) break;
    if (n > 1) {
      const prev = tokens[i + n - 2];
      if (prev === undefined || !blanks(text, prev.end, last.start, 1, 1)) break;
      if (last.mode === 'mixed' && !last.cap) break;
      phrase = `${phrase} ${last.lower}`;
    }
    // A state is kept by Safe Harbor, though towns share the names ("California, MD").
    if (!dict.isPlaceName(phrase) || STATE_WORDS.has(phrase)) continue;
    if (n === 1 && (isCommon(t) || t.w.lexName || t.w.ambiguous || !dict.isUnknownWord(t.lower))) continue;
    longest = i + n - 1;
  }
  return longest;
}

/** "in Elmsworth area": a rare word between "in" and "area" is a neighbourhood or town. */
function placeArea(text: string, tokens: readonly Token[], i: number, dict: WordDictionary): boolean {
  const t = tokens[i];
  const next = tokens[i + 1];
  const prev = tokens[i - 1];
  if (t === undefined || next === undefined || prev === undefined) return false;
  if (next.lower !== 'area' || (prev.lower !== 'in' && prev.lower !== 'from' && prev.lower !== 'near'))
    return false;
  return blanks(text, t.end, next.start, 1, 1) && repeatable(t, dict);
}

/** State names are kept by Safe Harbor: never a repeated site. */
const STATE_WORDS: ReadonlySet<string> = new Set(STATE_NAMES.map((n) => n.toLowerCase()));

interface Found {
  readonly type: PhiType;
  readonly start: number;
  readonly end: number;
}

/** A word rare enough that, once a cue has shown it to be a name or a site, every use of it is. */
const repeatable = (t: Token, dict: WordDictionary): boolean =>
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

/**
 * Notes name a person or a site once with a cue and then bare ("transferred to Zorvath 3 ...
 * zorvath team aware"). A word in no dictionary that a cue already showed to be a name or a site is
 * taken wherever else it appears in the text; so is a rare capitalised word right after "of" behind
 * a name ("daughter Grace of Elmsworth"), which is where she lives.
 */
function repeatNames(
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

/** A move between care sites: the next unusual word names the site ("transferred to Kessler"). */
const MOTION_CUE =
  /(?<!\w)(?:transferr?ed|transfer|trans|admitted|admit|adm|readmitted|sent|taken|brought|referred|came|went|go|going|arrived|returned|accepted|discharged|d\/c'?d?|dc'?d|presented|seen|followed|vacation|church|resides?|lives?|living|bed)\s+(?:(?:via|by)\s+(?:ambulance|medflight|helicopter|ems|car|taxi)\s+)?(?:in\s+|back\s+|over\s+)?(?:to|into|from|at|in|on|@)\s+(?:the\s+)?$/iu;
/** Someone's affiliation: "Surgeon from Harbor", "NP from Sinai" (capitalised, so not "rn from icu"). */
const ROLE_FROM_CUE =
  /(?<!\w)(?:surgeons?|doctors?|physicians?|attendings?|team|nurses?|rep|representative|np|pa|md|liaison)\s+from\s+(?:the\s+)?$/iu;
const WEAK_PLACE_CUE = /(?:(?<!\w)(?:at|from|to|in|into)|@)\s+(?:the\s+)?$/iu;
/** "seen by XGH": after "by" only a hospital initialism is a site ("by Liver team" is a service). */
const BY_CUE = /(?<!\w)by\s+$/iu;
/** Hospital initialisms: "GH", "XGH", "GBMC", "UMMC", "BIDMC". */
const HOSPITAL_ABBR = /^(?:[A-Z]{1,4}H|[A-Z]{1,4}MC|[a-z]{1,3}h)$/u;
/** Words that follow a site's name: its emergency room, ward number, cath lab or nursing staff. */
const SITE_AFTER =
  /^[ \t]*(?:\d{1,2}\b(?![ \t]*(?:mg|mcg|g|ml|cc|units?|%))|[-/]?(?:ew|er|ed|cath|hosp|micu|ccu|icu|nurse|rn|team|campus|house|nh)\b)/iu;

const PLACE_PREPOSITIONS = new Set(['to', 'into', 'from', 'at', 'in', 'the', 'by']);
/**
 * Words after a site that no person's name takes ("Keeley House", "kernan ew"): with one of these
 * next, a surname-like word after "from" or "at" is still the site.
 */
const SITE_AFTER_PLACE = /^[ \t]*(?:house|campus|hosp|ew|er|nh)\b/iu;
/** Units and lab words after which a number is a dose or a value, not a ward. */
const WARD_NOT_AFTER =
  /^[ \t](?:[1-9])(?:[\w-]|[ \t]*(?:mg|mcg|g|ml|cc|units?|u\b|%|mm|cm|l\b|lpm|x\b|hrs?|hours?|min|mins|days?|times|tabs?|puffs?|amps?|liters?|[/.,:]\d|\d))/iu;

/**
 * A ward named after a person or place, with its floor or wing number ("ON QUARTERMAIN 2", "per
 * Zorvath 3 RN"): a word in no dictionary, capitalised or on a single-case line, then one digit.
 * Doses and values are ruled out by the unit or digit after the number.
 */
function wardNumber(text: string, t: Token, dict: WordDictionary): boolean {
  const c = text.charCodeAt(t.end);
  const d = text.charCodeAt(t.end + 1);
  if ((c !== 32 && c !== 9) || d < 49 || d > 57) return false;
  // In mixed case a ward is capitalised, or written in capitals when too long for an initialism.
  if (t.mode === 'mixed' ? !(t.cap || (t.w.acro && t.text.length >= 6)) : t.mode === 'lower') return false;
  if (isCommon(t) || t.text.length < 4 || !/^\p{L}+$/u.test(t.text) || !dict.isUnknownWord(t.lower))
    return false;
  if (WARD_NOT_AFTER.test(text.slice(t.end, t.end + 12))) return false;
  return WARD_CUE.test(text.slice(Math.max(0, t.start - 24), t.start));
}
/** Words a ward follows: a move ("transfer", "to", "back to"), a stay ("on", "at") or a source ("per"). */
const WARD_CUE = /(?:(?<!\w)(?:to|on|at|from|per|or|transfer|transferred|plan)|@)[ \t]*:?[ \t]*$/iu;

function isSiteWord(t: Token, dict: WordDictionary): boolean {
  if (t.text.length < 2 || /['’]/u.test(t.text)) return false;
  if (t.w.abbr && dict.isUnknownWord(t.lower)) return true;
  if (t.mode === 'mixed' ? isAcronym(t) : false) return false;
  if (isCommon(t) || AMBIGUOUS_NAMES.has(t.lower)) return false;
  return dict.isUnknownWord(t.lower) || t.cap;
}

function detectSites(text: string, tokens: readonly Token[], emit: Emit, dict: WordDictionary): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.text.length < 2) continue;
    const abbr = t.w.abbr;
    const prev = tokens[i - 1];
    // Every cue ends in a preposition (or "@"): other words need no regex work.
    const cued = prev !== undefined && (prev.w.placePrep || text[t.start - 2] === '@');
    if (wardNumber(text, t, dict)) {
      emit('ADDRESS', t.start, t.end, 'site-ward');
      continue;
    }
    if (!cued && !abbr) continue;
    // After a cue, both branches below need isSiteWord (an unknown hospital initialism passes it
    // too): a word that fails it is no site, and costs no slice or regex.
    if (cued && !isSiteWord(t, dict)) continue;
    const before = text.slice(Math.max(0, t.start - 40), t.start);
    const after = text.slice(t.end, t.end + 12);
    let site = false;
    if (!cued) site = dict.isUnknownWord(t.lower) && SITE_AFTER.test(after) && !/^[ \t]*\d/u.test(after);
    else if (MOTION_CUE.test(before)) site = isSiteWord(t, dict);
    else if (ROLE_FROM_CUE.test(before)) site = t.cap && isSiteWord(t, dict);
    else if (BY_CUE.test(before)) site = HOSPITAL_ABBR.test(t.text) && dict.isUnknownWord(t.lower);
    else if (WEAK_PLACE_CUE.test(before))
      site =
        (HOSPITAL_ABBR.test(t.text) && dict.isUnknownWord(t.lower)) ||
        (SITE_AFTER.test(after) && isSiteWord(t, dict) && (!t.distinct || SITE_AFTER_PLACE.test(after)));
    if (!site) continue;
    let last = i;
    const next = tokens[i + 1];
    if (
      next !== undefined &&
      /^[ \t]$/u.test(gap(text, t, next)) &&
      isSiteWord(next, dict) &&
      !HOSPITAL_ABBR.test(next.text)
    )
      last++;
    const b = tokens[last];
    if (b !== undefined) emit('ADDRESS', t.start, b.end, 'site-cue');
    i = last;
  }
}

function detectPlaces(text: string, tokens: readonly Token[], emit: Emit, dict: WordDictionary): void {
  detectSites(text, tokens, emit, dict);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // Every test below starts from this word in one of three small sets (memoized as `place`) or
    // the previous word in HOME_WORDS: other words need no further look.
    if (t === undefined) continue;
    // "U Maryland", "Univ of Kent": a university names its town or state's campus.
    // Not "4U PRBC" (units).
    if (t.text === 'U' && i + 1 < tokens.length && !/[\w.]/u.test(text[t.start - 1] ?? '')) {
      const next = tokens[i + 1];
      if (next?.cap && !isCommon(next) && /^\.?[ \t]$/u.test(gap(text, t, next))) {
        emit('ADDRESS', t.start, next.end, 'university');
        i++;
        continue;
      }
    }
    // "towson maryland's": a word in no dictionary right before a state name is its town.
    const st = tokens[i + 1];
    if (
      st?.w.state === true &&
      blanks(text, t.end, st.start, 1, 1) &&
      (t.mode !== 'mixed' || t.cap) &&
      repeatable(t, dict)
    )
      emit('ADDRESS', t.start, t.end, 'city-before-state');
    if (!t.w.place) {
      const p = tokens[i - 1];
      if (p === undefined || !p.w.home) continue;
    }
    const region = REGION_HEAD.has(t.lower) ? tokens[i + 1] : undefined;
    if (
      region !== undefined &&
      (region.w.state || REGION_TAIL.has(region.lower)) &&
      blanks(text, t.end, region.start, 1, 1) &&
      (t.mode !== 'mixed' || (t.cap && region.cap))
    ) {
      // "Upstate New York": the state's second word goes too.
      const tail = region.lower === 'new' ? tokens[i + 2] : region;
      if (tail !== undefined && (tail === region || STATE_WORDS.has(`new ${tail.lower}`))) {
        emit('ADDRESS', t.start, tail.end, 'region');
        i = tail === region ? i + 1 : i + 2;
        continue;
      }
    }
    // Facility names: "Calvert Hospital", "KERNAN HOSP", "Sacred Heart Medical Center".
    if ((t.mode === 'mixed' ? FACILITY_WORD : FACILITY_WORD_STRICT).has(t.lower) && i > 0) {
      let first = i;
      for (let k = 0; k < 3; k++) {
        const prev = tokens[first - 1];
        const cur = tokens[first];
        if (prev === undefined || cur === undefined || !/^[ \t]{1,2}$|^'s[ \t]$/u.test(gap(text, prev, cur)))
          break;
        // A state code before the head ("MD Hospital") names the state's own hospital, though
        // "md" alone is a credential.
        // Only on a mixed-case line: in capitals "IN" or "OR" before "HOSPITAL" are words.
        const stateCode = prev.mode === 'mixed' && prev.w.acro && STATE_CODES.has(prev.text);
        if (
          !stateCode &&
          (FACILITY_STOP.has(prev.lower) || isCommon(prev) || /(?:ing|ed)$/iu.test(prev.text))
        )
          break;
        if (prev.mode === 'mixed' && !prev.cap && !isAcronym(prev) && t.cap) break;
        first--;
      }
      const a = tokens[first];
      // The whole name is replaced, head word included: "Laurel Regional" or "X Rehab" tells a
      // reader the town or the chain, and Safe Harbor removes geographic units below the state.
      if (first < i && a !== undefined) emit('ADDRESS', a.start, t.end, 'facility');
    }
    // "Holy Cross", "Sacred Heart Memorial", "St. Agnes": stem plus up to two name-like words.
    if (
      FACILITY_STEM.has(t.lower) &&
      (t.mode !== 'mixed' || t.cap || t.lower === 'holy' || t.lower === 'sacred')
    ) {
      let last = i;
      for (let k = 0; k < 2; k++) {
        const next = tokens[last + 1];
        const cur = tokens[last];
        if (next === undefined || cur === undefined || !/^\.?[ \t]{1,2}$/u.test(gap(text, cur, next))) break;
        if (k === 0 && t.mode === 'mixed' && t.lower === 'st' && abbreviatedSaint(text, next)) {
          last++;
          break;
        }
        // A lower-case head word still belongs to it ("Sacred Heart memorial").
        if (isCommon(next) || (next.mode === 'mixed' && !next.cap && t.cap && !FACILITY_WORD.has(next.lower)))
          break;
        last++;
      }
      const b = tokens[last];
      // "St" alone is also ST elevation: it needs a capitalised word after it on a mixed-case line.
      const isSt = /^(?:st|saint|our|good|mercy)$/iu.test(t.text);
      // In capitals, "ST." then a given name is a saint ("TO GO TO ST. MARY"), not ST elevation.
      const saint =
        t.mode === 'mixed'
          ? t.cap && (tokens[i + 1]?.cap === true || abbreviatedSaint(text, tokens[i + 1]))
          : t.lower === 'st' && text.charCodeAt(t.end) === 46 && tokens[i + 1]?.w.lexName === true;
      if (b !== undefined && last > i && (!isSt || saint)) {
        emit('ADDRESS', t.start, b.end, 'facility-stem');
        i = last;
        continue;
      }
    }
    // "lives in Hampton": a name-like word after a home cue.
    const prevWord = tokens[i - 1];
    if (
      prevWord?.w.home === true &&
      (HOME_CUE.test(text.slice(Math.max(0, t.start - 50), t.start)) || placeArea(text, tokens, i, dict)) &&
      !isCommon(t) &&
      (t.mode !== 'mixed' || t.cap)
    ) {
      let last = i;
      const next = tokens[i + 1];
      if (
        next !== undefined &&
        /^[ \t]$/u.test(gap(text, t, next)) &&
        !isCommon(next) &&
        (next.mode !== 'mixed' || next.cap)
      )
        last++;
      const b = tokens[last];
      if (b !== undefined) emit('ADDRESS', t.start, b.end, 'place-home');
    }
    // Towns from the gazetteer ("Bel Air", "Lansdowne"), where the lexicon's large cities end.
    if (t.w.gazetteer && !CITY_FIRST_WORDS.has(t.lower)) {
      const last = gazetteerPlace(text, tokens, i, dict);
      const b = tokens[last];
      if (last >= i && b !== undefined) {
        emit('ADDRESS', t.start, b.end, 'town');
        i = last;
        continue;
      }
    }
    // Cities from the lexicon (one to three words); most words start no city name.
    // A token never ends in a full stop (WORD ends in a letter), so its lower case is the key.
    if (!CITY_FIRST_WORDS.has(t.lower)) continue;
    for (let n = 3; n >= 1; n--) {
      const last = tokens[i + n - 1];
      if (last === undefined) continue;
      const key = tokens
        .slice(i, i + n)
        .map((x) => x.lower.replace(/\.$/u, ''))
        .join('_');
      if (!CITIES.has(key)) continue;
      if (t.mode === 'mixed' && !t.cap) continue;
      if (t.mode === 'lower' || AMBIGUOUS_CITIES.has(key)) {
        if (!PLACE_CUE.test(text.slice(Math.max(0, t.start - 30), t.start))) continue;
      }
      // "Greater Baltimore": the metro area's name is the city's.
      const greater = tokens[i - 1];
      const from =
        greater !== undefined && greater.lower === 'greater' && blanks(text, greater.end, t.start, 1, 1)
          ? greater.start
          : t.start;
      // "BALTIMORE REHAB": a facility named after its city goes with its head word, as facility
      // names do (the facility rule above needs more than a city on single-case lines).
      const head = tokens[i + n];
      const to =
        head !== undefined && FACILITY_WORD.has(head.lower) && blanks(text, last.end, head.start, 1, 1)
          ? head.end
          : last.end;
      emit('ADDRESS', from, to, 'city');
      i += n - 1;
      break;
    }
  }
}
