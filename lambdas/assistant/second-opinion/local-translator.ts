/** Translator for local mode and for deployments without Amazon Translate. */
import type { Translator } from './ports';

// The red-flag screen has English and Spanish lexicons, so those need no translation.
const SCREENED_LANGUAGES: ReadonlySet<string> = new Set(['en', 'es']);

export class PassthroughTranslator implements Translator {
  readonly name = 'local-passthrough' as const;

  async toEnglish(text: string, sourceLanguage: string, signal: AbortSignal): Promise<string | undefined> {
    signal.throwIfAborted();
    return SCREENED_LANGUAGES.has(primaryLanguage(sourceLanguage)) ? text : undefined;
  }
}

/** "es-MX" → "es": the ISO 639 part of a language tag, lower case. */
export function primaryLanguage(tag: string): string {
  return (tag.split('-')[0] ?? '').trim().toLowerCase();
}
