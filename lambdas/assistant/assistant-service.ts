/**
 * One chat turn, safe before clever (issue 4, DESIGN.md "The assistant"):
 *   consent → red-flag screen (emergency: fixed answer, no model) → minimize (placeholders, own
 *   minimum necessary context) → fixed refusals (dosing, other people, instruction attacks) →
 *   model (validated JSON, one retry, safe fallback, guardrail mapping) → output checks (prompt
 *   echo, dosing, identifiers) → disposition floor, actions, escalation → re-insert own values →
 *   store minimized turn and disposition metadata → one audit event (the router writes it).
 * Logs carry ids, counts and categories only: never message text, never identifiers.
 */
import { randomUUID } from 'node:crypto';
import type { ApiLogger } from '../api/composition';
import { Forbidden, NotFound } from '../core/errors';
import type { AccessContext, PatientCompartmentPolicy } from '../core/policy';
import type { FhirStore } from '../core/ports';
import type { Audited } from '../core/services/audited';
import type { ConsentService } from '../core/services/consent-service';
import type { KnownIdentifier } from '../phi';
import { loadContext, type PatientContext } from './context';
import type { ConversationMeta, ConversationStore } from './conversation-store';
import { expiryOf } from './conversation-store';
import { classifyIntent, type Intent } from './intent';
import { knownIdentifiersOf, minimizeText, PlaceholderMap, scrubModelText } from './minimizer';
import { type ChatModel, type ChatModelRequest, type ModelReply, parseModelReply } from './model/port';
import { echoesSystemPrompt } from './model/prompt';
import { type AnswerLanguage, careGuidance, RedFlagScreen, SAFETY_FLOOR } from './red-flags';
import { SAFETY_REPLIES } from './safety-replies';
import {
  sharedRedFlagScreen,
  type TriageLayers,
  type TriageOutcome,
  TriageService,
  triageMessage,
} from './triage';
import {
  type ChatMessageResult,
  type Disposition,
  type EmergencyContact,
  moreSevere,
  type NextAction,
  type ReplySource,
  STANDING_NOTICE,
} from './types';

export interface AssistantDependencies {
  readonly fhir: FhirStore;
  readonly conversations: ConversationStore;
  readonly model: ChatModel;
  readonly logger: ApiLogger;
  /** Days a conversation is kept (TTL); WELLGATE_CONVERSATION_DAYS. */
  readonly conversationDays: number;
  /** The clinic's IANA time zone, in which the assistant states times and days; default UTC. */
  readonly timeZone?: string;
  readonly screen?: RedFlagScreen;
  /** Second opinions behind ports (Comprehend Medical, a Bedrock risk classifier, Translate). */
  readonly triageLayers?: TriageLayers;
  /** Id source (tests pin it). */
  readonly newId?: () => string;
}

/** The parts of the API core the assistant uses, from the router's services. */
export interface CoreAccess {
  readonly policy: Pick<PatientCompartmentPolicy, 'ownPatientId'>;
  readonly consents: Pick<ConsentService, 'isActive'>;
}

export interface ChatInput {
  readonly conversationId?: string | undefined;
  readonly text: string;
}

/** How many stored messages (user + assistant) a model sees: the last five exchanges. */
const HISTORY_MESSAGES = 10;
/** Two turns in a row the assistant could not classify → offer the care team. */
const ESCALATE_AFTER = 2;

interface TurnOutcome {
  readonly disposition: Disposition;
  /** Reply with placeholders (what is stored); re-inserted before it is returned. */
  readonly reply: string;
  readonly actions: NextAction[];
  readonly source: ReplySource;
  readonly contacts: readonly EmergencyContact[];
  readonly guardrailIntervened: boolean;
  readonly fallback: boolean;
  readonly understood: boolean;
}

const DOSE_AMOUNT =
  /\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|grams?|milligrams?|micrograms?|ml|mls|milliliters?|millilitres?|cc|units?|iu|tablets?|tabs?|pills?|capsules?|caps?|puffs?|drops?|teaspoons?|tsp|tablespoons?|tbsp)\b/i;
const DOSE_INSTRUCTION =
  /\b(?:take|use|give|inject|double|halve|skip|increase|decrease|reduce|cut)\s+(?:(?:one|two|three|four|half|a|an|another|extra|your|the|of)\s+){0,3}(?:dose|doses|tablets?|pills?|capsules?|units?|puffs?)\b|\b(?:once|twice|three times|four times)\s+(?:a|per)\s+day\b|\bevery\s+\d+\s+hours\b/i;

export class AssistantService {
  private readonly screen: RedFlagScreen;
  private readonly triage: TriageService;
  private readonly newId: () => string;

  constructor(
    private readonly deps: AssistantDependencies,
    private readonly core: CoreAccess,
  ) {
    this.screen = deps.screen ?? sharedRedFlagScreen();
    this.triage = new TriageService(deps.triageLayers ?? {}, this.screen);
    this.newId = deps.newId ?? randomUUID;
  }

  async chat(context: AccessContext, input: ChatInput): Promise<Audited<ChatMessageResult>> {
    const patientId = this.core.policy.ownPatientId(context);
    // 1. The deterministic screen, on the raw text, before anything can fail or wait.
    const screened = triageMessage(input.text, this.screen);
    if (screened.disposition === 'emergency') return this.emergencyTurn(context, patientId, input, screened);

    // Consent is read on every message (no cache): a revocation stops the next message.
    if (!(await this.core.consents.isActive(patientId, 'ai-assistant')))
      throw new Forbidden('ai-consent-required');

    const existing = input.conversationId
      ? await this.deps.conversations.load(patientId, input.conversationId, HISTORY_MESSAGES)
      : undefined;
    // Another patient's conversation id is not found either: keys live in the caller's partition.
    if (input.conversationId && !existing) throw new NotFound('Conversation');
    const conversationId = input.conversationId ?? this.newId();
    const messageId = this.newId();
    const now = context.now;

    // 2. Minimize: the patient's own record values are known identifiers for the shared detector.
    const patient = await this.deps.fhir.read('Patient', patientId);
    const known = knownIdentifiersOf(patient);
    const map = new PlaceholderMap(existing?.meta.nextPlaceholder ?? 1);
    const minimized = minimizeText(input.text, known, map);
    const intent = classifyIntent(input.text);
    let contextKinds: string[] = [];
    // 3. Second opinions on the minimized text (no raw identifiers leave the function).
    const triage = await this.triage.triage(input.text, minimized.text, screened.screen);

    let outcome: TurnOutcome;
    if (triage.disposition === 'emergency') {
      outcome = withRefusal(emergencyOutcome(triage), refusalFor(intent.all, triage.language));
    } else {
      const refusal = refusalFor(intent.all, triage.language);
      if (refusal) {
        outcome = withFloor(refusal, triage);
      } else {
        const patientContext = await loadContext(
          this.deps.fhir,
          patientId,
          intent.all,
          now,
          map,
          this.deps.timeZone,
        );
        contextKinds = Object.keys(patientContext);
        outcome = await this.modelOutcome(
          {
            history: (existing?.history ?? []).map((m) => ({ role: m.role, text: m.text })),
            message: minimized.text,
            context: patientContext,
            hints: {
              intents: intent.all,
              careCategories: triage.careCategories,
              ...(triage.disposition ? { floor: triage.disposition } : {}),
            },
          },
          triage,
          patientContext,
          known,
        );
        outcome = withFloor(outcome, triage);
      }
    }
    if (!triage.refillAllowed)
      outcome = { ...outcome, actions: outcome.actions.filter((a) => a.type !== 'request-refill') };

    // Escalation: two turns in a row that could not be classified → offer the care team.
    const streak = outcome.understood ? 0 : (existing?.meta.unclassifiedStreak ?? 0) + 1;
    const escalated = streak >= ESCALATE_AFTER;
    if (escalated) {
      outcome = {
        ...outcome,
        reply: `${outcome.reply} ${SAFETY_REPLIES[triage.language].escalation}`,
        actions: withAction(outcome.actions, careTeamAction()),
      };
    }

    await this.saveTurn(patientId, now, existing?.meta, {
      conversationId,
      messageId,
      userText: minimized.text,
      reply: outcome.reply,
      disposition: outcome.disposition,
      intent: intent.primary,
      redFlagCategories: triage.categories,
      unclassifiedStreak: escalated ? 0 : streak,
      escalated,
      nextPlaceholder: map.nextNumber,
    });

    // Metadata only: ids, categories, counts. Never the text, never the patient's identifiers.
    this.deps.logger.info('assistant turn', {
      operationId: context.operationId,
      requestId: context.requestId,
      conversationId,
      messageId,
      disposition: outcome.disposition,
      source: outcome.source,
      intents: intent.all,
      redFlagCategories: triage.categories,
      careCategories: triage.careCategories,
      triageSource: triage.source,
      triageLayers: triage.layers,
      language: triage.language,
      guardrailIntervened: outcome.guardrailIntervened,
      fallback: outcome.fallback,
      escalated,
      identifiersRedacted: minimized.redacted,
      contextKinds,
    });

    return {
      value: {
        conversationId,
        messageId,
        disposition: outcome.disposition,
        reply: map.reinsert(outcome.reply),
        nextActions: outcome.actions,
        safety: {
          model: outcome.source,
          redFlagCategories: [...triage.categories],
          emergencyContacts: [...outcome.contacts],
          guardrailIntervened: outcome.guardrailIntervened,
          fallback: outcome.fallback,
          escalatedToCareTeam: escalated,
          identifiersRedacted: minimized.redacted,
          notice: STANDING_NOTICE,
        },
      },
      audit: {
        patientId,
        resourceType: 'Communication',
        resourceId: conversationId,
        action: 'create',
        purpose: 'patient-request',
      },
    };
  }

  /**
   * The emergency turn: the fixed answer (no PHI) is returned whatever the stores do. Consent is
   * not asked (no model sees the text); the conversation is stored when the stores answer within
   * EMERGENCY_STORE_MS and skipped, logged, otherwise; the audit event is deferred to the fallback
   * queue if the audit trail is down (Audited.deferAuditOnFailure).
   */
  private async emergencyTurn(
    context: AccessContext,
    patientId: string,
    input: ChatInput,
    triage: TriageOutcome,
  ): Promise<Audited<ChatMessageResult>> {
    const conversationId = input.conversationId ?? this.newId();
    const messageId = this.newId();
    const outcome = withRefusal(
      emergencyOutcome(triage),
      refusalFor(classifyIntent(input.text).all, triage.language),
    );
    let redacted = 0;
    const stored = await withinDeadline(async () => {
      const existing = input.conversationId
        ? await this.deps.conversations.load(patientId, input.conversationId, HISTORY_MESSAGES)
        : undefined;
      // Another patient's conversation id: answer, but store nothing under it.
      if (input.conversationId && !existing) return;
      const patient = await this.deps.fhir.read('Patient', patientId);
      const map = new PlaceholderMap(existing?.meta.nextPlaceholder ?? 1);
      const minimized = minimizeText(input.text, knownIdentifiersOf(patient), map);
      redacted = minimized.redacted;
      await this.saveTurn(patientId, context.now, existing?.meta, {
        conversationId,
        messageId,
        userText: minimized.text,
        reply: outcome.reply,
        disposition: 'emergency',
        intent: 'symptom',
        redFlagCategories: triage.categories,
        unclassifiedStreak: 0,
        escalated: false,
        nextPlaceholder: map.nextNumber,
      });
    });
    this.deps.logger.info('assistant turn', {
      operationId: context.operationId,
      requestId: context.requestId,
      conversationId,
      messageId,
      disposition: 'emergency',
      source: outcome.source,
      redFlagCategories: triage.categories,
      language: triage.language,
      identifiersRedacted: redacted,
      conversationStored: stored,
    });
    if (!stored) {
      this.deps.logger.error('assistant emergency turn not stored', {
        operationId: context.operationId,
        requestId: context.requestId,
        conversationId,
      });
    }
    return {
      value: {
        conversationId,
        messageId,
        disposition: 'emergency',
        reply: outcome.reply,
        nextActions: [],
        safety: {
          model: outcome.source,
          redFlagCategories: [...triage.categories],
          emergencyContacts: [...outcome.contacts],
          guardrailIntervened: false,
          fallback: false,
          escalatedToCareTeam: false,
          identifiersRedacted: redacted,
          notice: STANDING_NOTICE,
        },
      },
      audit: {
        patientId,
        resourceType: 'Communication',
        resourceId: conversationId,
        action: 'create',
        purpose: 'patient-request',
      },
      deferAuditOnFailure: true,
    };
  }

  /** Stores one exchange (minimized text) and its disposition record under the patient's partition. */
  private async saveTurn(
    patientId: string,
    now: Date,
    previous: ConversationMeta | undefined,
    turn: {
      readonly conversationId: string;
      readonly messageId: string;
      readonly userText: string;
      readonly reply: string;
      readonly disposition: Disposition;
      readonly intent: string;
      readonly redFlagCategories: readonly string[];
      readonly unclassifiedStreak: number;
      readonly escalated: boolean;
      readonly nextPlaceholder: number;
    },
  ): Promise<void> {
    const at = now.toISOString();
    await this.deps.conversations.saveTurn(patientId, {
      meta: {
        conversationId: turn.conversationId,
        createdAt: previous?.createdAt ?? at,
        turns: (previous?.turns ?? 0) + 1,
        unclassifiedStreak: turn.unclassifiedStreak,
        nextPlaceholder: turn.nextPlaceholder,
      },
      previousTurns: previous?.turns,
      user: { messageId: this.newId(), role: 'user', text: turn.userText, at },
      assistant: { messageId: turn.messageId, role: 'assistant', text: turn.reply, at },
      disposition: {
        at,
        conversationId: turn.conversationId,
        messageId: turn.messageId,
        disposition: turn.disposition,
        intent: turn.intent,
        redFlagCategories: turn.redFlagCategories,
        escalated: turn.escalated,
      },
      expiresAt: expiryOf(now, this.deps.conversationDays),
    });
  }

  private async modelOutcome(
    request: ChatModelRequest,
    triage: TriageOutcome,
    patientContext: PatientContext,
    known: readonly KnownIdentifier[],
  ): Promise<TurnOutcome> {
    const source: ReplySource = this.deps.model.name;
    const replies = SAFETY_REPLIES[triage.language];
    let reply: ModelReply | undefined;
    // An invalid reply is retried once; a failure or timeout is not (the function has 25 s).
    for (let attempt = 0; attempt < 2 && !reply; attempt++) {
      let result: Awaited<ReturnType<ChatModel['complete']>>;
      try {
        result = await this.deps.model.complete(request);
      } catch (error) {
        this.deps.logger.warn('assistant model unavailable', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
        return fallbackOutcome(triage.language);
      }
      if (result.kind === 'guardrail-intervened')
        return guardrailOutcome(source, result.policies, triage.language);
      reply = parseModelReply(result.text);
      if (!reply) this.deps.logger.warn('assistant model reply invalid', { attempt: attempt + 1 });
    }
    if (!reply) return fallbackOutcome(triage.language);

    // Output checks: the model's text is untrusted until it passes them.
    if (echoesSystemPrompt(reply.reply)) {
      return { ...fixedOutcome(source, 'administrative', replies.injection, []), fallback: true };
    }
    if (givesDosing(reply.reply, patientContext)) {
      return { ...fixedOutcome(source, 'routine', replies.dosing, [careTeamAction()]), fallback: true };
    }
    const scrubbed = scrubModelText(reply.reply, known);

    // The rules' tier is a floor: a model can raise the disposition, never lower it.
    const floor = triage.disposition;
    const disposition: Disposition = floor ? moreSevere(reply.disposition, floor) : reply.disposition;
    let text = scrubbed.text;
    const contacts: EmergencyContact[] = [];
    if (floor && disposition !== reply.disposition)
      text = [...careGuidance(triage.careCategories, triage.language), text].join(' ');
    if (disposition === 'emergency') {
      // The model judged an emergency the rules missed: keep it, with the standard instruction.
      text = `${text} ${replies.modelEmergency}`;
      contacts.push({ label: 'Emergency services', number: '911' });
    }
    let actions = reply.nextActions.flatMap((proposed) => {
      const action = toNextAction(proposed, patientContext);
      return action ? [action] : [];
    });
    if (disposition === 'urgent') actions = withAction(actions, careTeamAction());
    if (disposition === 'emergency') actions = [];
    return {
      disposition,
      reply: text,
      actions: dedupe(actions).slice(0, 3),
      source,
      contacts,
      guardrailIntervened: false,
      fallback: false,
      understood: reply.understood,
    };
  }
}

function emergencyOutcome(triage: TriageOutcome): TurnOutcome {
  return {
    disposition: 'emergency',
    reply: triage.reply,
    // No buttons: nothing in the app should stand between the patient and the phone.
    actions: [],
    source: triage.source === 'red-flag-screen' ? 'red-flag-screen' : 'safety-rules',
    contacts: triage.contacts.map((c) => ({ label: c.label, number: c.number })),
    guardrailIntervened: false,
    fallback: false,
    understood: true,
  };
}

function refusalFor(intents: readonly Intent[], language: AnswerLanguage): TurnOutcome | undefined {
  const replies = SAFETY_REPLIES[language];
  if (intents.includes('prompt-injection'))
    return fixedOutcome('safety-rules', 'administrative', replies.injection, []);
  if (intents.includes('other-patient'))
    return fixedOutcome('safety-rules', 'administrative', replies.otherPatient, []);
  if (intents.includes('dosing'))
    return fixedOutcome('safety-rules', 'routine', replies.dosing, [careTeamAction()]);
  return undefined;
}

function fixedOutcome(
  source: ReplySource,
  disposition: Disposition,
  reply: string,
  actions: NextAction[],
): TurnOutcome {
  return {
    disposition,
    reply,
    actions,
    source,
    contacts: [],
    guardrailIntervened: false,
    fallback: false,
    understood: true,
  };
}

function fallbackOutcome(language: AnswerLanguage): TurnOutcome {
  return {
    ...fixedOutcome('fallback', 'routine', SAFETY_REPLIES[language].fallback, [careTeamAction()]),
    contacts: [{ label: 'Emergency services', number: '911' }],
    fallback: true,
  };
}

function guardrailOutcome(
  source: ReplySource,
  policies: readonly string[],
  language: AnswerLanguage,
): TurnOutcome {
  const replies = SAFETY_REPLIES[language];
  const dosing = policies.some((p) => /dosing/i.test(p));
  const diagnosis = policies.some((p) => /diagnosis/i.test(p));
  const reply = dosing ? replies.dosing : diagnosis ? replies.diagnosis : replies.guardrail;
  return {
    ...fixedOutcome(source, 'routine', reply, [careTeamAction()]),
    guardrailIntervened: true,
  };
}

/** How long an emergency turn waits for the stores before answering without them. */
const EMERGENCY_STORE_MS = 1_500;

/** True when `work` finished in time; false when it failed or is still running. */
async function withinDeadline(work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), EMERGENCY_STORE_MS);
  });
  try {
    return await Promise.race([work().then(() => true as const), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A refusal never replaces the safety answer: it follows it. */
function withRefusal(outcome: TurnOutcome, refusal: TurnOutcome | undefined): TurnOutcome {
  return refusal ? { ...outcome, reply: `${outcome.reply} ${refusal.reply}` } : outcome;
}

/**
 * The unsure floor and the 911 line: an urgent triage lifts the reply to at least urgent, adds the
 * fixed safety line in the patient's language and offers the care team at once; any other reply to
 * a clinical message still carries the line.
 */
function withFloor(outcome: TurnOutcome, triage: TriageOutcome): TurnOutcome {
  const line = SAFETY_FLOOR[triage.language];
  if (triage.disposition === 'urgent') {
    const reply = outcome.reply.includes(line) ? outcome.reply : `${outcome.reply} ${line}`;
    return {
      ...outcome,
      disposition: moreSevere(outcome.disposition, 'urgent'),
      reply,
      actions: withAction(outcome.actions, careTeamAction()),
      contacts: outcome.contacts.length > 0 ? outcome.contacts : triage.contacts.map((c) => ({ ...c })),
      understood: true,
    };
  }
  if (triage.clinical && !outcome.reply.includes('911'))
    return { ...outcome, reply: `${outcome.reply} ${line}` };
  return outcome;
}

/** Dose amounts or dosing instructions in a reply, other than the strength in a medication's name. */
function givesDosing(text: string, context: PatientContext): boolean {
  let rest = text;
  for (const medication of context.medications ?? []) rest = rest.split(medication.name).join(' ');
  return DOSE_AMOUNT.test(rest) || DOSE_INSTRUCTION.test(rest);
}

export function careTeamAction(): NextAction {
  return { type: 'message-care-team', label: 'Message your care team' };
}

/** A proposed action as the app executes it: only the calling patient's own resources. */
function toNextAction(
  proposed: ModelReply['nextActions'][number],
  context: PatientContext,
): NextAction | undefined {
  switch (proposed.type) {
    case 'book-appointment':
      return {
        type: 'book-appointment',
        label: 'Book an appointment',
        operationId: 'bookAppointment',
        method: 'POST',
        path: '/v1/me/appointments',
      };
    case 'request-refill': {
      // A reference the context does not hold (made up, or absent) proposes nothing.
      const medication = context.medications?.find((m) => m.ref === proposed.medication);
      if (!medication) return undefined;
      return {
        type: 'request-refill',
        label: `Request a refill of ${medication.name}`,
        operationId: 'requestRefill',
        method: 'POST',
        path: `/v1/me/medications/${encodeURIComponent(medication.medicationId)}/refill-requests`,
        medicationId: medication.medicationId,
      };
    }
    case 'message-care-team':
      return careTeamAction();
  }
}

/** Adds `action` first, so the cap of three never drops it. */
function withAction(actions: readonly NextAction[], action: NextAction): NextAction[] {
  return dedupe([action, ...actions]).slice(0, 3);
}

function dedupe(actions: readonly NextAction[]): NextAction[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = action.type === 'request-refill' ? `${action.type}:${action.medicationId}` : action.type;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
