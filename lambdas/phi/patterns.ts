/**
 * Pattern detectors: dates, ages over 89, contact points, numeric identifiers, URLs, IPs and
 * addresses. Every pattern is a single left-to-right regex pass with bounded quantifiers and no
 * nested unbounded repetition, so the cost stays linear in the text length (no catastrophic
 * backtracking: see test/phi-robustness.test.ts).
 */
import { CLINICAL_WORDS, COMMON_WORDS, STATE_CODES, STATE_NAMES } from './lexicon';
import type { PhiSpan, PhiType } from './types';

export type Emit = (type: PhiType, start: number, end: number, rule: string) => void;

/**
 * The first match of a global regex in `text`, then each next one (nextMatch), as
 * `text.matchAll(re)` would yield them. matchAll clones its regex on every call (a new RegExp per
 * pattern per text): on the engine's short strings those clones cost more than the matching. The
 * shared regex's lastIndex is reset here, and no caller runs the same regex in a nested loop.
 */
export function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  return nextMatch(re, text);
}

export function nextMatch(re: RegExp, text: string): RegExpExecArray | null {
  const m = re.exec(text);
  // An empty match would repeat forever: step past it as matchAll does (by code point under /u).
  if (m !== null && m[0].length === 0) {
    const at = re.lastIndex;
    const c = text.charCodeAt(at);
    const d = text.charCodeAt(at + 1);
    const pair = re.unicode && c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
    re.lastIndex = at + (pair ? 2 : 1);
  }
  return m;
}

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const YEAR4 = '(?:1[89]\\d\\d|2[01]\\d\\d)';
// Optional time after a date: "10:30", "10:30:15.123", "10:30 am", "T10:30:15Z", "@ 1430".
const TIME =
  '(?:(?:\\s*(?:at|@)\\s*|\\s+|T)(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,6})?)?(?:\\s?[ap]\\.?m\\.?)?(?:Z|[+-][01]\\d:?[0-5]\\d)?)?';

const NUMERIC_DATE = new RegExp(
  `(?<![\\d/._]|\\d-)(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![/%-]|\\.\\d|(?!T\\d)\\w)${TIME}`,
  'giu',
);
const ISO_DATE = new RegExp(
  `(?<![\\w/.-])${YEAR4}([/.-])(?:0?[1-9]|1[0-2])\\1(?:[12]\\d|3[01]|0?[1-9])(?![/]|\\.\\d|(?!T\\d)\\w)${TIME}`,
  'giu',
);
const COMPACT_DATE = new RegExp(
  `(?<![\\w.-])${YEAR4}(?:0[1-9]|1[0-2])(?:[12]\\d|3[01]|0[1-9])(?:T\\d{4,6}Z?)?(?![\\w.-])`,
  'gu',
);
// "March 3rd, 2021", "Mar. 3", "Sept 3 2021 10:00", "March of 2021", "March 2021".
const MONTH_FIRST = new RegExp(
  `(?<!\\w)${MONTH}\\.?(?:\\s+${DAY}(?![\\w])(?:,?\\s*(?:${YEAR4}|'\\d\\d)(?!\\w))?|,?\\s+(?:of\\s+)?${YEAR4}(?!\\w))${TIME}`,
  'giu',
);
// "3 March 2021", "3rd of March", "03-Mar-2021", "3-mar-21", and a range of days "1->2 nov".
const DAY_FIRST = new RegExp(
  `(?<![\\w.])(?:${DAY}[ \\t]*(?:-{1,2}>?|–|to|&)[ \\t]*)?${DAY}(?:\\s+(?:of\\s+)?|-|\\s?/\\s?)${MONTH}(?:\\.|(?!\\p{L}))(?:(?:,?\\s+|-)(?:${YEAR4}|\\d\\d)(?!\\w))?${TIME}`,
  'giu',
);
// "3/4", "12/25": only when the two numbers make a valid month/day and no clinical context says
// it is a ratio (BP 120/80, strength 4/5, pain 7/10).
const MONTH_DAY = /(?<![\w/.,-]|\d:)(1[0-2]|0?[1-9])\/([12]\d|3[01]|0?[1-9])(?![\w/]|\.\d|,\d)/gu;
const RATIO_CONTEXT =
  /(?:(?<!\w)(?:bp|b\/p|pain|strength|strengths|motor|score|scale|grade|gcs|rated|ratio|power|reflexes|murmur|sat|sats|o2|rate|x|of|sbp|dbp|map|pap|cvp|pcwp|ppd|abg|vent|peep|ps|psv|cpap|bipap|flowby|settings|ie|tab|tabs|take|mg|rales|crackles|cxs|c\/o|had|gave|give|given)\b|[<>=~±])[\s:]*$/iu;
const FRACTION_AFTER =
  /^\s*(?:tab|tablet|cap|capsule|dose|strength|str|cup|inch|mg|ml|cc|of|x\b|ns\b|amp|hour|hr|up\b|%|peep|cp\b|bipap|cpap|fio2|(?:\w+\s+)?pain)/iu;
/** Common fractions ("1/2 NS", "rales 1/3 up") are dates only right after a date word. */
const COMMON_FRACTION = /^(?:1\/2|1\/3|2\/3|1\/4|3\/4)$/u;
const DATE_CUE =
  /(?<!\w)(?:on|since|from|until|till|thru|through|to|dated|date|dos|dob|admitted|discharged|d\/c|s\/p)[\s:]*$/iu;
// "8/87", "11/92": month and a two-digit year that cannot be a day.
const MONTH_YEAR = /(?<![\w/.,:-])(1[0-2]|0?[1-9])\/(3[2-9]|[4-9]\d|0\d)(?![\w/%]|\.\d|,\d)/gu;
// "on the 11th", "the 2nd".
const ORDINAL_DAY =
  /(?<!\w)(?:on\s+the|the)\s+((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b(?!\s+(?:degree|line|dose|time|day|week|grade|intercostal|icf|ics|floor|trimester|toe|finger|digit|cranial|heart))/giu;

/**
 * Shorthand dates of history lists: a two-digit year with a trailing apostrophe ("CVA 74'"), two
 * month/day pairs run together ("10/03/10/04"), a month/day with a hyphen after a date cue ("on
 * 7-8"), a month/day with the year after a full stop ("11/21.93"), and a month named alone after
 * "in"/"since" ("in sept."). Each shape is rare in clinical values.
 */
const YEAR_APOSTROPHE = /(?<![\w'’/.-])\d\d['’](?![\w'’])/gu;
const FEET_BEFORE =
  /(?<!\w)(?:hob|head|x|ambulated|ambulating|ambulate|amb|walked|walking|walk|distance|elevated|elevation|up|feet|ft|to|@)[ \t]*$/iu;
const DOUBLE_MONTH_DAY =
  /(?<![\w/.-])(1[0-2]|0?[1-9])\/([12]\d|3[01]|0?[1-9])\/(1[0-2]|0?[1-9])\/([12]\d|3[01]|0?[1-9])(?![\w/]|\.\d)/gu;
const CUED_MONTH_DAY_DASH =
  /(?<!\w)(?:on|since|dated|until|from)[ \t]+((?:1[0-2]|0?[1-9])-(?:[12]\d|3[01]|0?[1-9]))(?![\w/-]|\.\d|[ \t]*(?:mg|mcg|ml|cc|l\b|lpm|units?|%|hrs?|hours?|days?|times|x\b|liters?))/giu;
const MONTH_DAY_DOT_YEAR = /(?<![\w/.-])(?:1[0-2]|0?[1-9])\/(?:[12]\d|3[01]|0?[1-9])\.\d\d(?![\w/.]|\.\d)/gu;
const MONTH_ALONE =
  /(?<!\w)(?:in|since|early|late|mid|during|until)[ \t]+((?:jan(?:uary)?|feb(?:ruary)?|apr(?:il)?|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?)(?!\w)/giu;

const BARE_YEAR = /(?<![\w/.:$-])(?:(?:19|20)\d\d|'\d\d)(?![\w/.:%-]|\.\d)/gu;

const AGE_PATTERNS: readonly RegExp[] = [
  // "92-year-old", "92 yo", "95 y/o", "101 yrs old", "92yo", "92 y.o."
  /(?<![\w.])(9\d|1[0-4]\d)(?=\s*-?\s*(?:years?|yrs?|y)\b\.?\s*-?\s*(?:old|o\b)|\s*-?\s*(?:y\/o|y\.o\.|yo\b|yrs?\b|years?\s+of\s+age))/giu,
  // "aged 95", "age: 101", "age 92", "Age 98"
  /(?<!\w)age(?:d|:)?\s*:?\s*(9\d|1[0-4]\d)(?![\w.])/giu,
  // "in her 90s", "nonagenarian", "centenarian"
  /(?<!\w)(?:in\s+(?:his|her|their)\s+)((?:late\s+|early\s+|mid-?\s*)?(?:9|10)0'?s)\b/giu,
];

const PHONE =
  /(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?(?![\w])/giu;
const PHONE_CONTEXT =
  /(?<!\w)(?:phone|ph|tel|telephone|cell|mobile|pager|beeper|beep|page|pg|pgr|fax|facsimile|contact|call|called|ext|extension|x|home|work|office)\b\.?\s*(?:#|no\.?|number)?[\s:#]{0,4}(?:at\s+)?((?:\d{3}[\s.-])?\d{3}[\s.-]?\d{4}|\d{4,5})(?![\w/]|\.\d)/giu;
/**
 * Numbers written the way other countries group them ("0490 75 40 81", "(08) 8747 6301",
 * "01.84.17.61.18", "450 0840"), taken only after a phone cue or before an office/fax/mobile tag:
 * without one, digit groups like these are as often doses, counts or lab runs. 7 to 13 digits.
 */
const PHONE_GROUPS = '(?:\\+?\\d{1,3}[\\s.-]?)?(?:\\(\\d{1,4}\\)[\\s.-]?)?\\d{2,5}(?:[\\s.-]\\d{2,5}){0,4}';
const PHONE_CUED = new RegExp(
  `(?<!\\w)(?:phone|tel|telephone|cell|mobile|desk|fax|pager|call\\s+me\\s+(?:at|on)|reach\\s+me\\s+at|answering\\s+at|my\\s+registered|phone\\s+number\\s+is)\\b\\.?[\\s:#]{0,4}(${PHONE_GROUPS})(?![\\w/]|[.-]\\d)`,
  'giu',
);
const PHONE_TAGGED = new RegExp(
  `(?<![\\w.+-])(${PHONE_GROUPS})[\\s-]{0,2}(?=(?:office|fax|mobile|cell|home|work)\\b)`,
  'giu',
);
const PHONE_TAG_HINT =
  /(?:phone|tel|cell|mobile|desk|fax|pager|call|reach|answering|registered|office|home|work)/iu;
// International numbers carry their own marker ("+44 20 7946 0958", "0049 30 1234567"), which no lab
// value or dose has, so they need no cue.
const PHONE_INTL =
  /(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]?\d{2,5}){1,4}(?![\w])/gu;
/**
 * A phone number in brackets with its groups mistyped ("(617555-0142)", "(617 555 01422)"): the
 * brackets around ten or eleven digits in three groups are what a dose or a lab value never has.
 */
const PHONE_BRACKETED = /\((\d{3}[\s.-]?\d{3}[\s.-]?\d{4,5})\)/gu;
const FAX_CUE = /(?<!\w)(?:fax|facsimile)\b[^\n\d]{0,20}$/iu;

const EMAIL = /(?<!\w)[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,62}\.){1,8}[a-z]{2,24}\b/giu;
const URL =
  /(?<!\w)(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'()[\]{}]{1,2000}|(?<!\w)(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.){1,6}(?:com|org|net|edu|gov|io|us|info|biz|health|care|co\.uk|mil)\b(?:\/[^\s<>"'()[\]{}]{0,2000})?/giu;
const IPV4 =
  /(?<![\w./])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/gu;
const IPV6 =
  /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}:|(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}|::1)(?![\w:])/giu;

const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}([-\s])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/gu;
const SSN_CONTEXT =
  /(?<!\w)(?:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*(\d{3}[-\s]?\d{2}[-\s]?\d{4})\b/giu;

/** Keyword → identifier type, for "<keyword> [number|no|#|id] [:#] <value>". */
const ID_KEYWORDS: ReadonlyArray<readonly [RegExp, PhiType]> = [
  [
    /mrn|medical\s+record(?:\s+(?:number|no|#))?|med\s+rec|record\s*(?:#|no|number)|unit\s+(?:no|number)|chart\s*(?:#|no|number)/,
    'MRN',
  ],
  [
    /patient\s+id|pt\s+id|patient\s+(?:no|number)|hospital\s+(?:no|number)|encounter\s*(?:id|#|no)|visit\s*(?:id|#|no)|accession(?:\s+(?:no|number))?|specimen\s*(?:id|#|no)/,
    'MRN',
  ],
  [
    /member\s*(?:id|#|no|number)|subscriber\s*(?:id|#|no|number)|policy\s*(?:#|no|number|id)?|health\s+plan(?:\s+(?:id|number|no))?|insurance\s*(?:id|#|no|number)|medicaid\s*(?:id|#|no|number)?|medicare\s*(?:id|#|no|number)?|group\s*(?:#|no|number)|plan\s*(?:id|#)|beneficiary\s*(?:id|#|no|number)|mbi|hicn/,
    'HEALTH_PLAN_ID',
  ],
  [
    /account\s*(?:#|no|number|id)?|acct\.?\s*(?:#|no|number)?|billing\s*(?:#|no|number|id)|invoice\s*(?:#|no|number)|claim\s*(?:#|no|number|id)|credit\s+card(?:\s+(?:no|number))?|card\s*(?:#|no|number)|iban|routing\s*(?:#|no|number)/,
    'ACCOUNT',
  ],
  [
    /licen[cs]e\s+plate|plate\s*(?:#|no|number)?|tag\s*(?:#|no|number)|vin|vehicle\s*(?:id|#|no|number)/,
    'VEHICLE_ID',
  ],
  [
    /driver'?s?\s+licen[cs]e(?:\s+(?:no|number|#))?|licen[cs]e\s*(?:#|no|number|id)?|dl\s*#|dln|npi|dea\s*(?:#|no|number)?|certificate\s*(?:#|no|number)?|passport\s*(?:#|no|number)?|permit\s*(?:#|no|number)/,
    'LICENSE',
  ],
  [
    /serial\s*(?:#|no|number)?|s\/n|device\s*(?:id|#|no|number|serial)|udi|imei|model\s*(?:#|no|number)|lot\s*(?:#|no|number)|implant\s*(?:id|#|no|number)|pacemaker\s*(?:id|#|serial)/,
    'DEVICE_ID',
  ],
  [
    /employee\s*(?:id|#|no|number)|badge\s*(?:#|no|number)|case\s*(?:#|no|number)|ref(?:erence)?\s*(?:#|no|number)|confirmation\s*(?:#|no|number)|id\s*(?:#|no|number)|identifier|biometric\s*(?:id|#)|fingerprint\s*(?:id|#)/,
    'OTHER_ID',
  ],
];
const ID_CUE = new RegExp(
  `(?<!\\w)(?:${ID_KEYWORDS.map(([re]) => `(${re.source})`).join('|')})\\b\\.?(?:\\s*(?:number|no\\.?|num|id|#))?\\s*(?:is\\s+)?[:#=]?\\s*([A-Z0-9][A-Z0-9-]{1,30}[A-Z0-9]|[A-Z0-9]{2,})(?![\\w-])`,
  'giu',
);
// Long digit runs and letter+digit codes with no cue are identifiers in clinical text (no lab value
// or dose has seven digits); code systems are excluded by their own cue.
const LONG_NUMBER = /(?<![\w.,/-])\d{7,}(?![\w.,/-]|,\d)/gu;
const CODE_CUE =
  /(?<!\w)(?:icd|icd-?9|icd-?10|cpt|loinc|snomed|ndc|rxnorm|hcpcs|code|codes|lot)\b[\s:#-]*$/iu;
const CREDIT_CARD = /(?<![\w-])(?:\d{4}[\s-]?){3}\d{1,7}(?![\w-])/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/gu;
const VIN =
  /\b(?=[A-HJ-NPR-Z0-9]{17}\b)(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b/gu;

const STREET_SUFFIXES = [
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'boulevard',
  'blvd',
  'lane',
  'ln',
  'drive',
  'dr',
  'court',
  'ct',
  'place',
  'pl',
  'way',
  'terrace',
  'ter',
  'circle',
  'cir',
  'parkway',
  'pkwy',
  'highway',
  'hwy',
  'square',
  'sq',
  'trail',
  'trl',
  'alley',
  'row',
  'plaza',
  'loop',
  'pike',
  'route',
  'rte',
  'crescent',
  'turnpike',
  'tpke',
  'expressway',
  'expy',
  'freeway',
  'heights',
  'hts',
  'ridge',
  'crossing',
  'landing',
  'commons',
  'grove',
  'hill',
  'hills',
  'gardens',
  'mews',
  'cove',
  'creek',
  'glen',
  'hollow',
  'meadows',
  'estates',
];
// Case-sensitive on purpose: "Main St", "MAIN ST" and "main st" are accepted, but the street name
// words must look like a name (capitalised) so "2 pt seen by dr" is not an address.
const cased = (w: string): string => `${w[0]?.toUpperCase()}${w.slice(1)}|${w.toUpperCase()}|${w}`;
const SUFFIX_ALT = STREET_SUFFIXES.map(cased).join('|');
const UNIT =
  '(?:,?\\s*(?:Apt|APT|apt|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT|Room|Rm|Floor|Fl|Bldg|Building|#)\\.?\\s*#?\\s*[A-Za-z0-9][A-Za-z0-9-]{0,6}(?![\\w]))?';
const STREET = new RegExp(
  `(?<![\\w/.-])\\d{1,6}[A-Za-z]?(?:-\\d{1,4})?(?:[ \\t]+\\d{1,5}(?=[ \\t]+\\p{Lu}))?\\s+(?:(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\\.?\\s+)?(?:(?:\\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z'.-]{0,24})\\s+){1,3}(?:${SUFFIX_ALT})\\b\\.?(?:\\s+(?:[NSEW]|NE|NW|SE|SW)\\b\\.?)?${UNIT}`,
  'gu',
);
/**
 * An intersection: "the corner of Elm 12 and Main Street". Both streets are taken up to the
 * end of the clause; each side is bounded, so a failing match costs little.
 */
const CORNER =
  /(?<!\w)(?:the[ \t]+)?corner[ \t]+of[ \t]+(?=[\p{Lu}\d]|[a-z]{1,3}\.[ \t])[^\n,;?!]{2,60}?[ \t]and[ \t]+[^\n,;?!()"]{2,60}?(?=[ \t]*(?:[,;?!)"\n]|\.(?:\s|$)|$))/giu;
const PO_BOX = /(?<!\w)p\.?\s?o\.?\s*box\s*#?\s*\d{1,8}\b/giu;
/** A unit designator on its own, as on the second line of a postal address ("Apt. 591", "Suite 501"). */
const UNIT_ALONE =
  /\b(?:Apt|APT|apt|Apartment|Suite|SUITE|Ste|STE)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?(?![\w-])/gu;
/** US military mail: "PSC 6293, Box 8158", "Unit 1009 Box 0219", "APO AE 09012". */
const MILITARY =
  /\b(?:(?:PSC|CMR|Unit|UNIT|unit|psc|cmr)[ \t]+\d{1,5},?[ \t]+(?:Box|BOX|box)[ \t]+\d{1,5}|(?:APO|FPO|DPO|apo|fpo|dpo)[ \t]+(?:AA|AE|AP|aa|ae|ap)[ \t]+\d{5}|(?:USNS|USNV|USS|USCGC)[ \t]+\p{Lu}[\p{L}-]{1,24})\b/gu;
/**
 * House numbers after the street name, as most of Europe and Latin America write them: a leading
 * number and capitalised words ("28245 Puruntie 82", "3482 Via Franscini 71"), or, with no leading
 * number, a street word those languages use ("Rua do Arenque 1634", "Magasinsgatan 7"). Name words
 * must be capitalised (not all caps), so upper-case clinical lines never match.
 */
const NAME_WORD = "\\p{Lu}[\\p{Ll}'’-]{1,24}\\.?";
const CONNECTOR =
  '(?:de|do|da|dos|das|del|della|delle|dei|degli|des|di|du|la|le|van|von|der|den|ten|u\\.|tér|utca|út)';
const STREET_WORDS = `(?:${NAME_WORD}|${CONNECTOR})(?:[ \\t]+(?:${NAME_WORD}|${CONNECTOR})){0,3}`;
const FOREIGN_STREET_HEAD =
  "(?:(?:Rua|Via|Viale|Calle|Avenida|Av\\.|Rue|Piazza|Carrer|Rambla|Plaza|Paseo|Largo|Travessa|Ulica|ul\\.)|\\p{Lu}[\\p{Ll}'’-]{1,24}(?:straße|strasse|gatan|gata|vägen|veien|vej|vegur|gade|gasse|weg|laan|straat|tie|katu|kuja|stræti|straeti|polku|iela|gatve))";
const STREET_NUMBER_AFTER = new RegExp(
  `(?<![\\w/.,-])(?:\\d{1,6}(?:[ \\t]+\\d{1,5})?[ \\t]+${STREET_WORDS}|${FOREIGN_STREET_HEAD}(?:[ \\t]+${STREET_WORDS})?)[ \\t]+\\d{1,5}[A-Za-z]?\\.?(?![\\w/%]|[.,]\\d|[ \\t]*(?:mg|mcg|ml|cc|units?|tabs?|g|kg|mm|cm|%)\\b)${UNIT}`,
  'gu',
);
/**
 * A further line of a postal address block (city, region, country, postcode): a short line of
 * words and numbers with no sentence punctuation, starting with a capital or a postcode. A line of
 * one short lower-case word (a region code typed in lower case, an empty-field marker) is taken
 * too, so the postcode line after it is still reached.
 */
const ADDRESS_LINE =
  /^[ \t>]*(,?[ \t]*(?:\p{Lu}[\p{L}'’.-]*|\d{3,6}(?:[ -][A-Z\d]{2,4})?|\p{Ll}{2,3}(?=[ \t,]*$))(?:[ \t,]+[\p{L}\d][\p{L}\d'’.-]*){0,4})[ \t]*,?[ \t]*$/u;
const ADDRESS_CUE =
  /(?:^|\n)[ \t>]*$|(?<!\w)(?:at|in|to|on|of|is|with|from|near|address)[ \t]*:?[ \t]*$|:[ \t]*\n?[ \t]*$/iu;
/** The rest of an address on its line: ", Tallinn, Estonia", ", Grand-Leez, Belgium 18431". */
const ADDRESS_TAIL =
  /^,[ \t]*\p{Lu}[\p{L}'’.-]*(?:[ \t]+[\p{Lu}\d][\p{L}\d'’.-]*){0,3}(?:,[ \t]*[\p{Lu}\d][\p{L}\d'’.-]*(?:[ \t]+[\p{Lu}\d][\p{L}\d'’.-]*){0,3}){0,3}/u;
/** The addressee line right above a block: two to four capitalised words or initials. */
const ADDRESSEE_LINE =
  /^[ \t>]*(\p{Lu}[\p{Ll}'’-]+(?:[ \t]+(?:\p{Lu}\.?|\p{Lu}[\p{Ll}'’-]+|[a-z]{2,3})){1,3})[ \t]*$/u;
const STATE_ALT = `(?:${[...STATE_CODES].join('|')}|${STATE_NAMES.join('|')})`;
// "Springfield, IL 62704" — city, (state kept under Safe Harbor), ZIP.
const CITY_STATE_ZIP = new RegExp(
  `(?:\\b((?:[A-Z][a-zA-Z.'-]{1,24}\\s){0,2}[A-Z][a-zA-Z.'-]{1,24})\\s{0,3},?\\s{1,3})?\\b${STATE_ALT}\\.?,?\\s{1,3}(\\d{5}(?:-\\d{4})?)(?![\\w-])`,
  'gu',
);
// MD and PA are also credentials ("Jane Roe, MD"): without a ZIP they do not make a city.
const CITY_STATE = new RegExp(
  `\\b((?:[A-Z][a-z.'-]{1,24}\\s){0,2}[A-Z][a-z.'-]{2,24}),\\s?(?:${[...STATE_CODES].filter((c) => c !== 'MD' && c !== 'PA').join('|')})(?![\\w])`,
  'gu',
);
// Postcodes after a cue, in any country's shape: "zip code is 35350", "ZIP: 394 13", "7412 SL", "3610-114".
const ZIP_CONTEXT =
  /(?<!\w)(?:zip|zip\s*code|postal\s*code|post\s*code|postcode|zipcode)(?:\s+is)?\s*[:#]?\s*(\d{3,5}(?:-\d{3,4}|[ ]\d{2,3}|[ ][A-Z]{2})?)(?![\w-])/giu;

/** A 0-10 rating: "3/10" beside a pain, discomfort or score word. */
const RATING_WORDS =
  /(?<!\w)(?:pain|pains|painful|cp|angina|discomfort|ache|aching|headache|h\/a|c\/o|complain\w*|rated|rates|rating|scale|score|severity|level|intensity|nausea|dyspnea|sob)\b|#\s*$/iu;
/**
 * Ventilator and airway-pressure settings: "PS 10/5", "weaning trial 5/5", "CPAP .4, 5/10". Event
 * words (extubated, placed, trach) are left out: the date of the event often follows them.
 */
const VENT_WORDS =
  /(?<!\w)(?:vent|ventilation|ventilator|cpap|bipap|peep|ps|psv|ips|simv|imv|cmv|prvc|a\/c|fio2|mask|settings?|mode|trial|co\/ci|ci|svr)\b/iu;
/** Murmur grades (x/6) and pulse grades (x/4): "2/6 SEM", "3/6 holosystolic murmur", "+2/4 pulses". */
const GRADE_AFTER =
  /^\s*(?:sem|sm|hsm|dm|murmur|murmurs|systolic|diastolic|holosystolic|harsh|blowing|ejection|crescendo|pulses?|rub|edema|radiat\w*)\b/iu;

/**
 * Clinical ratios that look like a month and day. Scores, grades and pressure pairs cluster in a
 * few shapes; a real "month/day" beside such words is rare enough in notes that excluding it costs
 * less recall than the false alarms it removes (judged on the PhysioNet development set).
 */
function clinicalRatio(text: string, start: number, end: number, a: number, b: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  const after = text.slice(end, end + 24);
  // An explicit date word right before wins ("on" is not one: "remained on 5/5").
  if (/(?<!\w)(?:since|from|until|till|thru|dated|date|dos|dob|admitted|discharged)[\s:]*$/iu.test(before))
    return false;
  if (b === 10 && a <= 10 && (RATING_WORDS.test(before) || RATING_WORDS.test(after))) return true;
  if ((b === 6 && a <= 6) || (b === 4 && a <= 4)) {
    if (GRADE_AFTER.test(after) || /[+]\s*$/u.test(before)) return true;
  }
  // Pressure pairs: both small numbers (cm H2O), with a ventilator word nearby.
  // Pressure pairs: both small numbers (cm H2O) right after a ventilator word, or an equal pair
  // ("5/5") with one nearby.
  if (a <= 25 && b <= 25) {
    if (VENT_WORDS.test(before.slice(-16))) return true;
    if (a === b && (VENT_WORDS.test(before) || VENT_WORDS.test(after.slice(0, 16)))) return true;
  }
  return false;
}

const validMonthDay = (m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= 31;

function detectDates(text: string, emit: Emit, bareYears: boolean): void {
  for (let m = firstMatch(NUMERIC_DATE, text); m !== null; m = nextMatch(NUMERIC_DATE, text)) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    // US M/D/Y or international D/M/Y.
    if (validMonthDay(a, b) || validMonthDay(b, a))
      emit('DATE', m.index, m.index + m[0].length, 'date-numeric');
  }
  for (let m = firstMatch(ISO_DATE, text); m !== null; m = nextMatch(ISO_DATE, text))
    emit('DATE', m.index, m.index + m[0].length, 'date-iso');
  for (let m = firstMatch(COMPACT_DATE, text); m !== null; m = nextMatch(COMPACT_DATE, text))
    emit('DATE', m.index, m.index + m[0].length, 'date-compact');
  for (let m = firstMatch(MONTH_FIRST, text); m !== null; m = nextMatch(MONTH_FIRST, text)) {
    // "may" and "march" are verbs: lower-case "may 2" needs a year or an ordinal to count.
    if (/^(?:may|march)\s+\d{1,2}$/u.test(m[0]) && !/\d{4}/u.test(m[0])) {
      const before = text.slice(Math.max(0, m.index - 20), m.index);
      if (!/(?<!\w)(?:on|since|from|until|of|by|dated|date|dos|dob)\s*:?\s*$/iu.test(before)) continue;
    }
    emit('DATE', m.index, m.index + m[0].length, 'date-month-name');
  }
  for (let m = firstMatch(DAY_FIRST, text); m !== null; m = nextMatch(DAY_FIRST, text)) {
    if (/\d\s+may$/iu.test(m[0])) continue; // "2 may" is rarely a date without a year
    emit('DATE', m.index, m.index + m[0].length, 'date-day-month');
  }
  for (let m = firstMatch(MONTH_DAY, text); m !== null; m = nextMatch(MONTH_DAY, text)) {
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    if (RATIO_CONTEXT.test(before) || FRACTION_AFTER.test(after)) continue;
    if (/(?<![\w.])\d\s+$/u.test(before)) continue; // "1 1/2"
    if (COMMON_FRACTION.test(m[0]) && !DATE_CUE.test(before)) continue;
    if (clinicalRatio(text, m.index, m.index + m[0].length, Number(m[1]), Number(m[2]))) continue;
    emit('DATE', m.index, m.index + m[0].length, 'date-month-day');
  }
  for (let m = firstMatch(MONTH_YEAR, text); m !== null; m = nextMatch(MONTH_YEAR, text)) {
    if (RATIO_CONTEXT.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    emit('DATE', m.index, m.index + m[0].length, 'date-month-year');
  }
  if (ORDINAL_HINT.test(text))
    for (let m = firstMatch(ORDINAL_DAY, text); m !== null; m = nextMatch(ORDINAL_DAY, text)) {
      const day = m[1] ?? '';
      const start = m.index + m[0].length - day.length;
      emit('DATE', start, start + day.length, 'date-ordinal');
    }
  for (let m = firstMatch(YEAR_APOSTROPHE, text); m !== null; m = nextMatch(YEAR_APOSTROPHE, text)) {
    // Feet and degrees take the same mark ("HOB 30'", "ambulated 30'", "x 30'").
    if (FEET_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    emit('DATE', m.index, m.index + m[0].length - 1, 'date-year-apostrophe');
  }
  for (let m = firstMatch(DOUBLE_MONTH_DAY, text); m !== null; m = nextMatch(DOUBLE_MONTH_DAY, text))
    emit('DATE', m.index, m.index + m[0].length, 'date-month-day-pair');
  for (let m = firstMatch(MONTH_DAY_DOT_YEAR, text); m !== null; m = nextMatch(MONTH_DAY_DOT_YEAR, text))
    emit('DATE', m.index, m.index + m[0].length, 'date-month-day-year');
  for (let m = firstMatch(CUED_MONTH_DAY_DASH, text); m !== null; m = nextMatch(CUED_MONTH_DAY_DASH, text)) {
    const value = m[1] ?? '';
    const [a, b] = value.split('-').map(Number);
    // "on 1-2 pillows": a small range of consecutive numbers is a count.
    if (a !== undefined && b !== undefined && a <= 4 && b <= a + 2) continue;
    const start = m.index + m[0].length - value.length;
    emit('DATE', start, start + value.length, 'date-month-day-dash');
  }
  if (bareYears)
    for (let m = firstMatch(BARE_YEAR, text); m !== null; m = nextMatch(BARE_YEAR, text))
      emit('DATE', m.index, m.index + m[0].length, 'date-year');
}

function detectAges(text: string, emit: Emit): void {
  for (const re of AGE_PATTERNS) {
    for (let m = firstMatch(re, text); m !== null; m = nextMatch(re, text)) {
      const value = m[1] ?? m[0];
      const start = m.index + m[0].lastIndexOf(value);
      emit('AGE', start, start + value.length, 'age-over-89');
    }
  }
}

function detectContacts(text: string, emit: Emit, digits: boolean): void {
  if (digits) detectPhones(text, emit);
  if (text.includes('@'))
    for (let m = firstMatch(EMAIL, text); m !== null; m = nextMatch(EMAIL, text))
      emit('EMAIL', m.index, m.index + m[0].length, 'email');
  if (URL_HINT.test(text))
    for (let m = firstMatch(URL, text); m !== null; m = nextMatch(URL, text)) {
      // A trailing full stop or comma ends the sentence, not the URL.
      const value = m[0].replace(/[.,;:!?]+$/u, '');
      // "e.g", "i.e" and decimals like "2.5.com" never reach here: a TLD is required.
      emit('URL', m.index, m.index + value.length, 'url');
    }
  if (digits && text.includes('.'))
    for (let m = firstMatch(IPV4, text); m !== null; m = nextMatch(IPV4, text))
      emit('IP', m.index, m.index + m[0].length, 'ipv4');
  if (IPV6_HINT.test(text))
    for (let m = firstMatch(IPV6, text); m !== null; m = nextMatch(IPV6, text)) {
      // Clock times ("10:30") have one or two colons and no "::"; real IPv6 has more of both.
      const colons = m[0].split(':').length - 1;
      if (colons < 3 && !m[0].includes('::')) continue;
      if (/^\d{1,2}::?$/u.test(m[0])) continue;
      emit('IP', m.index, m.index + m[0].length, 'ipv6');
    }
}

// Helpers below are top-level functions rather than closures: a closure per call is an allocation
// (and, under tsx, a __name call) that short engine strings pay for every time.
const phoneType = (text: string, start: number): PhiType =>
  FAX_CUE.test(text.slice(Math.max(0, start - 30), start)) ? 'FAX' : 'PHONE';

function phoneGroups(text: string, emit: Emit, re: RegExp, rule: string, atEnd: boolean): void {
  for (let m = firstMatch(re, text); m !== null; m = nextMatch(re, text)) {
    const value = m[1] ?? '';
    const n = value.replace(/\D/gu, '').length;
    if (n < 7 || n > 13) continue;
    const start = atEnd ? m.index + m[0].length - value.length : m.index;
    emit(phoneType(text, start), start, start + value.length, rule);
  }
}

function detectPhones(text: string, emit: Emit): void {
  for (let m = firstMatch(PHONE, text); m !== null; m = nextMatch(PHONE, text)) {
    // Ten digits with no separator are more often an identifier than a phone number.
    if (/^\d{10}$/u.test(m[0])) continue;
    emit(phoneType(text, m.index), m.index, m.index + m[0].length, 'phone');
  }
  for (let m = firstMatch(PHONE_INTL, text); m !== null; m = nextMatch(PHONE_INTL, text)) {
    const digits = m[0].replace(/\D/gu, '').length;
    // "00" without a separator is as likely a zero-padded record number ("MRN 00482913").
    if (m[0].startsWith('00') && !/[\s.-]/u.test(m[0])) continue;
    if (digits >= 8 && digits <= 15)
      emit(phoneType(text, m.index), m.index, m.index + m[0].length, 'phone-intl');
  }
  for (let m = firstMatch(PHONE_CONTEXT, text); m !== null; m = nextMatch(PHONE_CONTEXT, text)) {
    const value = m[1] ?? '';
    const start = m.index + m[0].length - value.length;
    emit(phoneType(text, start), start, start + value.length, 'phone-context');
  }
  if (text.includes('('))
    for (let m = firstMatch(PHONE_BRACKETED, text); m !== null; m = nextMatch(PHONE_BRACKETED, text)) {
      const value = m[1] ?? '';
      emit(phoneType(text, m.index), m.index + 1, m.index + 1 + value.length, 'phone-bracketed');
    }
  if (!PHONE_TAG_HINT.test(text)) return;
  phoneGroups(text, emit, PHONE_CUED, 'phone-cued', true);
  phoneGroups(text, emit, PHONE_TAGGED, 'phone-tagged', false);
}

const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

function detectIdentifiers(text: string, emit: Emit): void {
  for (let m = firstMatch(SSN, text); m !== null; m = nextMatch(SSN, text))
    emit('SSN', m.index, m.index + m[0].length, 'ssn');
  if (SSN_HINT.test(text))
    for (let m = firstMatch(SSN_CONTEXT, text); m !== null; m = nextMatch(SSN_CONTEXT, text)) {
      const value = m[1] ?? '';
      const start = m.index + m[0].length - value.length;
      emit('SSN', start, start + value.length, 'ssn-context');
    }
  for (let m = firstMatch(ID_CUE, text); m !== null; m = nextMatch(ID_CUE, text)) {
    const value = m[m.length - 1] ?? '';
    if (!/\d/u.test(value)) continue; // "policy: none", "license plate is red"
    const groupIndex = m.slice(1, -1).findIndex((g) => g !== undefined);
    const type = ID_KEYWORDS[groupIndex]?.[1] ?? 'OTHER_ID';
    const start = m.index + m[0].length - value.length;
    emit(type, start, start + value.length, `id-${type.toLowerCase()}`);
  }
  for (let m = firstMatch(LONG_NUMBER, text); m !== null; m = nextMatch(LONG_NUMBER, text)) {
    if (CODE_CUE.test(text.slice(Math.max(0, m.index - 16), m.index))) continue;
    emit('OTHER_ID', m.index, m.index + m[0].length, 'long-number');
  }
  for (let m = firstMatch(CREDIT_CARD, text); m !== null; m = nextMatch(CREDIT_CARD, text)) {
    const digits = m[0].replace(/\D/gu, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits))
      emit('ACCOUNT', m.index, m.index + m[0].length, 'card-number');
  }
  for (let m = firstMatch(IBAN, text); m !== null; m = nextMatch(IBAN, text)) {
    // An IBAN is mostly digits; "AB12 WORD WORD" is not one.
    if ((m[0].match(/\d/gu) ?? []).length >= 10) emit('ACCOUNT', m.index, m.index + m[0].length, 'iban');
  }
  for (let m = firstMatch(VIN, text); m !== null; m = nextMatch(VIN, text))
    emit('VEHICLE_ID', m.index, m.index + m[0].length, 'vin');
}

function detectAddresses(text: string, emit: Emit, digits: boolean): void {
  if (digits) detectNumberedAddresses(text, emit);
  if (text.includes(','))
    for (let m = firstMatch(CITY_STATE, text); m !== null; m = nextMatch(CITY_STATE, text)) {
      const city = m[1] ?? '';
      emit('ADDRESS', m.index, m.index + city.length, 'city-state');
    }
}

/**
 * Follows a postal address block down from a street line that ends its line: the next short lines
 * (one blank line allowed) are its city, region, country and postcode, and a name line right above
 * it is the addressee.
 */
function addressBlock(text: string, start: number, end: number, emit: Emit): void {
  const eol = text.indexOf('\n', end);
  const lineEnd = eol < 0 ? text.length : eol;
  if (!/^[\s,.]*$/u.test(text.slice(end, lineEnd))) return;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t>]*$/u.test(text.slice(lineStart, start)) && lineStart > 0) {
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    const name = ADDRESSEE_LINE.exec(text.slice(prevStart, lineStart - 1));
    if (name?.[1] !== undefined) {
      const s = prevStart + name[0].indexOf(name[1]);
      emit('NAME', s, s + name[1].length, 'addressee');
    }
  }
  let at = lineEnd + 1;
  let blank = 0;
  for (let n = 0; n < 5 && at < text.length; n++) {
    const next = text.indexOf('\n', at);
    const stop = next < 0 ? text.length : next;
    const line = text.slice(at, stop);
    if (line.trim() === '') {
      if (++blank > 1) return;
    } else {
      const m = line.length <= 60 ? ADDRESS_LINE.exec(line) : null;
      if (m?.[1] === undefined) return;
      const s = at + m[0].indexOf(m[1]);
      emit('ADDRESS', s, s + m[1].length, 'address-block');
    }
    at = stop + 1;
  }
}

/** A second number right before a street line: a building or postcode ("86036 Rua do Arenque 1634"). */
const NUMBER_BEFORE = /(?<![\w.,/-])\d{1,6}[ \t]+$/u;
/** A street match that ends in its unit ("... Suite 215"): the town and country may follow on the line. */
const ENDS_IN_UNIT =
  /(?:Apt|APT|apt|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]{1,7}$/u;
/** Capitalised or upper-case words after a unit on the same line: "Suite 215 NUNGATTA Australia". */
const LINE_TAIL = /^(?:[ \t]+\p{Lu}[\p{L}'’.-]*){1,4}/u;

/** Emits a street match, its tail on the line and the postal block around it. */
function addressAt(text: string, emit: Emit, m: RegExpExecArray, rule: string): void {
  let start = m.index ?? 0;
  let end = start + m[0].length;
  const lead = NUMBER_BEFORE.exec(text.slice(Math.max(0, start - 8), start));
  if (lead !== null) start -= lead[0].length;
  if (ENDS_IN_UNIT.test(m[0])) {
    const tail = LINE_TAIL.exec(text.slice(end, end + 80));
    if (tail !== null) {
      // Up to a US state, which Safe Harbor keeps (as ADDRESS_TAIL below does).
      let keep = 0;
      for (const word of tail[0].split(/(?=[ \t]+\S)/u)) {
        const w = word.trim();
        if (STATE_CODES.has(w) || STATE_NAMES.some((n) => n === w)) break;
        keep += word.length;
      }
      end += keep;
    }
  }
  if (text[end] === ',') {
    const tail = ADDRESS_TAIL.exec(text.slice(end, end + 120));
    // The tail stops before a US state: Safe Harbor keeps the state, and CITY_STATE_ZIP takes
    // the city and ZIP around it.
    if (tail !== null) {
      let keep = 0;
      for (const part of tail[0].split(/(?=,)/u)) {
        const first = part.replace(/^,[ \t]*/u, '').split(/[ \t]/u)[0] ?? '';
        if (STATE_CODES.has(first) || STATE_NAMES.some((n) => part.includes(n))) break;
        keep += part.length;
      }
      // A city followed by a state is the city of CITY_STATE_ZIP: leave it to that pattern.
      if (keep < tail[0].length) keep = 0;
      end += keep;
    }
  }
  emit('ADDRESS', start, end, rule);
  if (text.includes('\n', start)) addressBlock(text, start, end, emit);
}

/**
 * Street words of other languages that are also English or clinical words ("Via", "do", "de"): in
 * a street that numbers after its name they are the street's, not a sign of clinical text.
 */
const FOREIGN_STREET_WORDS: ReadonlySet<string> = new Set(
  'de do da dos das del della delle dei degli des di du la le van von der den ten via rua rue calle plaza largo'.split(
    ' ',
  ),
);
const clinicalStreetWord = (word: string): boolean => {
  const lower = word.toLowerCase();
  return !FOREIGN_STREET_WORDS.has(lower) && (COMMON_WORDS.has(lower) || CLINICAL_WORDS.has(lower));
};

function detectNumberedAddresses(text: string, emit: Emit): void {
  for (let m = firstMatch(STREET_NUMBER_AFTER, text); m !== null; m = nextMatch(STREET_NUMBER_AFTER, text)) {
    // "A/C 750 Rate 10" is a ventilator setting: a leading house number needs a line start or an
    // address cue before it ("lives at", "address:").
    if (/^\d/u.test(m[0]) && !ADDRESS_CUE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    const words = m[0].split(/[\s,]+/u).slice(1, -1);
    if (words.some(clinicalStreetWord)) continue;
    addressAt(text, emit, m, 'street-number-after');
  }
  for (let m = firstMatch(UNIT_ALONE, text); m !== null; m = nextMatch(UNIT_ALONE, text))
    addressAt(text, emit, m, 'unit');
  if (/box|apo|fpo|dpo/iu.test(text))
    for (let m = firstMatch(MILITARY, text); m !== null; m = nextMatch(MILITARY, text))
      addressAt(text, emit, m, 'military-mail');
  for (let m = firstMatch(STREET, text); m !== null; m = nextMatch(STREET, text)) {
    // "2 units prbc st" is not an address: the street words must not be clinical shorthand.
    const words = m[0].split(/[\s,]+/u).slice(1, -1);
    if (words.some((w) => COMMON_WORDS.has(w.toLowerCase()) || CLINICAL_WORDS.has(w.toLowerCase()))) continue;
    if (
      /(?<!\w)(?:units?|mg|ml|mcg|tabs?|times|hrs?|hours?|days?|mins?|minutes?|beats?|bpm|cc|kg|lbs?|way|trach|foley)\b/iu.test(
        m[0],
      )
    )
      continue;
    addressAt(text, emit, m, 'street');
  }
  if (/corner/iu.test(text))
    for (let m = firstMatch(CORNER, text); m !== null; m = nextMatch(CORNER, text))
      emit('ADDRESS', m.index, m.index + m[0].length, 'intersection');
  if (/box/iu.test(text))
    for (let m = firstMatch(PO_BOX, text); m !== null; m = nextMatch(PO_BOX, text))
      addressAt(text, emit, m, 'po-box');
  // CITY_STATE_ZIP needs five digits in a row; its optional leading city makes it slow to fail, so
  // most texts skip it on this cheap test.
  if (FIVE_DIGITS.test(text))
    for (let m = firstMatch(CITY_STATE_ZIP, text); m !== null; m = nextMatch(CITY_STATE_ZIP, text)) {
      const city = m[1];
      const zip = m[2] ?? '';
      if (city !== undefined) {
        const cityStart = m.index;
        emit('ADDRESS', cityStart, cityStart + city.length, 'city-state-zip');
      }
      const zipStart = m.index + m[0].length - zip.length;
      emit('ZIP', zipStart, zipStart + zip.length, 'zip');
    }
  if (ZIP_HINT.test(text))
    for (let m = firstMatch(ZIP_CONTEXT, text); m !== null; m = nextMatch(ZIP_CONTEXT, text)) {
      const zip = m[1] ?? '';
      const start = m.index + m[0].length - zip.length;
      emit('ZIP', start, start + zip.length, 'zip-context');
    }
}

/**
 * Cheap necessary conditions, tested once per text, so a pattern runs only where it can match:
 * every date, age, phone, identifier and numbered-address pattern needs a digit, an e-mail an "@",
 * a URL a scheme, "www." or a known TLD, an IPv6 address "::" or three hex-separated colons.
 */
const DIGIT = /\d/u;
const URL_HINT = /www\.|:\/\/|\.(?:com|org|net|edu|gov|io|us|info|biz|health|care|co\.uk|mil)\b/iu;
const IPV6_HINT = /::|:[0-9a-f]{1,4}:[0-9a-f]{1,4}:/iu;
const SSN_HINT = /ssn|ss#|social/iu;
const ZIP_HINT = /zip|postal/iu;
const FIVE_DIGITS = /\d{5}/u;
const ORDINAL_HINT = /\d(?:st|nd|rd|th)\b/iu;

/** Runs every pattern detector over `text`. */
export function detectPatterns(text: string, emit: Emit, bareYears: boolean): void {
  const digits = DIGIT.test(text);
  if (digits) {
    detectDates(text, emit, bareYears);
    detectAges(text, emit);
    detectIdentifiers(text, emit);
  }
  for (let m = firstMatch(MONTH_ALONE, text); m !== null; m = nextMatch(MONTH_ALONE, text)) {
    const value = m[1] ?? '';
    const start = m.index + m[0].length - value.length;
    emit('DATE', start, start + value.replace(/\.$/u, '').length, 'date-month-alone');
  }
  detectContacts(text, emit, digits);
  detectAddresses(text, emit, digits);
}

export type { PhiSpan };
