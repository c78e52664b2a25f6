// Types for snowball-stemmers 0.6 (ships none): newStemmer(language) returns a stemmer object.
declare module 'snowball-stemmers' {
  export interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(language: string): Stemmer;
  export function algorithms(): string[];
}
