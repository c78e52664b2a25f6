/**
 * The assistant's contract: dispositions, proposed actions and the chat response, as zod schemas
 * (the single source for validation, types and the OpenAPI document).
 */
import { z } from 'zod';
import { FhirId } from '../api/schemas';

/** Ordered from most to least severe: a floor from the rules can only raise a model's answer. */
export const DISPOSITIONS = ['emergency', 'urgent', 'routine', 'self-care', 'administrative'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export function severityRank(disposition: Disposition): number {
  return DISPOSITIONS.indexOf(disposition);
}

/** The more severe of two dispositions. */
export function moreSevere(a: Disposition, b: Disposition): Disposition {
  return severityRank(a) <= severityRank(b) ? a : b;
}

export const ACTION_TYPES = ['book-appointment', 'request-refill', 'message-care-team'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * A proposed next step. It is data the app shows as a button and then executes through the normal
 * API with the patient's own token: the model never gets a tool that bypasses authorization.
 */
export const NextActionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('book-appointment'),
      label: z.string(),
      operationId: z.literal('bookAppointment'),
      method: z.literal('POST'),
      path: z.literal('/v1/me/appointments'),
    }),
    z.strictObject({
      type: z.literal('request-refill'),
      label: z.string(),
      operationId: z.literal('requestRefill'),
      method: z.literal('POST'),
      path: z.string(),
      medicationId: FhirId,
    }),
    z.strictObject({
      type: z.literal('message-care-team'),
      label: z.string(),
    }),
  ])
  .meta({ id: 'AssistantNextAction' });
export type NextAction = z.infer<typeof NextActionSchema>;

export const EmergencyContactSchema = z
  .strictObject({ label: z.string(), number: z.string() })
  .meta({ id: 'EmergencyContact' });
export type EmergencyContact = z.infer<typeof EmergencyContactSchema>;

/** Who produced the reply: the deterministic screen, a model, or the safe fallback text. */
export const REPLY_SOURCES = [
  'red-flag-screen',
  'safety-rules',
  'local-rules',
  'bedrock',
  'fallback',
] as const;
export type ReplySource = (typeof REPLY_SOURCES)[number];

export const SafetySchema = z
  .strictObject({
    model: z.enum(REPLY_SOURCES),
    redFlagCategories: z.array(z.string()),
    emergencyContacts: z.array(EmergencyContactSchema),
    guardrailIntervened: z.boolean(),
    fallback: z.boolean(),
    escalatedToCareTeam: z.boolean(),
    identifiersRedacted: z.number().int().nonnegative(),
    notice: z.string(),
  })
  .meta({ id: 'AssistantSafety' });
export type Safety = z.infer<typeof SafetySchema>;

export const ChatMessageBody = z
  .strictObject({
    conversationId: z.uuid().optional(),
    text: z.string().trim().min(1).max(2000),
  })
  .meta({ id: 'ChatMessageRequest' });

export const ChatMessageResponse = z
  .strictObject({
    conversationId: z.uuid(),
    messageId: z.uuid(),
    disposition: z.enum(DISPOSITIONS),
    reply: z.string(),
    nextActions: z.array(NextActionSchema),
    safety: SafetySchema,
  })
  .meta({ id: 'ChatMessage' });
export type ChatMessageResult = z.infer<typeof ChatMessageResponse>;

export const STANDING_NOTICE =
  'This assistant does not diagnose or give medicine dosing advice. In an emergency call 911; ' +
  'for a mental-health crisis call or text 988.';

// The clinician's visit-preparation draft (POST /v1/patients/{patientId}/summary-drafts).
export const SummaryDraftBody = z
  .strictObject({
    /** How far back intake, trends and assistant activity reach. */
    windowDays: z.number().int().min(7).max(365).optional(),
  })
  .meta({ id: 'SummaryDraftRequest' });

const TrendView = z.strictObject({
  code: z.string(),
  display: z.string(),
  unit: z.string().optional(),
  count: z.number().int(),
  first: z.number(),
  last: z.number(),
  min: z.number(),
  max: z.number(),
  direction: z.enum(['rising', 'falling', 'stable', 'insufficient-data']),
  lastOutsideReferenceRange: z.boolean(),
  since: z.string(),
  latest: z.string(),
});

export const SummaryDraftResponse = z
  .strictObject({
    patientId: FhirId,
    status: z.literal('draft'),
    reviewRequired: z.literal(true),
    notice: z.string(),
    generatedAt: z.string(),
    generatedBy: z.literal('wellgate-summary-rules'),
    window: z.strictObject({ from: z.string(), to: z.string() }),
    activeProblems: z.array(
      z.strictObject({ conditionId: FhirId, display: z.string(), onset: z.string().optional() }),
    ),
    activeMedications: z.array(z.strictObject({ medicationId: FhirId, name: z.string() })),
    vitalsTrends: z.array(TrendView),
    labTrends: z.array(TrendView),
    recentIntake: z.array(
      z.strictObject({
        intakeId: FhirId,
        authored: z.string().optional(),
        answers: z.array(z.strictObject({ question: z.string(), answer: z.string() })),
      }),
    ),
    assistantActivity: z.strictObject({
      turns: z.number().int(),
      byDisposition: z.partialRecord(z.enum(DISPOSITIONS), z.number().int()),
      emergencyCategories: z.array(z.string()),
      escalationsToCareTeam: z.number().int(),
      lastAt: z.string().optional(),
    }),
    narrative: z.array(z.string()),
    sources: z.array(z.strictObject({ resourceType: z.string(), id: FhirId })),
  })
  .meta({ id: 'SummaryDraft', description: 'Draft visit-preparation summary; must be reviewed before use' });
export type SummaryDraft = z.infer<typeof SummaryDraftResponse>;
