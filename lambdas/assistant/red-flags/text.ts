/**
 * Text preparation for the red-flag screen: normalization (contractions, hyphens, apostrophes) and
 * a small spelling tolerance for the screen's key terms. Tokens, sentences and clauses: tokens.ts.
 */

// Writing a negation without the apostrophe (or spelled out) is common in typed chat; one spelling
// keeps the rule patterns short. "can not" / "cannot" → "can't" etc.
const PHRASE_CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan ?not\b/g, "can't"],
  [/\bwill not\b/g, "won't"],
  [/\bdo not\b/g, "don't"],
  [/\bdoes not\b/g, "doesn't"],
  [/\bdid not\b/g, "didn't"],
  [/\bis not\b/g, "isn't"],
  [/\bare not\b/g, "aren't"],
  [/\bwas not\b/g, "wasn't"],
  [/\bhas not\b/g, "hasn't"],
  [/\bhave not\b/g, "haven't"],
  [/\bcould not\b/g, "couldn't"],
  [/\bi am\b/g, "i'm"],
];

const WORD_CONTRACTIONS: Readonly<Record<string, string>> = {
  cant: "can't",
  cannot: "can't",
  dont: "don't",
  wont: "won't",
  doesnt: "doesn't",
  didnt: "didn't",
  isnt: "isn't",
  arent: "aren't",
  wasnt: "wasn't",
  hasnt: "hasn't",
  havent: "haven't",
  couldnt: "couldn't",
  im: "i'm",
  ive: "i've",
  // Chat shorthand (w/ → "w" once the slash is a space).
  w: 'with',
  thru: 'through',
  u: 'you',
  ur: 'your',
  pls: 'please',
};

/**
 * Misspellings that edit distance alone would not reach (phonetic spellings, dropped letters in
 * short words) or would reach the wrong term. Kept small and explicit so every entry is reviewable.
 */
export const MISSPELLINGS: Readonly<Record<string, string>> = {
  anafalaxis: 'anaphylaxis',
  anafilaxis: 'anaphylaxis',
  anaphalaxis: 'anaphylaxis',
  anaphylaxsis: 'anaphylaxis',
  anafylaxis: 'anaphylaxis',
  stoke: 'stroke',
  storke: 'stroke',
  breth: 'breath',
  brethe: 'breathe',
  kil: 'kill',
  unconshus: 'unconscious',
  unconsious: 'unconscious',
  unconcious: 'unconscious',
  conscience: 'consciousness',
  hart: 'heart',
  chestpain: 'chest pain',
  sezure: 'seizure',
  seazure: 'seizure',
  siezure: 'seizure',
  ceizure: 'seizure',
  poisen: 'poison',
  vomitting: 'vomiting',
  hedache: 'headache',
  headach: 'headache',
  suiside: 'suicide',
  sucide: 'suicide',
  sucidal: 'suicidal',
  suicdal: 'suicidal',
  thiners: 'thinners',
  epipen: 'epi pen',
  feaver: 'fever',
  fevre: 'fever',
  presure: 'pressure',
  preasure: 'pressure',
  // Misspellings that are also rare dictionary words, so the dictionary guard would keep them.
  dieing: 'dying',
  overdoes: 'overdose',
  vison: 'vision',
  pian: 'pain',
  haed: 'head',
  weer: 'were',
};

/** Real words one edit away from a key term: never "corrected" into it. */
const PROTECTED = new Set([
  'worse',
  'staff',
  'still',
  'stuff',
  'threat',
  'strike',
  'strikes',
  'stroked',
  'presume',
  'breed',
  'bread',
  'chess',
  'fewer',
  'sweet',
  'blond',
  'bleep',
  'clothes',
  'feeding',
  'heading',
  'reading',
  'needing',
  'seeing',
  'bleed',
  'breeding',
  'shaking',
  'shaving',
  'saving',
  'having',
  'waving',
  'caving',
  'taking',
  'making',
  'waking',
  'stiffer',
  'tight',
  'fight',
  'light',
  'might',
  'right',
  'night',
  'sight',
  'weight',
  'eight',
  'rashes',
  'hurting',
  'hunting',
  'bleach',
  'beach',
  'preach',
  'cooking',
  'prison',
  'sizing',
  'strobe',
  'smelling',
  'spelling',
  'selling',
  'seating',
  'crashing',
  'pleasure',
  'should',
  'shoulders',
  'spending',
  'sneezing',
  'sneeze',
  'sporting',
  'dropping',
  'dropped',
  'spotting',
  'starting',
  'shouting',
]);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), bounded. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      row[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length]![b.length]!;
}

function isAdjacentTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diffs.push(i);
  const [first, second] = diffs;
  return (
    diffs.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    a[first] === b[second] &&
    a[second] === b[first]
  );
}

/**
 * A spelling corrector over the screen's vocabulary: a token that is not a known term is replaced
 * by the closest term sharing its first letter, within 1 edit (5–7 letters), 2 edits (8+), or one
 * swapped pair of letters (4 letters). Typing under stress drops and swaps letters; the first
 * letter is rarely wrong, and requiring it keeps ordinary words from turning into symptoms.
 */
export class SpellingTolerance {
  private readonly vocabulary: ReadonlySet<string>;
  private readonly byInitial = new Map<string, string[]>();
  private readonly cache = new Map<string, string>();

  /**
   * `terms`: the words to correct towards. `isWord`: words that are never corrected because they
   * are spelled right already (a dictionary word, a Spanish word of the lexicon).
   */
  constructor(
    terms: Iterable<string>,
    private readonly isWord: (word: string) => boolean = () => false,
  ) {
    this.vocabulary = new Set(terms);
    for (const term of this.vocabulary) {
      const initial = term[0] ?? '';
      const list = this.byInitial.get(initial) ?? [];
      list.push(term);
      this.byInitial.set(initial, list);
    }
  }

  correct(token: string): string {
    const explicit = MISSPELLINGS[token];
    if (explicit) return explicit;
    if (token.length < 4 || this.vocabulary.has(token) || PROTECTED.has(token) || !/^[a-z]+$/.test(token))
      return token;
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    let best = token;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const term of this.byInitial.get(token[0] ?? '') ?? []) {
      if (term.length < 4) continue;
      if (term.length === 4 || token.length === 4) {
        if (isAdjacentTransposition(token, term) && bestDistance > 1) {
          best = term;
          bestDistance = 1;
        }
        continue;
      }
      // The shorter word sets the tolerance: "should" must not reach "shoulder".
      const limit = Math.min(term.length, token.length) >= 8 ? 2 : 1;
      // Two edits only when the first two letters agree: "starting" must not become "spurting".
      if (limit === 2 && token[1] !== term[1]) continue;
      const distance = editDistance(token, term, limit);
      if (distance <= limit && distance < bestDistance) {
        best = term;
        bestDistance = distance;
      }
    }
    // Asked only when a correction is on the table, so most tokens never reach the dictionary.
    if (best !== token && this.isWord(token)) best = token;
    this.remember(token, best);
    return best;
  }

  private remember(token: string, corrected: string): void {
    if (this.cache.size < 5_000) this.cache.set(token, corrected);
  }
}

/** "cant" → "can't": negations typed without the apostrophe. */
export function expandContraction(word: string): string {
  return WORD_CONTRACTIONS[word] ?? word;
}

export function normalize(raw: string): string {
  let text = raw.normalize('NFKC').toLowerCase();
  text = text.replace(/[\u2018\u2019\u02bc`´]/g, "'").replace(/°/g, ' degrees ');
  // Hyphens and slashes separate words ("self-harm", "2-week-old"); keep decimals intact.
  text = text.replace(/(?<=\D)-|-(?=\D)/g, ' ').replace(/\//g, ' ');
  for (const [pattern, replacement] of PHRASE_CONTRACTIONS) text = text.replace(pattern, replacement);
  return text;
}
