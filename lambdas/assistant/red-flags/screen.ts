/**
 * The red-flag screen: concepts (concepts.ts) matched on stems within a window, each mention given
 * a ConText assertion (assertion.ts), numbers read as vitals (vitals.ts), and nurse-triage decision
 * rules over what is affirmed (protocols.ts). Deterministic, no I/O, before any model: the
 * emergency answer never waits on a store or a network call.
 */
import { type Assertion, AssertionContext, TRIGGERS } from './assertion';
import { CONCEPT_IDS, CONCEPTS, type ConceptId } from './concepts';
import {
  detectLanguage,
  ENGLISH_FUNCTION_WORDS,
  type MessageLanguage,
  SPANISH_FUNCTION_WORDS,
} from './language';
import { type CompiledPhrase, compilePhrase, findPhrase } from './phrases';
import {
  CARE_PROTOCOLS,
  type CareCategory,
  EMERGENCY_CATEGORIES,
  EMERGENCY_PROTOCOLS,
  type EmergencyCategory,
  type Findings,
  INGESTION_CATEGORIES,
  type Protocol,
} from './protocols';
import {
  type AnswerLanguage,
  CARE_RESPONSES,
  contact,
  EMERGENCY_CLOSING,
  EMERGENCY_RESPONSES,
  type EmergencyContactSpec,
  SAFETY_FLOOR,
} from './responses';
import SPELLING_GUARD from './spelling-guard.json';
import { SpellingTolerance } from './text';
import { type Token, tokenize } from './tokens';
import { type Reading, readVitals, type Vitals } from './vitals';

/** Why a mention that matched was not counted. */
export type Suppression = 'negated' | 'historical' | 'hypothetical' | 'idiomatic' | 'administrative';

export interface RuleHit {
  readonly ruleId: string;
  readonly category: EmergencyCategory | CareCategory;
  readonly disposition: 'emergency' | 'urgent';
}

export interface Mention {
  readonly concept: ConceptId;
  readonly start: number;
  readonly end: number;
  readonly assertion: Assertion;
}

export interface ScreenResult {
  /** 'emergency' when an emergency protocol holds; 'urgent' for a same-day care category. */
  readonly disposition: 'emergency' | 'urgent' | undefined;
  readonly hits: readonly RuleHit[];
  /** Emergency categories in answer order (EMERGENCY_CATEGORIES). */
  readonly emergencyCategories: readonly EmergencyCategory[];
  readonly careCategories: readonly CareCategory[];
  /** The language the answer is written in, and the message's detected language. */
  readonly language: AnswerLanguage;
  readonly detectedLanguage: MessageLanguage;
  /** An affirmed clinical cue (symptom, body part, baby, pregnancy, ingestion, injury, violence, mood). */
  readonly clinicalCue: boolean;
  /** A clinical cue of any assertion: even "no chest pain" makes a message clinical. */
  readonly anyCue: boolean;
  /** Self-harm or ingestion mentioned at all (also negated or hypothetical): no refill button. */
  readonly riskSignal: boolean;
  /** Clinical, not an emergency, and no care category explains it: the unsure floor applies. */
  readonly unsure: boolean;
  /**
   * Not an emergency only because a mention was read as past or as a request about care ("had",
   * "ER visit for", "records of"): those judgements are the least certain, so the answer is at
   * least urgent (the safe floor).
   */
  readonly nearEmergency: boolean;
  /** An affirmed symptom, sign, injury or exposure (not a medicine name or a known condition). */
  readonly symptomCue: boolean;
  /** Mentions found but not counted (concept ids and reasons, never text). */
  readonly suppressed: ReadonlyArray<{ readonly concept: ConceptId; readonly reason: Suppression }>;
  /** Affirmed concepts, for second opinions and metrics. */
  readonly affirmed: readonly ConceptId[];
}

interface CompiledConcept {
  readonly id: ConceptId;
  readonly cue: boolean;
  readonly phrases: readonly CompiledPhrase[];
}

const SITE_CONCEPTS: ReadonlySet<ConceptId> = new Set([
  'chest',
  'jaw',
  'arm',
  'back',
  'epigastric',
  'abdomen',
  'head',
  'throat',
  'leg',
  'testicle',
  'neck',
]);
/** Names of medicines and their packaging: a refill request names them; they are no clinical cue. */
const MEDICINE_NAMES: ReadonlySet<ConceptId> = new Set([
  'substance',
  'dangerousDrug',
  'genericMedicine',
  'anticoagulant',
  'epipen',
  'container',
]);
/** Known conditions: clinical, but naming one next to a refill request is no symptom. */
const KNOWN_CONDITIONS: ReadonlySet<ConceptId> = new Set(['diabetic', 'sickleCell', 'pregnant']);
/** Host states (pregnancy, blood thinners, diabetes, sickle cell): a past tense does not end them. */
const STATE_CONCEPTS: ReadonlySet<ConceptId> = new Set([
  'pregnant',
  'anticoagulant',
  'diabetic',
  'sickleCell',
]);
const RISK_CONCEPTS: ReadonlySet<ConceptId> = new Set([
  'suicidal',
  'selfHarm',
  'overdose',
  'overdoseStrong',
  'poisonNamed',
]);

function compileConcepts(): CompiledConcept[] {
  return CONCEPT_IDS.map((id) => {
    const spec = CONCEPTS[id];
    return {
      id,
      cue: spec.cue,
      phrases: [
        ...spec.en.map((source) => compilePhrase(source, 'en')),
        ...spec.es.map((source) => compilePhrase(source, 'es')),
      ],
    };
  });
}

/** Single English words of the lexicon the spelling tolerance corrects towards. */
export const KEY_TERMS: readonly string[] = keyTerms();

function keyTerms(): string[] {
  const terms = new Set<string>();
  for (const id of CONCEPT_IDS) {
    for (const phrase of CONCEPTS[id].en) {
      for (const slot of phrase.split(/\s+/))
        for (const word of slot.split('|')) if (/^[a-z]{4,}$/.test(word)) terms.add(word);
    }
  }
  return [...terms];
}

const wordsOf = (phrase: string): string[] =>
  phrase.split(/[\s|]+/).map((word) => word.replace(/^[=^]|\*$/g, ''));

/** Spanish words of the lexicon, the triggers and the language detector: spelled right, never corrected. */
const SPANISH_TERMS: ReadonlySet<string> = new Set([
  ...CONCEPT_IDS.flatMap((id) => CONCEPTS[id].es.flatMap(wordsOf)),
  ...TRIGGERS.flatMap((spec) => spec.es.flatMap(wordsOf)),
  ...SPANISH_FUNCTION_WORDS,
]);

/** English words of the lexicon, the triggers and the language detector. */
const ENGLISH_TERMS: ReadonlySet<string> = new Set([
  ...CONCEPT_IDS.flatMap((id) => CONCEPTS[id].en.flatMap(wordsOf)),
  ...TRIGGERS.flatMap((spec) => spec.en.flatMap(wordsOf)),
  ...ENGLISH_FUNCTION_WORDS,
]);

/** Tags each token that belongs to one language only, so the other lexicon cannot reach it. */
function withLanguages(tokens: readonly Token[]): Token[] {
  return tokens.map((token) => {
    if (token.value !== undefined || token.word.length < 2) return token;
    const spanish = SPANISH_TERMS.has(token.word);
    const english = ENGLISH_TERMS.has(token.word);
    if (spanish && !english) return { ...token, only: 'es' };
    if (english && !spanish) return { ...token, only: 'en' };
    return token;
  });
}

/**
 * Four-letter words a swapped pair of letters would turn into a term ("does" → "dose"). The
 * dictionary is not asked for four-letter words: it also lists rare words ("pian", "haed") that
 * are far more often typos of a symptom than meant.
 */
const COMMON_FOUR_LETTER: ReadonlySet<string> = new Set([
  'does',
  'form',
  'fats',
  'gaps',
  'gust',
  'tied',
  'polo',
  'pots',
  'beta',
  'colt',
  'lisp',
  'lien',
  'frat',
  'dost',
]);

/**
 * English dictionary words (an-array-of-english-words) of five letters or more that the corrector
 * would otherwise turn into a term, generated by `npm run triage:train` (spelling-guard.json):
 * the few thousand words that matter instead of the 275K-word list in the bundle.
 */
const GUARDED: ReadonlySet<string> = new Set(SPELLING_GUARD.words);

/** Spelled right already: a Spanish word of the lexicon or an English dictionary word. */
function isSpelledRight(word: string): boolean {
  if (SPANISH_TERMS.has(word)) return true;
  return word.length === 4 ? COMMON_FOUR_LETTER.has(word) : GUARDED.has(word);
}

export class RedFlagScreen {
  private readonly concepts = compileConcepts();
  private readonly spelling = new SpellingTolerance(KEY_TERMS, isSpelledRight);

  /**
   * Every concept mention with its assertion and, where it does not count, why: what the screen
   * read, for `npm run triage:eval -- --misses` (concept names and reasons, never the text).
   */
  explain(message: string): { concept: ConceptId; assertion: Assertion; suppressed?: Suppression }[] {
    const { mentions, reasons } = this.#read(message);
    return mentions.map((m, i) => {
      const reason = reasons[i];
      return {
        concept: m.concept,
        assertion: m.assertion,
        ...(reason === undefined ? {} : { suppressed: reason }),
      };
    });
  }

  #read(message: string): {
    tokens: Token[];
    context: AssertionContext;
    mentions: Mention[];
    reasons: (Suppression | undefined)[];
  } {
    const tokens = withLanguages(tokenize(message, this.spelling));
    const raw: Array<{ concept: CompiledConcept; start: number; end: number; slots: readonly number[] }> = [];
    const conceptTokens = new Set<number>();
    for (const concept of this.concepts) {
      for (const phrase of concept.phrases) {
        for (const match of findPhrase(phrase, tokens)) {
          raw.push({ concept, start: match.start, end: match.end, slots: match.slots });
          // Only a phrase of several words owns its tokens ("not breathing", "stopped breathing");
          // a lone site word such as "back" must not hide the trigger "back in March".
          if (match.slots.length > 1) for (const i of match.slots) conceptTokens.add(i);
        }
      }
    }
    const context = new AssertionContext(tokens, conceptTokens);
    const mentions: Mention[] = raw.map((m) => ({
      concept: m.concept.id,
      start: m.start,
      end: m.end,
      assertion: context.assert(m.start, m.end, m.slots),
    }));
    const reasons = mentions.map((mention) => suppressionOf(mention, mentions, tokens));
    return { tokens, context, mentions, reasons };
  }

  screen(message: string): ScreenResult {
    const { tokens, context, mentions, reasons } = this.#read(message);
    const suppressed: Array<{ concept: ConceptId; reason: Suppression }> = [];
    mentions.forEach((mention, i) => {
      const reason = reasons[i];
      if (reason) suppressed.push({ concept: mention.concept, reason });
    });
    const affirmed = mentions.filter((_, i) => !reasons[i]);
    // Read as past or as a request about care: the least certain judgements (see nearEmergency).
    const uncertain = mentions.filter(
      (_, i) => !reasons[i] || reasons[i] === 'historical' || reasons[i] === 'administrative',
    );

    const vitals = affirmedVitals(readVitals(tokens), context);
    const findings = findingsOf(affirmed, vitals, tokens);
    const nearEmergency =
      uncertain.length > affirmed.length &&
      evaluate(EMERGENCY_PROTOCOLS, findingsOf(uncertain, vitals, tokens), 'emergency').length > 0;
    const hits: RuleHit[] = [
      ...evaluate(EMERGENCY_PROTOCOLS, findings, 'emergency'),
      ...evaluate(CARE_PROTOCOLS, findings, 'urgent'),
    ];
    const emergencyCategories = EMERGENCY_CATEGORIES.filter((category) =>
      hits.some((hit) => hit.disposition === 'emergency' && hit.category === category),
    );
    const careCategories = [
      ...new Set(
        hits.filter((hit) => hit.disposition === 'urgent').map((hit) => hit.category as CareCategory),
      ),
    ];
    const cueOf = (mention: Mention): boolean => CONCEPTS[mention.concept].cue;
    const vitalCue = Object.values(vitals).some((readings: readonly Reading[]) => readings.length > 0);
    const clinicalCue = affirmed.some((m) => cueOf(m) && !MEDICINE_NAMES.has(m.concept)) || vitalCue;
    const detectedLanguage = detectLanguage(message, tokens);
    return {
      disposition:
        emergencyCategories.length > 0 ? 'emergency' : careCategories.length > 0 ? 'urgent' : undefined,
      hits,
      emergencyCategories,
      careCategories,
      language: detectedLanguage === 'es' ? 'es' : 'en',
      detectedLanguage,
      clinicalCue,
      anyCue: mentions.some(cueOf) || vitalCue,
      riskSignal:
        mentions.some((m) => RISK_CONCEPTS.has(m.concept)) ||
        emergencyCategories.some((c) => INGESTION_CATEGORIES.has(c) || c === 'suicide-self-harm'),
      unsure: clinicalCue && emergencyCategories.length === 0 && careCategories.length === 0,
      nearEmergency: emergencyCategories.length === 0 && nearEmergency,
      symptomCue:
        affirmed.some(
          (m) => cueOf(m) && !MEDICINE_NAMES.has(m.concept) && !KNOWN_CONDITIONS.has(m.concept),
        ) || vitalCue,
      suppressed,
      affirmed: [...new Set(affirmed.map((m) => m.concept))],
    };
  }
}

function suppressionOf(
  mention: Mention,
  all: readonly Mention[],
  tokens: readonly Token[],
): Suppression | undefined {
  const a = mention.assertion;
  if (a.idiomatic) {
    // "my chest is killing me" is pain: the idiom reading holds only without a body site nearby.
    const clause = tokens[mention.start]?.clause;
    const sentence = tokens[mention.start]?.sentence;
    const siteNearby = all.some(
      (other) =>
        SITE_CONCEPTS.has(other.concept) &&
        tokens[other.start]?.sentence === sentence &&
        tokens[other.start]?.clause === clause &&
        !other.assertion.negated,
    );
    if (!siteNearby || !(mention.concept === 'pain' || mention.concept === 'severe')) return 'idiomatic';
  }
  if (a.negated) return 'negated';
  if (a.hypothetical) return 'hypothetical';
  // A state stays true after the day it was learned: "positive test last week" is pregnant now.
  if (a.historical && !STATE_CONCEPTS.has(mention.concept)) return 'historical';
  if (a.administrative) return 'administrative';
  return undefined;
}

/** Readings in a historical, negated or hypothetical clause do not count ("it was 40 last year"). */
function affirmedVitals(vitals: Vitals, context: AssertionContext): Vitals {
  const keep = (readings: readonly Reading[]): Reading[] =>
    readings.filter((reading) => {
      const a = context.assert(reading.index, reading.index);
      return !a.historical && !a.hypothetical;
    });
  return {
    glucose: keep(vitals.glucose),
    spo2: keep(vitals.spo2),
    systolic: keep(vitals.systolic),
    diastolic: keep(vitals.diastolic),
    temperatureF: keep(vitals.temperatureF),
    heartRate: keep(vitals.heartRate),
    pillCount: keep(vitals.pillCount),
    ageDays: vitals.ageDays,
    pregnancyWeeks: vitals.pregnancyWeeks,
  };
}

function findingsOf(affirmed: readonly Mention[], vitals: Vitals, tokens: readonly Token[]): Findings {
  const byConcept = new Map<ConceptId, Mention[]>();
  for (const mention of affirmed) {
    const list = byConcept.get(mention.concept) ?? [];
    list.push(mention);
    byConcept.set(mention.concept, list);
  }
  const sentenceOf = (m: Mention): number | undefined => tokens[m.start]?.sentence;
  const distance = (x: Mention, y: Mention): number =>
    x.end < y.start ? y.start - x.end : y.end < x.start ? x.start - y.end : 0;
  const ages = vitals.ageDays.map((r) => r.value);
  const weeks = vitals.pregnancyWeeks.map((r) => r.value);
  return {
    has: (concept) => byConcept.has(concept),
    near: (a, b, window = 6) => {
      const left = byConcept.get(a) ?? [];
      const targets = typeof b === 'string' ? [b] : b;
      return targets.some((target) =>
        (byConcept.get(target) ?? []).some((y) =>
          left.some((x) => x !== y && sentenceOf(x) === sentenceOf(y) && distance(x, y) <= window),
        ),
      );
    },
    vitals,
    ageDays: ages.length > 0 ? Math.min(...ages) : undefined,
    pregnancyWeeks: weeks.length > 0 ? Math.max(...weeks) : undefined,
  };
}

function evaluate<C extends EmergencyCategory | CareCategory>(
  protocols: readonly Protocol<C>[],
  findings: Findings,
  disposition: RuleHit['disposition'],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const protocol of protocols) {
    for (const rule of protocol.rules) {
      if (rule.when(findings))
        hits.push({ ruleId: `${protocol.category}/${rule.id}`, category: protocol.category, disposition });
    }
  }
  return hits;
}

export interface EmergencyAnswer {
  readonly reply: string;
  readonly contacts: readonly EmergencyContactSpec[];
}

/** At most this many categories' instructions in one answer: a wall of text is read by no one. */
const MAX_INSTRUCTIONS = 3;

/** The fixed emergency reply for the categories hit, in answer order. */
export function emergencyAnswer(
  categories: readonly EmergencyCategory[],
  language: AnswerLanguage = 'en',
): EmergencyAnswer {
  const texts: string[] = [];
  const contacts: EmergencyContactSpec[] = [];
  for (const category of categories.slice(0, MAX_INSTRUCTIONS)) {
    const response = EMERGENCY_RESPONSES[category];
    if (!texts.includes(response.text[language])) texts.push(response.text[language]);
  }
  for (const category of categories) {
    for (const kind of EMERGENCY_RESPONSES[category].contacts) {
      const spec = contact(kind, language);
      if (!contacts.some((c) => c.number === spec.number)) contacts.push(spec);
    }
  }
  if (texts.length === 0) texts.push(SAFETY_FLOOR[language]);
  if (!contacts.some((c) => c.number === '911')) contacts.push(contact('emergency', language));
  texts.push(EMERGENCY_CLOSING[language]);
  return { reply: texts.join(' '), contacts };
}

/** The same-day guidance text of the care categories hit. */
export function careGuidance(categories: readonly CareCategory[], language: AnswerLanguage = 'en'): string[] {
  return [...new Set(categories.map((category) => CARE_RESPONSES[category][language]))];
}
