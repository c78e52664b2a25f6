/**
 * Places in free text: care sites after a cue or before a site word ("transferred to Kessler",
 * "XGH EW"), wards with their number, facility names, saints' hospitals, parts of a state, towns
 * from the gazetteer and cities from the lexicon. Safe Harbor removes every geographic unit below
 * the state, so a state alone is kept. detectNames (names.ts) calls detectPlaces on its tokens.
 */
import { AMBIGUOUS_NAMES, CITIES, STATE_CODES } from './lexicon';
import type { Emit } from './patterns';
import {
  blanks,
  CITY_FIRST_WORDS,
  FACILITY_STEM,
  FACILITY_WORD,
  gap,
  HOSPITAL_ABBR,
  isAcronym,
  isCommon,
  REGION_HEAD,
  repeatable,
  STATE_WORDS,
  type Token,
  type WordDictionary,
} from './words';

/** Strong place cues (a following name-like word is a place: "lives in Hampton"). */
const HOME_CUE =
  /(?<!\w)(?:(?:lives|living|resides|residing|resident|native|born|moved|relocated|home|house|grew\s+up|raised)\s+(?:in|of|to|from)|(?:lives|living|resides|residing)(?:[ \t]+[\p{L}']+){1,5}?[ \t]+in)[ \t]+$/iu;

/** "St A.": a saint's initial, capital and full stop, as a hospital's short name. */
const abbreviatedSaint = (text: string, next: Token | undefined): boolean =>
  next !== undefined &&
  next.text.length === 1 &&
  next.text !== next.text.toLowerCase() &&
  text.charCodeAt(next.end) === 46;

/** After a REGION_HEAD word (words.ts), the end of a region's name: "Eastern Shore", "South Jersey". */
const REGION_TAIL: ReadonlySet<string> = new Set(['shore', 'jersey', 'panhandle', 'new']);

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

/** A move between care sites: the next unusual word names the site ("transferred to Kessler"). */
const MOTION_CUE =
  /(?<!\w)(?:transferr?ed|transfer|trans|admitted|admit|adm|readmitted|sent|taken|brought|referred|came|went|go|going|arrived|returned|accepted|discharged|d\/c'?d?|dc'?d|presented|seen|followed|vacation|church|resides?|lives?|living|bed)\s+(?:(?:via|by)\s+(?:ambulance|medflight|helicopter|ems|car|taxi)\s+)?(?:in\s+|back\s+|over\s+)?(?:to|into|from|at|in|on|@)\s+(?:the\s+)?$/iu;
/** Someone's affiliation: "Surgeon from Harbor", "NP from Sinai" (capitalised, so not "rn from icu"). */
const ROLE_FROM_CUE =
  /(?<!\w)(?:surgeons?|doctors?|physicians?|attendings?|team|nurses?|rep|representative|np|pa|md|liaison)\s+from\s+(?:the\s+)?$/iu;
const WEAK_PLACE_CUE = /(?:(?<!\w)(?:at|from|to|in|into)|@)\s+(?:the\s+)?$/iu;
/** "seen by XGH": after "by" only a hospital initialism is a site ("by Liver team" is a service). */
const BY_CUE = /(?<!\w)by\s+$/iu;

/** Words that follow a site's name: its emergency room, ward number, cath lab or nursing staff. */
const SITE_AFTER =
  /^[ \t]*(?:\d{1,2}\b(?![ \t]*(?:mg|mcg|g|ml|cc|units?|%))|[-/]?(?:ew|er|ed|cath|hosp|micu|ccu|icu|nurse|rn|team|campus|house|nh)\b)/iu;

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
      if (prev === undefined || !blanks(text, prev.end, last.start, 1, 2)) break;
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

export function detectPlaces(text: string, tokens: readonly Token[], emit: Emit, dict: WordDictionary): void {
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
