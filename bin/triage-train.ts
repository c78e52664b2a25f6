/**
 * Builds the triage screen's two generated files. The spelling guard
 * (lambdas/assistant/red-flags/spelling-guard.json): the English dictionary words
 * (an-array-of-english-words) of five letters or more that the screen's spelling tolerance would
 * otherwise turn into a lexicon term. And the local risk model: trains the local risk classifier (lambdas/assistant/second-opinion/local-risk.ts) on the tuning
 * sets only: the first half of the development set and the tuning sets written for that purpose.
 * The check half (dev-131..260) and the held-out set are never read here. The emergency threshold
 * is chosen by 5-fold cross-validation on the same tuning data: the lowest log odds whose
 * out-of-fold false-emergency rate stays at or under --max-false (default 0.01: on tuning sets the model had not seen, 0.03 out of fold let through twice as many false emergencies); the unsure
 * threshold is the out-of-fold score that 98% of emergencies reach.
 *
 *   npm run triage:train                 writes both files
 *   npm run triage:train -- --check      fails (exit 1) when a committed file is not what its sources give
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KEY_TERMS } from '../lambdas/assistant/red-flags/screen';
import { SpellingTolerance } from '../lambdas/assistant/red-flags/text';
import {
  type LocalRiskModel,
  LocalRiskModelSchema,
  riskFeatures,
} from '../lambdas/assistant/second-opinion/local-risk';
import { cliOptions, HELP } from './cli-options';

const USAGE = `usage: npm run triage:train -- [--max-false <rate>] [--check]
  --max-false  out-of-fold false-emergency rate the threshold may reach (default 0.01)
  --check      compare with the committed model instead of writing it (exit 1 when stale)
  --help       this text`;

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'triage');
const MODEL_FILE = join(__dirname, '..', 'lambdas', 'assistant', 'second-opinion', 'local-risk-model.json');
const GUARD_FILE = join(__dirname, '..', 'lambdas', 'assistant', 'red-flags', 'spelling-guard.json');

/** Dictionary words the corrector (without a guard) would change: they must stay as typed. */
function spellingGuard(): { source: string; words: string[] } {
  const dictionary = require('an-array-of-english-words') as readonly string[];
  const spelling = new SpellingTolerance(KEY_TERMS);
  const terms = new Set(KEY_TERMS);
  const words = dictionary.filter((w) => w.length >= 5 && !terms.has(w) && spelling.correct(w) !== w);
  return { source: 'an-array-of-english-words 2.0.0, words of 5+ letters the corrector would change', words };
}

const Item = z.object({ id: z.string(), text: z.string(), label: z.enum(['emergency', 'non-emergency']) });
type Item = z.infer<typeof Item>;

/** The tuning data: never the check half of dev-set.json, never holdout-set.json. */
export function tuningSets(): { set: string; items: Item[] }[] {
  const read = (file: string): Item[] =>
    z.array(Item).parse(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')));
  const dev = read('dev-set.json');
  const sets = [{ set: 'dev-set.json (tune half)', items: dev.slice(0, Math.ceil(dev.length / 2)) }];
  for (const file of [
    'tune-b.json',
    'tune-c.json',
    'tune-d.json',
    'tune-e.json',
    'tune-f.json',
    'tune-g.json',
  ])
    if (existsSync(join(FIXTURES, file))) sets.push({ set: file, items: read(file) });
  return sets;
}

interface Counts {
  readonly emergency: Map<string, number>;
  readonly other: Map<string, number>;
  nEmergency: number;
  nOther: number;
}

function count(items: readonly Item[]): Counts {
  const counts: Counts = { emergency: new Map(), other: new Map(), nEmergency: 0, nOther: 0 };
  for (const item of items) {
    const emergency = item.label === 'emergency';
    if (emergency) counts.nEmergency++;
    else counts.nOther++;
    const into = emergency ? counts.emergency : counts.other;
    for (const feature of riskFeatures(item.text)) into.set(feature, (into.get(feature) ?? 0) + 1);
  }
  return counts;
}

/** Laplace-smoothed document frequencies; features seen in fewer than two messages are dropped. */
function trainModel(
  items: readonly Item[],
): Omit<LocalRiskModel, 'trainedOn' | 'emergencyLogOdds' | 'unsureLogOdds'> {
  const c = count(items);
  const features = new Set([...c.emergency.keys(), ...c.other.keys()]);
  const featureLogOdds: Record<string, number> = {};
  for (const feature of [...features].sort()) {
    const e = c.emergency.get(feature) ?? 0;
    const o = c.other.get(feature) ?? 0;
    if (e + o < 2) continue;
    const weight = Math.log((e + 1) / (c.nEmergency + 2)) - Math.log((o + 1) / (c.nOther + 2));
    featureLogOdds[feature] = Math.round(weight * 1e4) / 1e4;
  }
  return { version: 1, priorLogOdds: Math.log(c.nEmergency / c.nOther), featureLogOdds };
}

function logOdds(
  model: Omit<LocalRiskModel, 'trainedOn' | 'emergencyLogOdds' | 'unsureLogOdds'>,
  text: string,
): number {
  let sum = model.priorLogOdds;
  for (const feature of riskFeatures(text)) sum += model.featureLogOdds[feature] ?? 0;
  return sum;
}

/** The lowest threshold whose out-of-fold false-emergency rate is at most `maxFalse`. */
function threshold(
  items: readonly Item[],
  maxFalse: number,
  minUnsureRecall: number,
): { value: number; recall: number; falseRate: number; unsure: number; unsureFalseRate: number } {
  const folds = 5;
  const scored: { score: number; emergency: boolean }[] = [];
  for (let k = 0; k < folds; k++) {
    const train = items.filter((_, i) => i % folds !== k);
    const test = items.filter((_, i) => i % folds === k);
    const model = trainModel(train);
    for (const item of test)
      scored.push({ score: logOdds(model, item.text), emergency: item.label === 'emergency' });
  }
  const others = scored
    .filter((s) => !s.emergency)
    .map((s) => s.score)
    .sort((a, b) => b - a);
  const allowed = Math.floor(maxFalse * others.length);
  // Strictly above the (allowed+1)-th highest non-emergency score.
  const value = (others[allowed] ?? Number.NEGATIVE_INFINITY) + 1e-6;
  const emergencies = scored.filter((s) => s.emergency);
  // The unsure threshold: at or below the score of the emergency at the (1 - minUnsureRecall) quantile.
  const emergencyScores = emergencies.map((s) => s.score).sort((a, b) => a - b);
  const unsure = Math.min(
    value,
    emergencyScores[Math.floor((1 - minUnsureRecall) * emergencyScores.length)] ?? Number.NEGATIVE_INFINITY,
  );
  return {
    value: Math.round(value * 1e4) / 1e4,
    recall: emergencies.filter((s) => s.score >= value).length / emergencies.length,
    falseRate: others.filter((s) => s >= value).length / others.length,
    unsure: Math.floor(unsure * 1e4) / 1e4,
    unsureFalseRate: others.filter((s) => s >= unsure).length / others.length,
  };
}

function main(): void {
  const options = cliOptions(
    {
      'max-false': { type: 'string' },
      check: { type: 'boolean' },
      ...HELP,
    },
    USAGE,
  );
  const maxFalse = Number(options['max-false'] ?? '0.01');
  if (!Number.isFinite(maxFalse) || maxFalse < 0 || maxFalse > 1) {
    process.stderr.write(`--max-false must be a rate between 0 and 1\n${USAGE}\n`);
    process.exit(2);
  }
  const sets = tuningSets();
  const items = sets.flatMap((s) => s.items);
  const cut = threshold(items, maxFalse, 0.98);
  const model: LocalRiskModel = LocalRiskModelSchema.parse({
    ...trainModel(items),
    trainedOn: sets.map((s) => ({ set: s.set, messages: s.items.length })),
    emergencyLogOdds: cut.value,
    unsureLogOdds: cut.unsure,
  });
  const text = `${JSON.stringify(model, null, 1)}\n`;
  process.stdout.write(
    `trained on ${items.length} tuning messages (${sets.map((s) => s.set).join(', ')}); ` +
      `${Object.keys(model.featureLogOdds).length} features; 5-fold threshold ${cut.value}: ` +
      `out-of-fold recall ${cut.recall.toFixed(3)}, false emergencies ${cut.falseRate.toFixed(3)}; ` +
      `unsure threshold ${cut.unsure} (98% of emergencies at least unsure; ${cut.unsureFalseRate.toFixed(3)} of non-emergencies)\n`,
  );
  const guard = spellingGuard();
  process.stdout.write(`spelling guard: ${guard.words.length} dictionary words kept as typed\n`);
  const stale = (file: string, value: unknown): boolean =>
    !existsSync(file) || JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) !== JSON.stringify(value);
  if (options.check) {
    // Compared as data: the formatter may lay the files out differently.
    const staleFiles = [
      ...(stale(MODEL_FILE, model) ? [MODEL_FILE] : []),
      ...(stale(GUARD_FILE, guard) ? [GUARD_FILE] : []),
    ];
    if (staleFiles.length > 0) {
      process.stderr.write(`stale: ${staleFiles.join(', ')}: run npm run triage:train\n`);
      process.exit(1);
    }
    process.stdout.write('the committed model and spelling guard match their sources\n');
    return;
  }
  writeFileSync(MODEL_FILE, text);
  writeFileSync(GUARD_FILE, `${JSON.stringify(guard, null, 1)}\n`);
  process.stdout.write(`wrote ${MODEL_FILE} and ${GUARD_FILE}\n`);
}

if (require.main === module) main();
