/**
 * The local risk classifier: a multinomial naive Bayes model over word stems and stem pairs
 * (Manning, Raghavan & Schütze, "Introduction to Information Retrieval", ch. 13), trained by
 * `npm run triage:train` on the tuning sets only (test/fixtures/triage/, never the check half or
 * the held-out set). It is the local second opinion behind the same port as the Bedrock
 * classifier: it learns vocabulary the lexicon does not list, and is combined by maximum, so it
 * can raise a message to emergency and never lower one. It answers `emergency` above a log-odds
 * threshold chosen by cross-validation on the tuning sets, and `unsure` (so at least urgent, no
 * refill button) above a lower one that nearly every emergency reaches; the model file records both.
 */
import { z } from 'zod';
import { SpellingTolerance } from '../red-flags/text';
import { type Token, tokenize } from '../red-flags/tokens';
import type { RiskClassification, RiskClassifier } from './ports';

export const LocalRiskModelSchema = z.strictObject({
  version: z.literal(1),
  /** Training sets, by name and size, for the record. */
  trainedOn: z.array(z.strictObject({ set: z.string(), messages: z.number().int().positive() })),
  /** log P(emergency) - log P(non-emergency). */
  priorLogOdds: z.number(),
  /** Per feature: log P(f | emergency) - log P(f | non-emergency), Laplace-smoothed. */
  featureLogOdds: z.record(z.string(), z.number()),
  /** Log odds at or above which the model answers emergency. */
  emergencyLogOdds: z.number(),
  /**
   * Log odds at or above which the model answers unsure (the triage service floors that to
   * urgent, and no refill is offered): low enough that nearly every emergency reaches it.
   */
  unsureLogOdds: z.number(),
});
export type LocalRiskModel = z.infer<typeof LocalRiskModelSchema>;

/** No spelling correction: the model learned the words as patients type them. */
const VERBATIM = new SpellingTolerance([]);

/** Features of a message: each token's English and Spanish stem, and adjacent stem pairs. */
export function riskFeatures(text: string): string[] {
  const tokens = tokenize(text, VERBATIM).filter((t) => t.word !== ',');
  const stem = (t: Token): string => (t.value !== undefined ? '#' : t.stemEn);
  const features = new Set<string>();
  tokens.forEach((token, i) => {
    features.add(`w:${stem(token)}`);
    if (token.stemEs !== token.stemEn) features.add(`s:${token.stemEs}`);
    const next = tokens[i + 1];
    if (next && next.sentence === token.sentence) features.add(`b:${stem(token)}_${stem(next)}`);
  });
  return [...features];
}

/** Log odds of emergency for a message under the model (binary features: Bernoulli-style presence). */
export function riskLogOdds(model: LocalRiskModel, text: string): number {
  let logOdds = model.priorLogOdds;
  for (const feature of riskFeatures(text)) logOdds += model.featureLogOdds[feature] ?? 0;
  return logOdds;
}

export class LocalRiskClassifier implements RiskClassifier {
  readonly name = 'local-risk' as const;

  constructor(private readonly model: LocalRiskModel) {}

  async classify(text: string, _language: string, signal: AbortSignal): Promise<RiskClassification> {
    signal.throwIfAborted();
    const logOdds = riskLogOdds(this.model, text);
    const risk =
      logOdds >= this.model.emergencyLogOdds
        ? 'emergency'
        : logOdds >= this.model.unsureLogOdds
          ? 'unsure'
          : 'none';
    return { risk, category: '', evidenceSpans: [] };
  }
}

/**
 * The local model and a Bedrock classifier together: a confident local emergency answers at once;
 * otherwise the Bedrock answer stands (its errors and timeouts reach the triage service, which
 * floors them to urgent).
 */
export class LocalAndBedrockRiskClassifier implements RiskClassifier {
  readonly name = 'local-and-bedrock-risk' as const;

  constructor(
    private readonly local: RiskClassifier,
    private readonly remote: RiskClassifier,
  ) {}

  async classify(text: string, language: string, signal: AbortSignal): Promise<RiskClassification> {
    const local = await this.local.classify(text, language, signal);
    if (local.risk === 'emergency') return local;
    return this.remote.classify(text, language, signal);
  }
}

let bundled: LocalRiskModel | undefined;

/** The model trained from the repository's tuning sets (local-risk-model.json). */
export function bundledLocalRiskModel(): LocalRiskModel {
  bundled ??= LocalRiskModelSchema.parse(require('./local-risk-model.json'));
  return bundled;
}
