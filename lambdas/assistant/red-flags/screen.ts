/**
 * The red-flag screen: runs the rules (rules.ts) over a message, deterministically and before any
 * model. A phrase counts only when it is affirmed: not negated ("no chest pain", "denies", "without",
 * "not … anymore", "has stopped"), not historical ("history of seizures", "a heart attack in 2019",
 * unless the same sentence says it is happening now), and not a general question ("signs of a
 * stroke", "seizure medication refill"). Negation follows NegEx (Chapman et al., J Biomed Inform
 * 2001): cues reach a few words forwards (or backwards for post-cues) within their clause.
 */
import {
  CARE_RESPONSES,
  type CareCategory,
  EMERGENCY_RESPONSES,
  type EmergencyContactSpec,
  KEY_TERMS,
  RED_FLAG_CATEGORIES,
  type RedFlagCategory,
  SCREEN_RULES,
  type ScreenRule,
} from './rules';
import { type Sentence, SpellingTolerance, sentencesOf } from './text';

/** Why a phrase that matched was not counted. */
export type Suppression = 'negated' | 'historical' | 'informational' | 'administrative';

export interface RuleHit {
  readonly ruleId: string;
  readonly category: RedFlagCategory | CareCategory;
  readonly disposition: ScreenRule['disposition'];
}

export interface ScreenResult {
  /** 'emergency' when any emergency rule is affirmed; otherwise the most severe other tier, if any. */
  readonly disposition: 'emergency' | 'urgent' | 'self-care' | undefined;
  readonly hits: readonly RuleHit[];
  /** Emergency categories, in the order of RED_FLAG_CATEGORIES. */
  readonly emergencyCategories: readonly RedFlagCategory[];
  /** Phrases found but not counted, for tests and metrics (rule ids and reasons, never text). */
  readonly suppressed: ReadonlyArray<{ readonly ruleId: string; readonly reason: Suppression }>;
}

const PRE_NEGATION =
  /(?:^| )(?:no|not|never|without|denies|denied|deny|denying|none|nor|negative for|free of|no more|no longer|don't|doesn't|didn't|haven't|hasn't|isn't|aren't|wasn't|weren't|ruled out|rule out)(?= |$)/;
// Phrases that contain a negation word but do not negate what follows or precedes them.
const PSEUDO_NEGATION =
  /\b(?:not sure|not certain|no idea|don't know|not only|no doubt|not just|doesn't matter|don't think so|not better|no better|not any better|not improving|no relief|hasn't stopped|haven't stopped|not stopped|won't stop|never stopped|didn't stop|doesn't stop|not gone|isn't gone|won't go away|not going away|didn't go away|hasn't gone away|never went away|passed out|not resolved|hasn't resolved)\b/g;
const POST_NEGATION =
  /(?:^| )(?:anymore|any more|went away|gone away|has gone|is gone|are gone|resolved|has stopped|have stopped|stopped|subsided|has passed|is over|went down|ruled out|is fine now|are fine now|is better now|all better)(?= |$)/;
const HISTORY =
  /(?:^| )(?:history of|hx of|family history|in (?:19|20)\d\d|back in|years ago|year ago|for \d+ years|for years|months ago|month ago|last year|last month|as a (?:child|kid|baby|teen|teenager)|when i was|in the past|previous|previously|prior|used to|years back|long time ago|once before|died (?:of|from)|runs in (?:my|the) family|since (?:19|20)\d\d|at age \d+|been (?:\w+ )?free for)(?= |$)/;
// A cue that the event is happening now. Strong cues override history anywhere in the sentence
// ("history of seizures and is having one right now"); weak ones ("now", "today") only in the same
// clause, so "I tried years ago and I am doing well now" stays historical.
const CURRENT_STRONG =
  /(?:^| )(?:right now|currently|at the moment|just now|minutes ago|an hour ago|\d+ (?:minutes?|mins?|hours?|hrs?) ago|hours ago|again|i'm having|is having|am having|are having|happening|still having)(?= |$)/;
const CURRENT_WEAK =
  /(?:^| )(?:now|today|tonight|this (?:morning|afternoon|evening)|just|started|starting|suddenly)(?= |$)/;
const INFORMATIONAL =
  /(?:^| )(?:signs? of|symptoms? of|warning signs|risk of|risk for|risks of|at risk|prevent\w*|what causes|what is|what are|learn about|learn more about|information (?:on|about)|info (?:on|about)|recogni[sz]e|first aid for|if someone|in case (?:of|someone)|how to tell|afraid of getting|worried about getting|chances? of|likely to get|how do you know if)(?= |$)/;
const ADMIN_BEFORE =
  /(?:refill|refills|prescription|prescriptions|medicine|medication|medications|meds|pills|appointment|follow up|specialist|referral|doctor|neurologist|cardiologist|clinic|form|paperwork|insurance) (?:for|about|re|regarding|of) (?:my |his |her |the |our )?$/;
const ADMIN_AFTER =
  /^(?:med|meds|medication|medications|medicine|medicines|pill|pills|prescription|prescriptions|refill|refills|doctor|specialist|clinic|appointment|follow up|risk|risks|prevention|plan|action plan|diary|log|screening|test|tests|class|education|questionnaire|history|free|support group|awareness|insurance)(?: |$)/;

const NEGATION_WINDOW = 5;
/** A new subject ends a pre-negation scope: "oh no, i think i'm having a stroke". */
const SUBJECTS = new Set(['i', "i'm", "i've", 'he', "he's", 'she', "she's", 'they', "they're", 'we', 'you']);

export class RedFlagScreen {
  private readonly spelling = new SpellingTolerance(KEY_TERMS);
  private readonly compiled: ReadonlyArray<{ rule: ScreenRule; groups: readonly (readonly RegExp[])[] }>;

  constructor(rules: readonly ScreenRule[] = SCREEN_RULES) {
    this.compiled = rules.map((rule) => ({
      rule,
      groups: rule.all.map((group) =>
        group.map((source) => new RegExp(`(?<![a-z0-9'])(?:${source})(?![a-z0-9'])`, 'g')),
      ),
    }));
  }

  screen(message: string): ScreenResult {
    const sentences = sentencesOf(message, this.spelling);
    const hits: RuleHit[] = [];
    const suppressed: Array<{ ruleId: string; reason: Suppression }> = [];
    for (const { rule, groups } of this.compiled) {
      const satisfied = groups.every((patterns) => {
        for (const sentence of sentences) {
          for (const pattern of patterns) {
            for (const match of sentence.text.matchAll(pattern)) {
              const reason = suppressionOf(sentence, match.index, match.index + match[0].length);
              if (!reason) return true;
              suppressed.push({ ruleId: rule.id, reason });
            }
          }
        }
        return false;
      });
      if (satisfied) hits.push({ ruleId: rule.id, category: rule.category, disposition: rule.disposition });
    }
    const emergencyCategories = RED_FLAG_CATEGORIES.filter((category) =>
      hits.some((hit) => hit.disposition === 'emergency' && hit.category === category),
    );
    const disposition =
      emergencyCategories.length > 0
        ? 'emergency'
        : hits.some((hit) => hit.disposition === 'urgent')
          ? 'urgent'
          : hits.some((hit) => hit.disposition === 'self-care')
            ? 'self-care'
            : undefined;
    return { disposition, hits, emergencyCategories, suppressed };
  }
}

/** Token index of a character offset in the sentence text. */
function tokenAt(sentence: Sentence, offset: number): number {
  let index = 0;
  while (index + 1 < sentence.offsets.length && (sentence.offsets[index + 1] ?? 0) <= offset) index++;
  return index;
}

function suppressionOf(sentence: Sentence, startChar: number, endChar: number): Suppression | undefined {
  const start = tokenAt(sentence, startChar);
  const end = tokenAt(sentence, Math.max(startChar, endChar - 1)) + 1;
  const clause = sentence.clauses[start];
  const before: string[] = [];
  for (let i = start - 1; i >= 0 && before.length < NEGATION_WINDOW; i--) {
    const token = sentence.tokens[i] ?? '';
    if (sentence.clauses[i] !== clause || token === ',' || SUBJECTS.has(token)) break;
    before.unshift(token);
  }
  const after: string[] = [];
  for (let i = end; i < sentence.tokens.length && after.length < NEGATION_WINDOW; i++) {
    if (sentence.clauses[i] !== clause || sentence.tokens[i] === ',') break;
    after.push(sentence.tokens[i] ?? '');
  }
  const beforeText = before.join(' ').replace(PSEUDO_NEGATION, 'x');
  const afterText = after.join(' ').replace(PSEUDO_NEGATION, 'x');
  if (PRE_NEGATION.test(beforeText) || POST_NEGATION.test(afterText)) return 'negated';

  const clauseText = sentence.tokens.filter((_, i) => sentence.clauses[i] === clause).join(' ');
  if (HISTORY.test(clauseText) && !CURRENT_STRONG.test(sentence.text) && !CURRENT_WEAK.test(clauseText))
    return 'historical';
  if (INFORMATIONAL.test(before.join(' '))) return 'informational';
  if (ADMIN_BEFORE.test(before.join(' ')) || ADMIN_AFTER.test(after.join(' '))) return 'administrative';
  return undefined;
}

export interface EmergencyAnswer {
  readonly reply: string;
  readonly contacts: readonly EmergencyContactSpec[];
}

/** The fixed emergency reply for the categories hit, most specific instructions first. */
export function emergencyAnswer(categories: readonly RedFlagCategory[]): EmergencyAnswer {
  const texts: string[] = [];
  const contacts: EmergencyContactSpec[] = [];
  for (const category of categories) {
    const response = EMERGENCY_RESPONSES[category];
    if (!texts.includes(response.text)) texts.push(response.text);
    for (const contact of response.contacts)
      if (!contacts.some((c) => c.number === contact.number)) contacts.push(contact);
  }
  if (texts.length === 0) {
    texts.push('If this is an emergency, call 911 now.');
    contacts.push({ label: 'Emergency services', number: '911' });
  }
  texts.push('This assistant cannot help with emergencies; please do not wait for a reply here.');
  return { reply: texts.join(' '), contacts };
}

/** The same-day or self-care guidance text for the other tiers. */
export function careGuidance(hits: readonly RuleHit[]): string[] {
  const texts: string[] = [];
  for (const hit of hits) {
    if (hit.disposition === 'emergency') continue;
    const text = CARE_RESPONSES[hit.category as CareCategory];
    if (text && !texts.includes(text)) texts.push(text);
  }
  return texts;
}
