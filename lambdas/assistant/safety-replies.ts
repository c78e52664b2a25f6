/**
 * Fixed replies for what no model answers: dosing, other people's records, attempts to change the
 * assistant, guardrail blocks, and the safe fallback when a model fails. Each ends with a next step.
 */

export const DOSING_REFUSAL =
  "I can't give advice about how much of a medicine to take, or when to start, stop, skip or change a dose. " +
  'Your care team or pharmacist can answer that safely. I can send a message to your care team for you. ' +
  'If you took too much of a medicine, call Poison Control at 1-800-222-1222.';

export const DIAGNOSIS_REFUSAL =
  "I can't tell you what condition you have or what a result means for you. Your care team can: " +
  'you can book a visit or send them a message. If this is an emergency, call 911.';

export const OTHER_PATIENT_REFUSAL =
  "I can only help with your own care and your own record. I can't share or look up anyone else's information. " +
  'If you help care for someone, the clinic can explain how to set up proxy access.';

export const INJECTION_REFUSAL =
  "I'm the clinic's assistant and I can't change how I work or share my instructions. " +
  'I can help with your appointments, prescription refills, billing questions, your results, or describing symptoms.';

export const GUARDRAIL_REPLY =
  "I can't help with that here. For questions about a diagnosis or your medicines, please contact the clinic " +
  'or send a message to your care team. If this is an emergency, call 911 (or 988 for a mental-health crisis).';

export const FALLBACK_REPLY =
  "I'm sorry, I can't answer that right now. Please contact the clinic or send a message to your care team. " +
  'If this is an emergency, call 911 (or call or text 988 for a mental-health crisis).';

export const ESCALATION_OFFER =
  "I'm sorry I haven't been able to help with this. Would you like to send a message to your care team? " +
  'A person will read it and get back to you.';
