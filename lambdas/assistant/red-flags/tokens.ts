/**
 * Tokens for the concept screen: normalized words with their English and Spanish Snowball stems
 * (snowball-stemmers), sentence and clause numbers. Concepts match on stems, so inflections
 * ("breathe", "breathing", "breathed"; "respira", "respirar", "respirando") need one entry each.
 * Deterministic and linear in the input.
 */
import { newStemmer } from 'snowball-stemmers';
import { expandContraction, normalize, type SpellingTolerance } from './text';

export interface Token {
  /** Normalized surface form, accents removed, spelling corrected. */
  readonly word: string;
  readonly stemEn: string;
  readonly stemEs: string;
  /** A number token's value ("100.4" → 100.4). */
  readonly value?: number;
  readonly sentence: number;
  readonly clause: number;
  /**
   * Clause counter that only strong breaks advance (a comma, "but", "because"...), not an "and"
   * before a new subject: a hypothetical reaches across "if I got stung and my throat swelled".
   */
  readonly segment: number;
  /** Position in the message's token list. */
  readonly index: number;
  /**
   * A word of one language only ("aire" is Spanish, "her" English): the other language's phrases
   * must not match it through a shared stem ("aire" → "air", "herida" → "her").
   */
  readonly only?: 'en' | 'es';
}

const english = newStemmer('english');
const spanish = newStemmer('spanish');
const stemCacheEn = new Map<string, string>();
const stemCacheEs = new Map<string, string>();

function cachedStem(cache: Map<string, string>, stem: (word: string) => string, word: string): string {
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = stem(word);
    if (cache.size < 20_000) cache.set(word, stemmed);
  }
  return stemmed;
}

export const stemEnglish = (word: string): string => cachedStem(stemCacheEn, (w) => english.stem(w), word);
export const stemSpanish = (word: string): string => cachedStem(stemCacheEs, (w) => spanish.stem(w), word);

/** Lower case without diacritics: typed Spanish drops accents as often as it keeps them. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

// Sentence ends: . ! ? ; and line breaks, but not a decimal point ("100.4").
const SENTENCE_BREAK = /(?<!\d)[.!?;¿¡]+|[.!?;¿¡]+(?!\d)|\n+/;
const TOKEN = /[a-z0-9]+(?:'[a-z]+)?(?:\.\d+)?|,/g;

/** Contrast words: a clause break, and the end of a usual-pattern reading ("usually..., but now"). */
export const CONTRASTS: ReadonlySet<string> = new Set([
  'but',
  'however',
  'although',
  'though',
  'yet',
  'except',
  'pero',
  'aunque',
  'sino',
]);

/** Words that start a new clause: ConText scopes stop there (Harkema 2009, "termination terms"). */
const CLAUSE_BREAKERS = new Set([
  ',',
  ...CONTRASTS,
  'because',
  'cause',
  'so',
  'then',
  'while',
  'until',
  'which',
  'porque',
  'pues',
  'mientras',
  'luego',
]);
/** "and" / "y" start a new clause only when a new subject or time follows. */
const NEW_SUBJECT = new Set([
  'i',
  "i'm",
  "i've",
  'my',
  'he',
  "he's",
  'she',
  "she's",
  'it',
  "it's",
  'they',
  "they're",
  'we',
  'now',
  'then',
  'today',
  'suddenly',
  'also',
  'this',
  'there',
  "there's",
  'his',
  'her',
  'our',
  'mi',
  'ahora',
  'hoy',
  'tengo',
  'tiene',
  'esta',
  'estoy',
  'el',
  'ella',
  'su',
  // A Spanish reflexive or object pronoun after "y" starts a new predicate: "sin casco y se pego".
  'se',
  'me',
  'le',
]);

export function tokenize(raw: string, spelling: SpellingTolerance): Token[] {
  const tokens: Token[] = [];
  let sentence = 0;
  for (const part of foldAccents(normalize(raw)).split(SENTENCE_BREAK)) {
    const words: string[] = [];
    for (const match of part.matchAll(TOKEN)) {
      for (const piece of spelling.correct(expandContraction(match[0])).split(' '))
        if (piece) words.push(piece);
    }
    if (words.length === 0) continue;
    let clause = 0;
    let segment = 0;
    words.forEach((word, i) => {
      const next = words[i + 1];
      if (CLAUSE_BREAKERS.has(word)) {
        clause++;
        segment++;
      } else if ((word === 'and' || word === 'y') && next !== undefined && NEW_SUBJECT.has(next)) clause++;
      const numeric = /^\d+(?:\.\d+)?$/.test(word) ? Number(word) : undefined;
      tokens.push({
        word,
        stemEn: stemEnglish(word),
        stemEs: stemSpanish(word),
        ...(numeric !== undefined ? { value: numeric } : {}),
        sentence,
        clause,
        segment,
        index: tokens.length,
      });
    });
    sentence++;
  }
  return tokens;
}
