/**
 * Ports of the triage layers that back up the deterministic red-flag screen: a medical entity
 * detector (Amazon Comprehend Medical DetectEntitiesV2 in AWS), a risk classifier (a Bedrock model
 * in AWS) and a translator (Amazon Translate in AWS) for languages the screen has no lexicon for.
 * Every adapter receives minimized text only (placeholders, never the identifiers the patient
 * typed). Results are combined by maximum in the triage service: a layer saying emergency gives
 * emergency; an error, a timeout or an unsure answer on a message with clinical cues gives at
 * least urgent.
 */
import { z } from 'zod';

/** Traits as Comprehend Medical names them (DetectEntitiesV2 `Traits[].Name`). */
export const ENTITY_TRAITS = [
  'NEGATION',
  'PAST_HISTORY',
  'HYPOTHETICAL',
  'PERTAINS_TO_FAMILY',
  'SIGN',
  'SYMPTOM',
  'DIAGNOSIS',
  'LOW_CONFIDENCE',
  'FUTURE',
] as const;
export type EntityTrait = (typeof ENTITY_TRAITS)[number];

/** One entity, with offsets into the text that was sent. */
export interface MedicalEntity {
  readonly text: string;
  /** Comprehend Medical category: MEDICAL_CONDITION, ANATOMY, MEDICATION, TEST_TREATMENT_PROCEDURE... */
  readonly category: string;
  readonly type: string;
  readonly score: number;
  readonly beginOffset: number;
  readonly endOffset: number;
  /** Traits with a score of at least 0.5. */
  readonly traits: readonly EntityTrait[];
}

export interface MedicalEntityDetector {
  readonly name: 'comprehend-medical' | 'local-lexicon';
  /** Throws on transport failure or when `signal` aborts. */
  detect(text: string, signal: AbortSignal): Promise<readonly MedicalEntity[]>;
}

export const RISK_LEVELS = ['emergency', 'urgent', 'unsure', 'none'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** What a risk classifier must answer; anything else is treated as an error (so: at least urgent). */
export const RiskClassificationSchema = z.strictObject({
  risk: z.enum(RISK_LEVELS),
  /** Free label from the classifier (e.g. "cardiac", "self-harm"); mapped by the triage service. */
  category: z.string().trim().max(60).default(''),
  /** Short quotes of the message that support the answer (at most five). */
  evidenceSpans: z.array(z.string().max(200)).max(5).default([]),
});
export type RiskClassification = z.infer<typeof RiskClassificationSchema>;

export interface RiskClassifier {
  readonly name: 'bedrock-risk' | 'local-risk' | 'local-and-bedrock-risk';
  /** Throws on transport failure, an invalid answer, or when `signal` aborts. */
  classify(text: string, language: string, signal: AbortSignal): Promise<RiskClassification>;
}

export interface Translator {
  readonly name: 'amazon-translate' | 'local-passthrough';
  /**
   * English text for the screen, or undefined when this adapter cannot translate from
   * `sourceLanguage` (an ISO 639-1 code). Throws on transport failure or when `signal` aborts.
   */
  toEnglish(text: string, sourceLanguage: string, signal: AbortSignal): Promise<string | undefined>;
}
