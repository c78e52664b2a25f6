/**
 * The assistant's adapters, chosen once at cold start from the environment the CDK sets:
 * Bedrock Converse (with the guardrail) when WELLGATE_BEDROCK_MODEL_ID is set, the local rules model
 * otherwise. Local mode and tests build the same operations with `createAssistantOperations`.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV } from '../../lib/contracts';
import { type ApiLogger, ConfigurationError, clinicTimeZoneFromEnvironment } from '../api/composition';
import type { FhirStore } from '../core/ports';
import { DynamoConversationStore } from './conversation-store';
import { BedrockChatModel } from './model/bedrock';
import { LocalRulesModel } from './model/local-rules';
import type { ChatModel } from './model/port';
import { type AssistantOperations, createAssistantOperations } from './operations';
import { type TriageLayers, triageLayersFromEnvironment } from './second-opinion/composition';

/** Default retention when the variable is absent (the config default, lib/config.ts). */
export const DEFAULT_CONVERSATION_DAYS = 90;

export function chatModelFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  client?: Pick<BedrockRuntimeClient, 'send'>,
): ChatModel {
  const modelId = env[RUNTIME_ENV.bedrockModelId]?.trim();
  if (!modelId) return new LocalRulesModel();
  const guardrailId = env[RUNTIME_ENV.guardrailId]?.trim();
  const guardrailVersion = env[RUNTIME_ENV.guardrailVersion]?.trim();
  // Never call a model without the guardrail: a missing id is a deployment error, not a default.
  if (!guardrailId || !guardrailVersion) {
    throw new ConfigurationError(
      `${RUNTIME_ENV.guardrailId} and ${RUNTIME_ENV.guardrailVersion} are required when ${RUNTIME_ENV.bedrockModelId} is set`,
    );
  }
  return new BedrockChatModel({
    client: client ?? new BedrockRuntimeClient({ maxAttempts: 2 }),
    modelId,
    guardrailId,
    guardrailVersion,
  });
}

export function conversationDaysFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[RUNTIME_ENV.conversationDays]?.trim();
  if (!raw) return DEFAULT_CONVERSATION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) {
    throw new ConfigurationError(`${RUNTIME_ENV.conversationDays} must be a whole number of days`);
  }
  return days;
}

export interface AssistantRuntimeOptions {
  readonly fhir: FhirStore;
  /** The app-state table (conversations live there, under `chat#patient#<id>`). */
  readonly appState: { readonly client: DynamoDBDocumentClient; readonly tableName: string };
  readonly logger: ApiLogger;
  readonly env?: NodeJS.ProcessEnv;
  /** Default: from the environment (Bedrock when configured, else the local rules model). */
  readonly model?: ChatModel;
  /** The clinic's IANA time zone; default: from the environment (WELLGATE_CLINIC_TIME_ZONE). */
  readonly timeZone?: string;
  /** Default: from the environment (Comprehend Medical, Bedrock risk, Translate as the CDK enables them). */
  readonly triageLayers?: TriageLayers;
}

/** The assistant operations for `createApiHandler(ports, { operations })`. */
export function assistantOperations(options: AssistantRuntimeOptions): AssistantOperations {
  const env = options.env ?? process.env;
  return createAssistantOperations({
    fhir: options.fhir,
    conversations: new DynamoConversationStore(options.appState),
    model: options.model ?? chatModelFromEnvironment(env),
    logger: options.logger,
    conversationDays: conversationDaysFromEnvironment(env),
    timeZone: options.timeZone ?? clinicTimeZoneFromEnvironment(env),
    triageLayers: options.triageLayers ?? triageLayersFromEnvironment(env),
  });
}
