/**
 * ConText assertion (Harkema et al., J Biomed Inform 2009;42:839-851) over concept mentions:
 * each trigger has a direction (a pre-trigger reaches forward, a post-trigger backward) and its
 * scope ends at a termination term (a clause break, tokens.ts) or after SCOPE tokens. A mention is
 *   negated      "no chest pain", "the bleeding stopped", "sin dolor"
 *   historical   "a stroke in 2019", "years ago", "my dad died of" (unless a current cue such as
 *                "now" or "again" stands in the same clause)
 *   hypothetical "what are the signs of", "if my kid ever swallows", "in case"
 *   idiomatic    "this paperwork is killing me", "dying to know"
 * and its experiencer is the patient or another person ("my son", "mi mamá"). An emergency
 * happening to another person is still an emergency, so experiencer never suppresses; it picks
 * the wording of the answer. Pseudo-triggers ("not sure", "no better", "won't stop") are matched
 * first and mask what they cover, as in NegEx (Chapman et al., J Biomed Inform 2001).
 */
import { type CompiledPhrase, compilePhrase, findPhrase, type Language, type PhraseMatch } from './phrases';
import { CONTRASTS, type Token } from './tokens';

export type AssertionKind = 'negated' | 'historical' | 'hypothetical' | 'idiomatic' | 'administrative';

export interface TriggerSpec {
  readonly kind:
    | AssertionKind
    | 'current'
    | 'pseudo'
    | 'other-person'
    | 'other-adult'
    | 'past'
    | 'chronic'
    | 'animal';
  /** For 'administrative': the trigger stands right after ('backward') or just before the mention. */
  readonly direction: 'forward' | 'backward' | 'clause' | 'sentence';
  readonly en: readonly string[];
  readonly es: readonly string[];
}

const SUBJECTS: ReadonlySet<string> = new Set([
  'i',
  "i'm",
  "i've",
  'he',
  "he's",
  'she',
  "she's",
  'they',
  "they're",
  'we',
  'you',
  'yo',
  'el',
  'ella',
]);

/** Tokens a trigger reaches (Chapman's NegEx window is five; ConText uses the clause). */
const SCOPE = 6;
/** Post-triggers ("…stopped", "…went away") reach less far back: they follow what they end. */
const BACKWARD_SCOPE = 4;

export const TRIGGERS: readonly TriggerSpec[] = [
  {
    kind: 'pseudo',
    direction: 'forward',
    en: [
      'not sure|certain',
      'no idea|clue|matter|doubt|way|one|change|better|relief|improvement|response',
      'not only|just|better|improving|helping|working|stopping|responding|waking',
      'not going away',
      "don't|do not know|think",
      "don't|do not want to bother|overreact|panic|exaggerate",
      "don't|do not want to be dramatic",
      "doesn't|won't|didn't|isn't|hasn't|can't|don't stop|help|work|improve",
      "doesn't|won't|didn't|don't go away",
      'never stopped',
      'never went away',
      'not gone',
      'nothing helps|worked|working',
      'no es nada',
      'no se|sabemos',
      'live|alive|here|exist|on|it|this anymore',
      "can't take it|this anymore",
      'no para|mejora|ayuda',
      'sin mejorar',
    ],
    es: [],
  },
  {
    kind: 'negated',
    direction: 'forward',
    en: [
      '=no|=not|=never|=without|=none|=nor|=neither|=denies|=deny|=denied|=denying',
      "=don't|=doesn't|=didn't|=haven't|=hasn't|=isn't|=aren't|=wasn't|=weren't",
      'negative for',
      'free of',
      'no longer',
      'no more',
      'ruled out',
      'rule out',
    ],
    es: ['=no|=sin|=nunca|=ni|=tampoco|=niega|=nada', 'ya no'],
  },
  {
    kind: 'negated',
    direction: 'backward',
    en: [
      '=anymore',
      'any more',
      'went|gone away',
      'is|are|was gone',
      'resolved|subsided|stopped|disappeared|cleared',
      'has|have stopped|passed|cleared',
      'is|was over',
      'goes|go away when|with|after',
      'fine|ok|okay|better|normal now',
      'all better',
      'went down',
      'came back normal|negative',
      '=negative',
      'was negative',
      'ruled out',
      'went back to normal',
    ],
    es: [
      'ya paso',
      'ya se quito|fue',
      'ya le quito',
      'se le quito|paso',
      'ya esta bien',
      'desaparecio',
      'se controlo',
    ],
  },
  {
    kind: 'historical',
    direction: 'clause',
    en: [
      'history of',
      '=hx',
      'family history',
      'in|since #year',
      'back in #year',
      '# years|yrs|yr|months|mos|mo|weeks|wks ago',
      'years|yrs|months|mos ago',
      'year|yr|month ago',
      'back in january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec',
      'last january|february|march|april|june|july|august|september|october|november|december',
      '=discharged|=released',
      'was|were|went in|to er|hospital|emergency|urgent|ed',
      'they said it was',
      'told it was',
      'told me it was',
      'last year|month|week|summer|winter|spring|fall|christmas|monday|tuesday|tues|wednesday|thursday|thurs|friday|saturday|sunday',
      '# decades ago',
      'decades|ages ago',
      'since then|that|accident|surgery',
      'er|hospital|ambulance visit|stay|bill|ride|trip',
      'records|record|copy from|of',
      'admission|hospitalization|discharge summary',
      'follow up|followup after',
      'in college|school|high|twenties|teens',
      'in january|february|march|april|june|july|august|september|october|november|december',
      'that was # years|months ago',
      'when i|he|she|they|we was|were',
      'once at|when|in',
      'at age #',
      'since i|he|she|they|we was|were',
      'since childhood|birth',
      'as a child|kid|teen|teenager|baby',
      'used to',
      'back in',
      'previous|previously|prior|past|childhood',
      'a while back|ago',
      'long time ago',
      'once had',
      'died|passed of|from',
      'passed away',
      'runs in my|the family',
      'recovered from',
      'survived',
      'had a # years',
      'my late',
      'years back',
    ],
    es: [
      'hace # anos|meses',
      'hace anos|tiempo|meses',
      'el ano pasado',
      'la semana pasada',
      'el mes pasado',
      'lo|la llevamos a emergencias|hospital|urgencias',
      'murieron de',
      'se murio|murieron',
      'estuve|estuvo|estuvieron hospitalizado|hospitalizada|internado|internada',
      'en enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre',
      'carta|constancia para',
      'cuando era nino|nina|joven',
      'antecedentes',
      'historial',
      'murio de',
      'fallecio de',
      'en #year',
      'antes tenia',
      'de nino|nina|joven',
      'dieron de alta',
      'lo|la|me|nos llevaron a emergencias|hospital|urgencias',
      'estuvo|estuve|estuvimos en emergencias|hospital|urgencias',
      'cuando tenia # anos',
      'cuando era|eran chiquito|chiquita|pequeno|pequena',
    ],
  },
  {
    // An animal's event: the clinic treats people (a vet or the animal poison line answers).
    kind: 'animal',
    direction: 'clause',
    en: ['dog|dogs|puppy|cat|cats|kitten|hamster|parrot|bird|rabbit|bunny|guinea|pet|pets|vet|veterinarian'],
    es: ['perro|perrito|perrita|gato|gatito|gatita|perico|loro|pajaro|conejo|mascota|veterinario'],
  },
  {
    // A known, unchanged pattern: the whole sentence describes the usual state, not a new event.
    kind: 'chronic',
    direction: 'clause',
    en: [
      'same as usual|always|ever|before',
      'same as the last|past',
      'as usual',
      'my|his|her baseline',
      'usual for me|him|her',
      'like always',
      'doctor|dr|cardiologist|neurologist|hematology|specialist knows|aware',
      // A habitual, self-limiting pattern ("gets tight when I'm stressed and goes away").
      'goes|go away when|with|after|on',
      'they|it pass|passes in|after|within',
      'whenever i|he|she',
      'every time i|he|she',
    ],
    es: ['como siempre', 'lo de siempre', 'de costumbre', 'lo normal para mi'],
  },
  {
    // A relative's past event is family history (ConText's experiencer and temporality together).
    kind: 'past',
    direction: 'clause',
    en: ['=had', 'has had'],
    es: ['=tuvo|=tenia', 'le dio'],
  },
  {
    kind: 'current',
    direction: 'clause',
    en: [
      '=now|=again|=currently|=still|=tonight|=today|=started|=starting|=suddenly|=happening',
      'right now',
      'just now',
      'this morning|afternoon|evening|week',
      '# minutes|mins|hours|hrs ago',
      'an hour ago',
      'few minutes|hours ago',
      'is|am|are having',
    ],
    es: ['=ahora|=ahorita|=hoy|=todavia|=aun|=otra', 'otra vez', 'en este momento', 'esta manana|noche'],
  },
  {
    kind: 'hypothetical',
    direction: 'clause',
    en: [
      'signs|sign|symptoms|symptom of',
      'warning signs',
      'what are the signs|symptoms',
      'how do|can|would i|you know|tell',
      'difference between',
      'how to tell|know|recognize|prevent',
      'what does|do look|feel like',
      'what happens if|when',
      'what to do if|when',
      'what should i do if|when',
      'what do i do if|when',
      'what would',
      'in case',
      'if ever',
      'ever swallows|swallowed|has|gets',
      '=if',
      'just in case',
      'learn|learning|read|reading about',
      'information|info about|on',
      'risk|risks|chance|chances of',
      'at risk',
      'prevent|prevention|preventing',
      'afraid|worried|scared of getting|having',
      'is it normal',
      'should i worry',
      'class|course|training on',
      'first aid',
      'cpr class',
      'safety plan',
      'can you explain',
      '=hypothetically|=theoretically|=hypothetical|=suppose|=supposing',
      "let's say",
      'say my|your|a|someone',
      'at what temp|temperature|point|age|number',
      'want to know ahead',
      'just want to know',
      'should i bring|take him|her|them|my',
      'needs|need an|his|her epipen|epi|inhaler at|for school|daycare|camp',
      'is it true',
      'can|could you|u|someone|people|anyone get',
      'what causes',
      'what does|do it|that|this mean',
      'meaning of',
      'stand|stands for',
      'can i take|give|use',
      'is it safe',
      'is it ok|okay to',
      'curious',
      'is there a test',
      'screening|screened for',
      'i read',
      'planning|plan|trying|hoping|want to get pregnant',
      'planning|plan|trying for a|another|my',
      'trying to conceive',
      'could i get|have',
      'would it be',
    ],
    es: [
      'senales|sintomas|signos de',
      'que hago si',
      'que hacer si',
      'como saber si',
      'como se si',
      'como reconocer',
      'si alguna vez',
      '=si',
      'en caso de',
      'por si',
      'riesgo de',
      'prevenir',
      'informacion sobre',
      'puedo|podria|debo tomar|darle|usar',
      'es seguro',
      'es cierto',
      'que significa',
      'se puede',
      'por curiosidad',
    ],
  },
  {
    // Frames that hold for the rest of their sentence, commas and all: something seen, read or
    // taught about (a story, not an event), and making a home safe.
    kind: 'hypothetical',
    direction: 'sentence',
    en: [
      'saw|watched|read|reading|heard|listened|listening a|an|the|this|to|about tiktok|video|post|show|movie|film|documentary|podcast|article|novel|book|story|episode|lecture|news|reel',
      'tiktok|video|post|show|movie|film|documentary|podcast|article|novel|book|episode|lecture|reel that|where|says|said|about',
      'my|our|a nursing|cpr|first|health|biology|anatomy class|course|lecture|textbook',
      'a character',
      '=childproof|=childproofing|=babyproof|=babyproofing',
      'saw|seen|read|posted on|in facebook|instagram|tiktok|youtube|tv|television|reddit|twitter|social|internet|online',
      'saw|seen|read on|in the news|internet',
      'on|in a forum|group|chat',
      'did you see|hear the|about|that',
      'saw|seen a|the poster|sign|flyer|billboard|ad|commercial',
      'nursing|medical|pharmacy|nurse|med|paramedic|emt student|students|school',
      'studying for|about',
      'child|baby proof|proofing',
      'keep|keeping safe|safer from',
    ],
    es: [
      'vi|lei|escuche|mire|vimos un|una|el|la video|programa|pelicula|noticia|noticias|articulo|libro|novela|clase|podcast|serie',
      'en un|una|el|la video|programa|pelicula|noticia|noticias|articulo|libro|novela|clase|podcast|serie',
      'un|una personaje',
      'en facebook|tiktok|youtube|instagram|internet|television',
      'en la|las tele|noticias',
      'estudiante de enfermeria|medicina|farmacia',
      'a prueba de ninos|bebes',
      'proteger la|mi casa',
    ],
  },
  {
    kind: 'idiomatic',
    direction: 'clause',
    en: [
      'dying to|for',
      'to die for',
      'die of embarrassment|laughter|boredom',
      'bored|scared|worried to death',
      'killing it',
      'kill for',
      'gave|giving|give me a heart|cardiac attack',
      'gave|giving|give me a stroke|coronary|aneurysm',
      'gonna|going to give me a heart|cardiac attack',
      'gonna|going to give me a stroke|coronary|aneurysm',
      'almost|nearly|about had|have a heart|cardiac attack',
      'almost|nearly|about had|have a stroke|coronary|cow|aneurysm',
      'heart attack on a plate',
      'gonna|will kill me if|when',
      'going to kill me if|when',
      'would kill me if',
      'is killing me',
      'are killing me',
      'kill me now',
      'i could just die',
      'dead tired',
      'stressed|freaking out',
      'drives me crazy',
      'pushing|driving|push|drive me off a cliff',
      'pushing|driving|push|drive me up the wall',
      'pushing|driving|push|drive me crazy|nuts|insane|bonkers',
      'exploding with',
      'going to explode with|from',
      'fell asleep',
      'fall asleep',
      'stroke of luck|genius|fate|inspiration',
      'drowning in work|paperwork|emails|bills|homework|debt|laundry',
      'drowning at work|school',
      'inbox|desk|job|phone is|on fire',
      'season|allergies|pollen|dust|work|job is|are choking me',
      'choking me out',
      // Plants and a rash named "poison": no poisoning.
      'poison ivy|oak|sumac',
    ],
    es: [
      'me muero de ganas|risa|hambre|sueno',
      'me mata de',
      'me va a matar si',
      'casi me da|dio un infarto|ataque|derrame|patatus|soponcio',
      'me va a dar un infarto|ataque|derrame',
    ],
  },
  {
    // "seizure medication", "stroke clinic", "refill for my heart pills": a request about care,
    // not an event (the word right after the concept, or a request just before it).
    kind: 'administrative',
    direction: 'backward',
    en: [
      'med|meds|medication|medications|medicine|medicines|pill|pills|prescription|prescriptions|refill|refills|action|doctor|specialist|neurologist|cardiologist|clinic|appointment|appt|follow|followup|test|tests|testing|screening|history|plan|class|education|support|group|free|awareness|insurance|paperwork|form|forms|records|bill|prevention|risk|risks|diary|log|monitor|detector|nurse|program|rehab',
      'control|hotline|helpline|center|centre|lifeline|website|poster|pamphlet|brochure|magnet|sticker|kit|lock|locks|proof|proofing|survivor|survivors',
      // A named condition, not an event: "seizure disorder", "heart disease".
      'disorder|disorders|disease|diseases|syndrome',
    ],
    es: ['medicina|medicinas|medicamento|pastillas|receta|cita|doctor|clinica|prueba|seguro'],
  },
  {
    // A care service named after the concept: "clinica de derrame", "centro de diabetes".
    kind: 'administrative',
    direction: 'forward',
    en: [],
    es: ['clinica|centro|unidad|programa|especialista|departamento de|para'],
  },
  {
    kind: 'administrative',
    direction: 'forward',
    en: [
      'refill|refills|prescription|appointment|appt|referral|paperwork|form|records|bill|insurance for|of|about|regarding|re',
      'follow up for|on|about',
      'filled out for',
      'form|forms|paperwork|letter|note for|about',
      'schedule a|my',
      // Asked for a record of the event, not reporting one ("the date of my heart attack").
      'date|dates of',
    ],
    es: ['receta|cita|referencia para|de'],
  },
  {
    kind: 'other-person',
    direction: 'forward',
    en: [
      'my|our|his|her son|daughter|baby|kid|child|toddler|boy|girl|infant|newborn',
      "he|she|they|=he's|=she's",
    ],
    es: ['mi hijo|hija|bebe|nino|nina', '=el|=ella'],
  },
  {
    // Adult relatives: their past events are what family history is made of.
    kind: 'other-adult',
    direction: 'forward',
    en: [
      'my|our|his|her mom|mother|dad|father|husband|wife|partner|boyfriend|girlfriend|grandma|grandpa|grandmother|grandfather|brother|sister|friend|roommate|neighbor',
      'grandparents|grandparent|parents|aunt|uncle|cousin|relatives|relative|family|siblings',
      '=grandma|=grandpa|=grandmother|=grandfather|=nana|=granny|=brother|=sister|=mom|=dad|=mother|=father|=uncle|=aunt',
    ],
    es: ['mi mama|papa|esposo|esposa|abuela|abuelo|hermano|hermana|amigo|amiga|tio|tia|primo|prima'],
  },
];

interface CompiledTrigger {
  readonly spec: TriggerSpec;
  readonly phrase: CompiledPhrase;
}

const COMPILED: readonly CompiledTrigger[] = TRIGGERS.flatMap((spec) =>
  (['en', 'es'] as const).flatMap((language: Language) =>
    spec[language].map((source) => ({ spec, phrase: compilePhrase(source, language, 1) })),
  ),
);

interface TriggerHit extends PhraseMatch {
  readonly kind: TriggerSpec['kind'];
  readonly direction: TriggerSpec['direction'];
  readonly clause: number;
  readonly sentence: number;
}

export interface Assertion {
  readonly negated: boolean;
  readonly historical: boolean;
  readonly hypothetical: boolean;
  readonly idiomatic: boolean;
  readonly administrative: boolean;
  readonly experiencer: 'patient' | 'other';
}

/** A person in the sentence: an animal's event stops at them. */
const PERSON_WORDS: ReadonlySet<string> = new Set(
  'i me my im mine he him his she her they them we us our son daughter kid kids child baby husband wife yo mi me mio el ella su hijo hija nino nina bebe esposo esposa'.split(
    ' ',
  ),
);

/** Words that open a condition's consequent ("..., then", "so"): the condition ends there. */
const CONSEQUENT_WORDS: ReadonlySet<string> = new Set(['then', 'so', 'entonces', 'luego']);

/** The ConText triggers of a message, found once and asked for each mention. */
export class AssertionContext {
  private readonly hits: readonly TriggerHit[];

  /**
   * `conceptTokens`: tokens inside a concept phrase of several words, which are never triggers ("not" in "not
   * breathing", "no" in "no wet diapers", "stopped" in "stopped breathing").
   */
  constructor(
    private readonly tokens: readonly Token[],
    conceptTokens: ReadonlySet<number>,
  ) {
    const found: TriggerHit[] = [];
    const masked = new Set<number>(conceptTokens);
    for (const { phrase } of COMPILED.filter((t) => t.spec.kind === 'pseudo')) {
      for (const match of findPhrase(phrase, tokens))
        for (let i = match.start; i <= match.end; i++) masked.add(i);
    }
    for (const { spec, phrase } of COMPILED) {
      if (spec.kind === 'pseudo') continue;
      for (const match of findPhrase(phrase, tokens)) {
        const maskable =
          spec.kind !== 'idiomatic' &&
          spec.kind !== 'other-person' &&
          spec.kind !== 'other-adult' &&
          spec.kind !== 'administrative';
        if (maskable && masked.has(match.start)) continue;
        const token = tokens[match.start];
        if (!token) continue;
        found.push({
          ...match,
          kind: spec.kind,
          direction: spec.direction,
          clause: token.clause,
          sentence: token.sentence,
        });
      }
    }
    this.hits = found;
  }

  /** A new subject ends a pre-trigger's scope: "oh no i think i'm having a stroke". */
  private subjectBetween(from: number, to: number): boolean {
    for (let i = from + 1; i < to; i++) if (SUBJECTS.has(this.tokens[i]?.word ?? '')) return true;
    return false;
  }

  /** "usually it passes, but now...": a contrast word ends a usual-pattern reading. */
  private contrastBetween(from: number, to: number): boolean {
    for (let i = from + 1; i < to; i++) if (CONTRASTS.has(this.tokens[i]?.word ?? '')) return true;
    return false;
  }

  /**
   * A condition's clause runs to its consequent: "if my mom falls while I'm at work and hits her
   * head, what should..." keeps "hits her head" conditional across "while" and "and"; a comma, a
   * contrast, "then" or "so" ends it (the protasis ends where the apodosis starts).
   */
  private conditionEndsBetween(from: number, to: number): boolean {
    for (let i = from + 1; i < to; i++) {
      const word = this.tokens[i]?.word ?? '';
      if (word === ',' || CONTRASTS.has(word) || CONSEQUENT_WORDS.has(word)) return true;
    }
    return false;
  }

  private personBetween(from: number, to: number): boolean {
    for (let i = from + 1; i < to; i++) if (PERSON_WORDS.has(this.tokens[i]?.word ?? '')) return true;
    return false;
  }

  /** The assertion of a mention spanning tokens start..end (inclusive). */
  assert(start: number, end: number, slots: readonly number[] = [start]): Assertion {
    const first = this.tokens[start];
    if (!first)
      return {
        negated: false,
        historical: false,
        hypothetical: false,
        idiomatic: false,
        administrative: false,
        experiencer: 'patient',
      };
    const inClause = (hit: TriggerHit): boolean =>
      hit.sentence === first.sentence && hit.clause === first.clause;
    const overlaps = (hit: TriggerHit): boolean => hit.start <= end && hit.end >= start;
    // A negation in a phrase's gap negates it: "face is not drooping".
    const inGap = (hit: TriggerHit): boolean =>
      hit.start > start && hit.end < end && !slots.includes(hit.start);
    const reaches = (hit: TriggerHit): boolean => {
      if (hit.kind === 'negated' && inGap(hit)) return true;
      if (!inClause(hit) || overlaps(hit)) return false;
      if (hit.direction === 'forward')
        return hit.end < start && start - hit.end <= SCOPE && !this.subjectBetween(hit.end, start);
      if (hit.direction === 'backward') return hit.start > end && hit.start - end <= BACKWARD_SCOPE;
      return true;
    };
    const has = (kind: TriggerHit['kind']): boolean =>
      this.hits.some((hit) => hit.kind === kind && reaches(hit));
    const current = this.hits.some((hit) => hit.kind === 'current' && inClause(hit));
    // A relative's "had" reads as family history only when nothing in the sentence says "now".
    const currentInSentence = this.hits.some(
      (hit) => hit.kind === 'current' && hit.sentence === first.sentence,
    );
    const before = (kind: TriggerHit['kind']): boolean =>
      this.hits.some((hit) => hit.kind === kind && hit.sentence === first.sentence && hit.end < start);
    const adultRelative = before('other-adult');
    const experiencer: Assertion['experiencer'] =
      before('other-person') || adultRelative ? 'other' : 'patient';
    return {
      negated: has('negated'),
      historical:
        (has('historical') ||
          this.hits.some(
            (hit) =>
              hit.kind === 'chronic' &&
              hit.sentence === first.sentence &&
              !this.contrastBetween(Math.min(hit.end, start), Math.max(hit.start, end)),
          ) ||
          (adultRelative &&
            !currentInSentence &&
            this.hits.some((hit) => hit.kind === 'past' && inClause(hit) && hit.end < start))) &&
        !current,
      // An animal's event is suppressed like a hypothetical one: it is no person's emergency. The
      // animal is the one it happens to only within its clause and with no person named between
      // ("my dog ate chocolate"; not "my dog bit me and my arm is gushing", nor "walked the dog and
      // now crushing chest pain").
      hypothetical:
        this.hits.some(
          (hit) =>
            hit.kind === 'animal' &&
            hit.sentence === first.sentence &&
            hit.start <= start &&
            this.tokens[hit.start]?.clause === first.clause &&
            !this.personBetween(hit.end, start),
        ) ||
        this.hits.some(
          (hit) =>
            hit.kind === 'hypothetical' &&
            hit.sentence === first.sentence &&
            hit.start <= start &&
            (hit.direction === 'sentence' ||
              this.tokens[hit.start]?.segment === first.segment ||
              !this.conditionEndsBetween(hit.end, start)),
        ),
      idiomatic: this.hits.some((hit) => hit.kind === 'idiomatic' && overlaps(hit)),
      administrative: this.hits.some(
        (hit) =>
          hit.kind === 'administrative' &&
          inClause(hit) &&
          !overlaps(hit) &&
          (hit.direction === 'backward' ? hit.start === end + 1 : hit.end < start && start - hit.end <= 3),
      ),
      experiencer,
    };
  }
}
