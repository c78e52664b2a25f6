/**
 * Triage of one patient message: the deterministic red-flag screen first (its emergency answer
 * never waits on anything), then, for messages it did not call an emergency, second opinions
 * behind ports (a medical entity detector and a risk classifier; a translator for languages the
 * screen has no lexicon for), combined by maximum:
 *   - any layer saying emergency gives emergency;
 *   - a layer's urgent or unsure answer, its error or its timeout, on a message with a clinical
 *     cue, gives at least urgent;
 *   - a clinical cue that no layer classified (the unsure floor) gives urgent with a fixed line in
 *     the patient's language: call the clinic now; 911 for danger signs; 988; Poison Control.
 */

import {
  type AnswerLanguage,
  type CareCategory,
  careGuidance,
  type EmergencyCategory,
  type EmergencyContactSpec,
  emergencyAnswer,
  RedFlagScreen,
  SAFETY_FLOOR,
  type ScreenResult,
} from './red-flags';
import { entityOpinion } from './red-flags/entity-opinion';
import type { MedicalEntityDetector, RiskClassifier, RiskLevel, Translator } from './second-opinion/ports';

export type TriageDisposition = 'emergency' | 'urgent' | undefined;

/** Which layer decided, for metrics and the reply metadata (no text). */
export type TriageSource =
  | 'red-flag-screen'
  | 'medical-entities'
  | 'risk-classifier'
  | 'unsure-floor'
  | 'care-rules';

export interface LayerReport {
  readonly layer: 'medical-entities' | 'risk-classifier' | 'translator';
  readonly outcome: 'emergency' | 'urgent' | 'unsure' | 'none' | 'error' | 'timeout' | 'skipped';
}

export interface TriageOutcome {
  readonly disposition: TriageDisposition;
  readonly source: TriageSource | undefined;
  readonly categories: readonly EmergencyCategory[];
  readonly careCategories: readonly CareCategory[];
  readonly contacts: readonly EmergencyContactSpec[];
  /** The fixed text: the emergency answer, or the care guidance and the safety floor. Empty otherwise. */
  readonly reply: string;
  readonly language: AnswerLanguage;
  /** A clinical cue of any assertion: non-emergency replies to such messages carry the 911 line. */
  readonly clinical: boolean;
  /** False next to self-harm, ingestion or unresolved risk: no refill button then. */
  readonly refillAllowed: boolean;
  readonly layers: readonly LayerReport[];
  readonly screen: ScreenResult;
}

let shared: RedFlagScreen | undefined;
/** One compiled screen per process: compiling the lexicon is the screen's main cold-start cost. */
export function sharedRedFlagScreen(): RedFlagScreen {
  shared ??= new RedFlagScreen();
  return shared;
}

/** The deterministic part alone (local mode without second opinions, and the evaluation). */
export function triageMessage(text: string, screen: RedFlagScreen = sharedRedFlagScreen()): TriageOutcome {
  return decide(screen.screen(text), [], undefined);
}

function decide(
  result: ScreenResult,
  layers: readonly LayerReport[],
  raisedBy: EmergencyOpinion | undefined,
): TriageOutcome {
  const language = result.language;
  const base = {
    careCategories: result.careCategories,
    language,
    clinical: result.anyCue,
    layers,
    screen: result,
  };
  if (result.disposition === 'emergency' || raisedBy) {
    const categories =
      result.disposition === 'emergency' ? result.emergencyCategories : (raisedBy?.categories ?? []);
    const answer = emergencyAnswer(categories, language);
    return {
      ...base,
      disposition: 'emergency',
      source: result.disposition === 'emergency' ? 'red-flag-screen' : raisedBy?.layer,
      categories,
      contacts: answer.contacts,
      reply: answer.reply,
      refillAllowed: false,
    };
  }
  const layerRaised = layers.some(
    (l) =>
      l.outcome === 'urgent' ||
      l.outcome === 'unsure' ||
      ((l.outcome === 'error' || l.outcome === 'timeout') && result.anyCue),
  );
  const urgent = result.careCategories.length > 0 || result.unsure || result.nearEmergency || layerRaised;
  const floor = SAFETY_FLOOR[language];
  return {
    ...base,
    disposition: urgent ? 'urgent' : undefined,
    source:
      result.careCategories.length > 0
        ? 'care-rules'
        : urgent
          ? result.unsure || result.nearEmergency
            ? 'unsure-floor'
            : 'risk-classifier'
          : undefined,
    categories: [],
    contacts: urgent || result.anyCue ? emergencyAnswer([], language).contacts : [],
    reply: urgent ? [...careGuidance(result.careCategories, language), floor].join(' ') : '',
    // A refill button only where nothing clinical was said: never next to a symptom or a risk.
    refillAllowed: !result.riskSignal && !urgent && !result.symptomCue,
  };
}

interface EmergencyOpinion {
  readonly layer: 'medical-entities' | 'risk-classifier';
  readonly categories: readonly EmergencyCategory[];
}

export interface TriageLayers {
  readonly entities?: MedicalEntityDetector;
  readonly risk?: RiskClassifier;
  readonly translator?: Translator;
  /** Deadline for all second opinions together; default 3 s. */
  readonly timeoutMs?: number;
}

/** Timing out is a layer's answer too: it counts as "at least urgent" on a clinical message. */
class LayerTimeout extends Error {
  override readonly name = 'LayerTimeout';
}

export class TriageService {
  constructor(
    private readonly layers: TriageLayers = {},
    private readonly screen: RedFlagScreen = sharedRedFlagScreen(),
  ) {}

  /**
   * `raw` is screened; `minimized` (placeholders for identifiers) is all a second opinion sees.
   * An emergency from the screen returns at once, without calling any layer. `screened` is the
   * screen's result for `raw` when the caller already has it.
   */
  async triage(raw: string, minimized: string, screened?: ScreenResult): Promise<TriageOutcome> {
    let result = screened ?? this.screen.screen(raw);
    if (result.disposition === 'emergency') return decide(result, [], undefined);
    const reports: LayerReport[] = [];
    const deadline = AbortSignal.timeout(this.layers.timeoutMs ?? 3_000);

    // Languages without a lexicon: screen the translation, answer in English.
    const language = result.detectedLanguage;
    let english = minimized;
    if (language !== 'en' && language !== 'es' && language !== 'und' && this.layers.translator) {
      const translated = await settle(
        this.layers.translator.toEnglish(minimized, language, deadline),
        deadline,
      );
      if (translated.ok && translated.value !== undefined) {
        english = translated.value;
        const second = this.screen.screen(translated.value);
        if (second.disposition === 'emergency' || second.anyCue)
          result = { ...second, language: 'en', detectedLanguage: language };
        reports.push({ layer: 'translator', outcome: 'none' });
      } else {
        reports.push({
          layer: 'translator',
          outcome: translated.ok ? 'skipped' : translated.timeout ? 'timeout' : 'error',
        });
      }
      if (result.disposition === 'emergency') return decide(result, reports, undefined);
    }

    const [entities, risk] = await Promise.all([
      this.layers.entities ? settle(this.layers.entities.detect(english, deadline), deadline) : undefined,
      this.layers.risk
        ? settle(this.layers.risk.classify(minimized, language, deadline), deadline)
        : undefined,
    ]);
    let raisedBy: EmergencyOpinion | undefined;
    if (entities) {
      if (entities.ok) {
        const opinion = entityOpinion(english, entities.value, this.screen);
        reports.push({ layer: 'medical-entities', outcome: opinion.level });
        if (opinion.level === 'emergency')
          raisedBy = { layer: 'medical-entities', categories: opinion.categories };
      } else reports.push({ layer: 'medical-entities', outcome: entities.timeout ? 'timeout' : 'error' });
    }
    if (risk) {
      if (risk.ok) {
        const level: RiskLevel = risk.value.risk;
        reports.push({ layer: 'risk-classifier', outcome: level });
        if (level === 'emergency' && !raisedBy)
          raisedBy = { layer: 'risk-classifier', categories: categoryOfLabel(risk.value.category) };
      } else reports.push({ layer: 'risk-classifier', outcome: risk.timeout ? 'timeout' : 'error' });
    }
    return decide(result, reports, raisedBy);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; timeout: boolean };

async function settle<T>(work: Promise<T>, deadline: AbortSignal): Promise<Settled<T>> {
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    onAbort = () => reject(new LayerTimeout());
    if (deadline.aborted) onAbort();
    else deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return { ok: true, value: await Promise.race([work, timeout]) };
  } catch (error) {
    return { ok: false, timeout: error instanceof LayerTimeout || deadline.aborted };
  } finally {
    if (onAbort) deadline.removeEventListener('abort', onAbort);
  }
}

/** A classifier's free label to the screen's categories (its number and first aid); 911 otherwise. */
const LABELS: ReadonlyArray<readonly [RegExp, EmergencyCategory]> = [
  [/suicid|self.?harm|crisis/i, 'suicide-self-harm'],
  [/poison|overdose|ingest|swallow/i, 'poisoning'],
  [/violence|abuse|assault/i, 'domestic-violence'],
  [/stroke/i, 'stroke'],
  [/cardiac|heart|chest/i, 'cardiac'],
  [/breath|airway|asthma/i, 'breathing'],
];

function categoryOfLabel(label: string): EmergencyCategory[] {
  for (const [pattern, category] of LABELS) if (pattern.test(label)) return [category];
  return [];
}
