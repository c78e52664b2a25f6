/**
 * Scores the assistant's triage on the frozen message sets in test/fixtures/triage/: emergency
 * recall, the false-emergency rate on hard non-emergencies, and the right-number rate (the answer's
 * first number is the one the set names: 911, 988 or Poison Control), each with a 95% Wilson
 * interval. The development set is split in halves: rules are tuned on `tune` (dev-001..130) and
 * reported on `check` (dev-131..260); the held-out set is never used for tuning.
 *
 *   npm run triage:eval                         the check half of the development set
 *   npm run triage:eval -- --set holdout        the held-out set
 *   npm run triage:eval -- --half tune --misses the tune half, listing what it gets wrong
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RedFlagScreen } from '../lambdas/assistant/red-flags/screen';
import { triageLayersFromEnvironment } from '../lambdas/assistant/second-opinion/composition';
import { type TriageOutcome, TriageService, triageMessage } from '../lambdas/assistant/triage';
import { cliOptions, HELP } from './cli-options';

const USAGE = `usage: npm run triage:eval -- [--set dev|holdout|<file.json>] [--half tune|check|all] [--layers local|screen] [--misses] [--json]

  --set     message set: dev (default), holdout, or a JSON file of the same shape
  --half    for the dev set: check (default, the reported half), tune, or all
  --layers  local (default): the screen with the local layers, as npm start runs it;
            screen: the red-flag screen alone
  --misses  list the ids (and, for the tune half only, the texts) of every wrong answer
  --json    print the figures as JSON instead of a table
The last line is: recall=... false_emergency=... right_number=...`;

const Item = z.strictObject({
  id: z.string(),
  lang: z.enum(['en', 'es']),
  text: z.string().min(1),
  label: z.enum(['emergency', 'non-emergency']),
  category: z.string(),
  number: z.enum(['911', '988', 'poison-control']).nullable(),
});
type Item = z.infer<typeof Item>;

const NUMBER_OF: Readonly<Record<string, string>> = {
  '911': '911',
  '988': '988',
  '1-800-222-1222': 'poison-control',
};

interface Rate {
  readonly hits: number;
  readonly total: number;
  readonly rate: number;
  readonly low: number;
  readonly high: number;
}

/** Wilson score interval, 95% (z = 1.96): honest at small n and at rates near 0 or 1. */
export function wilson(hits: number, total: number): Rate {
  if (total === 0) return { hits, total, rate: 0, low: 0, high: 0 };
  const z = 1.96;
  const p = hits / total;
  const denominator = 1 + (z * z) / total;
  const centre = (p + (z * z) / (2 * total)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))) / denominator;
  return { hits, total, rate: p, low: Math.max(0, centre - margin), high: Math.min(1, centre + margin) };
}

async function main(): Promise<void> {
  const options = cliOptions(
    {
      set: { type: 'string' },
      half: { type: 'string' },
      layers: { type: 'string' },
      misses: { type: 'boolean' },
      json: { type: 'boolean' },
      ...HELP,
    },
    USAGE,
  );
  const set = options.set ?? 'dev';
  const half = options.half ?? (set === 'dev' ? 'check' : 'all');
  if (!['tune', 'check', 'all'].includes(half)) {
    process.stderr.write(`--half must be tune, check or all\n${USAGE}\n`);
    process.exit(2);
  }
  const file =
    set === 'dev'
      ? join(__dirname, '..', 'test', 'fixtures', 'triage', 'dev-set.json')
      : set === 'holdout'
        ? join(__dirname, '..', 'test', 'fixtures', 'triage', 'holdout-set.json')
        : set;
  let items: Item[];
  try {
    items = z.array(Item).parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    process.stderr.write(
      `cannot read the message set ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
    process.exit(2);
  }
  const middle = Math.ceil(items.length / 2);
  if (half === 'tune') items = items.slice(0, middle);
  if (half === 'check') items = items.slice(middle);

  const layers = options.layers ?? 'local';
  if (layers !== 'local' && layers !== 'screen') {
    process.stderr.write(`--layers must be local or screen\n${USAGE}\n`);
    process.exit(2);
  }
  // Local layers: what the local portal composes (no AWS variables): the local risk model.
  const service = new TriageService(triageLayersFromEnvironment({}));
  const results: Result[] = [];
  for (const item of items)
    results.push({
      item,
      outcome: layers === 'screen' ? triageMessage(item.text) : await service.triage(item.text, item.text),
    });
  const figures = score(results);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ set, half, size: items.length, ...figures }, null, 2)}\n`);
  } else {
    printTable(
      `${set}, ${layers === 'local' ? 'screen + local layers' : 'screen alone'}`,
      half,
      items.length,
      figures,
    );
    if (options.misses) printMisses(results, half === 'tune' || set !== 'dev');
  }
  const f3 = (r: Rate): string => r.rate.toFixed(3);
  process.stdout.write(
    `recall=${f3(figures.recall)} false_emergency=${f3(figures.falseEmergency)} right_number=${f3(figures.rightNumber)}\n`,
  );
}

interface Result {
  readonly item: Item;
  readonly outcome: TriageOutcome;
}

function score(results: readonly Result[]) {
  const emergencies = results.filter((r) => r.item.label === 'emergency');
  const others = results.filter((r) => r.item.label === 'non-emergency');
  const caught = emergencies.filter((r) => r.outcome.disposition === 'emergency');
  const rightNumber = caught.filter((r) => NUMBER_OF[r.outcome.contacts[0]?.number ?? ''] === r.item.number);
  const missed = emergencies.filter((r) => r.outcome.disposition !== 'emergency');
  const missedWithout911 = missed.filter(
    (r) => !(r.outcome.disposition === 'urgent' && r.outcome.reply.includes('911')),
  );
  const byLanguage = (lang: 'en' | 'es') => {
    const e = emergencies.filter((r) => r.item.lang === lang);
    const o = others.filter((r) => r.item.lang === lang);
    return {
      recall: wilson(e.filter((r) => r.outcome.disposition === 'emergency').length, e.length),
      falseEmergency: wilson(o.filter((r) => r.outcome.disposition === 'emergency').length, o.length),
    };
  };
  return {
    recall: wilson(caught.length, emergencies.length),
    falseEmergency: wilson(others.filter((r) => r.outcome.disposition === 'emergency').length, others.length),
    rightNumber: wilson(rightNumber.length, caught.length),
    missedAnsweredUrgentWith911: wilson(missed.length - missedWithout911.length, missed.length),
    refillOfferedOnEmergency: emergencies.filter((r) => r.outcome.refillAllowed).length,
    english: byLanguage('en'),
    spanish: byLanguage('es'),
  };
}

function printTable(set: string, half: string, size: number, figures: ReturnType<typeof score>): void {
  const row = (name: string, r: Rate): string =>
    `| ${name.padEnd(40)} | ${`${r.hits}/${r.total}`.padStart(7)} | ${r.rate.toFixed(3)} | ${r.low.toFixed(3)}-${r.high.toFixed(3)} |`;
  const lines = [
    `triage on ${set} (${half}, ${size} messages)`,
    `| ${'figure'.padEnd(40)} | ${'n'.padStart(7)} | rate  | 95% CI      |`,
    `| ${'-'.repeat(40)} | ${'-'.repeat(7)} | ----- | ----------- |`,
    row('emergency recall', figures.recall),
    row('false emergencies (hard non-emergencies)', figures.falseEmergency),
    row('right number (of emergencies caught)', figures.rightNumber),
    row('missed emergencies answered urgent + 911', figures.missedAnsweredUrgentWith911),
    row('recall, English', figures.english.recall),
    row('recall, Spanish', figures.spanish.recall),
    row('false emergencies, English', figures.english.falseEmergency),
    row('false emergencies, Spanish', figures.spanish.falseEmergency),
    `emergencies offered a refill action: ${figures.refillOfferedOnEmergency}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printMisses(results: readonly Result[], showText: boolean): void {
  for (const { item, outcome } of results) {
    const wrong =
      item.label === 'emergency'
        ? outcome.disposition !== 'emergency' || NUMBER_OF[outcome.contacts[0]?.number ?? ''] !== item.number
        : outcome.disposition === 'emergency';
    if (!wrong) continue;
    const got = `${outcome.disposition}${outcome.categories.length ? ` [${outcome.categories.join(',')}]` : ''} ${outcome.contacts[0]?.number ?? '-'}`;
    process.stdout.write(
      `${item.id} ${item.label}/${item.category}/${item.number ?? '-'} -> ${got}${showText ? `\n    ${item.text}\n    ${readingOf(item.text)}` : ''}\n`,
    );
  }
}

const explainer = new RedFlagScreen();

/** What the screen read (concepts, suppressed ones with the reason): shown only for tuning sets. */
function readingOf(text: string): string {
  return explainer
    .explain(text)
    .map(
      (m) =>
        `${m.concept}${m.suppressed ? `(${m.suppressed})` : ''}${m.assertion.experiencer === 'other' ? '@other' : ''}`,
    )
    .join(' ');
}

if (require.main === module) void main();
