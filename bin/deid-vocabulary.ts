/**
 * Writes lambdas/phi/keep-vocabulary.json, the keep-list's vocabulary of note words
 * (lambdas/phi/keep-list.ts), from the TUNE half of the public corpora only (the split of
 * bin/deid-eval.ts), read by path and never copied into the repository:
 *
 *   npm run deid:vocabulary -- --physionet <text> <phrase> [--presidio <json>] [--check]
 *
 * A word enters when it is written in the notes of at least MIN_DOCUMENTS patients (PhysioNet) or
 * samples (Presidio) of the tune half, never inside a gold PHI span of that half, and is in no other
 * vocabulary the keep-list already has (the English list, the lexicons). Sorted, so the file holds
 * single words and no run of a note. `--check` exits 1 when the committed file differs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORD_DICTIONARIES } from '../lambdas/phi/dictionaries';
import { CLINICAL_ABBREVIATIONS, CLINICAL_WORDS, COMMON_WORDS } from '../lambdas/phi/lexicon';
import { type Corpus, type Doc, loadPhysionet, loadPresidio, selectHalf } from './deid-eval';

const USAGE = `usage: npm run deid:vocabulary -- --physionet <text> <phrase> [--presidio <json>] [--check]
  --physionet  the PhysioNet deid corpus: its .text and .phrase files (tune half used)
  --presidio   the Presidio synthetic set (JSON; tune half used)
  --check      compare with the committed lambdas/phi/keep-vocabulary.json; exit 1 when it differs
  --help       this text`;

const OUT = join(__dirname, '..', 'lambdas', 'phi', 'keep-vocabulary.json');
/** A word seen in one patient's notes only may be that patient's; two patients make it vocabulary. */
export const MIN_DOCUMENTS = 2;
const WORD = /\p{L}+/gu;

export interface Vocabulary {
  readonly source: string;
  readonly words: string[];
}

/** The note words of the tune half of each corpus given (see the header). */
export function noteVocabulary(corpora: readonly { corpus: Corpus; docs: readonly Doc[] }[]): Vocabulary {
  const seenIn = new Map<string, Set<string>>();
  const phi = new Set<string>();
  for (const { corpus, docs } of corpora) {
    for (const doc of selectHalf(corpus, docs, 'tune')) {
      const owner = `${corpus}:${doc.key}`;
      for (const m of doc.text.matchAll(WORD)) {
        const lower = m[0].toLowerCase();
        const start = m.index;
        const end = start + m[0].length;
        if (doc.gold.some((g) => g.start < end && start < g.end)) {
          phi.add(lower);
          continue;
        }
        let owners = seenIn.get(lower);
        if (owners === undefined) {
          owners = new Set();
          seenIn.set(lower, owners);
        }
        owners.add(owner);
      }
    }
  }
  const known = (w: string): boolean =>
    w.length === 1 ||
    COMMON_WORDS.has(w) ||
    CLINICAL_WORDS.has(w) ||
    CLINICAL_ABBREVIATIONS.has(w) ||
    !WORD_DICTIONARIES.isUnknownWord(w);
  const words = [...seenIn]
    .filter(([w, owners]) => owners.size >= MIN_DOCUMENTS && !phi.has(w) && !known(w))
    .map(([w]) => w)
    .sort();
  return {
    source: `tune half of ${corpora.map((c) => c.corpus).join(' and ')}: words in ${MIN_DOCUMENTS}+ patients' or samples' text, never inside a gold PHI span, in no other vocabulary`,
    words,
  };
}

export type VocabularyArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly physionet: readonly [string, string];
      readonly presidio?: string;
      readonly check: boolean;
    };

export function parseVocabularyArgs(argv: readonly string[]): VocabularyArgs {
  const args = argv.filter((a) => a !== '--');
  let physionet: [string, string] | undefined;
  let presidio: string | undefined;
  let check = false;
  const error = (message: string): VocabularyArgs => ({ kind: 'error', message });
  const value = (i: number): string | undefined => {
    const v = args[i];
    return v === undefined || v.startsWith('--') ? undefined : v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a === '--check') check = true;
    else if (a === '--physionet') {
      const text = value(i + 1);
      const phrase = value(i + 2);
      if (text === undefined || phrase === undefined) return error('--physionet needs <text> <phrase>');
      physionet = [text, phrase];
      i += 2;
    } else if (a === '--presidio') {
      presidio = value(i + 1);
      if (presidio === undefined) return error('--presidio needs <json>');
      i += 1;
    } else return error(`unknown argument "${a}"`);
  }
  if (physionet === undefined) return error('give the PhysioNet corpus: --physionet <text> <phrase>');
  return { kind: 'run', physionet, check, ...(presidio === undefined ? {} : { presidio }) };
}

function main(): void {
  const options = parseVocabularyArgs(process.argv.slice(2));
  if (options.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.kind === 'error') {
    process.stderr.write(`deid-vocabulary: ${options.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const [text, phrase] = options.physionet;
  const corpora: { corpus: Corpus; docs: Doc[] }[] = [
    { corpus: 'physionet', docs: loadPhysionet(text, phrase) },
  ];
  if (options.presidio !== undefined)
    corpora.push({ corpus: 'presidio', docs: loadPresidio(options.presidio) });
  const vocabulary = noteVocabulary(corpora);
  process.stdout.write(`${vocabulary.words.length} note words (${vocabulary.source})\n`);
  if (options.check) {
    const committed = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as unknown) : undefined;
    if (JSON.stringify(committed) !== JSON.stringify(vocabulary)) {
      process.stderr.write(`stale: ${OUT}: run npm run deid:vocabulary\n`);
      process.exit(1);
    }
    process.stdout.write('the committed keep vocabulary matches its sources\n');
    return;
  }
  writeFileSync(OUT, `${JSON.stringify(vocabulary, null, 1)}\n`);
  process.stdout.write(`wrote ${OUT}\n`);
}

if (require.main === module) main();
