/**
 * Translator over Amazon Translate TranslateText
 * (https://docs.aws.amazon.com/translate/latest/APIReference/API_TranslateText.html), for messages
 * in languages the red-flag screen has no lexicon for.
 */
import { type TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';
import { primaryLanguage } from './local-translator';
import type { Translator } from './ports';

/** The code for an undetermined language (ISO 639-2); Translate then detects it itself. */
export const UNDETERMINED_LANGUAGE = 'und';

export interface AmazonTranslatorOptions {
  /** Narrow view of the client: only `send` is used (tests pass a mocked client). */
  readonly client: Pick<TranslateClient, 'send'>;
}

export class AmazonTranslator implements Translator {
  readonly name = 'amazon-translate' as const;

  constructor(private readonly options: AmazonTranslatorOptions) {}

  async toEnglish(text: string, sourceLanguage: string, signal: AbortSignal): Promise<string | undefined> {
    signal.throwIfAborted();
    const source = primaryLanguage(sourceLanguage);
    if (source === 'en') return text;
    // The API rejects empty text (minimum length 1).
    if (text.trim() === '') return text;
    try {
      const response = await this.options.client.send(
        new TranslateTextCommand({
          Text: text,
          // "auto" has Translate detect the language through Amazon Comprehend (API reference).
          SourceLanguageCode: source === UNDETERMINED_LANGUAGE || source === '' ? 'auto' : source,
          TargetLanguageCode: 'en',
        }),
        { abortSignal: signal },
      );
      if (response.TranslatedText === undefined) throw new Error('Amazon Translate returned no text');
      return response.TranslatedText;
    } catch (error) {
      // The port's "cannot translate from this language"; every other failure stays an error.
      if (error instanceof Error && error.name === 'UnsupportedLanguagePairException') return undefined;
      throw error;
    }
  }
}
