/**
 * The assistant (issue 4): red-flag screen, minimizer, ChatModel port and adapters, conversations,
 * summary drafts, and the two API operations. Local mode plugs them in with:
 *
 *   createApiHandler(ports, { operations: assistantOperations({ fhir, appState: { client, tableName }, logger }) })
 */
export { type AssistantDependencies, AssistantService, type CoreAccess } from './assistant-service';
export {
  type AssistantRuntimeOptions,
  assistantOperations,
  chatModelFromEnvironment,
  conversationDaysFromEnvironment,
  DEFAULT_CONVERSATION_DAYS,
} from './composition';
export {
  type ConversationStore,
  type DispositionRecord,
  DynamoConversationStore,
} from './conversation-store';
export { classifyIntent, INTENTS, type Intent } from './intent';
export { knownIdentifiersOf, minimizeText, PlaceholderMap } from './minimizer';
export { BedrockChatModel, type BedrockChatModelOptions } from './model/bedrock';
export { LocalRulesModel } from './model/local-rules';
export { type ChatModel, type ChatModelOutcome, type ChatModelRequest, ModelReplySchema } from './model/port';
export { SYSTEM_PROMPT } from './model/prompt';
export { type AssistantOperations, createAssistantOperations } from './operations';
export { RedFlagScreen } from './red-flags';
export { DRAFT_NOTICE, SummaryDraftResponse } from './summary-draft-service';
export { ChatMessageResponse, DISPOSITIONS, type Disposition, type NextAction } from './types';
