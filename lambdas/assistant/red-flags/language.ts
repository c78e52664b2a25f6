/**
 * The message's language: English and Spanish by their function words (reliable on the short,
 * unpunctuated text patients type, where n-gram detectors guess), anything else by tinyld's
 * n-gram detector (MIT, no dependencies). The answer is written in Spanish for Spanish; for other
 * languages the translator port may feed the screen, and the answer stays in English.
 */
import type { Token } from './tokens';

type Detector = typeof import('tinyld/light');
let detector: Detector | undefined;
/** Loaded on first use: most messages are told apart by function words, and its tables cost ~40 ms at init. */
function ngramDetector(): Detector {
  detector ??= require('tinyld/light') as Detector;
  return detector;
}

/** ISO 639-1 code, or 'und' when nothing can be told. */
export type MessageLanguage = string;

export const SPANISH_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'el',
  'la',
  'los',
  'las',
  'de',
  'del',
  'que',
  'y',
  'mi',
  'mis',
  'tiene',
  'tengo',
  'esta',
  'estoy',
  'es',
  'muy',
  'con',
  'por',
  'para',
  'se',
  'le',
  'lo',
  'una',
  'un',
  'pero',
  'como',
  'mas',
  'ya',
  'hace',
  'puedo',
  'puede',
  'hijo',
  'hija',
  'bebe',
  'dolor',
  'ayuda',
  'porque',
  'cuando',
  'donde',
  'su',
  'al',
  'nos',
  'me',
  'yo',
  'ella',
  'esposo',
  'esposa',
  'mama',
  'papa',
  'tambien',
  'hoy',
  'ahora',
  'ahorita',
  'dice',
  'siento',
  'tomo',
  'no',
  'si',
  'desde',
  'sin',
  'todo',
  'cita',
  'favor',
  'gracias',
  'hola',
  'buenos',
  'dias',
  'pecho',
]);
export const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the',
  'and',
  'my',
  'is',
  'i',
  'to',
  'of',
  'it',
  'have',
  'has',
  'she',
  'he',
  "can't",
  'with',
  'for',
  'in',
  'a',
  'an',
  'was',
  'are',
  "i'm",
  'me',
  'this',
  'that',
  'not',
  'but',
  'so',
  'just',
  'her',
  'his',
  'on',
  'at',
  'be',
  'been',
  'do',
  'does',
  'what',
  'when',
  'can',
  'will',
  'would',
  'please',
  'help',
  'now',
  'you',
  'we',
]);

export function detectLanguage(message: string, tokens: readonly Token[]): MessageLanguage {
  let spanish = 0;
  let english = 0;
  for (const token of tokens) {
    if (SPANISH_FUNCTION_WORDS.has(token.word)) spanish++;
    if (ENGLISH_FUNCTION_WORDS.has(token.word)) english++;
  }
  if (spanish > english && spanish >= 1) return 'es';
  if (english > spanish && english >= 1) return 'en';
  const [best] = ngramDetector().detectAll(message);
  if (best && best.accuracy >= 0.5) return best.lang;
  return spanish > 0 ? 'es' : english > 0 ? 'en' : 'und';
}
