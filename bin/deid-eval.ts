/**
 * Free-text de-identification quality on public corpora, read by path (never copied into the repo):
 *
 *   npm run deid:eval -- --physionet <physionet-deid.text> <physionet-deid.phrase> [--split tune|check|both]
 *   npm run deid:eval -- --presidio <presidio-synth.json> [--split tune|check|both]
 *
 * Every corpus is split deterministically into a tune half (the only text rules may be tuned on)
 * and a check half (the figure to report); `--split` picks one or `both`, no flag scores the whole
 * file. The split (`halfOf`):
 *   - PhysioNet, by patient: the low bit of the first byte of SHA-256 of the patient number in
 *     decimal (as in `START_OF_RECORD=<patient>||||…`); 0 is tune, 1 is check. Every note of a
 *     patient is in the same half. Not parity: the corpus's patient numbers are all odd, so
 *     parity would put every note in one half.
 *   - Presidio, by sample index: the 0-based position in the JSON array; even is tune, odd is check.
 *
 * Scores are token level, as the PhysioNet deid and Philter papers report them: a token (a run of
 * letters or digits) is PHI when it overlaps a gold span and is flagged when it overlaps a detected
 * span. Prints recall, precision and F1 per type and overall for two views — every gold category
 * (clinician names and bare years included, bare-year detection on) and Safe Harbor (clinician
 * names and bare years neither required nor counted against precision) — then throughput, and
 * ends with one line `half=… notes=… tokens=… recall=… precision=… f1=… per_s=…` for the Safe Harbor
 * view. With `--split both` the tune half's block comes first, then the check half's; every figure
 * names its half and that half's size (notes or samples, tokens). Only counts and type names are
 * printed, never corpus text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { type DetectOptions, detectPhi, type PhiSpan } from '../lambdas/phi';
import { STATE_CODES, STATE_NAMES } from '../lambdas/phi/lexicon';
import { detectPhi as detectPhiLight } from '../lambdas/phi/light';

interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

export interface Doc {
  readonly text: string;
  readonly gold: readonly GoldSpan[];
  /** What the split is keyed on: the patient number (PhysioNet) or the sample index (Presidio). */
  readonly key: number;
}

export type Corpus = 'physionet' | 'presidio';
export type Half = 'tune' | 'check';
export type Split = Half | 'both' | 'whole';
const SPLITS: readonly string[] = ['tune', 'check', 'both'];

/** The half a document belongs to (see the header): a pure function of the corpus and the key. */
export function halfOf(corpus: Corpus, key: number): Half {
  if (corpus === 'presidio') return key % 2 === 0 ? 'tune' : 'check';
  const first = createHash('sha256').update(String(key)).digest()[0] ?? 0;
  return (first & 1) === 0 ? 'tune' : 'check';
}

/** The documents of one half, in corpus order; `whole` is every document. */
export function selectHalf(corpus: Corpus, docs: readonly Doc[], half: Half | 'whole'): Doc[] {
  return half === 'whole' ? [...docs] : docs.filter((d) => halfOf(corpus, d.key) === half);
}

interface View {
  readonly name: string;
  /** Gold types that are not scored: their tokens count neither as misses nor as false alarms. */
  readonly ignored: ReadonlySet<string>;
  /**
   * Gold spans whose text Safe Harbor keeps (a bare year, a weekday): not scored, like `ignored`.
   * PhysioNet types bare years apart (DateYear); Presidio's DATE_TIME mixes them with full dates.
   */
  readonly ignoreText?: RegExp;
  readonly options: DetectOptions;
}

interface Counts {
  tp: number;
  fn: number;
  fp: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * A gold span that is a state and nothing more ("lives in DC"): Safe Harbor keeps states, and HIPAA's
 * "State" (45 CFR 160.103) includes the District of Columbia and the territories.
 */
const STATE_TEXT = new RegExp(
  `^(?:${[...STATE_CODES, ...STATE_NAMES, 'D\\.C\\.', 'District of Columbia', 'Guam'].join('|')})$`,
  'iu',
);

export function loadPhysionet(textPath: string, phrasePath: string): Doc[] {
  const raw = readFileSync(textPath, 'utf8');
  const docs = new Map<string, { text: string; gold: GoldSpan[]; key: number }>();
  // Record bodies start after the header line; gold offsets are relative to the body.
  for (const m of raw.matchAll(
    /START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n([\s\S]*?)\|\|\|\|END_OF_RECORD/gu,
  )) {
    docs.set(`${m[1]}:${m[2]}`, { text: m[3] ?? '', gold: [], key: Number(m[1]) });
  }
  for (const line of readFileSync(phrasePath, 'utf8').split('\n')) {
    const [patient, record, start, end, type] = line.trim().split(/\s+/u);
    if (patient === undefined || type === undefined) continue;
    const doc = docs.get(`${patient}:${record}`);
    if (doc === undefined) throw new Error(`phrase file names an unknown record ${patient}:${record}`);
    doc.gold.push({ start: Number(start), end: Number(end), type });
  }
  return [...docs.values()];
}

const PresidioFile = z.array(
  z.object({
    full_text: z.string(),
    spans: z.array(
      z.object({ entity_type: z.string(), start_position: z.number(), end_position: z.number() }),
    ),
  }),
);

export function loadPresidio(path: string): Doc[] {
  return PresidioFile.parse(JSON.parse(readFileSync(path, 'utf8'))).map((r, i) => ({
    text: r.full_text,
    gold: r.spans.map((s) => ({ start: s.start_position, end: s.end_position, type: s.entity_type })),
    key: i,
  }));
}

const overlaps = (a: { start: number; end: number }, s: number, e: number): boolean =>
  a.start < e && s < a.end;

type Detect = (text: string, options: DetectOptions) => PhiSpan[];

/**
 * What is scored: `training`, the recall-first keep-list over the dictionary entry; `engine`, the
 * dictionary entry's detectors alone, precision-first (what the de-identification engine runs on
 * free text today); `assistant`, the chat minimizer's light entry, precision-first.
 */
export const EVAL_MODES = ['training', 'engine', 'assistant'] as const;
export type EvalMode = (typeof EVAL_MODES)[number];

export function detectorFor(mode: EvalMode): Detect {
  if (mode === 'training') return (text, options) => detectPhi(text, { ...options, mode: 'training' });
  if (mode === 'engine') return (text, options) => detectPhi(text, options);
  return (text, options) => detectPhiLight(text, options);
}

function score(
  docs: readonly Doc[],
  view: View,
  detect: Detect,
): { byGold: Map<string, Counts>; byPred: Map<string, Counts>; all: Counts } {
  const byGold = new Map<string, Counts>();
  const byPred = new Map<string, Counts>();
  const all: Counts = { tp: 0, fn: 0, fp: 0 };
  const bump = (m: Map<string, Counts>, k: string, f: keyof Counts): void => {
    const c = m.get(k) ?? { tp: 0, fn: 0, fp: 0 };
    c[f]++;
    m.set(k, c);
  };
  for (const doc of docs) {
    const spans: PhiSpan[] = detect(doc.text, view.options);
    let si = 0;
    for (const t of doc.text.matchAll(TOKEN)) {
      const s = t.index;
      const e = s + t[0].length;
      while (si < spans.length && (spans[si]?.end ?? 0) <= s) si++;
      const pred = spans.slice(si, si + 3).find((p) => overlaps(p, s, e));
      const gold = doc.gold.find((g) => overlaps(g, s, e));
      if (gold !== undefined && view.ignored.has(gold.type)) continue;
      if (gold !== undefined && view.ignoreText?.test(doc.text.slice(gold.start, gold.end).trim())) continue;
      if (gold !== undefined && pred !== undefined) {
        all.tp++;
        bump(byGold, gold.type, 'tp');
        bump(byPred, pred.type, 'tp');
      } else if (gold !== undefined) {
        all.fn++;
        bump(byGold, gold.type, 'fn');
      } else if (pred !== undefined) {
        all.fp++;
        bump(byPred, pred.type, 'fp');
      }
    }
  }
  return { byGold, byPred, all };
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const fmt = (n: number): string => n.toFixed(3);

function report(
  docs: readonly Doc[],
  view: View,
  label: string,
  detect: Detect,
): { recall: number; precision: number; f1: number } {
  const { byGold, byPred, all } = score(docs, view, detect);
  console.log(`\n== [${label}] ${view.name}`);
  console.log('recall by gold type (tokens):');
  for (const [type, c] of [...byGold].sort()) {
    console.log(`  ${type.padEnd(20)} recall=${fmt(ratio(c.tp, c.tp + c.fn))}  (${c.tp}/${c.tp + c.fn})`);
  }
  console.log('precision by detected type (tokens):');
  for (const [type, c] of [...byPred].sort()) {
    console.log(`  ${type.padEnd(20)} precision=${fmt(ratio(c.tp, c.tp + c.fp))}  (${c.tp}/${c.tp + c.fp})`);
  }
  const recall = ratio(all.tp, all.tp + all.fn);
  const precision = ratio(all.tp, all.tp + all.fp);
  console.log(
    `overall [${label}]: recall=${fmt(recall)} precision=${fmt(precision)} f1=${fmt(f1(precision, recall))} (tp=${all.tp} fn=${all.fn} fp=${all.fp})`,
  );
  return { recall, precision, f1: f1(precision, recall) };
}

/** Characters per second of the mode's detector over the corpus (best of a few passes, after a warm-up). */
function throughput(docs: readonly Doc[], detect: Detect): number {
  const chars = docs.reduce((n, d) => n + d.text.length, 0);
  for (const d of docs) detect(d.text, {});
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    for (const d of docs) detect(d.text, {});
    best = Math.min(best, performance.now() - t0);
  }
  return chars / (best / 1000);
}

/** Every token (a run of letters or digits) of the documents, PHI or not. */
export const tokenCount = (docs: readonly Doc[]): number =>
  docs.reduce((n, d) => n + [...d.text.matchAll(TOKEN)].length, 0);

export const USAGE = `usage: npm run deid:eval -- (--physionet <text> <phrase> | --presidio <json>) [--split tune|check|both] [--mode training|engine|assistant]
  --physionet  the PhysioNet deid corpus: its .text and .phrase files
  --presidio   the Presidio synthetic set (JSON)
  --split      tune or check: that half only; both: the tune half, then the check half;
               no flag: the whole file. PhysioNet is split by patient (SHA-256 of the patient
               number, low bit of its first byte: 0 tune, 1 check), Presidio by sample index
               (even tune, odd check).
  --mode       training (default): the recall-first keep-list (lambdas/phi/keep-list.ts);
               engine: the dictionary entry's detectors alone, as the de-identification engine
               runs them; assistant: the chat minimizer's light entry
  --help       this text`;

export type Args =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly corpus: Corpus;
      readonly paths: readonly string[];
      readonly split: Split;
      readonly mode: EvalMode;
    };

export function parseArgs(argv: readonly string[]): Args {
  const args = argv.filter((a) => a !== '--');
  let corpus: Corpus | undefined;
  let paths: string[] = [];
  let split: Split | undefined;
  let mode: EvalMode | undefined;
  const error = (message: string): Args => ({ kind: 'error', message });
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a === '--physionet' || a === '--presidio') {
      if (corpus !== undefined) return error('give one corpus: --physionet or --presidio');
      corpus = a === '--physionet' ? 'physionet' : 'presidio';
      const n = corpus === 'physionet' ? 2 : 1;
      paths = args.slice(i + 1, i + 1 + n);
      if (paths.length < n || paths.some((p) => p.startsWith('--'))) {
        return error(
          corpus === 'physionet' ? '--physionet needs <text> <phrase>' : '--presidio needs <json>',
        );
      }
      i += n;
    } else if (a === '--split' || a.startsWith('--split=')) {
      const value = a === '--split' ? args[++i] : a.slice('--split='.length);
      if (value === undefined || !SPLITS.includes(value)) {
        return error(
          `--split must be tune, check or both (got ${value === undefined ? 'nothing' : `"${value}"`})`,
        );
      }
      if (split !== undefined) return error('--split given twice');
      split = value as Split;
    } else if (a === '--mode' || a.startsWith('--mode=')) {
      const value = a === '--mode' ? args[++i] : a.slice('--mode='.length);
      const known = EVAL_MODES.find((m) => m === value);
      if (known === undefined) {
        return error(
          `--mode must be training, engine or assistant (got ${value === undefined ? 'nothing' : `"${value}"`})`,
        );
      }
      if (mode !== undefined) return error('--mode given twice');
      mode = known;
    } else {
      return error(`unknown argument "${a}"`);
    }
  }
  if (corpus === undefined) return error('give a corpus: --physionet <text> <phrase> or --presidio <json>');
  return { kind: 'run', corpus, paths, split: split ?? 'whole', mode: mode ?? 'training' };
}

function views(corpus: Corpus): View[] {
  if (corpus === 'physionet') {
    return [
      {
        name: 'all gold categories (clinician names + bare years, bareYears on)',
        ignored: new Set(),
        options: { bareYears: true },
      },
      {
        name: 'Safe Harbor (clinician names, bare years and states not scored)',
        ignored: new Set(['HCPName', 'DateYear']),
        ignoreText: STATE_TEXT,
        options: {},
      },
    ];
  }
  // ORGANIZATION, TITLE and NRP (nationality, religion, politics) are not Safe Harbor identifiers;
  // GPE mixes cities with states and countries, and AGE includes ages under 90.
  return [
    { name: 'all gold categories', ignored: new Set(['ORGANIZATION', 'TITLE', 'NRP']), options: {} },
    {
      name: 'Safe Harbor (bare years and weekdays in DATE_TIME not scored)',
      ignored: new Set(['ORGANIZATION', 'TITLE', 'NRP', 'GPE', 'AGE']),
      ignoreText: /^(?:(?:19|20)\d\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day)$/iu,
      options: {},
    },
  ];
}

function evaluate(corpus: Corpus, all: readonly Doc[], half: Half | 'whole', mode: EvalMode): void {
  const detect = detectorFor(mode);
  const docs = selectHalf(corpus, all, half);
  const unit = corpus === 'physionet' ? 'notes' : 'samples';
  const tokens = tokenCount(docs);
  const name = half === 'whole' ? 'whole file' : `${half} half`;
  const label = `${name}: ${docs.length} ${unit}, ${tokens} tokens`;
  const chars = docs.reduce((n, d) => n + d.text.length, 0);
  const patients = corpus === 'physionet' ? ` patients=${new Set(docs.map((d) => d.key)).size}` : '';
  console.log(`\n#### ${name} (${corpus}, ${mode} mode)`);
  console.log(
    `half=${half} ${unit}=${docs.length} (of ${all.length})${patients} tokens=${tokens} documents=${docs.length} chars=${chars} gold spans=${docs.reduce((n, d) => n + d.gold.length, 0)}`,
  );
  let last = { recall: 0, precision: 0, f1: 0 };
  for (const view of views(corpus)) last = report(docs, view, label, detect);
  const perS = throughput(docs, detect);
  console.log(
    `\nthroughput [${label}]: ${Math.round(perS)} chars/s = ${(perS / 1e6).toFixed(2)} MB/s (UTF-16 chars, one core)`,
  );
  console.log(
    `half=${half} mode=${mode} ${unit}=${docs.length} tokens=${tokens} recall=${fmt(last.recall)} precision=${fmt(last.precision)} f1=${fmt(last.f1)} per_s=${Math.round(perS)}`,
  );
}

function main(argv: readonly string[]): void {
  const args = parseArgs(argv);
  if (args.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (args.kind === 'error') {
    console.error(`deid-eval: ${args.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const [first = '', second = ''] = args.paths;
  const docs = args.corpus === 'physionet' ? loadPhysionet(first, second) : loadPresidio(first);
  const halves: (Half | 'whole')[] = args.split === 'both' ? ['tune', 'check'] : [args.split];
  for (const half of halves) evaluate(args.corpus, docs, half, args.mode);
}

if (require.main === module) main(process.argv.slice(2));
