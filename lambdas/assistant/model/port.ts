/**
 * The ChatModel port (DESIGN.md "Code layout"): Bedrock Converse with the guardrail in AWS, the
 * deterministic LocalRulesModel in development and tests. A model only ever receives minimized text
 * (placeholders, never raw identifiers) and the calling patient's minimum necessary context; it
 * gets no tools: actions it proposes are data the app executes through the normal API.
 */
import { z } from 'zod';
import type { PatientContext } from '../context';
import type { Intent } from '../intent';
import type { CareCategory } from '../red-flags';
import { ACTION_TYPES, DISPOSITIONS, type Disposition } from '../types';

export interface ChatTurn {
  readonly role: 'user' | 'assistant';
  /** Minimized text: placeholders only. */
  readonly text: string;
}

export interface ChatModelRequest {
  /** Earlier turns of this conversation, oldest first, as stored (minimized). */
  readonly history: readonly ChatTurn[];
  /** The patient's current message, minimized. */
  readonly message: string;
  readonly context: PatientContext;
  /** What the deterministic layer already knows: intent and the non-emergency triage tier. */
  readonly hints: {
    readonly intents: readonly Intent[];
    readonly careCategories: readonly CareCategory[];
    readonly floor?: Disposition;
  };
}

export type ChatModelOutcome =
  | { readonly kind: 'text'; readonly text: string }
  /** The guardrail blocked the input or the output; `policies` names what fired (no content). */
  | { readonly kind: 'guardrail-intervened'; readonly policies: readonly string[] };

export interface ChatModel {
  /** Reply metadata: which model answered ("local-rules", "bedrock"). */
  readonly name: 'local-rules' | 'bedrock';
  /** Throws on transport failure or timeout; the caller answers with the safe fallback. */
  complete(request: ChatModelRequest): Promise<ChatModelOutcome>;
}

/** The structured answer every model must produce, validated before anything reaches the patient. */
export const ModelReplySchema = z.object({
  disposition: z.enum(DISPOSITIONS),
  reply: z.string().trim().min(1).max(1500),
  nextActions: z
    .array(
      z.object({
        type: z.enum(ACTION_TYPES),
        /** For request-refill: the MED_n reference from the context. */
        medication: z
          .string()
          .regex(/^MED_\d{1,2}$/)
          .optional(),
      }),
    )
    .max(3)
    .default([]),
  /** False when the model could not tell what the patient needs (drives the care-team offer). */
  understood: z.boolean().default(true),
});
export type ModelReply = z.infer<typeof ModelReplySchema>;

/** Parses a model's text: JSON (optionally in a ```json fence) matching ModelReplySchema. */
export function parseModelReply(text: string): ModelReply | undefined {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = ModelReplySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
