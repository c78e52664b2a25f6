/**
 * Red-flag protocols: decision rules over affirmed concepts and vitals, stated as nurse-triage
 * protocols state them (Schmitt-Thompson style "call 911 now" criteria, cited per category). A
 * rule is a predicate over Findings; a category fires when any of its rules holds. Urgent
 * (same-day) categories follow the same form. Screening, not diagnosis: a false alarm costs a phone
 * call, a miss can cost a life, so ambiguous wording errs towards the emergency answer.
 */
import type { ConceptId } from './concepts';
import type { Vitals } from './vitals';

export const EMERGENCY_CATEGORIES = [
  'unresponsive',
  'breathing',
  'choking',
  'seizure',
  'drowning',
  'suicide-self-harm',
  'violence-to-others',
  'domestic-violence',
  'child-abuse',
  'pediatric-ingestion',
  'poisoning',
  'eye-chemical',
  'cardiac',
  'aortic-dissection',
  'stroke',
  'thunderclap-headache',
  'anaphylaxis',
  'severe-bleeding',
  'gi-bleeding',
  'pulmonary-embolism',
  'head-injury',
  'infant-fever',
  'infant-dehydration',
  'hypoglycemia',
  'dka',
  'sepsis',
  'meningitis',
  'acute-abdomen',
  'bowel-obstruction',
  'testicular-torsion',
  'ectopic-pregnancy',
  'pregnancy-emergency',
  'fetal-movement',
  'heat-stroke',
  'hypothermia',
  'burns',
  'electrical-injury',
  'carbon-monoxide',
  'cauda-equina',
  'paralysis',
  'vision-loss',
  'hypertensive-emergency',
  'sickle-cell-crisis',
] as const;
export type EmergencyCategory = (typeof EMERGENCY_CATEGORIES)[number];

/** Same-day and self-care tiers (the local model and the disposition floor use them). */
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
  'mental-health',
  'minor-illness',
] as const;
export type CareCategory = (typeof CARE_CATEGORIES)[number];

/** What a rule sees: affirmed concepts (not negated, historical, hypothetical or idiomatic). */
export interface Findings {
  has(concept: ConceptId): boolean;
  /** Both affirmed in one sentence within `window` tokens of each other. */
  near(a: ConceptId, b: ConceptId | readonly ConceptId[], window?: number): boolean;
  readonly vitals: Vitals;
  /** Youngest affirmed age of a child, in days. */
  readonly ageDays: number | undefined;
  readonly pregnancyWeeks: number | undefined;
}

export interface Protocol<C extends string> {
  readonly category: C;
  readonly rules: ReadonlyArray<{ readonly id: string; readonly when: (f: Findings) => boolean }>;
}

const anyOf = (f: Findings, concepts: readonly ConceptId[]): boolean => concepts.some((c) => f.has(c));
const min = (readings: Vitals[keyof Vitals]): number | undefined =>
  readings.length > 0 ? Math.min(...readings.map((r) => r.value)) : undefined;
const max = (readings: Vitals[keyof Vitals]): number | undefined =>
  readings.length > 0 ? Math.max(...readings.map((r) => r.value)) : undefined;
const below = (readings: Vitals[keyof Vitals], limit: number): boolean => (min(readings) ?? Infinity) < limit;
const atLeast = (readings: Vitals[keyof Vitals], limit: number): boolean =>
  (max(readings) ?? -Infinity) >= limit;

const PAIN_LIKE: readonly ConceptId[] = ['pain', 'crushing', 'tearing', 'severe'];
const chestDiscomfort = (f: Findings): boolean =>
  f.near('chest', PAIN_LIKE, 6) || f.near('chest', 'crushing', 8);
const CARDIAC_ASSOCIATED: readonly ConceptId[] = [
  'sweating',
  'nausea',
  'vomiting',
  'dyspnea',
  'severeDyspnea',
  'faint',
  'radiation',
  'palpitations',
];
const isChild = (f: Findings): boolean => f.has('child') || (f.ageDays !== undefined && f.ageDays < 13 * 365);
const isInfant = (f: Findings, days: number): boolean => f.ageDays !== undefined && f.ageDays < days;
// A measured temperature outranks "felt warm": readings all under 100.4 °F are not a fever.
const feverish = (f: Findings): boolean =>
  f.vitals.temperatureF.length > 0 ? atLeast(f.vitals.temperatureF, 100.4) : f.has('fever');
const pregnant = (f: Findings): boolean => f.has('pregnant') || f.pregnancyWeeks !== undefined;
const altered = (f: Findings): boolean => anyOf(f, ['confusion', 'unresponsive', 'drowsy', 'seizure']);

export const EMERGENCY_PROTOCOLS: readonly Protocol<EmergencyCategory>[] = [
  // American Red Cross / AHA: an unresponsive person needs 911 and dispatcher-guided CPR.
  {
    category: 'unresponsive',
    rules: [
      { id: 'unresponsive', when: (f) => f.has('unresponsive') },
      {
        id: 'fainted-not-recovering',
        when: (f) => f.has('faint') && f.has('notImproving') && !f.has('lowSugar'),
      },
    ],
  },
  // MedlinePlus "Breathing difficulties": call 911 for blue lips, struggling for breath, SpO2 low.
  {
    category: 'breathing',
    rules: [
      { id: 'cannot-breathe', when: (f) => f.has('severeDyspnea') },
      { id: 'cyanosis', when: (f) => f.has('cyanosis') },
      { id: 'spo2-below-92', when: (f) => below(f.vitals.spo2, 92) },
      { id: 'severe-dyspnea', when: (f) => f.near('dyspnea', 'severe', 5) },
      { id: 'child-dyspnea', when: (f) => f.has('dyspnea') && isInfant(f, 365) },
    ],
  },
  // AHA / Red Cross choking first aid: a person who cannot cough, speak or breathe.
  {
    category: 'choking',
    rules: [{ id: 'choking', when: (f) => f.has('choking') && !f.has('strangled') }],
  },
  // CDC "Seizure First Aid"; Epilepsy Foundation "When to call 911".
  { category: 'seizure', rules: [{ id: 'seizure', when: (f) => f.has('seizure') }] },
  // CDC drowning prevention; AAP: every child pulled from water after going under needs evaluation.
  {
    category: 'drowning',
    rules: [
      { id: 'submersion', when: (f) => f.has('submersion') || (f.has('water') && f.has('severeDyspnea')) },
    ],
  },
  // 988 Suicide & Crisis Lifeline (SAMHSA); NIMH ASQ: every current thought of suicide, about
  // oneself or someone else, gets a same-moment answer.
  {
    category: 'suicide-self-harm',
    rules: [
      { id: 'suicidal', when: (f) => f.has('suicidal') },
      { id: 'self-harm', when: (f) => f.has('selfHarm') },
      { id: 'stockpiling-medicine', when: (f) => f.near('stockpile', ['substance', 'dangerousDrug'], 6) },
    ],
  },
  // SAMHSA / NAMI crisis guidance: a threat to harm others is a 911 call.
  {
    category: 'violence-to-others',
    rules: [
      { id: 'homicidal', when: (f) => f.has('homicidal') && !f.has('threatKill') },
      { id: 'agitated-with-weapon', when: (f) => f.has('agitation') && f.has('weapon') },
    ],
  },
  // National Domestic Violence Hotline; strangulation is the strongest predictor of homicide
  // (Glass et al., J Emerg Med 2008).
  {
    category: 'domestic-violence',
    rules: [
      { id: 'strangulation', when: (f) => f.has('strangled') },
      {
        id: 'threat-to-kill',
        when: (f) =>
          f.has('threatKill') && anyOf(f, ['partner', 'adultOther', 'weapon', 'danger', 'assault']),
      },
      {
        id: 'assault-in-danger',
        when: (f) =>
          f.has('assault') &&
          anyOf(f, ['partner', 'adultOther']) &&
          anyOf(f, ['danger', 'weapon']) &&
          !isChild(f),
      },
    ],
  },
  // Childhelp National Child Abuse Hotline; AAP "Child Abuse": a child in danger is a 911 call.
  {
    category: 'child-abuse',
    rules: [
      { id: 'child-assaulted', when: (f) => isChild(f) && f.has('assault') },
      {
        id: 'child-abuse-signs',
        when: (f) =>
          isChild(f) && f.has('abuseSigns') && anyOf(f, ['danger', 'assault', 'adultOther', 'partner']),
      },
    ],
  },
  // America's Poison Centers: 1-800-222-1222 for any child who may have swallowed a medicine or
  // chemical; National Capital Poison Center: button batteries and magnets need the ER at once.
  {
    category: 'pediatric-ingestion',
    rules: [
      {
        id: 'child-ingestion',
        when: (f) => isChild(f) && f.near('ingest', ['substance', 'dangerousDrug'], 10),
      },
      { id: 'child-poisoned', when: (f) => isChild(f) && f.has('poisonNamed') },
      { id: 'child-overdose', when: (f) => isChild(f) && f.has('overdoseStrong') },
      // A child found with an opened or emptied medicine or chemical container: assume a swallow.
      {
        id: 'child-emptied-container',
        when: (f) =>
          isChild(f) && f.near('container', 'emptied', 14) && anyOf(f, ['substance', 'dangerousDrug']),
      },
    ],
  },
  // America's Poison Centers: too much of a medicine, the wrong medicine, or a chemical swallowed.
  {
    category: 'poisoning',
    rules: [
      { id: 'overdose', when: (f) => f.has('overdoseStrong') },
      { id: 'poisoned', when: (f) => f.has('poisonNamed') },
      {
        id: 'double-dose',
        when: (f) => f.has('overdose') && anyOf(f, ['dangerousDrug', 'genericMedicine']) && f.has('ingest'),
      },
      { id: 'chemical-swallowed', when: (f) => f.near('ingest', 'substance', 6) && f.has('overdose') },
      // Any household chemical swallowed is a Poison Control call, whatever the amount.
      { id: 'household-chemical-swallowed', when: (f) => f.near('ingest', 'householdChemical', 8) },
      // Ten or more tablets at once, or three of a drug dangerous in overdose (acetaminophen,
      // opioids, calcium-channel and beta blockers...): America's Poison Centers guidance.
      {
        id: 'many-tablets',
        when: (f) =>
          f.has('ingest') &&
          (atLeast(f.vitals.pillCount, 10) || (f.has('dangerousDrug') && atLeast(f.vitals.pillCount, 3))),
      },
      // Household chemicals breathed in (bleach with ammonia or acid makes chloramine or chlorine).
      {
        id: 'chemical-fumes',
        when: (f) => f.near('householdChemical', 'fumes', 10),
      },
    ],
  },
  // Poison Control and the American Academy of Ophthalmology: flush a chemical in the eye now.
  { category: 'eye-chemical', rules: [{ id: 'chemical-in-eye', when: (f) => f.has('eyeChemical') }] },
  // AHA "Warning Signs of a Heart Attack", including discomfort in the jaw, arm, back or upper
  // belly with sweating, nausea, breathlessness or light-headedness (women, diabetics, elderly).
  {
    category: 'cardiac',
    rules: [
      { id: 'heart-attack-named', when: (f) => f.has('heartAttackNamed') },
      { id: 'crushing-chest', when: (f) => f.near('chest', 'crushing', 8) },
      {
        id: 'chest-discomfort-with-associated',
        when: (f) => chestDiscomfort(f) && anyOf(f, [...CARDIAC_ASSOCIATED, 'arm', 'jaw']),
      },
      { id: 'severe-chest-pain', when: (f) => f.near('chest', 'severe', 6) && f.near('chest', 'pain', 6) },
      {
        id: 'anginal-equivalent',
        when: (f) =>
          (f.near('jaw', PAIN_LIKE, 6) ||
            f.near('arm', PAIN_LIKE, 6) ||
            f.near('epigastric', PAIN_LIKE, 6)) &&
          f.has('sweating') &&
          anyOf(f, ['dyspnea', 'nausea', 'faint', 'vomiting']),
      },
    ],
  },
  // AHA: sudden severe tearing or ripping chest or back pain.
  {
    category: 'aortic-dissection',
    rules: [
      { id: 'tearing-pain', when: (f) => f.has('tearing') && anyOf(f, ['chest', 'back', 'abdomen', 'pain']) },
    ],
  },
  // AHA/ASA F.A.S.T. and BE-FAST (Aroor et al., Stroke 2017;48:479-481).
  {
    category: 'stroke',
    rules: [
      { id: 'face-droop', when: (f) => f.has('faceDroop') },
      { id: 'one-side-weak', when: (f) => f.has('oneSideWeak') },
      { id: 'speech', when: (f) => f.has('speech') },
      { id: 'stroke-named', when: (f) => f.has('strokeNamed') },
      {
        id: 'sudden-confusion-or-vision',
        when: (f) => f.has('sudden') && anyOf(f, ['confusion', 'visionLoss', 'visionStrong']),
      },
    ],
  },
  // ACEP clinical policy on acute headache; Ottawa SAH rule: sudden "worst ever" headache.
  {
    category: 'thunderclap-headache',
    rules: [
      { id: 'thunderclap', when: (f) => f.has('thunderclap') },
      {
        id: 'sudden-severe-headache',
        when: (f) => f.near('headache', 'sudden', 8) && f.near('headache', 'severe', 8),
      },
    ],
  },
  // NIAID/FAAN anaphylaxis criteria; ACAAI: epinephrine, then 911.
  {
    category: 'anaphylaxis',
    rules: [
      { id: 'anaphylaxis-named', when: (f) => f.has('anaphylaxisNamed') || f.has('epipenUsed') },
      {
        id: 'epinephrine-with-reaction',
        when: (f) =>
          f.has('epipen') && anyOf(f, ['hives', 'dyspnea', 'severeDyspnea', 'throatClosing', 'swelling']),
      },
      {
        id: 'tongue-or-throat-swelling',
        when: (f) =>
          f.near('tongue', 'swelling', 5) || (f.near('throat', 'swelling', 3) && f.has('throatClosing')),
      },
      {
        id: 'throat-closing',
        when: (f) =>
          f.has('throatClosing') && anyOf(f, ['allergen', 'hives', 'swelling', 'dyspnea', 'severeDyspnea']),
      },
      {
        id: 'face-or-tongue-swelling',
        when: (f) =>
          (f.near('tongue', 'swelling', 5) || f.near('face', 'swelling', 5)) &&
          anyOf(f, ['allergen', 'hives', 'dyspnea', 'throatClosing']),
      },
      {
        id: 'hives-with-breathing',
        when: (f) =>
          (f.has('hives') || f.has('allergen')) &&
          anyOf(f, ['dyspnea', 'severeDyspnea', 'throatClosing', 'faint']),
      },
    ],
  },
  // ACS "Stop the Bleed": bleeding that spurts, soaks through or will not stop.
  {
    category: 'severe-bleeding',
    rules: [
      { id: 'uncontrolled-bleeding', when: (f) => f.near('bleeding', 'bleedingSevere', 8) },
      { id: 'wound-bleeding-uncontrolled', when: (f) => f.has('laceration') && f.has('bleedingSevere') },
      // A wound or an injury bleeding heavily ("torn open and bleeding a lot").
      {
        id: 'wound-bleeding-heavily',
        when: (f) => anyOf(f, ['laceration', 'trauma', 'assault']) && f.has('heavyBleeding'),
      },
      {
        id: 'bleeding-on-anticoagulant-with-faintness',
        when: (f) => f.has('bleeding') && f.has('anticoagulant') && f.has('faint'),
      },
    ],
  },
  // MedlinePlus "Gastrointestinal bleeding": vomiting blood, or black stools with faintness.
  {
    category: 'gi-bleeding',
    rules: [
      { id: 'vomiting-blood', when: (f) => f.has('vomitBlood') },
      {
        id: 'black-stool-with-faintness',
        when: (f) =>
          f.has('blackStool') &&
          anyOf(f, [
            'faint',
            'drowsy',
            'dyspnea',
            'palpitations',
            'unresponsive',
            'confusion',
            'bleedingSevere',
          ]),
      },
    ],
  },
  // NHS "Pulmonary embolism"; Wells criteria risk factors (surgery, immobility, leg swelling, estrogen).
  {
    category: 'pulmonary-embolism',
    rules: [
      {
        id: 'breathless-with-clot-risk',
        when: (f) => anyOf(f, ['dyspnea', 'severeDyspnea', 'pleuritic']) && f.has('clotRisk'),
      },
      { id: 'coughing-blood', when: (f) => f.has('coughBlood') },
      { id: 'sudden-breathlessness', when: (f) => f.near('dyspnea', 'sudden', 8) },
    ],
  },
  // NICE CG176 head injury: vomiting, confusion, loss of consciousness, seizures or anticoagulation.
  {
    category: 'head-injury',
    rules: [
      {
        id: 'head-injury-with-red-flag',
        when: (f) =>
          f.has('headInjury') &&
          anyOf(f, [
            'anticoagulant',
            'vomiting',
            'confusion',
            'unresponsive',
            'drowsy',
            'seizure',
            'faint',
            'speech',
            'visionLoss',
          ]),
      },
      { id: 'infant-head-injury', when: (f) => f.has('headInjury') && isInfant(f, 365) },
      {
        id: 'injury-with-loss-of-consciousness',
        when: (f) => f.has('trauma') && anyOf(f, ['faint', 'unresponsive', 'confusion', 'seizure']),
      },
    ],
  },
  // AAP HealthyChildren "Fever and Your Baby": every fever of 100.4 °F (38 °C) under 3 months.
  {
    category: 'infant-fever',
    rules: [{ id: 'fever-under-3-months', when: (f) => isInfant(f, 91) && feverish(f) }],
  },
  // AAP HealthyChildren "Dehydration": no wet diaper in 6-8 hours, sunken soft spot, no tears, lethargy.
  {
    category: 'infant-dehydration',
    rules: [
      {
        id: 'infant-dehydration-signs',
        when: (f) =>
          isChild(f) &&
          f.has('dehydrationInfant') &&
          (isInfant(f, 3 * 365) ||
            f.has('drowsy') ||
            f.has('vomitingAll') ||
            f.has('vomiting') ||
            f.ageDays === undefined),
      },
    ],
  },
  // ADA Standards of Care: level 2 (< 54 mg/dL) and level 3 (altered mental status) hypoglycemia.
  {
    category: 'hypoglycemia',
    rules: [
      { id: 'glucose-below-54', when: (f) => below(f.vitals.glucose, 54) },
      {
        id: 'low-sugar-altered',
        when: (f) => f.has('lowSugar') && (altered(f) || f.has('notImproving') || f.has('faint')),
      },
      { id: 'diabetic-altered', when: (f) => f.has('diabetic') && anyOf(f, ['unresponsive', 'seizure']) },
    ],
  },
  // ADA "DKA": high glucose with vomiting, ketones, fruity breath, deep breathing or confusion.
  {
    category: 'dka',
    rules: [
      {
        id: 'hyperglycemia-with-dka-signs',
        when: (f) =>
          (atLeast(f.vitals.glucose, 300) || f.has('highSugar')) &&
          anyOf(f, ['vomiting', 'vomitingAll', 'ketones', 'confusion', 'drowsy', 'dyspnea', 'severeDyspnea']),
      },
      {
        id: 'ketones-named',
        when: (f) => f.has('ketones') && anyOf(f, ['diabetic', 'vomiting', 'nausea', 'highSugar']),
      },
    ],
  },
  // CDC "Sepsis: signs and symptoms" (confusion, shivering, fast heart, low pressure, clammy skin).
  {
    category: 'sepsis',
    rules: [
      {
        id: 'infection-with-sepsis-signs',
        when: (f) =>
          (f.has('infection') || feverish(f)) &&
          (anyOf(f, ['confusion', 'mottled', 'rigors', 'unresponsive']) ||
            atLeast(f.vitals.heartRate, 120) ||
            below(f.vitals.systolic, 90)),
      },
      {
        id: 'infection-fever-with-fast-heart-or-faint',
        when: (f) => f.has('infection') && feverish(f) && anyOf(f, ['palpitations', 'faint', 'dyspnea']),
      },
    ],
  },
  // CDC "Bacterial Meningitis"; NHS glass test for a rash that does not fade.
  {
    category: 'meningitis',
    rules: [
      {
        id: 'stiff-neck-with-fever',
        when: (f) =>
          f.has('stiffNeck') && (feverish(f) || anyOf(f, ['headache', 'drowsy', 'vomiting', 'confusion'])),
      },
      { id: 'non-blanching-rash', when: (f) => f.has('nonBlanchingRash') },
      { id: 'meningitis-named', when: (f) => f.has('meningitisNamed') },
    ],
  },
  // MedlinePlus "Abdominal pain": severe pain, a rigid belly, pain with fever or vomiting.
  {
    category: 'acute-abdomen',
    rules: [
      {
        id: 'peritoneal-signs',
        when: (f) =>
          (f.near('abdomen', PAIN_LIKE, 8) || f.has('rightLower')) &&
          (f.has('rigid') ||
            (f.has('rightLower') && (feverish(f) || f.has('vomiting'))) ||
            (f.near('abdomen', 'severe', 8) && (feverish(f) || f.has('vomiting') || f.has('vomitingAll')))),
      },
    ],
  },
  // MedlinePlus "Intestinal obstruction": vomiting with a swollen belly, no stool or gas.
  {
    category: 'bowel-obstruction',
    rules: [
      {
        id: 'obstruction-signs',
        when: (f) => (f.has('vomiting') || f.has('vomitingAll')) && (f.has('distended') || f.has('noStool')),
      },
      { id: 'distended-no-stool', when: (f) => f.has('distended') && f.has('noStool') },
    ],
  },
  // AUA / MedlinePlus "Testicular torsion": sudden severe testicular pain is a surgical emergency.
  {
    category: 'testicular-torsion',
    rules: [{ id: 'testicular-pain', when: (f) => f.near('testicle', [...PAIN_LIKE, 'swelling'], 8) }],
  },
  // ACOG "Ectopic pregnancy": one-sided pain, shoulder-tip pain or fainting in early pregnancy.
  {
    category: 'ectopic-pregnancy',
    rules: [
      {
        id: 'early-pregnancy-pain-or-faint',
        when: (f) =>
          pregnant(f) &&
          (f.pregnancyWeeks === undefined || f.pregnancyWeeks < 14) &&
          (f.near('oneSideLower', PAIN_LIKE, 8) ||
            f.has('shoulderTip') ||
            (f.has('faint') && (f.has('pain') || f.has('bleeding')))),
      },
    ],
  },
  // ACOG / CDC "Hear Her" urgent maternal warning signs, in pregnancy and after birth.
  {
    category: 'pregnancy-emergency',
    rules: [
      {
        id: 'heavy-bleeding',
        when: (f) =>
          (pregnant(f) || f.has('postpartum')) &&
          (f.has('heavyBleeding') || f.near('bleeding', 'bleedingSevere', 8)),
      },
      {
        id: 'preeclampsia-signs',
        when: (f) =>
          (pregnant(f) || f.has('postpartum')) &&
          (f.has('visualSpots') ||
            (f.has('headache') && (f.has('severe') || f.has('swelling'))) ||
            atLeast(f.vitals.systolic, 160) ||
            atLeast(f.vitals.diastolic, 110)),
      },
      {
        id: 'preterm-waters',
        when: (f) =>
          pregnant(f) && f.has('waterBroke') && (f.pregnancyWeeks === undefined || f.pregnancyWeeks < 37),
      },
      {
        id: 'postpartum-breathing-or-chest',
        when: (f) => f.has('postpartum') && (f.has('dyspnea') || chestDiscomfort(f) || feverish(f)),
      },
      {
        id: 'pregnancy-bleeding',
        when: (f) =>
          pregnant(f) &&
          f.has('bleeding') &&
          (f.has('pain') || f.has('faint')) &&
          (f.pregnancyWeeks === undefined || f.pregnancyWeeks >= 14),
      },
    ],
  },
  // ACOG / NHS "Baby's movements": fewer or no movements from 24 weeks need assessment now.
  {
    category: 'fetal-movement',
    rules: [
      {
        id: 'reduced-movements',
        when: (f) => f.has('fetalMovement') && (f.pregnancyWeeks === undefined || f.pregnancyWeeks >= 22),
      },
    ],
  },
  // CDC "Heat-related illness": confusion, collapse, hot dry skin, or 103 °F after heat.
  {
    category: 'heat-stroke',
    rules: [
      {
        id: 'heat-with-altered',
        when: (f) =>
          f.has('heatExposure') &&
          (anyOf(f, ['confusion', 'unresponsive', 'hotDrySkin', 'seizure', 'drowsy', 'speech']) ||
            atLeast(f.vitals.temperatureF, 103) ||
            (f.has('faint') && f.has('vomiting'))),
      },
    ],
  },
  // CDC "Hypothermia": confusion, slurred speech, drowsiness, or shivering that stopped.
  {
    category: 'hypothermia',
    rules: [
      {
        id: 'cold-with-altered',
        when: (f) => f.has('cold') && anyOf(f, ['confusion', 'drowsy', 'speech', 'unresponsive']),
      },
      { id: 'low-body-temperature', when: (f) => below(f.vitals.temperatureF, 95) },
    ],
  },
  // American Burn Association referral criteria: large burns, face, hands, feet, genitals, joints,
  // chemical or electrical burns, and burns in children.
  {
    category: 'burns',
    rules: [
      {
        id: 'large-or-critical-burn',
        when: (f) =>
          f.has('burn') &&
          (f.has('largeArea') || f.near('burn', ['skinArea', 'face', 'chest'], 8)) &&
          (isChild(f) || f.has('largeArea') || f.near('burn', 'face', 6) || f.has('severe')),
      },
      { id: 'chemical-burn', when: (f) => f.has('burn') && f.has('substance') && !f.has('ingest') },
    ],
  },
  // MedlinePlus "Electrical injury": every electrical injury from household current or higher.
  { category: 'electrical-injury', rules: [{ id: 'electric-shock', when: (f) => f.has('electric') }] },
  // CDC "Carbon monoxide poisoning": headache, dizziness, nausea in several people, or an alarm.
  {
    category: 'carbon-monoxide',
    rules: [
      {
        id: 'carbon-monoxide',
        when: (f) =>
          f.has('carbonMonoxide') &&
          (anyOf(f, [
            'headache',
            'nausea',
            'faint',
            'drowsy',
            'confusion',
            'vomiting',
            'household',
            'unresponsive',
          ]) ||
            f.has('emergencyWords')),
      },
      {
        id: 'household-symptoms-with-fuel',
        when: (f) =>
          f.has('fuelIndoors') &&
          f.has('household') &&
          anyOf(f, ['headache', 'nausea', 'faint', 'drowsy', 'vomiting']),
      },
    ],
  },
  // NICE / Spine Society: back pain with saddle numbness, bladder or bowel loss or leg weakness.
  {
    category: 'cauda-equina',
    rules: [
      {
        id: 'back-pain-with-red-flag',
        when: (f) =>
          (f.near('back', PAIN_LIKE, 8) || f.has('back')) && anyOf(f, ['saddleNumb', 'bladderLoss']),
      },
      { id: 'saddle-numbness', when: (f) => f.has('saddleNumb') && anyOf(f, ['bladderLoss', 'legsWeak']) },
      { id: 'back-pain-both-legs', when: (f) => f.near('back', PAIN_LIKE, 8) && f.has('legsWeak') },
    ],
  },
  // Canadian C-Spine rule; MedlinePlus "Spinal cord trauma".
  {
    category: 'paralysis',
    rules: [
      { id: 'cannot-move', when: (f) => f.has('paralysis') },
      {
        id: 'neck-injury-with-signs',
        when: (f) => f.has('neckInjury') && anyOf(f, ['tingling', 'legsWeak', 'paralysis']),
      },
      { id: 'injury-with-numbness', when: (f) => f.has('trauma') && anyOf(f, ['tingling', 'legsWeak']) },
      { id: 'sudden-leg-weakness', when: (f) => f.has('legsWeak') && (f.has('sudden') || f.has('trauma')) },
    ],
  },
  // American Academy of Ophthalmology: sudden vision loss, a curtain over the eye.
  {
    category: 'vision-loss',
    rules: [
      { id: 'vision-loss', when: (f) => f.has('visionStrong') },
      { id: 'cannot-see-eye', when: (f) => f.near('visionLoss', 'eye', 6) && !f.has('visualSpots') },
    ],
  },
  // AHA "Hypertensive crisis": 180/120 or higher with symptoms; call 911.
  {
    category: 'hypertensive-emergency',
    rules: [
      {
        id: 'crisis-with-symptoms',
        when: (f) =>
          (atLeast(f.vitals.systolic, 180) || atLeast(f.vitals.diastolic, 120) || f.has('highBpWords')) &&
          (anyOf(f, [
            'headache',
            'confusion',
            'visionLoss',
            'visualSpots',
            'dyspnea',
            'oneSideWeak',
            'speech',
            'nausea',
            'vomiting',
          ]) ||
            chestDiscomfort(f)),
      },
      {
        id: 'very-high-reading',
        when: (f) => atLeast(f.vitals.systolic, 200) || atLeast(f.vitals.diastolic, 125),
      },
    ],
  },
  // NHLBI "Sickle cell disease": chest pain, fever, breathlessness or severe pain is an emergency.
  {
    category: 'sickle-cell-crisis',
    rules: [
      {
        id: 'sickle-with-red-flag',
        when: (f) =>
          f.has('sickleCell') &&
          (anyOf(f, ['chest', 'dyspnea', 'severeDyspnea', 'severe', 'priapism', 'oneSideWeak', 'speech']) ||
            feverish(f)),
      },
    ],
  },
];

export const CARE_PROTOCOLS: readonly Protocol<CareCategory>[] = [
  { category: 'chest-pain', rules: [{ id: 'chest-pain', when: (f) => chestDiscomfort(f) }] },
  { category: 'breathing', rules: [{ id: 'dyspnea', when: (f) => f.has('dyspnea') }] },
  {
    category: 'high-fever',
    rules: [
      { id: 'fever-103', when: (f) => atLeast(f.vitals.temperatureF, 103) || (feverish(f) && isChild(f)) },
    ],
  },
  {
    category: 'dehydration',
    rules: [{ id: 'cannot-keep-fluids', when: (f) => f.has('vomitingAll') || f.has('dehydrationInfant') }],
  },
  { category: 'fainting', rules: [{ id: 'fainted', when: (f) => f.has('faint') }] },
  { category: 'head-injury', rules: [{ id: 'head-injury', when: (f) => f.has('headInjury') }] },
  {
    category: 'allergic-reaction',
    rules: [
      { id: 'hives-or-swelling', when: (f) => f.has('hives') || (f.has('allergen') && f.has('swelling')) },
    ],
  },
  {
    category: 'pregnancy-concern',
    rules: [
      {
        id: 'pregnant-with-symptom',
        when: (f) =>
          pregnant(f) && anyOf(f, ['bleeding', 'pain', 'fever', 'vomitingAll', 'swelling', 'headache']),
      },
    ],
  },
  {
    category: 'urinary-infection-fever',
    rules: [{ id: 'uti-fever', when: (f) => f.has('infection') && feverish(f) }],
  },
  {
    category: 'severe-pain',
    rules: [
      {
        id: 'severe-pain',
        when: (f) =>
          f.near('pain', 'severe', 6) || f.near('abdomen', PAIN_LIKE, 6) || f.near('testicle', PAIN_LIKE, 6),
      },
    ],
  },
  { category: 'gi-bleeding-signs', rules: [{ id: 'black-stool', when: (f) => f.has('blackStool') }] },
  { category: 'mental-health', rules: [{ id: 'low-mood', when: (f) => f.has('moodLow') }] },
];

/** Categories whose answer leads with Poison Control, 988 or a hotline rather than 911. */
export const INGESTION_CATEGORIES: ReadonlySet<EmergencyCategory> = new Set([
  'pediatric-ingestion',
  'poisoning',
  'eye-chemical',
]);
export const SELF_HARM_CATEGORIES: ReadonlySet<EmergencyCategory> = new Set(['suicide-self-harm']);
