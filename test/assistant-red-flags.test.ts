/**
 * Regression phrasings of the red-flag screen: the emergencies must stay caught, the negated,
 * historical, informational and everyday messages must not be raised. These are the phrasings the
 * first screen was written from, so they say nothing about recall on new messages: that figure is
 * `npm run triage:eval` on the frozen check half (test/fixtures/triage/).
 */

import {
  CARE_CATEGORIES,
  EMERGENCY_CATEGORIES,
  EMERGENCY_PROTOCOLS,
  EMERGENCY_RESPONSES,
  type EmergencyCategory,
  emergencyAnswer,
  RedFlagScreen,
  SpellingTolerance,
} from '../lambdas/assistant/red-flags';
import { TRIGGERS } from '../lambdas/assistant/red-flags/assertion';
import { CONCEPTS } from '../lambdas/assistant/red-flags/concepts';
import { KEY_TERMS } from '../lambdas/assistant/red-flags/screen';
import { triageMessage } from '../lambdas/assistant/triage';

/** The phrase screen's categories, as the concept screen names them (one may split into several). */
const NOW_CALLED: Readonly<Record<string, readonly EmergencyCategory[]>> = {
  'cardiac-chest-pain': ['cardiac'],
  stroke: ['stroke', 'vision-loss'],
  'severe-breathing': ['breathing', 'choking'],
  anaphylaxis: ['anaphylaxis'],
  'severe-bleeding': ['severe-bleeding', 'gi-bleeding', 'pulmonary-embolism'],
  'suicide-self-harm': ['suicide-self-harm'],
  'overdose-poisoning': ['poisoning', 'pediatric-ingestion', 'carbon-monoxide'],
  seizure: ['seizure'],
  unresponsive: ['unresponsive'],
  'thunderclap-headache': ['thunderclap-headache'],
  'infant-fever': ['infant-fever'],
  'pregnancy-bleeding': ['pregnancy-emergency'],
  meningitis: ['meningitis'],
  'severe-hypoglycemia': ['hypoglycemia'],
  'head-injury-anticoagulant': ['head-injury'],
  'trauma-neurological': ['head-injury', 'paralysis', 'stroke'],
};
type RedFlagCategory = keyof typeof NOW_CALLED;

const screen = new RedFlagScreen();

/** [message, the category it must raise]. Lower case, misspellings and patient wording on purpose. */
const EMERGENCIES: ReadonlyArray<readonly [string, RedFlagCategory]> = [
  // cardiac
  ['I have crushing chest pain', 'cardiac-chest-pain'],
  ['my chest feels tight and heavy, like an elephant is sitting on it', 'cardiac-chest-pain'],
  ['chest pain spreading down my left arm', 'cardiac-chest-pain'],
  ['i have chest pain and im sweating a lot', 'cardiac-chest-pain'],
  ['Pain in my chest going to my jaw, and I feel sick to my stomach', 'cardiac-chest-pain'],
  ['I think I am having a heart attack', 'cardiac-chest-pain'],
  ['chset pian and short of breath', 'cardiac-chest-pain'],
  ['pressure in my chest for 20 minutes now', 'cardiac-chest-pain'],
  ['I had a heart attack in 2019 and now I have crushing chest pressure again', 'cardiac-chest-pain'],
  ['I have a history of heart disease and I have crushing chest pain', 'cardiac-chest-pain'],
  // stroke
  ["my husband's face is drooping on one side", 'stroke'],
  ['my face is droopy and my speech is slurred', 'stroke'],
  ["suddenly I can't lift my right arm", 'stroke'],
  ['my mom cant find her words and her arm went numb', 'stroke'],
  ['oh no, I think I am having a stroke', 'stroke'],
  ['i think im having a stoke', 'stroke'],
  ['sudden loss of vision in my left eye', 'stroke'],
  ['his smile is crooked and he is talking gibberish', 'stroke'],
  ['weakness in my left leg that came on suddenly', 'stroke'],
  // breathing
  ["I can't breathe", 'severe-breathing'],
  ['i cant breath', 'severe-breathing'],
  ['my son is gasping for air', 'severe-breathing'],
  ['her lips are turning blue', 'severe-breathing'],
  ['he is choking on food', 'severe-breathing'],
  ["I can't speak in full sentences because I'm so out of breath", 'severe-breathing'],
  ['My baby stopped breathing', 'severe-breathing'],
  // anaphylaxis
  ['my throat is closing up after eating peanuts', 'anaphylaxis'],
  ['I think I am having anaphylaxis', 'anaphylaxis'],
  ['anafalaxis after a bee sting', 'anaphylaxis'],
  ['my tongue is swelling up', 'anaphylaxis'],
  ['I had to use my epipen', 'anaphylaxis'],
  // bleeding
  ["the bleeding won't stop", 'severe-bleeding'],
  ['i cut my hand and the blood is spurting', 'severe-bleeding'],
  ['I am vomiting blood', 'severe-bleeding'],
  ['coughing up blood since this morning', 'severe-bleeding'],
  ['bleeding heavily from a cut on my leg, it soaked through the towel', 'severe-bleeding'],
  ['threw up coffee grounds', 'severe-bleeding'],
  // suicide / self-harm
  ['I want to kill myself', 'suicide-self-harm'],
  ["I've been having suicidal thoughts", 'suicide-self-harm'],
  ['i dont want to live anymore', 'suicide-self-harm'],
  ['everyone would be better off dead without me, I am better off dead', 'suicide-self-harm'],
  ['I have been cutting myself', 'suicide-self-harm'],
  ['thinking about ending my life', 'suicide-self-harm'],
  ['i feel sucidal', 'suicide-self-harm'],
  ['there is no point in living', 'suicide-self-harm'],
  // overdose / poisoning
  ['I took too many of my pills', 'overdose-poisoning'],
  ['my toddler swallowed a button battery', 'overdose-poisoning'],
  ['my daughter drank bleach', 'overdose-poisoning'],
  ['I think I overdosed on tylenol', 'overdose-poisoning'],
  ['I accidentally took my medicine twice', 'overdose-poisoning'],
  ['he took a whole bottle of sleeping pills', 'overdose-poisoning'],
  ['we might have carbon monoxide poisoning', 'overdose-poisoning'],
  // seizure
  ['my son is having a seizure', 'seizure'],
  ['she is having a siezure right now', 'seizure'],
  ['he is convulsing', 'seizure'],
  ['my son has a history of seizures and is having one right now', 'seizure'],
  ['he is shaking all over and wont respond', 'seizure'],
  // unresponsive
  ['my dad is unresponsive', 'unresponsive'],
  ["I can't wake him up", 'unresponsive'],
  ['she collapsed in the kitchen', 'unresponsive'],
  ['my wife is unconcious', 'unresponsive'],
  ['he is not responding to me', 'unresponsive'],
  // thunderclap headache
  ['worst headache of my life', 'thunderclap-headache'],
  ['sudden severe headache that came on out of nowhere', 'thunderclap-headache'],
  ['a thunderclap headache just started', 'thunderclap-headache'],
  ["worst headache i've ever had", 'thunderclap-headache'],
  // infant fever
  ['my 6 week old has a fever of 100.8', 'infant-fever'],
  ['my 2 month old baby has a temperature of 38.5', 'infant-fever'],
  ['newborn feels very hot and has a fever', 'infant-fever'],
  ['my 3-week-old is feverish', 'infant-fever'],
  // pregnancy bleeding
  ["I'm pregnant and bleeding heavily", 'pregnancy-bleeding'],
  ['I am 20 weeks pregnant and soaking through a pad every hour', 'pregnancy-bleeding'],
  ['second trimester and passing clots', 'pregnancy-bleeding'],
  // meningitis
  ['stiff neck and a high fever', 'meningitis'],
  ['he has a rash that does not fade when I press a glass on it', 'meningitis'],
  ["my daughter can't touch her chin to her chest and has a fever", 'meningitis'],
  ['could this be meningitis', 'meningitis'],
  // severe hypoglycaemia
  ['my blood sugar is 45', 'severe-hypoglycemia'],
  ['glucose reading of 38 mg', 'severe-hypoglycemia'],
  ['low blood sugar and he is confused', 'severe-hypoglycemia'],
  ['my sugar is 2.5 mmol', 'severe-hypoglycemia'],
  ['my husband is diabetic, his sugar is low and he is acting drunk', 'severe-hypoglycemia'],
  // head injury on anticoagulants
  ['I hit my head and I take eliquis', 'head-injury-anticoagulant'],
  ['my mom fell and hit her head, she is on warfarin', 'head-injury-anticoagulant'],
  ['bumped my head on the cabinet, I am on blood thinners', 'head-injury-anticoagulant'],
  // trauma with neurological signs
  ["I fell off a ladder and can't feel my legs", 'trauma-neurological'],
  ['car accident and now my arms are tingling', 'trauma-neurological'],
  ['he hit his head and is confused', 'trauma-neurological'],
  ['fell down the stairs and blacked out', 'trauma-neurological'],
];

/** Non-emergencies: negated, historical, informational, administrative and everyday messages. */
const NON_EMERGENCIES: readonly string[] = [
  // negation: no / not / denies / without / never / none
  'no chest pain',
  'I have no chest pain or shortness of breath',
  "I don't have any chest pain, just a cough",
  'not having chest pain anymore',
  'my chest pain went away yesterday',
  'the chest pressure is gone',
  'denies chest pain',
  'I woke up without any numbness in my arm',
  'never had a seizure',
  'no fever, no stiff neck',
  "I'm not suicidal, just feeling a bit low",
  'I have not been coughing up blood',
  'there is no bleeding',
  "I'm not pregnant and not bleeding",
  'no trouble breathing at all',
  'my face is not drooping, I checked',
  "I don't want to kill myself, I just need a refill",
  'the bleeding has stopped',
  'he is not unresponsive, he is just tired',
  'no thunderclap headache, just a mild one',
  // history
  'I had a heart attack in 2019',
  'history of seizures',
  'I have a history of stroke',
  'I had a stroke 3 years ago and I want to book my follow-up',
  'My father died of a heart attack, am I at risk?',
  'I tried to kill myself years ago and I am doing well now',
  'I used to have seizures as a child',
  'previous overdose in 2015, sober since',
  'family history of stroke',
  'I had a blood clot in the past',
  'when i was a kid i had meningitis',
  // informational / administrative
  'what are the signs of a stroke?',
  'how can I prevent a heart attack',
  'I need a refill of my seizure medication',
  'can I book an appointment with my seizure specialist',
  'is there a support group for people at risk of suicide',
  'what is the risk of stroke with my blood pressure',
  'I have been seizure free for 2 years',
  // everyday
  'I need to reschedule my appointment',
  'Can you refill my lisinopril?',
  'How much do I owe on my bill?',
  'When will my lab results be ready?',
  'hello there',
  'thank you so much',
  'I have a runny nose and a sore throat',
  'I have a mild headache since this morning',
  'my back hurts after gardening',
  'I feel tired all the time',
  'my blood sugar is 145 this morning',
  'my blood sugar was 5.4 mmol',
  'I was cooking dinner and burned my finger slightly',
  'the front desk staff were very helpful',
  'my knee hurts when I climb stairs',
  'I have a rash on my arm that itches',
  'I have heartburn after spicy food',
  'is it normal to feel dizzy when I stand up too fast',
  'can I get a flu shot at my next visit',
  'I fell asleep on my arm and it tingled for a minute',
  'what time does the clinic open',
  'I want to update my insurance information',
  'my allergies are acting up, sneezing a lot',
  'I take eliquis, do I need a refill soon?',
  'my daughter had a fever last week but she is fine now',
  'the baby is 6 months old and teething',
  'I cut myself shaving, it stopped bleeding right away',
  'should I bring my glucose log to the visit',
  'my sister is pregnant and doing well',
];

describe('red-flag screen: emergency phrasings', () => {
  it('has at least 60 emergency and 60 non-emergency phrasings across every category', () => {
    expect(EMERGENCIES.length).toBeGreaterThanOrEqual(60);
    expect(NON_EMERGENCIES.length).toBeGreaterThanOrEqual(60);
    const covered = new Set(EMERGENCIES.map(([, category]) => category));
    expect([...covered].sort()).toEqual(Object.keys(NOW_CALLED).sort());
  });

  it.each(EMERGENCIES)('"%s" → emergency (%s)', (message, category) => {
    const result = screen.screen(message);
    expect(result.disposition).toBe('emergency');
    expect(result.emergencyCategories.some((c) => NOW_CALLED[category]?.includes(c))).toBe(true);
  });

  it('every regression phrasing is caught and no non-emergency is called an emergency', () => {
    const caught = EMERGENCIES.filter(([message]) => screen.screen(message).disposition === 'emergency');
    const falseAlarms = NON_EMERGENCIES.filter(
      (message) => screen.screen(message).disposition === 'emergency',
    );
    expect(caught.length / EMERGENCIES.length).toBe(1);
    expect(falseAlarms).toEqual([]);
  });
});

describe('red-flag screen: non-emergency phrasings', () => {
  it.each(NON_EMERGENCIES.map((m) => [m]))('"%s" is not an emergency', (message) => {
    expect(screen.screen(message).disposition).not.toBe('emergency');
  });
});

describe('red-flag screen: protocols and answers', () => {
  it('every emergency category has a protocol, an answer in both languages and a 911, 988 or Poison Control number', () => {
    expect(EMERGENCY_PROTOCOLS.map((p) => p.category).sort()).toEqual([...EMERGENCY_CATEGORIES].sort());
    for (const category of EMERGENCY_CATEGORIES) {
      const response = EMERGENCY_RESPONSES[category];
      expect(response.text.en.length).toBeGreaterThan(20);
      expect(response.text.es.length).toBeGreaterThan(20);
      const numbers = emergencyAnswer([category]).contacts.map((c) => c.number);
      expect(numbers).toContain('911');
    }
    expect(emergencyAnswer(['suicide-self-harm']).contacts[0]?.number).toBe('988');
    expect(emergencyAnswer(['poisoning']).contacts[0]?.number).toBe('1-800-222-1222');
    expect(emergencyAnswer(['pediatric-ingestion']).contacts[0]?.number).toBe('1-800-222-1222');
    expect(emergencyAnswer(['stroke']).contacts[0]?.number).toBe('911');
    expect(emergencyAnswer(['domestic-violence']).contacts.map((c) => c.number)).toEqual([
      '911',
      '1-800-799-7233',
    ]);
    expect(emergencyAnswer(['child-abuse']).contacts.map((c) => c.number)).toEqual(['911', '1-800-422-4453']);
    expect(CARE_CATEGORIES.length).toBeGreaterThan(0);
  });

  it('answers in Spanish with the same numbers', () => {
    const answer = emergencyAnswer(['suicide-self-harm'], 'es');
    expect(answer.reply).toContain('988');
    expect(answer.reply).toMatch(/Llame/);
    expect(answer.contacts[0]?.number).toBe('988');
  });

  it('never gives another category its advice: the reply holds only the categories hit', () => {
    const heat = emergencyAnswer(['heat-stroke']).reply;
    expect(heat).toMatch(/cool/i);
    expect(heat).not.toContain('988');
    expect(heat).not.toContain('1-800-222-1222');
  });
});

describe('red-flag screen: negation, history and scope', () => {
  it.each([
    ['no', 'no chest pain'],
    ['not', 'I am not having chest pain'],
    ['denies', 'denies chest pain'],
    ['without', 'without crushing chest pain'],
    ['never', 'never had crushing chest pain'],
    ["don't", "I don't have chest pressure"],
    ['no longer', 'no longer have chest tightness'],
    ['not … anymore', "my chest pain isn't there anymore"],
    ['post-cue: went away', 'the crushing chest pain went away'],
    ['post-cue: has stopped', 'the seizure has stopped'],
    ['post-cue: resolved', 'her slurred speech resolved'],
    ['list after a negation ("or")', 'no fever or stiff neck'],
  ])('negation cue %s: "%s"', (_cue, message) => {
    const result = screen.screen(message);
    expect(result.disposition).not.toBe('emergency');
    expect(result.suppressed.some((s) => s.reason === 'negated')).toBe(true);
  });

  it.each([
    ['"but" ends the negation', 'no fever but I have crushing chest pain'],
    ['a comma ends the negation', 'not sure, but my face is drooping'],
    ['a new subject ends the negation', 'oh no i think i am having a stroke'],
    ["pseudo-negation: won't stop", "the bleeding won't stop"],
    ['pseudo-negation: not sure', "I'm not sure if this is a stroke but my arm went numb suddenly"],
    ['pseudo-negation: not going away', 'crushing chest pain that is not going away'],
  ])('%s: "%s" stays an emergency', (_case, message) => {
    expect(screen.screen(message).disposition).toBe('emergency');
  });

  it.each([
    ['history of', 'history of seizures', 'historical'],
    ['in <year>', 'I had a heart attack in 2019', 'historical'],
    ['years ago', 'I had a stroke 3 years ago', 'historical'],
    ['as a child', 'I had seizures as a child', 'historical'],
    ['died of', 'my father died of a heart attack', 'historical'],
    ['signs of', 'what are the signs of a heart attack', 'hypothetical'],
    ['medication for', 'refill for my seizure medication', 'administrative'],
  ] as const)('%s: "%s" is %s', (_cue, message, reason) => {
    const result = screen.screen(message);
    expect(result.disposition).not.toBe('emergency');
    expect(result.suppressed.map((s) => s.reason)).toContain(reason);
  });

  it('a current cue in the same sentence overrides history ("history of seizures … now")', () => {
    expect(screen.screen('history of seizures and she is seizing now').disposition).toBe('emergency');
    expect(screen.screen('history of seizures').disposition).toBeUndefined();
  });

  it('screens every sentence on its own: one negated, one affirmed', () => {
    const result = screen.screen('No chest pain. But I cannot breathe.');
    expect(result.emergencyCategories).toEqual(['breathing']);
  });

  it('is case-insensitive', () => {
    expect(screen.screen('I WANT TO KILL MYSELF').emergencyCategories).toEqual(['suicide-self-harm']);
  });
});

describe('spelling tolerance', () => {
  const spelling = new SpellingTolerance(KEY_TERMS);

  it.each([
    ['siezure', 'seizure'],
    ['sezure', 'seizure'],
    ['unconcious', 'unconscious'],
    ['bleding', 'bleeding'],
    ['pian', 'pain'],
    ['chset', 'chest'],
    ['unresponsve', 'unresponsive'],
    ['overdoes', 'overdose'],
    ['breathng', 'breathing'],
    ['presure', 'pressure'],
  ])('%s → %s', (typo, term) => {
    expect(spelling.correct(typo)).toBe(term);
  });

  it.each([
    'should',
    'cooking',
    'worse',
    'staff',
    'prison',
    'sneezing',
    'sporting',
    'strike',
    'rain',
    'fewer',
  ])('leaves the ordinary word "%s" alone', (word) => {
    expect(spelling.correct(word)).toBe(word);
  });
});

describe('phrase syntax of the lexicon', () => {
  // A slot lists single-word alternatives; "a|b c" means (a or b) then c. A word that appears in
  // two slots of one phrase is the sign of a phrase written as if "|" separated multi-word
  // alternatives ("get air|enough air" would need "air" twice).
  const sources: { readonly where: string; readonly phrase: string }[] = [
    ...Object.entries(CONCEPTS).flatMap(([name, spec]) =>
      [...spec.en, ...spec.es].map((phrase) => ({ where: `concept ${name}`, phrase })),
    ),
    ...TRIGGERS.flatMap((spec) =>
      [...spec.en, ...spec.es].map((phrase) => ({ where: `trigger ${spec.kind}`, phrase })),
    ),
  ];

  it('has phrases to check', () => {
    expect(sources.length).toBeGreaterThan(300);
  });

  it('never repeats a word of an alternative slot in another slot', () => {
    // "worse and worse" repeats on purpose; a repeat next to a "|" does not.
    const suspicious = sources.filter(({ phrase }) => {
      const slots = phrase
        .trim()
        .split(/\s+/)
        .map((slot) => slot.split('|'));
      return slots.some(
        (slot, i) =>
          slot.length > 1 && slot.some((word) => slots.some((other, j) => j !== i && other.includes(word))),
      );
    });
    expect(suspicious).toEqual([]);
  });

  it('has no empty alternative', () => {
    const empty = sources.filter(({ phrase }) =>
      phrase
        .trim()
        .split(/\s+/)
        .some((slot) => slot.split('|').some((word) => word === '' || word === '=' || word === '*')),
    );
    expect(empty).toEqual([]);
  });
});

describe('general forms: classes of phrasing, each with its own synthetic examples', () => {
  const screen = new RedFlagScreen();
  test.each([
    // A count of tablets, in either language.
    ['she swallowed maybe 25 of her sleeping pills an hour ago', 'poisoning'],
    ['mi mama se tomo 15 pastillas de la presion', 'poisoning'],
    // A child found with an opened or emptied medicine container.
    ['caught my 2 yr old with the vitamin bottle, lid off and half of them missing', 'pediatric-ingestion'],
    ['our toddler had the iron pills pack chewed open on the floor', 'pediatric-ingestion'],
    // An age typed as a possessive or at the start of the message.
    ['my 9 mo has no wet diapers since morning and no tears when crying', 'infant-dehydration'],
    // Household chemicals breathed in.
    ['i mixed drain cleaner and bleach in the tub and the fumes made me cough hard', 'poisoning'],
    // A wound bleeding out of control, without the word "bleeding".
    ['slashed my leg on a sheet of metal, it is gushing and soaking through the towels', 'severe-bleeding'],
    // Bleeding on a blood thinner with faintness.
    ['nose bleed for an hour, i take eliquis and now i feel faint', 'severe-bleeding'],
    // A farewell message.
    [
      'my friend sent a goodbye text to everyone and says sorry for everything, now he is not picking up',
      'suicide-self-harm',
    ],
    ['mi hija dice que se va a matar esta noche', 'suicide-self-harm'],
    // A threat against a named other person, with a weapon.
    [
      'my dad is off his meds, pacing with a hunting knife, says he will stab the neighbor',
      'violence-to-others',
    ],
    ['mi hermano dice que va a matar a su exjefe, tiene una pistola', 'violence-to-others'],
    // A present-tense report about a relative with "got".
    ['my daughter has sickle cell and has got a fever of 102 with chest pain', 'sickle-cell-crisis'],
    // A relative's event reported in the past tense, with "now" in the sentence.
    ['my husband had a seizure and now he is shaking again and not answering', 'seizure'],
    // A household chemical swallowed, any amount.
    ['my uncle took a swig of paint thinner from a water bottle by mistake', 'poisoning'],
    // A state learned in the past still holds: pregnant after a positive test.
    [
      'positive test two weeks ago, now bad cramping on the left side and i feel like passing out',
      'ectopic-pregnancy',
    ],
    // Spanish reflexive verbs after "y" start a new clause: "sin casco" does not negate the fall.
    [
      'se cayo de la escalera sin casco y se pego en la cabeza, ahora vomita y esta confundido',
      'head-injury',
    ],
    // Spanish present-tense self-harm.
    ['mi sobrina se esta cortando y dice que se quiere matar', 'suicide-self-harm'],
    // A plan and its means, without the word suicide.
    ['no reason to keep living since the divorce, i loaded my pistol tonight', 'suicide-self-harm'],
    // A pattern that used to pass but has not this time.
    [
      'usually the tightness goes away with rest, but right now my chest has been crushing for an hour and i am sweating',
      'cardiac',
    ],
    // A dialysis access or graft bleeding out of control.
    ['his dialysis graft is spurting blood and it will not clot', 'severe-bleeding'],
    // A condition ends at its consequent: the event after the comma is real.
    ['if this is just gas, why is my chest crushing and my left arm numb and sweaty', 'cardiac'],
    // Spanish reflexive self-harm in the infinitive and the present.
    ['tengo ganas de hacerme dano otra vez', 'suicide-self-harm'],
    ['me hago dano cuando estoy sola y hoy tengo la navaja', 'suicide-self-harm'],
    // An animal in the sentence does not hide a person's emergency.
    ['my dog bit me and my arm is gushing blood, it wont stop', 'severe-bleeding'],
    ['walked the dog and now crushing chest pain and sweating', 'cardiac'],
    // A wound bleeding heavily.
    ['a dog attacked my daughter, her cheek is ripped open and bleeding a lot', 'severe-bleeding'],
    // Onset in an instant.
    ['came on in a second like a bomb inside my head, worst pain ever', 'thunderclap-headache'],
    // A real event beside a story: the story's frame ends at the sentence.
    ['saw a video about strokes. now my face is drooping on one side and my words are slurred', 'stroke'],
  ] as const)('"%s" → %s', (text, category) => {
    expect(screen.screen(text).emergencyCategories).toContain(category);
  });

  test.each([
    // Idioms built on a named emergency.
    'my landlord almost gave me a stroke with that rent increase',
    'i nearly had a heart attack when i opened the electric bill',
    // A care resource named after a concept.
    'can you send me the poison control magnet for the fridge',
    'where is the nearest stroke center, asking for my records',
    // A diagnosis name is not an event.
    'my son has epilepsy, well controlled, needs his levetiracetam refill',
    // A question about a condition, also with a conditional in a later clause.
    'hypothetically if someone got stung and their lips swelled how fast should they use the epipen',
    'is it true you can get a seizure from flashing lights?',
    'what does a stroke look like in a woman',
    // First aid for a small burn, with water.
    'small burn on my thumb from the pan, held it under cool water and it is fine',
    // Past events: "since he was", "back in <month>", discharged.
    'he has had seizures since he was a baby, no new ones this year',
    'i had a mini stroke back in april and was discharged, need the follow up booked',
    // A "does" that is not a "dose".
    'what does it mean when my heart rate is 62 at rest',
    // Cross-language stems: Spanish "aire" is not English "air", "herida" is not "her".
    'tengo gripe pero no me falta el aire y no tengo fiebre',
    // A usual, known pattern in the same sentence.
    'my asthma is same as usual, peak flow at my baseline, just need the inhaler refilled',
    'tengo anemia falciforme, los dolores leves de siempre, como siempre, sin fiebre',
    // A measured normal temperature outranks "felt warm".
    'my 3 week old felt warm so i checked, rectal temp 98.9, feeding fine',
    // Idioms: driving someone up the wall, off a cliff.
    'the twins are driving me up the wall, any parenting class at the clinic?',
    // Administrative frames around a past event.
    'please fill out the disability form for my stroke last year',
    'why was i billed twice for the ambulance ride when my son had a seizure',
    // An animal's event is no person's emergency.
    'our puppy ate some chocolate chips off the floor, should we call the vet?',
    'mi gato no puede respirar bien, conocen un veterinario?',
    // Results read as negative.
    'urine ketones negative, sugar 140 after lunch, all good?',
    // A habitual, self-limiting pattern.
    'my throat feels tight whenever i get nervous and it goes away after a few minutes of breathing slowly',
    'the dizzy spells pass within a minute every time i stand up too fast',
    // A condition runs to its consequent, across "while" and "and".
    'if grandpa gets confused while he is home alone and falls down the stairs, who should the sitter call first?',
    'if my wife ever passes out while driving and crashes, what is the plan?',
    // Something seen, read or taught about.
    'watched a movie where a guy had a heart attack shoveling snow, how common is that?',
    'our first aid lecture covered choking today, do you teach the heimlich on infants?',
    'read an article that says a stroke can happen at 30, what are my risks',
    'en un video vi que un nino se trago una pila, como guardo las pilas?',
    // Making a home safe.
    'how do i babyproof the kitchen, worried about the dishwasher pods and outlets',
    // A named condition, not an event.
    'my brother and my aunt have a seizure disorder, should my kids be tested?',
    'does heart disease run in families if my dad has it',
    // Idioms built on drowning, choking and strokes of luck.
    'i am drowning in paperwork this month, can the nurse call me back tomorrow',
    'pure stroke of luck, the pharmacy had my inhaler in stock',
    'pollen season is choking me out, need my allergy spray refilled',
    // Posts, news and posters; students studying.
    'saw on facebook that coughing hard can stop a heart attack, true?',
    'did you see the news about the family with carbon monoxide poisoning? which detector should i buy',
    'saw a poster about stroke signs, what does the F in FAST stand for',
    'pharmacy student here, studying for an exam: antidote for an opioid overdose?',
    // A duration is no reading.
    'my glucose test is at 28 weeks, do i have to fast',
    // A record of a past event.
    'the insurance form wants the date of my heart attack',
    // A past event with an age.
    'had one seizure once at 17 from no sleep, none since; the form asks',
    // A plant named poison.
    'itchy rash in lines after gardening, poison oak?',
    // Spanish: harm that is not reflexive is not self-harm.
    'mi hija se comio un pedazo de jabon, le hace dano?',
    'la leche me hace dano al estomago, que puedo tomar',
    // A care service named after a concept, in Spanish.
    'necesito una cita en la clinica de diabetes para mi mama',
  ])('"%s" is not an emergency', (text) => {
    expect(screen.screen(text).disposition).not.toBe('emergency');
  });
});

describe('the safe floor and the refill button (triageMessage)', () => {
  it('answers urgent when only a past or administrative reading stands between a message and an emergency', () => {
    const past = triageMessage('need a copy of my records from the stroke in january');
    expect(past.disposition).toBe('urgent');
    expect(past.reply).toContain('911');
    expect(past.refillAllowed).toBe(false);
  });

  it('offers a refill button for a plain refill, with or without a medicine name or a known condition', () => {
    expect(triageMessage('please refill my lisinopril').refillAllowed).toBe(true);
    const named = triageMessage('refill my metformin for my diabetes please');
    expect(named.refillAllowed).toBe(true);
    // A medicine's name is no clinical cue: no unsure floor on a plain refill request.
    expect(named.disposition).toBeUndefined();
  });

  it('offers no refill button next to an affirmed symptom or a risk signal', () => {
    expect(triageMessage('refill my lisinopril, also my ankle is swollen').refillAllowed).toBe(false);
    expect(triageMessage('refill my sertraline, i have been saving the old pills').refillAllowed).toBe(false);
  });
});
