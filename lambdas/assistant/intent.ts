/**
 * A deterministic intent router over the patient's message. It picks the minimum necessary context
 * (appointments for scheduling, medication names for refills...), drives the local model, and
 * catches the requests no model should answer at all: dosing, another person's record, attempts to
 * change the assistant's instructions.
 */
import { normalize } from './red-flags/text';
import { foldAccents } from './red-flags/tokens';

export const INTENTS = [
  'prompt-injection',
  'other-patient',
  'dosing',
  'refill',
  'scheduling',
  'results',
  'billing',
  'symptom',
  'small-talk',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export interface IntentResult {
  /** The first of `all` in INTENTS order: refusals win, then the most actionable request. */
  readonly primary: Intent;
  readonly all: readonly Intent[];
}

const RULES: ReadonlyArray<readonly [Exclude<Intent, 'unknown'>, RegExp]> = [
  [
    'prompt-injection',
    new RegExp(
      [
        '\\b(?:ignore|disregard|forget|override|bypass|skip) (?:all |any |the |your |my |of |these |those |every )*(?:previous |prior |above |earlier |preceding |system |initial |original |safety )*(?:instructions|rules|prompts?|directions|guidelines|programming|guardrails?|restrictions|filters?)',
        '\\b(?:system|initial|hidden|original|developer|secret) (?:prompt|instructions|message|rules)',
        '\\b(?:reveal|show|print|repeat|display|output|tell me|give me|what (?:is|are|were)|share|paste|recite) (?:me )?(?:your|the) (?:instructions|prompt|rules|system|configuration|guidelines)',
        "\\b(?:pretend|act as|acting as|you are now|you're now|role ?play|imagine you are|imagine you're|from now on you|jailbreak|developer mode|do anything now|no restrictions|unfiltered|without (?:any )?restrictions)\\b",
      ].join('|'),
    ),
  ],
  [
    'other-patient',
    new RegExp(
      [
        "\\b(?:another|other|different|someone else's|somebody else's|other people's|any) (?:patient|patients|person's|people's|user|users|member)\\b",
        '\\b(?:all|every|list|other) (?:the )?patients\\b',
        '\\bpatient (?:id|number|#|named|called)\\b',
        '\\b(?:medications?|meds|records?|results?|chart|appointments?|labs?|file|data|information|info|details|phone|address|mrn|diagnosis) (?:of|for|about) (?:a |the |another |other |that |this )?patient\\b',
        "\\b(?:my )?(?:wife|husband|son|daughter|mother|mom|father|dad|neighbou?r|friend|brother|sister|partner|roommate|boss|coworker|grandma|grandpa)'?s (?:[a-z]+ )?(?:record|records|results?|chart|medications?|meds|appointments?|labs?|diagnosis|file|information|info|data)\\b",
        '\\b(?:record|records|results?|chart|medications?|appointments?|labs?|file) (?:of|for) (?:my )?(?:wife|husband|son|daughter|mother|mom|father|dad|neighbou?r|friend|brother|sister|partner|someone|somebody|another)\\b',
        '\\bwho else\\b',
      ].join('|'),
    ),
  ],
  [
    'dosing',
    new RegExp(
      [
        '\\b(?:what|which|right|correct|max|maximum|safe) (?:dose|dosage|amount)\\b',
        '\\bhow (?:much|many|often)\\b.{0,40}\\b(?:take|have|use|give|inject|pills?|tablets?|capsules?|units?|mg|doses?)\\b',
        '\\b(?:can|should|could|may|do) i (?:take|stop|skip|double|increase|decrease|cut|split|halve|lower|raise|mix|combine|give)\\b(?! (?:an? |the |my )?(?:appointment|slot|time|visit|call|survey|form))',
        '\\b(?:stop taking|double (?:up|my|the)|skip (?:a|my|the) dose|extra (?:dose|pill|tablet|units?)|more (?:pills|tablets|insulin|units)|dose|dosage|dosing)\\b',
      ].join('|'),
    ),
  ],
  [
    'refill',
    /\b(?:refill|refills|re ?fill|prescription|prescriptions|renew|renewal|run(?:ning)? out|ran out|running low|pharmacy|more of my|medication|medications|meds|pills)\b/,
  ],
  [
    'scheduling',
    /\b(?:appointment|appointments|appt|appts|book|booking|schedule|scheduled|reschedule|cancel|visit|check ?up|checkup|see (?:the|a|my) (?:doctor|dr|nurse|provider|clinician)|when is my|next (?:visit|slot)|slots?|availability|available times?)\b/,
  ],
  [
    'results',
    /\b(?:results?|lab|labs|test|tests|blood ?work|bloodwork|a1c|hba1c|cholesterol|x ?ray|scan|mri|ct|ultrasound|readings?|blood pressure numbers)\b/,
  ],
  [
    'billing',
    /\b(?:bill|bills|billing|billed|invoice|charge|charged|charges|payment|payments|pay|paying|insurance|insurer|copay|co pay|deductible|balance|cost|costs|price|statement|receipt|owe|refund)\b/,
  ],
  [
    'symptom',
    /\b(?:pain|pains|painful|hurts?|hurting|ache|aches|aching|sore|fever|cough|coughing|rash|nause\w*|vomit\w*|diarrh\w*|dizz\w*|tired|fatigue\w*|exhausted|headache|migraine|swollen|swelling|itch\w*|bleed\w*|sick|ill|unwell|symptoms?|cold|flu|infection|burning|numb|weak|weakness|short of breath|breath\w*|wheez\w*|anxious|anxiety|depress\w*|sad|stress\w*|insomnia|can't sleep|throw(?:ing)? up|cramp\w*|injur\w*|sprain\w*|cut|bruise|allerg\w*|hives|sneez\w*|runny|stuffy|congest\w*|feel (?:bad|awful|terrible|off|worse|sick)|not feeling (?:well|good|great))\b/,
  ],
  [
    'small-talk',
    /^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks|thank you|thx|ty|bye|goodbye|see you|how are you|ok|okay|cool|great|nice|who are you|what can you do|help)\b/,
  ],
];

/**
 * Spanish forms of the same requests, on accent-folded text (Spanish-speaking patients are the
 * largest limited-English group in US clinics; wording after MedlinePlus en español).
 */
const SPANISH: Readonly<Partial<Record<Exclude<Intent, 'unknown'>, RegExp>>> = {
  'prompt-injection':
    /\b(?:ignora|olvida|omite)(?: todas| todo| las| tus| sus)* (?:instrucciones|reglas|indicaciones)|\b(?:muestrame|dime|revela|ensename) (?:tus|las|sus) (?:instrucciones|reglas)|\b(?:actua como|finge que eres|haz de cuenta que eres|a partir de ahora eres)\b/,
  'other-patient':
    /\b(?:otro|otra|otros|otras) pacientes?\b|\btodos los pacientes\b|\b(?:expediente|resultados?|medicamentos?|medicinas|citas?|informacion|datos|analisis|diagnostico) (?:de|del) (?:mi |la |el )?(?:esposo|esposa|hijo|hija|mama|papa|madre|padre|vecino|vecina|amigo|amiga|hermano|hermana|suegra|suegro|otra persona|alguien)\b/,
  dosing:
    /\bcuant[oa]s? (?:\w+ ){0,4}(?:tomo|tomar|tomarme|le doy|darle|dar|pastillas|tabletas|capsulas|unidades|mg|gotas)\b|\b(?:puedo|debo|deberia|podria|le puedo) (?:tomar|dejar de tomar|saltar|doblar|duplicar|aumentar|subir|bajar|partir|combinar|mezclar|darle|dar)\b|\b(?:dosis|dosificacion)\b|\b(?:mas|otra) (?:pastillas?|tabletas?|insulina|unidades)\b/,
  refill:
    /\b(?:receta|recetas|resurtir|resurtido|rellenar|renovar|se me acab\w*|me quede sin|farmacia|medicina|medicinas|medicamento|medicamentos|pastillas)\b/,
  scheduling:
    /\b(?:cita|citas|agendar|programar|reprogramar|cancelar|consulta|chequeo|ver al doctor|ver a la doctora|horarios?|disponibilidad)\b/,
  results:
    /\b(?:resultados?|analisis|laboratorio|examen|examenes|pruebas?|radiografia|ultrasonido|estudios|lecturas)\b/,
  billing:
    /\b(?:factura|facturas|cobro|cobros|cobraron|pago|pagos|pagar|seguro|aseguranza|deducible|copago|saldo|costo|precio|reembolso|estado de cuenta)\b/,
  symptom:
    /\b(?:dolor|duele|duelen|fiebre|calentura|tos|sarpullido|ronchas|nause\w*|vomit\w*|diarrea|mareo\w*|maread[oa]|cansad[oa]|fatiga|hinchad[oa]|hinchazon|picazon|comezon|sangr\w*|enferm[oa]|sintomas?|gripe|resfriado|infeccion|ardor|entumid\w*|debil|debilidad|falta de aire|ansiedad|deprimid[oa]|triste|estres\w*|no puedo dormir|calambres?|herida|alergi\w*|congestion\w*|me siento mal)\b/,
  'small-talk':
    /^(?:hola|buenos dias|buenas tardes|buenas noches|gracias|adios|quien eres|que puedes hacer|ayuda)\b/,
};

export function classifyIntent(text: string): IntentResult {
  const normalized = foldAccents(normalize(text))
    .replace(/[^a-z0-9' #]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const all: Intent[] = [];
  for (const [intent, pattern] of RULES)
    if (pattern.test(normalized) || SPANISH[intent]?.test(normalized)) all.push(intent);
  // A refill request that names a strength ("lisinopril 10 mg refill") is not a dosing question.
  if (
    all.includes('dosing') &&
    all.includes('refill') &&
    !/\b(?:how|what|which|can|should|could|may|do|cuanto|cuanta|cuantos|cuantas|puedo|debo|deberia) /.test(
      normalized,
    )
  )
    all.splice(all.indexOf('dosing'), 1);
  if (all.length === 0) all.push('unknown');
  return { primary: all[0] ?? 'unknown', all };
}
