/**
 * Red-flag rules as data. Each rule names its category, the disposition it forces and the phrase
 * patterns that must ALL be present (one group each, anywhere in the message, each affirmed: not
 * negated, not historical, not a question about the condition in general). Patterns are regular
 * expressions over normalized text (lower case, contractions unified to "can't", "don't"...,
 * misspellings of key terms corrected, hyphens as spaces).
 *
 * The rules are built from public red-flag guidance, cited per category below. They screen; they do
 * not diagnose. A false alarm costs a patient a phone call; a miss can cost a life, so ambiguous
 * wording errs towards the emergency answer.
 */
import type { Disposition } from '../types';

export const RED_FLAG_CATEGORIES = [
  'cardiac-chest-pain',
  'stroke',
  'severe-breathing',
  'anaphylaxis',
  'severe-bleeding',
  'suicide-self-harm',
  'overdose-poisoning',
  'seizure',
  'unresponsive',
  'thunderclap-headache',
  'infant-fever',
  'pregnancy-bleeding',
  'meningitis',
  'severe-hypoglycemia',
  'head-injury-anticoagulant',
  'trauma-neurological',
] as const;
export type RedFlagCategory = (typeof RED_FLAG_CATEGORIES)[number];

/** Non-emergency tiers the local model and the disposition floor use. */
export const CARE_CATEGORIES = [
  'chest-pain',
  'breathing',
  'high-fever',
  'dehydration',
  'fainting',
  'head-injury',
  'allergic-reaction',
  'pregnancy-concern',
  'urinary-infection-fever',
  'severe-pain',
  'gi-bleeding-signs',
  'minor-illness',
] as const;
export type CareCategory = (typeof CARE_CATEGORIES)[number];

export interface EmergencyContactSpec {
  readonly label: string;
  readonly number: string;
}

export const CONTACTS = {
  emergency: { label: 'Emergency services', number: '911' },
  crisis: { label: '988 Suicide & Crisis Lifeline (call or text)', number: '988' },
  poison: { label: 'Poison Control', number: '1-800-222-1222' },
} as const satisfies Record<string, EmergencyContactSpec>;

export interface CategoryResponse {
  /** What the patient reads: what to do now, in plain words; never a diagnosis or a dose. */
  readonly text: string;
  readonly contacts: readonly EmergencyContactSpec[];
}

export const EMERGENCY_RESPONSES: Readonly<Record<RedFlagCategory, CategoryResponse>> = {
  // AHA, "Warning Signs of a Heart Attack": call 911, do not drive yourself.
  'cardiac-chest-pain': {
    text: 'Chest pain or pressure like this can be a sign of a heart attack. Call 911 now. Do not drive yourself to the hospital.',
    contacts: [CONTACTS.emergency],
  },
  // AHA/ASA F.A.S.T. and BE-FAST (Aroor et al., Stroke 2017;48:479-481): note the time symptoms began.
  stroke: {
    text: 'Sudden face drooping, arm or leg weakness, trouble speaking, or sudden loss of vision or balance can be signs of a stroke. Call 911 now and note the time the symptoms started.',
    contacts: [CONTACTS.emergency],
  },
  // MedlinePlus "Breathing difficulties" (when to call 911: blue lips, struggling for each breath).
  'severe-breathing': {
    text: 'Severe trouble breathing, choking, or blue or gray lips is an emergency. Call 911 now.',
    contacts: [CONTACTS.emergency],
  },
  // NIAID/FAAN anaphylaxis criteria; ACAAI: use the prescribed auto-injector, then call 911.
  anaphylaxis: {
    text: 'This may be a severe allergic reaction (anaphylaxis). If you have a prescribed epinephrine auto-injector, use it as its label directs, then call 911 now, even if you start to feel better.',
    contacts: [CONTACTS.emergency],
  },
  // ACS "Stop the Bleed"; MedlinePlus: vomiting or coughing up blood needs emergency care.
  'severe-bleeding': {
    text: 'Bleeding that will not stop, or vomiting or coughing up blood, is an emergency. Call 911 now. Press firmly on a bleeding wound with a clean cloth while you wait.',
    contacts: [CONTACTS.emergency],
  },
  // 988 Suicide & Crisis Lifeline (SAMHSA); NIMH ASQ — every current thought of suicide gets a same-moment response.
  'suicide-self-harm': {
    text: "I'm really sorry you're feeling this way, and I'm glad you told me. You can call or text 988, the Suicide & Crisis Lifeline, right now to talk with someone. If you are in immediate danger or have already hurt yourself, call 911.",
    contacts: [CONTACTS.crisis, CONTACTS.emergency],
  },
  // America's Poison Centers: 1-800-222-1222, 24/7; call 911 if the person collapses, seizes or cannot breathe.
  'overdose-poisoning': {
    text: 'Call Poison Control now at 1-800-222-1222 (free, 24 hours). If the person is hard to wake, having a seizure, or having trouble breathing, call 911 instead.',
    contacts: [CONTACTS.poison, CONTACTS.emergency],
  },
  // CDC "Seizure First Aid" and Epilepsy Foundation "When to call 911".
  seizure: {
    text: 'Call 911 now. Keep the person safe from injury, turn them onto their side, and do not put anything in their mouth.',
    contacts: [CONTACTS.emergency],
  },
  // American Red Cross / AHA: unresponsive person, call 911 and follow the dispatcher's CPR guidance.
  unresponsive: {
    text: 'Someone who cannot be woken or is not responding needs help now. Call 911. If they are not breathing normally, the dispatcher will guide you through CPR.',
    contacts: [CONTACTS.emergency],
  },
  // ACEP clinical policy on acute headache; Ottawa SAH rule: sudden "worst ever" headache.
  'thunderclap-headache': {
    text: 'A sudden, severe headache, the worst you have ever had, can be a sign of bleeding in the brain. Call 911 now.',
    contacts: [CONTACTS.emergency],
  },
  // AAP HealthyChildren "Fever and Your Baby" — every fever in a baby under 3 months needs immediate care.
  'infant-fever': {
    text: 'A fever in a baby younger than 3 months needs to be checked right away. Call 911 or go to the nearest emergency department now.',
    contacts: [CONTACTS.emergency],
  },
  // ACOG / CDC "Hear Her" urgent maternal warning signs: heavy bleeding in pregnancy.
  'pregnancy-bleeding': {
    text: 'Heavy bleeding during pregnancy is an emergency. Call 911 or go to the nearest emergency department now.',
    contacts: [CONTACTS.emergency],
  },
  // CDC "Bacterial Meningitis" symptoms; NHS glass test for a non-blanching rash.
  meningitis: {
    text: 'Fever with a stiff neck, or a rash that does not fade when a glass is pressed on it, can be signs of meningitis. Call 911 or go to the emergency department now.',
    contacts: [CONTACTS.emergency],
  },
  // ADA Standards of Care, glycemic targets: level 2 (< 54 mg/dL) and level 3 (altered mental status) hypoglycemia.
  'severe-hypoglycemia': {
    text: 'A very low blood sugar can be an emergency. If the person is confused, very drowsy, having a seizure or cannot swallow safely, call 911 now and do not give food or drink by mouth.',
    contacts: [CONTACTS.emergency],
  },
  // NICE CG176 head injury: anticoagulation means a CT scan is needed even without symptoms.
  'head-injury-anticoagulant': {
    text: 'A head injury while taking a blood thinner needs emergency assessment, even if you feel fine. Call 911 or go to the emergency department now.',
    contacts: [CONTACTS.emergency],
  },
  // NICE CG176 and the Canadian CT Head/C-Spine rules: injury with neurological signs.
  'trauma-neurological': {
    text: 'An injury followed by numbness, weakness, confusion, loss of consciousness or repeated vomiting is an emergency. Call 911 now and try not to move the neck or back.',
    contacts: [CONTACTS.emergency],
  },
};

export const CARE_RESPONSES: Readonly<Record<CareCategory, string>> = {
  'chest-pain':
    'Chest pain should be checked today. Please call the clinic now or go to urgent care. If the pain is crushing, spreads to your arm, jaw or back, or comes with sweating or shortness of breath, call 911.',
  breathing:
    'Shortness of breath should be checked today. Please call the clinic or go to urgent care. If you are struggling to breathe or your lips turn blue or gray, call 911.',
  'high-fever':
    'A high or long-lasting fever should be checked today. Please call the clinic or go to urgent care, and drink fluids.',
  dehydration:
    'Not being able to keep fluids down can lead to dehydration. Please call the clinic today or go to urgent care.',
  fainting:
    'Fainting should be checked by a clinician today. Please call the clinic or go to urgent care. If it happens again, or with chest pain or trouble breathing, call 911.',
  'head-injury':
    'A head injury should be checked if you have a headache that gets worse, vomiting, drowsiness or confusion. Please call the clinic today; call 911 if any of those happen.',
  'allergic-reaction':
    'Hives or an allergic reaction without trouble breathing or swelling of the face or throat should be checked today. Call 911 if breathing becomes hard or your throat or tongue swells.',
  'pregnancy-concern':
    'Spotting or cramping during pregnancy should be discussed with your care team today. Please call the clinic. If the bleeding becomes heavy, call 911.',
  'urinary-infection-fever':
    'Burning when you pass urine together with fever or back pain should be checked today. Please call the clinic or go to urgent care.',
  'severe-pain': 'Severe pain should be checked today. Please call the clinic or go to urgent care.',
  'gi-bleeding-signs':
    'Black or bloody stools should be checked today. Please call the clinic now; if you feel faint or are vomiting blood, call 911.',
  'minor-illness':
    'This sounds like something that often gets better with rest, fluids and time. Please book a visit if it lasts more than 10 days, gets worse, or you develop a high fever or trouble breathing.',
};

export interface ScreenRule {
  readonly id: string;
  readonly category: RedFlagCategory | CareCategory;
  readonly disposition: Extract<Disposition, 'emergency' | 'urgent' | 'self-care'>;
  /** Every group must be affirmed somewhere in the message; one pattern of a group suffices. */
  readonly all: readonly (readonly string[])[];
}

// ---- shared fragments ----------------------------------------------------------------------------
const WHO = '(?:my |his |her |their |the |our |a |one |left |right )*';
const CHEST_PAIN = [
  `chest (?:pain|pains|hurts?|hurting|ache|aches|aching|discomfort|burning|burns)`,
  `(?:pain|ache|aching|discomfort|burning) (?:in|on|across|around) ${WHO}chest`,
  `chest is (?:hurting|aching|burning|sore)`,
];
const RADIATION = `(?:spread(?:s|ing)?|radiat(?:es|ing)|going|goes|moving|moves|shoot(?:s|ing)?) (?:down |up |into |to )+${WHO}(?:arm|arms|jaw|back|neck|shoulder|shoulders)`;
const CARDIAC_FEATURES = [
  RADIATION,
  `(?:pain|ache|aching|numb(?:ness)?) (?:in|down) ${WHO}(?:left )?(?:arm|jaw)`,
  `(?:left )?(?:arm|jaw) (?:pain|hurts|hurting|aching|is numb|feels numb)`,
  `sweat(?:ing|y)?|sweats|clammy|cold sweat`,
  `short(?:ness)? of breath|breathless|(?:hard|trouble|difficulty) (?:to )?breath(?:e|ing)?|can't catch ${WHO}breath`,
  `nause(?:a|ous)|throw(?:ing)? up|vomit(?:ing)?|sick to ${WHO}stomach`,
  `dizzy|light ?headed|faint(?:ing)?|passed out`,
];
const FEVER = [
  'fever|fevers|feverish|febrile|burning up|(?:high )?temp(?:erature)?',
  '(?:100\\.[4-9]|10[1-6](?:\\.\\d)?|3[89](?:\\.\\d)?|40(?:\\.\\d)?) ?(?:degrees|f|c)?',
  'feels? (?:very )?(?:hot|warm)',
];
const INFANT = [
  'newborn',
  '(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:week|wk|weeks|wks) old',
  '(?:[0-2]|one|two|a) (?:month|months|mo|mos) old',
  '(?:\\d|1\\d|2\\d|one|two|three|four|five|six|seven|a) (?:day|days) old',
  '(?:baby|infant) (?:is |who is )?(?:under|less than|younger than) (?:3|three) months',
];
const ANTICOAGULANT = [
  'blood thinners?|thinners|anticoagula\\w*|warfarin|coumadin|jantoven|eliquis|apixaban|xarelto|rivaroxaban|pradaxa|dabigatran|savaysa|edoxaban|heparin|lovenox|enoxaparin|plavix|clopidogrel|brilinta|ticagrelor',
];
const HEAD_INJURY = [
  `(?:hit|bumped|banged|smacked|struck|knocked|injured|hurt|cut) ${WHO}head`,
  `head (?:injury|wound|trauma|bump|knock)`,
  'fell (?:and|on|onto) (?:hit )?(?:my |his |her )?head',
  'concussion',
];
const TRAUMA = [
  'fell (?:down|over|off|from|and|on|hard|backwards|forward|out of|onto|off of)|a fall|bad fall|fallen',
  'car (?:accident|crash|wreck)|accident|crash(?:ed)?|collision|wreck',
  '(?:hit|struck) by|thrown from',
  ...HEAD_INJURY,
];
const NEURO_SIGNS = [
  `can't (?:feel|move) ${WHO}(?:legs?|arms?|feet|hands?|toes|fingers|body)`,
  'numb(?:ness)?|tingling|paralyz\\w*|weakness|weak (?:legs|arms)',
  'confus\\w*|disoriented|(?:lost|loss of) consciousness|knocked out|blacked out|passed out',
  'slurr\\w*|(?:vomit\\w*|throwing up|threw up) (?:several|multiple|many|more than once|repeatedly|again)',
  "blurr(?:ed|y) vision|double vision|unequal pupils|clear fluid (?:from|out of)|(?:won't|can't|doesn't) remember",
];
const LOW_SUGAR_READING =
  '(?:blood )?(?:sugar|sugars|glucose|bg|bs)(?: level| reading)? (?:is |was |of |at |reads |reading |dropped to |down to |went to |only |just |like |around |about )*(?:(?:[0-9]|[1-4][0-9]|5[0-3])(?![\\d.])(?: mg)?|[0-2]\\.\\d ?mmol)';

export const SCREEN_RULES: readonly ScreenRule[] = [
  // ---- emergency: cardiac ------------------------------------------------------------------------
  {
    id: 'cardiac-described',
    category: 'cardiac-chest-pain',
    disposition: 'emergency',
    all: [
      [
        'crushing (?:chest|pain)',
        'chest (?:is )?(?:pressure|tightness|heaviness|squeezing|crushing)',
        `(?:pressure|tightness|heaviness|squeezing|crushing|crushed|squeezed) (?:feeling )?(?:in|on|across) ${WHO}chest`,
        'chest (?:feels|is|feeling) (?:really |very |so )?(?:tight|heavy|crushed|squeezed|like (?:an elephant|someone|something|a weight))',
        `(?:elephant|weight) (?:is )?(?:on|sitting on) ${WHO}chest`,
        'heart attack(?! risk)',
        'cardiac arrest',
      ],
    ],
  },
  {
    id: 'chest-pain-with-cardiac-features',
    category: 'cardiac-chest-pain',
    disposition: 'emergency',
    all: [CHEST_PAIN, CARDIAC_FEATURES],
  },
  // ---- emergency: stroke (BE-FAST) ----------------------------------------------------------------
  {
    id: 'stroke-face',
    category: 'stroke',
    disposition: 'emergency',
    all: [
      [
        `(?:face|mouth|smile|lip|eyelid) (?:is |looks |went |has gone |seems |started )?(?:droop\\w*|dropp\\w*|sagging|saggy|numb|uneven|lopsided|crooked|twisted|fallen)`,
        `(?:droop\\w*|dropp\\w*|sagging|crooked|uneven|lopsided) (?:face|smile|mouth)`,
        `one side of ${WHO}(?:face|mouth) (?:is |went |has )?(?:droop\\w*|numb|sagging|fallen|down)`,
      ],
    ],
  },
  {
    id: 'stroke-arm-weakness',
    category: 'stroke',
    disposition: 'emergency',
    all: [
      [
        `(?:sudden(?:ly)? )?(?:weak(?:ness)?|numb(?:ness)?|paralysis|paralyzed) (?:in |on )?${WHO}(?:arm|leg|hand|side of ${WHO}body)`,
        `(?:arm|leg|hand|side of ${WHO}body) (?:is |went |feels |has gone |gone |suddenly )*(?:weak|numb|limp|dead|paralyzed)`,
        `one side (?:of ${WHO}body )?(?:is |feels |went )?(?:weak|numb)`,
        `can't (?:raise|lift|move|feel|use) ${WHO}(?:arm|leg|hand|arms|legs)`,
        "(?:arm|leg|hand) (?:won't|doesn't|can't) (?:move|work|lift)",
      ],
    ],
  },
  {
    id: 'stroke-speech',
    category: 'stroke',
    disposition: 'emergency',
    all: [
      [
        'slurr(?:ed|ing) (?:speech|words|talking)|(?:speech|words|talking) (?:is |are )?(?:slurred|slurring|garbled|jumbled)',
        `(?:can't|unable to|trouble|difficulty|hard to|struggling to) (?:speak|talk|get ${WHO}words out|find ${WHO}words)`,
        'talking (?:funny|gibberish|nonsense)|not making (?:any )?sense',
      ],
    ],
  },
  {
    id: 'stroke-eyes-balance',
    category: 'stroke',
    disposition: 'emergency',
    all: [
      [
        `sudden(?:ly)? (?:lost|loss of|losing|blind|double|blurry|blurred|can't see)(?: ${WHO}(?:vision|sight|balance))?`,
        `lost (?:the )?(?:vision|sight) (?:in|out of) ${WHO}eye`,
        `can't see (?:out of|from) ${WHO}eye`,
        "sudden(?:ly)? (?:dizzy|off balance|can't walk|unsteady|falling over)",
        '(?:having|had|have|is having|may be having|might be having) a (?:mini )?stroke|stroke symptoms|\\btia\\b',
      ],
    ],
  },
  // ---- emergency: breathing ------------------------------------------------------------------------
  {
    id: 'severe-breathing',
    category: 'severe-breathing',
    disposition: 'emergency',
    all: [
      [
        `(?:can't|unable to|not able to|struggling to|barely|haven't been able to) (?:breathe|breath|breathing|catch ${WHO}breath|get (?:any )?air)`,
        "(?:not|isn't|stopped|stop|aren't) breathing",
        'gasping(?: for (?:air|breath))?|fighting for (?:air|breath)|struggling for (?:air|breath)|suffocating',
        'choking',
        '(?:lips|face|fingers|fingertips|skin|mouth) (?:are |is |turning |turned |going |gone |look |looks |have |has )*(?:blue|grey|gray|purple)',
        'blue (?:lips|face)',
        '(?:severe|extreme|very bad|really bad|terrible) (?:shortness of breath|short of breath|breathing (?:trouble|difficulty|problems))',
        "can't (?:talk|speak|say) (?:in )?(?:full |whole |complete )?sentences",
      ],
    ],
  },
  // ---- emergency: anaphylaxis -----------------------------------------------------------------------
  {
    id: 'anaphylaxis-named',
    category: 'anaphylaxis',
    disposition: 'emergency',
    all: [
      [
        'anaphyla\\w*',
        '(?:throat|airway) (?:is |feels )?(?:closing|swelling|swollen|tight|tightening|closing up)',
        `(?:tongue|lips?|mouth|face) (?:is |are |has |have )?(?:swelling|swollen|swelled|blown up|puffed up)(?: up)?`,
        `swelling (?:of|in) ${WHO}(?:throat|tongue|lips?|face|mouth)`,
        `(?:used|use|gave|give|needed|need|had to use) ${WHO}(?:an )?epi pen|epinephrine`,
      ],
    ],
  },
  // ---- emergency: bleeding --------------------------------------------------------------------------
  {
    id: 'severe-bleeding',
    category: 'severe-bleeding',
    disposition: 'emergency',
    all: [
      [
        "(?:bleeding|blood|it) (?:won't|doesn't|isn't|hasn't|can't|will not|has not) stop(?:ped|ping)?",
        "(?:can't|unable to|couldn't) (?:stop|control) (?:the )?bleeding",
        'uncontrol(?:led|lable) bleeding|bleeding (?:heavily|a lot|everywhere|profusely|badly)',
        '(?:heavy|severe|massive|profuse) bleeding|lots of blood|so much blood|pool of blood',
        'spurting|blood (?:is )?(?:spurting|pumping|pouring|gushing)',
        `soaked (?:through )?${WHO}(?:several |many )?(?:towel|towels|bandage|bandages|gauze|cloth|cloths)`,
        '(?:vomit(?:ing|ed)?|throw(?:ing)? up|threw up|puking|puked|spitting) (?:up )?(?:blood|bright red|coffee grounds)',
        '(?:cough(?:ing|ed)?) (?:up )?(?:blood|bloody)',
        `blood in ${WHO}(?:vomit|puke|sick)`,
      ],
    ],
  },
  // ---- emergency: suicide and self-harm (988) -----------------------------------------------------------
  {
    id: 'suicide-self-harm',
    category: 'suicide-self-harm',
    disposition: 'emergency',
    all: [
      [
        '(?:kill|killing|shoot|shooting|hang|hanging|harm|harming) myself',
        // "I cut myself shaving" is an accident; the progressive, intended or deliberate forms are not.
        '(?:want|wanted|wanting|going|plan|planning|urge|urges|thoughts|thinking about|tempted) (?:to |of |about )?(?:hurt|harm|cut|burn|hurting|harming|cutting|burning) myself',
        '(?:hurting|cutting|burning) myself|(?:hurt|cut|burn) myself on purpose',
        'suicid\\w*',
        '(?:want|wanted|wanting|going|plan|planning) to die',
        "don't want to (?:live|be alive|be here|wake up|exist)(?: anymore| any more)?",
        "better off dead|wish i (?:was|were) dead|wish i (?:wasn't|weren't) alive",
        '(?:end|ending|take|taking) (?:my (?:own )?life|it all)',
        'self harm\\w*',
        '(?:no|not any) (?:reason|point) (?:to|in) (?:live|living|going on|being alive)',
        'jump (?:off|from) (?:a|the) (?:bridge|building|roof)',
        'thinking (?:about|of) (?:dying|ending it|killing)',
      ],
    ],
  },
  // ---- emergency: overdose and poisoning (Poison Control) ---------------------------------------------
  {
    id: 'overdose-poisoning',
    category: 'overdose-poisoning',
    disposition: 'emergency',
    all: [
      [
        'overdos\\w*',
        `took (?:way )?(?:too many|too much|an extra bottle|a (?:whole|full|entire) (?:bottle|pack|box|packet)|all (?:of )?${WHO}(?:pills|tablets|meds|medicine|medication))`,
        `took ${WHO}(?:pills|meds|medicine|medication|dose|insulin) twice|took a double dose|double dosed`,
        `(?:swallowed|drank|ate|ingested|got into) (?:some |a |the |a bottle of |a whole |some of |a few of |a handful of |all of |one of )*(?:bleach|antifreeze|cleaner|detergent|laundry pod|pods?|poison|rat poison|pesticide|chemicals?|button battery|battery|batteries|lamp oil|windshield fluid|${WHO}(?:pills|medicine|meds|tablets))`,
        'poison(?:ed|ing)?|carbon monoxide|too much insulin',
      ],
    ],
  },
  // ---- emergency: seizure ---------------------------------------------------------------------------
  {
    id: 'seizure',
    category: 'seizure',
    disposition: 'emergency',
    all: [
      [
        'seiz(?:ure|ures|ing)',
        'convuls\\w*',
        "(?:shaking|jerking|twitching) (?:uncontrollably|all over|and (?:won't|can't|isn't) (?:respond|stop|responding))",
        'epileptic (?:fit|attack)|grand mal|having a fit|had a fit|fitting',
      ],
    ],
  },
  // ---- emergency: unresponsive -----------------------------------------------------------------------
  {
    id: 'unresponsive',
    category: 'unresponsive',
    disposition: 'emergency',
    all: [
      [
        'unresponsive|unconscious|not conscious|lost consciousness|collapsed',
        "(?:not|isn't|won't|doesn't|can't|aren't) (?:responding|respond|wake up|waking up|wake|waking|be woken|be awakened)",
        "(?:can't|couldn't|unable to) (?:wake|rouse) (?:him|her|them|my \\w+|up)",
        "passed out and (?:won't|can't|isn't|hasn't|doesn't)",
      ],
    ],
  },
  // ---- emergency: thunderclap headache ------------------------------------------------------------------
  {
    id: 'thunderclap-headache',
    category: 'thunderclap-headache',
    disposition: 'emergency',
    all: [
      [
        `worst headache (?:of|in) ${WHO}life|worst headache (?:ever|i(?:'ve)? (?:have )?ever had)`,
        'thunderclap',
        '(?:sudden|suddenly|explosive|instant) (?:severe |terrible |excruciating |splitting |extreme |awful )?headache',
        'headache (?:came on |started |hit )?(?:suddenly|out of nowhere|like (?:a thunderclap|being hit|i was hit|lightning|an explosion))',
      ],
    ],
  },
  // ---- emergency: infant fever --------------------------------------------------------------------------
  { id: 'infant-fever', category: 'infant-fever', disposition: 'emergency', all: [INFANT, FEVER] },
  // ---- emergency: bleeding in pregnancy ------------------------------------------------------------------
  {
    id: 'pregnancy-bleeding',
    category: 'pregnancy-bleeding',
    disposition: 'emergency',
    all: [
      ['pregnant|pregnancy|weeks along|expecting a baby|trimester'],
      [
        '(?:heavy |a lot of |lots of |bright red |vaginal )?bleeding',
        `soak(?:ing|ed)? (?:through )?${WHO}(?:pad|pads)`,
        'passing (?:large )?clots|blood clots|gush(?:ing)? (?:of )?blood',
      ],
    ],
  },
  // ---- emergency: meningitis --------------------------------------------------------------------------
  {
    id: 'meningitis-named',
    category: 'meningitis',
    disposition: 'emergency',
    all: [
      [
        'meningitis',
        "rash (?:that )?(?:doesn't|won't|didn't|does not) (?:fade|go away|disappear) (?:when|under|with)",
        'glass test|non blanching rash',
      ],
    ],
  },
  {
    id: 'meningitis-signs',
    category: 'meningitis',
    disposition: 'emergency',
    all: [
      [
        'stiff neck|neck (?:is |feels )?(?:stiff|rigid)',
        `can't (?:bend|touch|move) ${WHO}(?:neck|chin)`,
        `(?:light|bright lights?) hurts? ${WHO}eyes`,
      ],
      [...FEVER, 'confus\\w*|very drowsy|purple spots|purple rash'],
    ],
  },
  // ---- emergency: severe hypoglycaemia --------------------------------------------------------------------
  {
    id: 'hypoglycemia-reading',
    category: 'severe-hypoglycemia',
    disposition: 'emergency',
    all: [
      [LOW_SUGAR_READING, 'insulin (?:shock|reaction)', '(?:severe|very|dangerously) low (?:blood )?sugar'],
    ],
  },
  {
    id: 'hypoglycemia-altered',
    category: 'severe-hypoglycemia',
    disposition: 'emergency',
    all: [
      ['low (?:blood )?sugar|\\bhypo\\b|hypoglyc\\w*|sugar (?:is |was )?(?:low|dropping|crashing)'],
      [
        "confus\\w*|disoriented|passing out|passed out|unconscious|can't wake|won't wake|can't swallow|unresponsive|acting (?:drunk|strange|weird)|very drowsy|slurr\\w*|seizure",
      ],
    ],
  },
  // ---- emergency: head injury on anticoagulants --------------------------------------------------------
  {
    id: 'head-injury-anticoagulant',
    category: 'head-injury-anticoagulant',
    disposition: 'emergency',
    all: [HEAD_INJURY, ANTICOAGULANT],
  },
  // ---- emergency: trauma with neurological signs ---------------------------------------------------------
  {
    id: 'trauma-neurological',
    category: 'trauma-neurological',
    disposition: 'emergency',
    all: [TRAUMA, NEURO_SIGNS],
  },

  // ---- urgent: same-day care ----------------------------------------------------------------------------
  { id: 'chest-pain-unspecified', category: 'chest-pain', disposition: 'urgent', all: [CHEST_PAIN] },
  {
    id: 'breathing-difficulty',
    category: 'breathing',
    disposition: 'urgent',
    all: [
      [
        `short(?:ness)? of breath|short winded|breathless|(?:hard|trouble|difficulty) (?:to )?breath(?:e|ing)?|wheez\\w*|can't catch ${WHO}breath`,
      ],
    ],
  },
  {
    id: 'high-fever',
    category: 'high-fever',
    disposition: 'urgent',
    all: [
      [
        '(?:fever|temp|temperature) (?:of |is |at |was |reading |reads |around |about )*(?:10[3-6](?:\\.\\d)?|39\\.[5-9]|4[01](?:\\.\\d)?)',
        'fever (?:for|over|more than|of) (?:3|three|4|four|5|five|6|six|several|a few) days',
      ],
    ],
  },
  {
    id: 'dehydration',
    category: 'dehydration',
    disposition: 'urgent',
    all: [
      ["can't keep (?:anything|fluids|water|food|liquids) down", "(?:haven't|hasn't|not) (?:peed|urinated)"],
    ],
  },
  {
    id: 'fainting',
    category: 'fainting',
    disposition: 'urgent',
    all: [['fainted|fainting|passed out|blacked out']],
  },
  { id: 'head-injury', category: 'head-injury', disposition: 'urgent', all: [HEAD_INJURY] },
  {
    id: 'allergic-reaction',
    category: 'allergic-reaction',
    disposition: 'urgent',
    all: [['hives|allergic reaction|allergic to something']],
  },
  {
    id: 'pregnancy-spotting',
    category: 'pregnancy-concern',
    disposition: 'urgent',
    all: [['pregnant|pregnancy|weeks along|trimester'], ['spotting|cramping|cramps']],
  },
  {
    id: 'urinary-infection-fever',
    category: 'urinary-infection-fever',
    disposition: 'urgent',
    all: [
      ['(?:burn\\w*|pain\\w*|sting\\w*|hurts) (?:when|while|to) (?:i )?(?:pee|urinat\\w*)'],
      [...FEVER, '(?:back|side|flank) pain'],
    ],
  },
  {
    id: 'severe-pain',
    category: 'severe-pain',
    disposition: 'urgent',
    all: [
      [
        '(?:severe|unbearable|excruciating|worst|terrible|extreme) (?:abdominal |stomach |belly |tummy |back )?pain',
        '(?:10|ten) out of (?:10|ten) pain|pain is (?:a )?(?:10|ten)',
      ],
    ],
  },
  {
    id: 'gi-bleeding-signs',
    category: 'gi-bleeding-signs',
    disposition: 'urgent',
    all: [[`black (?:tarry )?(?:stool|stools|poop)|blood in ${WHO}(?:stool|stools|poop|urine|pee)`]],
  },
  // ---- self-care (NHS "Self-care" guidance for common minor illness) -------------------------------------
  {
    id: 'minor-illness',
    category: 'minor-illness',
    disposition: 'self-care',
    all: [
      [
        'runny nose|stuffy nose|blocked nose|sniffles|common cold|(?:a|the|my) cold\\b|sneez\\w*|scratchy throat|mild sore throat',
        'minor cut|small cut|paper cut|bruise|mosquito bite|bug bite|insect bite|mild sunburn|sunburn|hiccups',
      ],
    ],
  },
];

/**
 * Single words the spelling tolerance corrects towards. Only terms that carry a rule: adding a
 * common word here would let ordinary text be "corrected" into a symptom.
 */
export const KEY_TERMS: readonly string[] = [
  'chest',
  'pain',
  'pressure',
  'crushing',
  'squeezing',
  'tightness',
  'heaviness',
  'sweating',
  'radiating',
  'spreading',
  'shoulder',
  'breathe',
  'breathing',
  'breath',
  'shortness',
  'gasping',
  'choking',
  'suffocating',
  'stroke',
  'drooping',
  'droopy',
  'slurred',
  'slurring',
  'weakness',
  'numbness',
  'paralyzed',
  'speech',
  'vision',
  'balance',
  'anaphylaxis',
  'anaphylactic',
  'allergic',
  'throat',
  'swelling',
  'swollen',
  'tongue',
  'epinephrine',
  'bleeding',
  'blood',
  'vomiting',
  'coughing',
  'suicide',
  'suicidal',
  'myself',
  'overdose',
  'overdosed',
  'poison',
  'poisoned',
  'poisoning',
  'swallowed',
  'seizure',
  'seizures',
  'seizing',
  'convulsing',
  'convulsions',
  'unconscious',
  'unresponsive',
  'responding',
  'consciousness',
  'collapsed',
  'headache',
  'thunderclap',
  'worst',
  'fever',
  'temperature',
  'newborn',
  'pregnant',
  'pregnancy',
  'meningitis',
  'stiff',
  'sugar',
  'glucose',
  'hypoglycemia',
  'insulin',
  'confused',
  'thinners',
  'thinner',
  'warfarin',
  'eliquis',
  'xarelto',
  'coumadin',
  'anticoagulant',
  'anticoagulants',
  'numb',
  'tingling',
  'accident',
  'unable',
  'breathless',
  'wheezing',
  'fainted',
  'dizzy',
];
