/**
 * ChatModel over Bedrock Converse with the assistant guardrail applied to every call
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html).
 * The patient's message goes in a guardContent block, so the guardrail's input filters (prompt
 * attack, PII, denied topics) judge what the patient wrote, not the clinic's own context block.
 */
import {
  type BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  type GuardrailAssessment,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import type { ChatModel, ChatModelOutcome, ChatModelRequest } from './port';
import { contextBlock, SYSTEM_PROMPT } from './prompt';

export interface BedrockChatModelOptions {
  /** Narrow view of the client: only `send` is used (tests pass a mocked client). */
  readonly client: Pick<BedrockRuntimeClient, 'send'>;
  readonly modelId: string;
  readonly guardrailId: string;
  readonly guardrailVersion: string;
  /** Per call. The function stops at 25 s and a reply may be retried once. Default 10 s. */
  readonly timeoutMs?: number;
  readonly maxTokens?: number;
}

export class BedrockChatModel implements ChatModel {
  readonly name = 'bedrock' as const;

  constructor(private readonly options: BedrockChatModelOptions) {}

  /** The exact Converse request for a chat turn (exposed for tests and reviews). */
  buildInput(request: ChatModelRequest): ConverseCommandInput {
    const messages: Message[] = [];
    // Converse requires the conversation to start with a user turn and to alternate roles.
    for (const turn of request.history) {
      const last = messages[messages.length - 1];
      if (!last && turn.role !== 'user') continue;
      if (last?.role === turn.role) {
        last.content = [...(last.content ?? []), { text: turn.text }];
        continue;
      }
      messages.push({ role: turn.role, content: [{ text: turn.text }] });
    }
    const current: ContentBlock[] = [
      { text: contextBlock(request) },
      { guardContent: { text: { text: request.message } } },
    ];
    const last = messages[messages.length - 1];
    if (last?.role === 'user') last.content = [...(last.content ?? []), ...current];
    else messages.push({ role: 'user', content: current });
    return {
      modelId: this.options.modelId,
      system: [{ text: SYSTEM_PROMPT }],
      messages,
      inferenceConfig: { maxTokens: this.options.maxTokens ?? 600, temperature: 0.2, topP: 0.9 },
      guardrailConfig: {
        guardrailIdentifier: this.options.guardrailId,
        guardrailVersion: this.options.guardrailVersion,
        trace: 'enabled',
      },
    };
  }

  async complete(request: ChatModelRequest): Promise<ChatModelOutcome> {
    const response = await this.options.client.send(new ConverseCommand(this.buildInput(request)), {
      abortSignal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (response.stopReason === 'guardrail_intervened') {
      return {
        kind: 'guardrail-intervened',
        policies: policiesOf(
          response.trace?.guardrail?.inputAssessment,
          response.trace?.guardrail?.outputAssessments,
        ),
      };
    }
    const text = (response.output?.message?.content ?? [])
      .map((block) => block.text ?? '')
      .join('')
      .trim();
    return { kind: 'text', text };
  }
}

/**
 * The names of the guardrail policies that acted (topic names, filter types), never the matched
 * text: the trace can quote the patient's words.
 */
function policiesOf(
  input: Record<string, GuardrailAssessment> | undefined,
  outputs: Record<string, GuardrailAssessment[]> | undefined,
): string[] {
  const assessments = [...Object.values(input ?? {}), ...Object.values(outputs ?? {}).flat()];
  const names = new Set<string>();
  for (const assessment of assessments) {
    for (const topic of assessment.topicPolicy?.topics ?? [])
      if (topic.name) names.add(`topic:${topic.name}`);
    for (const filter of assessment.contentPolicy?.filters ?? [])
      if (filter.type) names.add(`content:${filter.type}`);
    if ((assessment.sensitiveInformationPolicy?.piiEntities ?? []).length > 0) names.add('pii');
    if ((assessment.sensitiveInformationPolicy?.regexes ?? []).length > 0) names.add('pii');
    if ((assessment.wordPolicy?.customWords ?? []).length > 0) names.add('words');
  }
  return [...names].sort();
}
