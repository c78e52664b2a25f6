/**
 * Person names in free text. Clinical notes are often all upper case or all lower case, so
 * capitalisation is only trusted on lines written in mixed case; elsewhere a name needs a cue (a
 * title, a relation word, a field label, a credential after it) or the name lexicon. detectNames
 * also runs the place detector (places.ts) and the repeat pass (repeats.ts) over the same tokens.
 */
import { CLINICAL_ABBREVIATIONS, CLINICAL_WORDS, COMMON_WORDS, FIRST_NAMES, LAST_NAMES } from './lexicon';
import type { Emit } from './patterns';
import { detectPlaces } from './places';
import { type Found, repeatNames } from './repeats';
import {
  blanks,
  CUE_WORDS,
  gap,
  isAcronym,
  isCommon,
  isLexiconName,
  NO_DICTIONARY,
  RELATION_WORDS,
  TITLE_WORDS,
  type Token,
  tokenize,
  VERBAL_WORDS,
  type WordDictionary,
} from './words';

// Credentials that are also clinical abbreviations (PA line, PT, OT) count only after a comma.
const CREDENTIAL =
  /^(?:,?[ \t]*(?:M\.D\.|MD|R\.N\.|RN|NP|Ph\.?D\.?|LPN|CNA|LCSW|MSW|PharmD|DDS|CRNA|APRN|FNP|FACC|FACP)|,[ \t]*(?:D\.O\.|DO|PA-?C|P\.A\.|PA|PT|OT|SLP|RRT|MPH))\b/u;

/** Credentials written after a name ("David Murray RRT"): the name ends before them. */
const CREDENTIAL_WORDS: ReadonlySet<string> = new Set(
  'MD RN NP PA PT OT RRT LPN CNA LCSW MSW CRNA APRN FNP DDS DO SLP MPH PHD FACC FACP'.split(' '),
);

// "MS" is also mental status: only "Ms" / "Ms." (exact case) is a title. No line break in between.
const TITLE =
  /(?:\b(?:[Mm][Rr][Ss]?|[Mm]x|[Mm]iss|[Dd][Rr][Ss]?|[Dd]octor|[Pp]rof|[Pp]rofessor|[Rr]ev|[Rr]everend|[Ff]r|[Aa]tty|[Jj]udge|[Ss]gt|[Cc]apt|[Oo]fficer|MISS|DOCTOR|Ms)\.?[ \t]{1,3}|\bMS\.[ \t]{1,3}(?=\p{Lu})|\bms\.[ \t]{1,3})$/u;
const RELATION =
  /(?<!\w)(?:wife|husband|son|sons|daughter|daughters|dtr|mother|mom|father|dad|brother|bro|sister|sis|sibling|spouse|partner|fianc[eé]e?|girlfriend|boyfriend|friend|neighbou?r|niece|nephew|cousin|aunt|uncle|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|grandchild|stepson|stepdaughter|guardian|hcp|prox(?:y|ys|ies)|poa|caregiver|roommate|nok|next\s+of\s+kin|health\s*care\s+proxy|sitter|companion)(?:'s)?\s*(?:,\s*|\(\s*|-{1,3}\s*|\.[ \t]+)?(?:(?:named|is|was|name\s+is|called)\s+)?$/iu;
const LABEL =
  /(?<!\w)(?:name|patient\s+name|pt\s+name|signed|signature|electronically\s+signed\s+by|e-?signed\s+by|dictated\s+by|transcribed\s+by|attending|pcp|provider|physician|author|cc|contact|emergency\s+contact|surgeon|referring(?:\s+physician)?|resident|intern|fellow|nurse|rn|np|pa|case\s+manager|social\s+worker|sw|chaplain|interpreter|therapist|pharmacist|dietitian|user|customer|client|caller)\s*:\s*$/iu;
const VERBAL_CUE =
  /(?<!\w)(?:spoke\s+(?:with|to)|talked\s+(?:with|to)|discussed\s+with|d\/w|ask\s+(?:for|to\s+page)|page|paged|called|met\s+with|visited\s+by|accompanied\s+by|follow(?:[ -]?up|ing[ \t]+up)\s+with)[ \t]*$/iu;
const CUE =
  /(?<!\w)(?:seen\s+by|evaluated\s+by|examined\s+by|followed\s+by|referred\s+by|covered\s+by|discussed\s+with|spoke\s+(?:with|to)|talked\s+(?:with|to)|d\/w|paged|called|consulted|attending|pcp|resident|intern|fellow|covering|surgeon|cardiologist|oncologist|nephrologist|neurologist|pulmonologist|physician|provider|nurse|patient|cc|thanks|thank\s+you|dear|hello|hi|name\s+is|(?:first|last|full|sur)?name\s*\?|call(?:s|ed)?\s+me|says|directed\s+by|written\s+by|produced\s+by|producer)[ \t]*[:,]?[ \t]*$/iu;

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
  // A name that is no English word, capitalised where case means something ("Suzette").
  if (t.mode === 'mixed' && t.cap && t.distinct) return true;
  if (t.mode === 'mixed') return t.cap && isLexiconName(t);
  if (t.mode === 'upper') return t.w.first;
  return false;
}

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
    // On a lower-case line a label's name is lower case too: "name: hyuuma t. maida".
    const lowerAfterLabel = strong && next.mode === 'lower';
    const initial =
      next.text.length === 1 &&
      (next.text !== next.text.toLowerCase() || lowerAfterLabel) &&
      (text[next.end] === '.' ||
        (after !== undefined && adjacent(text, next, after) && continuation(after, cur)));
    // After a title or label, an all-caps surname continues an all-caps first name ("MR. EDGAR KOWALCZYK").
    // With the dictionaries, that surname must also be no English word: upper-case notes run the
    // sentence on ("DR BURKE SLOW WEAN", "DR. SHAUGHNESSY PRONOUNCED"). The light entry has no word
    // list to tell them apart and keeps the wider rule.
    const strongNext =
      strong &&
      ((next.mode === 'upper' && cur.w.acro) || lowerAfterLabel) &&
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
      !CREDENTIAL_WORDS.has(next.text) &&
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
  // "my name is X", "everyone calls me X": the speaker names someone; any case will do.
  const named = (cue === 'is' || cue === 'me') && strongName(t) && !isAcronym(t);
  if (!(title || label || relation || verbal || cued || named)) return undefined;
  const before = text.slice(Math.max(0, t.start - 40), t.start);
  if (title && (TITLE.test(before) || mentalStatusTitle(before, t)) && !lowerCaseMs(before, t, dict))
    return 'name-title';
  if (named && NAME_GIVEN.test(before)) return 'name-given';
  if (label && LABEL.test(before)) return 'name-label';
  if (relation && RELATION.test(before) && !relationAcrossLine(before, t) && !sentenceStart(before, t))
    return 'name-relation';
  if (verbal && VERBAL_CUE.test(before)) return 'name-verbal-cue';
  if (cued && CUE.test(before)) return 'name-cue';
  return undefined;
}

/** The words before a name someone gives: "my name is", "everyone calls me". */
const NAME_GIVEN = /(?<!\w)(?:name\s+is|call(?:s|ed)?\s+me)[ \t]*$/iu;

/**
 * "ms." in lower case is mental status as often as a title ("changes in ms. Aspiration precautions"):
 * it is a title only before a capitalised name that is no English word ("ms. Quinzia").
 */
const lowerCaseMs = (before: string, t: Token, dict: WordDictionary): boolean =>
  /(?<!\w)ms\.[ \t]{1,3}$/u.test(before) &&
  !(t.cap && (t.distinct || (isLexiconName(t) && !t.w.ambiguous) || dict.isUnknownWord(t.lower)));

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
  // A given name that is also a word ("Dexter") is still taken: the verb says a person acts.
  if (t === undefined || next === undefined || !t.cap || isCommon(t) || (t.w.ambiguous && !t.w.first))
    return false;
  if (!blanks(text, t.end, next.start, 1, 1)) return false;
  const verb =
    PERSON_VERBS.has(next.lower) ||
    (next.lower === 'is' &&
      tokens[i + 2]?.lower === 'from' &&
      blanks(text, next.end, tokens[i + 2]?.start ?? 0, 1, 1));
  return verb && (isLexiconName(t) || dict.isUnknownWord(t.lower));
}

/** A phone number, labelled or not, right after a contact's name ("Ann Berro cell# 555-201-3344"). */
const PHONE_AFTER_NAME =
  /^[ \t]*[,:-]?[ \t]*(?:\(?(?:cell|home|work|mobile|mob|phone|ph|tel|pager|beeper)\)?[ \t]*(?:#|:|no\.?|number)?[ \t]*:?[ \t]*)?\(?\d{3}\)?[ \t.-]?\d{3}[ \t.-]?\d{4}\b/iu;

/** A word of a contact's name: a name from the lists or a word in no dictionary, never a common word. */
const contactNameWord = (x: Token, dict: WordDictionary): boolean =>
  !isCommon(x) && !x.w.ambiguous && (isLexiconName(x) || dict.isUnknownWord(x.lower));

/**
 * Two capitalised words that are names or in no dictionary, then a phone number: a contact list
 * entry. Both words must pass (a "Call Center 410-..." line has English words).
 */
function nameBeforePhone(text: string, tokens: readonly Token[], i: number, dict: WordDictionary): boolean {
  const t = tokens[i];
  const next = tokens[i + 1];
  if (t === undefined || next === undefined || !t.cap || !next.cap) return false;
  if (!contactNameWord(t, dict) || !contactNameWord(next, dict) || !blanks(text, t.end, next.start, 1, 1))
    return false;
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
    rule === 'name-title' || rule === 'name-label' || rule === 'name-credential' || rule === 'name-given',
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
