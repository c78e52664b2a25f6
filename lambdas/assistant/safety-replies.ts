/**
 * Fixed replies for what no model answers: dosing, other people's records, attempts to change the
 * assistant, guardrail blocks, and the safe fallback when a model fails. Each ends with a next step.
 * Every reply exists in English and Spanish (ACA section 1557); Spanish wording follows
 * MedlinePlus en español and the Spanish pages of the 988 Lifeline and Poison Control.
 */
import type { AnswerLanguage } from './red-flags/responses';

export interface SafetyReplies {
  readonly dosing: string;
  readonly diagnosis: string;
  readonly otherPatient: string;
  readonly injection: string;
  readonly guardrail: string;
  readonly fallback: string;
  readonly escalation: string;
  /** Appended when a model judges an emergency the rules did not. */
  readonly modelEmergency: string;
}

export const SAFETY_REPLIES: Readonly<Record<AnswerLanguage, SafetyReplies>> = {
  en: {
    dosing:
      "I can't give advice about how much of a medicine to take, or when to start, stop, skip or change a dose. " +
      'Your care team or pharmacist can answer that safely. I can send a message to your care team for you. ' +
      'If you took too much of a medicine, call Poison Control at 1-800-222-1222.',
    diagnosis:
      "I can't tell you what condition you have or what a result means for you. Your care team can: " +
      'you can book a visit or send them a message. If this is an emergency, call 911.',
    otherPatient:
      "I can only help with your own care and your own record. I can't share or look up anyone else's information. " +
      'If you help care for someone, the clinic can explain how to set up proxy access.',
    injection:
      "I'm the clinic's assistant and I can't change how I work or share my instructions. " +
      'I can help with your appointments, prescription refills, billing questions, your results, or describing symptoms.',
    guardrail:
      "I can't help with that here. For questions about a diagnosis or your medicines, please contact the clinic " +
      'or send a message to your care team. If this is an emergency, call 911 (or 988 for a mental-health crisis).',
    fallback:
      "I'm sorry, I can't answer that right now. Please contact the clinic or send a message to your care team. " +
      'If this is an emergency, call 911 (or call or text 988 for a mental-health crisis).',
    escalation:
      "I'm sorry I haven't been able to help with this. Would you like to send a message to your care team? " +
      'A person will read it and get back to you.',
    modelEmergency:
      'If this might be an emergency, call 911 now (or call or text 988 for a mental-health crisis).',
  },
  es: {
    dosing:
      'No puedo aconsejarle cuánto tomar de un medicamento, ni cuándo empezar, dejar, saltar o cambiar una dosis. ' +
      'Su equipo de atención o su farmacéutico pueden responderle con seguridad. Puedo enviar un mensaje a su equipo de atención. ' +
      'Si tomó demasiado de un medicamento, llame al Centro de Toxicología al 1-800-222-1222.',
    diagnosis:
      'No puedo decirle qué enfermedad tiene ni qué significa un resultado para usted. Su equipo de atención sí puede: ' +
      'puede pedir una cita o enviarles un mensaje. Si es una emergencia, llame al 911.',
    otherPatient:
      'Solo puedo ayudarle con su propia atención y su propio expediente. No puedo buscar ni compartir información de otra persona. ' +
      'Si usted cuida a alguien, la clínica puede explicarle cómo obtener acceso como representante.',
    injection:
      'Soy el asistente de la clínica y no puedo cambiar cómo funciono ni compartir mis instrucciones. ' +
      'Puedo ayudarle con sus citas, resurtidos de recetas, preguntas de facturación, sus resultados o a describir síntomas.',
    guardrail:
      'No puedo ayudarle con eso aquí. Para preguntas sobre un diagnóstico o sus medicamentos, comuníquese con la clínica ' +
      'o envíe un mensaje a su equipo de atención. Si es una emergencia, llame al 911 (o al 988 en una crisis de salud mental).',
    fallback:
      'Lo siento, no puedo responder en este momento. Comuníquese con la clínica o envíe un mensaje a su equipo de atención. ' +
      'Si es una emergencia, llame al 911 (o llame o envíe un texto al 988 en una crisis de salud mental).',
    escalation:
      'Siento no haber podido ayudarle con esto. ¿Quiere enviar un mensaje a su equipo de atención? ' +
      'Una persona lo leerá y le responderá.',
    modelEmergency:
      'Si esto podría ser una emergencia, llame al 911 ahora (o llame o envíe un texto al 988 en una crisis de salud mental).',
  },
};

export const DOSING_REFUSAL = SAFETY_REPLIES.en.dosing;
export const DIAGNOSIS_REFUSAL = SAFETY_REPLIES.en.diagnosis;
export const OTHER_PATIENT_REFUSAL = SAFETY_REPLIES.en.otherPatient;
export const INJECTION_REFUSAL = SAFETY_REPLIES.en.injection;
export const GUARDRAIL_REPLY = SAFETY_REPLIES.en.guardrail;
export const FALLBACK_REPLY = SAFETY_REPLIES.en.fallback;
export const ESCALATION_OFFER = SAFETY_REPLIES.en.escalation;
