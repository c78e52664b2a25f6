/**
 * LocalRulesModel: the clearly labelled local model (reply metadata `model: "local-rules"`). A
 * deterministic router over the intent, the triage tier and the patient's own context, producing
 * the same JSON a Bedrock model must produce, so the whole pipeline (validation, re-insertion,
 * checks, actions) runs unchanged in development and tests. Not a stub: every answer is built from
 * the patient's data and the clinic's disposition rules.
 */
import { CARE_RESPONSES, type CareCategory } from '../red-flags';
import { DOSING_REFUSAL, INJECTION_REFUSAL, OTHER_PATIENT_REFUSAL } from '../safety-replies';
import type { ActionType, Disposition } from '../types';
import type { ChatModel, ChatModelOutcome, ChatModelRequest, ModelReply } from './port';

type Action = ModelReply['nextActions'][number];

export class LocalRulesModel implements ChatModel {
  readonly name = 'local-rules' as const;

  async complete(request: ChatModelRequest): Promise<ChatModelOutcome> {
    return { kind: 'text', text: JSON.stringify(this.answer(request)) };
  }

  answer(request: ChatModelRequest): ModelReply {
    const intents = request.hints.intents;
    if (intents.includes('prompt-injection')) return reply('administrative', INJECTION_REFUSAL, []);
    if (intents.includes('other-patient')) return reply('administrative', OTHER_PATIENT_REFUSAL, []);
    if (intents.includes('dosing')) return reply('routine', DOSING_REFUSAL, [{ type: 'message-care-team' }]);

    const parts: string[] = [];
    const actions: Action[] = [];
    let disposition: Disposition = 'administrative';
    const addAction = (type: ActionType, medication?: string): void => {
      if (actions.length < 3 && !actions.some((a) => a.type === type && a.medication === medication))
        actions.push(medication ? { type, medication } : { type });
    };

    if (intents.includes('symptom') || request.hints.careCategories.length > 0) {
      const symptom = symptomAnswer(request);
      parts.push(...symptom.parts);
      disposition = symptom.disposition;
      for (const type of symptom.actions) addAction(type);
    }
    if (intents.includes('scheduling')) {
      parts.push(schedulingAnswer(request));
      addAction('book-appointment');
    }
    if (intents.includes('refill')) {
      const refill = refillAnswer(request);
      parts.push(refill.text);
      for (const ref of refill.medications) addAction('request-refill', ref);
      if (refill.medications.length === 0) addAction('message-care-team');
      if (disposition === 'administrative') disposition = 'routine';
    }
    if (intents.includes('results')) {
      parts.push(resultsAnswer(request));
      addAction('message-care-team');
      if (disposition === 'administrative') disposition = 'routine';
    }
    if (intents.includes('billing')) {
      parts.push(
        "I can't see billing records. For questions about a bill, insurance or a payment, please call the clinic's front desk or billing office. I can also pass a message to your care team.",
      );
      addAction('message-care-team');
    }
    if (parts.length > 0) return reply(disposition, parts.join(' '), actions);

    if (intents.includes('small-talk')) {
      const thanks = /\b(?:thanks|thank you|thx|ty)\b/i.test(request.message);
      return reply(
        'administrative',
        thanks
          ? "You're welcome! Is there anything else I can help with: appointments, refills, billing, results or symptoms?"
          : "Hello! I'm the clinic's assistant (local rules model). I can help with your appointments, prescription refills, billing questions, your results, and describing symptoms. What can I do for you?",
        [],
      );
    }
    return {
      ...reply(
        'administrative',
        "I'm not sure I understood. I can help with appointments, prescription refills, billing questions, your results, or describing symptoms. Could you tell me a bit more?",
        [],
      ),
      understood: false,
    };
  }
}

function reply(disposition: Disposition, text: string, nextActions: Action[]): ModelReply {
  return { disposition, reply: text, nextActions, understood: true };
}

function symptomAnswer(request: ChatModelRequest): {
  parts: string[];
  disposition: Disposition;
  actions: ActionType[];
} {
  const categories: readonly CareCategory[] = request.hints.careCategories;
  const floor = request.hints.floor;
  const next = request.context.appointments?.[0];
  if (categories.length > 0) {
    const parts = categories.map((category) => CARE_RESPONSES[category].en);
    const urgent = floor === 'urgent';
    if (!urgent && next)
      parts.push(`Your next appointment is ${next.when}; you can also bring this up then.`);
    return {
      parts,
      disposition: floor ?? 'routine',
      actions: urgent ? ['message-care-team', 'book-appointment'] : ['book-appointment'],
    };
  }
  const parts = [
    "Thank you for telling me how you feel. I can't diagnose what's causing it, but I can help you get care.",
    'You can book a visit, or send a message to your care team if you would like advice before then.',
  ];
  if (next) parts.push(`Your next appointment is ${next.when}.`);
  parts.push('If it gets much worse or feels like an emergency, call 911.');
  return { parts, disposition: 'routine', actions: ['book-appointment', 'message-care-team'] };
}

function schedulingAnswer(request: ChatModelRequest): string {
  const appointments = request.context.appointments ?? [];
  const wantsChange = /\b(?:cancel|reschedule|move|change)\b/i.test(request.message);
  const parts: string[] = [];
  const [first, ...rest] = appointments;
  if (first) {
    parts.push(`Your next appointment is ${first.when}${first.clinician ? ` with ${first.clinician}` : ''}.`);
    if (rest.length > 0) parts.push(`You have ${rest.length} more upcoming after that.`);
  } else {
    parts.push("You don't have any upcoming appointments.");
  }
  parts.push(
    wantsChange
      ? 'To cancel or move a visit, open it under Appointments and choose Cancel, then pick a new time from the free slots.'
      : 'You can book a new visit from the free slots in the app.',
  );
  return parts.join(' ');
}

function refillAnswer(request: ChatModelRequest): { text: string; medications: string[] } {
  const medications = request.context.medications ?? [];
  if (medications.length === 0) {
    return {
      text: "I don't see an active prescription on your record. I can send a message to your care team about it.",
      medications: [],
    };
  }
  const message = request.message.toLowerCase();
  const named = medications.filter((m) => {
    const word = m.name.toLowerCase().split(/\s+/)[0] ?? '';
    return word.length >= 3 && message.includes(word);
  });
  const chosen = named.length > 0 ? named : medications;
  if (named.length > 0) {
    return {
      text: `I can send a refill request for ${chosen.map((m) => m.name).join(', ')} to your care team. Tap the button to send it.`,
      medications: chosen.slice(0, 3).map((m) => m.ref),
    };
  }
  return {
    text: `Your active medications are: ${medications.map((m) => m.name).join('; ')}. Choose the one you need and I'll send the refill request to your care team.`,
    medications: chosen.slice(0, 3).map((m) => m.ref),
  };
}

function resultsAnswer(request: ChatModelRequest): string {
  const results = request.context.results ?? [];
  const listed = results.map((r) => `${r.name} (${r.when})`).join(', ');
  return results.length > 0
    ? `Your recent results are in the Results section of the app, with trends over time: ${listed}. I can't interpret results, but your care team reviews them and can explain what they mean for you.`
    : "I don't see any results from the last six months. If you're waiting for a test, your care team can tell you when to expect it.";
}
