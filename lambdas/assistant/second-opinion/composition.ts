/**
 * The triage layers' adapters, chosen once at cold start from the environment the CDK sets:
 * Comprehend Medical when WELLGATE_TRIAGE_COMPREHEND_MEDICAL is "enabled"; the Bedrock risk
 * classifier when a model is configured (WELLGATE_TRIAGE_RISK_MODEL_ID, else
 * WELLGATE_BEDROCK_MODEL_ID), always with the guardrail; Amazon Translate when
 * WELLGATE_TRIAGE_TRANSLATE is "enabled", else the passthrough translator. The local risk model
 * (local-risk.ts) always runs, alone or ahead of the Bedrock classifier.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ComprehendMedicalClient } from '@aws-sdk/client-comprehendmedical';
import { TranslateClient } from '@aws-sdk/client-translate';
import { z } from 'zod';
import { RUNTIME_ENV } from '../../../lib/contracts';
import { ConfigurationError } from '../../api/composition';
import { AmazonTranslator } from './amazon-translate';
import { BedrockRiskClassifier } from './bedrock-risk';
import { ComprehendMedicalEntityDetector } from './comprehend-medical';
import { bundledLocalRiskModel, LocalAndBedrockRiskClassifier, LocalRiskClassifier } from './local-risk';
import { PassthroughTranslator } from './local-translator';
import type { MedicalEntityDetector, RiskClassifier, Translator } from './ports';

export interface TriageLayers {
  readonly entities?: MedicalEntityDetector;
  readonly risk?: RiskClassifier;
  readonly translator: Translator;
}

/** Clients to use instead of new ones (tests pass mocked clients). */
export interface TriageClients {
  readonly comprehendMedical?: Pick<ComprehendMedicalClient, 'send'>;
  readonly bedrock?: Pick<BedrockRuntimeClient, 'send'>;
  readonly translate?: Pick<TranslateClient, 'send'>;
}

/** One attempt per call: the triage service enforces a short deadline and floors on failure. */
export const TRIAGE_CLIENT_CONFIG = { maxAttempts: 1 } as const;

const Switch = z.enum(['enabled', 'disabled']);

function enabled(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim();
  if (!raw) return false;
  const parsed = Switch.safeParse(raw);
  if (!parsed.success) throw new ConfigurationError(`${name} must be "enabled" or "disabled"`);
  return parsed.data === 'enabled';
}

export function triageLayersFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  clients: TriageClients = {},
): TriageLayers {
  const entities = enabled(env, RUNTIME_ENV.triageComprehendMedical)
    ? new ComprehendMedicalEntityDetector({
        client: clients.comprehendMedical ?? new ComprehendMedicalClient(TRIAGE_CLIENT_CONFIG),
      })
    : undefined;
  const translator = enabled(env, RUNTIME_ENV.triageTranslate)
    ? new AmazonTranslator({ client: clients.translate ?? new TranslateClient(TRIAGE_CLIENT_CONFIG) })
    : new PassthroughTranslator();

  const modelId = env[RUNTIME_ENV.triageRiskModelId]?.trim() || env[RUNTIME_ENV.bedrockModelId]?.trim();
  let risk: RiskClassifier | undefined;
  if (modelId) {
    const guardrailId = env[RUNTIME_ENV.guardrailId]?.trim();
    const guardrailVersion = env[RUNTIME_ENV.guardrailVersion]?.trim();
    // Never call a model without the guardrail: a missing id is a deployment error, not a default.
    if (!guardrailId || !guardrailVersion) {
      throw new ConfigurationError(
        `${RUNTIME_ENV.guardrailId} and ${RUNTIME_ENV.guardrailVersion} are required when ${RUNTIME_ENV.bedrockModelId} or ${RUNTIME_ENV.triageRiskModelId} is set`,
      );
    }
    risk = new BedrockRiskClassifier({
      client: clients.bedrock ?? new BedrockRuntimeClient(TRIAGE_CLIENT_CONFIG),
      modelId,
      guardrailId,
      guardrailVersion,
    });
  }
  // The local model is free and offline, so it always runs; Bedrock joins it when configured.
  const local = new LocalRiskClassifier(bundledLocalRiskModel());
  risk = risk ? new LocalAndBedrockRiskClassifier(local, risk) : local;

  return { ...(entities ? { entities } : {}), risk, translator };
}
