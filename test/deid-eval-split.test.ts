import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Doc,
  halfOf,
  loadPhysionet,
  loadPresidio,
  parseArgs,
  selectHalf,
  tokenCount,
} from '../bin/deid-eval';

/**
 * `npm run deid:eval --split`: the tune/check split of the evaluation corpora. Both corpora here are
 * small synthetic files written by the test in the corpora's formats (no corpus text): invented
 * notes for 30 patients with one to three notes each, and 40 invented Presidio-style samples.
 */

interface Span {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

const FIRST = ['Orla', 'Basil', 'Wren', 'Tamsin', 'Ezekiel', 'Marisol'];
const LAST = ['Quillfeather', 'Ambersmith', 'Dunmorrow', 'Pellinore', 'Vashti', 'Greywater'];
const TOWNS = ['Brackenford', 'Lowmere', 'Tarnhollow'];

/** One invented note and its gold spans, from the patient and note numbers. */
function note(patient: number, record: number): { text: string; gold: Span[] } {
  const relative = `${FIRST[(patient + record) % FIRST.length]} ${LAST[patient % LAST.length]}`;
  const parts: [string, string | undefined][] = [
    ['Resting comfortably overnight, vitals stable. Daughter ', undefined],
    [relative, 'RelativeProxyName'],
    [' visited on ', undefined],
    [`${(patient % 12) + 1}/${(record % 27) + 1}`, 'Date'],
    [' and asked for a call back at ', undefined],
    [`555-01${String((patient * 7 + record) % 100).padStart(2, '0')}`, 'Phone'],
    ['. Plan to transfer to rehab in ', undefined],
    [TOWNS[patient % TOWNS.length] ?? 'Lowmere', 'Location'],
    [
      ` once cleared by PT. Heart rate ${60 + record} bpm, sat ${90 + (patient % 9)}% on room air.\n`,
      undefined,
    ],
  ];
  let text = '';
  const gold: Span[] = [];
  for (const [piece, type] of parts) {
    if (type !== undefined) gold.push({ start: text.length, end: text.length + piece.length, type });
    text += piece;
  }
  return { text, gold };
}

/** Patients 1..30, 1-3 notes each, in the .text/.phrase layout. */
function writePhysionet(dir: string): { text: string; phrase: string; notes: number } {
  let text = '';
  let phrase = '';
  let notes = 0;
  for (let patient = 1; patient <= 30; patient++) {
    for (let record = 1; record <= (patient % 3) + 1; record++) {
      const n = note(patient, record);
      text += `START_OF_RECORD=${patient}||||${record}||||\n${n.text}||||END_OF_RECORD\n\n`;
      for (const g of n.gold) phrase += `${patient} ${record} ${g.start} ${g.end} ${g.type}\n`;
      notes++;
    }
  }
  const textPath = join(dir, 'synthetic.text');
  const phrasePath = join(dir, 'synthetic.phrase');
  writeFileSync(textPath, text);
  writeFileSync(phrasePath, phrase);
  return { text: textPath, phrase: phrasePath, notes };
}

function writePresidio(dir: string): string {
  const samples = Array.from({ length: 40 }, (_, i) => {
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`;
    const before = 'Please ask ';
    const full_text = `${before}${name} to confirm the parcel for order ${1000 + i} before Friday.`;
    return {
      full_text,
      spans: [
        {
          entity_type: 'PERSON',
          start_position: before.length,
          end_position: before.length + name.length,
        },
      ],
    };
  });
  const path = join(dir, 'synthetic.json');
  writeFileSync(path, JSON.stringify(samples));
  return path;
}

/** The documented rule, written out again independently of the CLI's implementation. */
const documentedPhysionetHalf = (patient: number): 'tune' | 'check' =>
  ((createHash('sha256').update(String(patient)).digest()[0] ?? 0) & 1) === 0 ? 'tune' : 'check';

describe('deid:eval tune/check split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wellgate-deid-eval-split-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const physionet = writePhysionet(dir);
  const presidio = writePresidio(dir);

  describe('PhysioNet: by patient number', () => {
    const docs = loadPhysionet(physionet.text, physionet.phrase);
    const tune = selectHalf('physionet', docs, 'tune');
    const check = selectHalf('physionet', docs, 'check');

    it('reads every synthetic note with its patient number', () => {
      expect(docs).toHaveLength(physionet.notes);
      expect(new Set(docs.map((d) => d.key))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => i + 1)));
    });

    it('is deterministic: the same halves on every load and call, following the documented hash', () => {
      const again = loadPhysionet(physionet.text, physionet.phrase);
      expect(selectHalf('physionet', again, 'tune').map((d) => d.text)).toEqual(tune.map((d) => d.text));
      expect(selectHalf('physionet', again, 'check').map((d) => d.text)).toEqual(check.map((d) => d.text));
      for (let patient = 1; patient <= 500; patient++) {
        expect(halfOf('physionet', patient)).toBe(documentedPhysionetHalf(patient));
        expect(halfOf('physionet', patient)).toBe(halfOf('physionet', patient));
      }
    });

    it('keeps every note of a patient in one half, and no patient in both', () => {
      const tunePatients = new Set(tune.map((d) => d.key));
      const checkPatients = new Set(check.map((d) => d.key));
      expect(tunePatients.size).toBeGreaterThan(0);
      expect(checkPatients.size).toBeGreaterThan(0);
      expect([...tunePatients].filter((p) => checkPatients.has(p))).toEqual([]);
      const byPatient = new Map<number, Set<string>>();
      for (const d of docs) {
        const halves = byPatient.get(d.key) ?? new Set<string>();
        halves.add(halfOf('physionet', d.key));
        byPatient.set(d.key, halves);
      }
      for (const halves of byPatient.values()) expect(halves.size).toBe(1);
    });

    it('is not parity: odd patient numbers alone still fill both halves', () => {
      const odd = Array.from({ length: 100 }, (_, i) => 2 * i + 1).map((p) => halfOf('physionet', p));
      expect(odd).toContain('tune');
      expect(odd).toContain('check');
    });

    it('partitions the whole: disjoint halves whose union is every note, in corpus order', () => {
      expectPartition(docs, tune, check);
      expect(selectHalf('physionet', docs, 'whole')).toEqual(docs);
    });
  });

  describe('Presidio: by sample index', () => {
    const docs = loadPresidio(presidio);
    const tune = selectHalf('presidio', docs, 'tune');
    const check = selectHalf('presidio', docs, 'check');

    it('puts even (0-based) indexes in tune and odd ones in check, the same on every load', () => {
      expect(docs.map((d) => d.key)).toEqual(docs.map((_, i) => i));
      expect(tune.map((d) => d.key)).toEqual(docs.map((_, i) => i).filter((i) => i % 2 === 0));
      expect(check.map((d) => d.key)).toEqual(docs.map((_, i) => i).filter((i) => i % 2 === 1));
      const again = loadPresidio(presidio);
      expect(selectHalf('presidio', again, 'tune')).toEqual(tune);
      expect(selectHalf('presidio', again, 'check')).toEqual(check);
    });

    it('partitions the whole', () => {
      expectPartition(docs, tune, check);
      expect(tune).toHaveLength(20);
      expect(check).toHaveLength(20);
    });
  });

  describe('--split validation', () => {
    const corpus = ['--presidio', presidio];

    it.each([
      [[...corpus], 'whole'],
      [[...corpus, '--split', 'tune'], 'tune'],
      [['--split', 'check', ...corpus], 'check'],
      [['--', ...corpus, '--split', 'both'], 'both'],
      [[...corpus, '--split=both'], 'both'],
    ])('accepts %j as split %s', (argv, split) => {
      expect(parseArgs(argv)).toEqual({
        kind: 'run',
        corpus: 'presidio',
        paths: [presidio],
        split,
        mode: 'training',
      });
    });

    it.each([
      [[...corpus, '--mode', 'assistant'], 'assistant'],
      [[...corpus, '--mode=training'], 'training'],
    ])('accepts %j as mode %s', (argv, mode) => {
      expect(parseArgs(argv)).toMatchObject({ kind: 'run', mode });
    });

    it.each([
      [[...corpus, '--split', 'all'], /--split must be tune, check or both/],
      [[...corpus, '--split', 'TUNE'], /--split must be tune, check or both/],
      [[...corpus, '--split'], /--split must be tune, check or both \(got nothing\)/],
      [[...corpus, '--split='], /--split must be tune, check or both/],
      [[...corpus, '--split', 'tune', '--split', 'check'], /--split given twice/],
      [[...corpus, '--half', 'tune'], /unknown argument "--half"/],
      [[...corpus, '--mode', 'keep'], /--mode must be training, engine or assistant \(got "keep"\)/],
      [[...corpus, '--mode'], /--mode must be training, engine or assistant \(got nothing\)/],
      [[...corpus, '--mode', 'training', '--mode', 'assistant'], /--mode given twice/],
      [['--split', 'tune'], /give a corpus/],
      [['--physionet', physionet.text, '--split', 'tune'], /--physionet needs <text> <phrase>/],
    ])('refuses %j', (argv, message) => {
      const parsed = parseArgs(argv);
      expect(parsed.kind).toBe('error');
      expect(parsed.kind === 'error' ? parsed.message : '').toMatch(message);
    });

    it('answers --help', () => {
      expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
      expect(parseArgs(['--help', ...corpus, '--split', 'tune'])).toEqual({ kind: 'help' });
    });
  });

  describe('the CLI', () => {
    const cli = (args: readonly string[]) =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), 'bin/deid-eval.ts', ...args], {
        encoding: 'utf8',
        cwd: join(__dirname, '..'),
      });

    it('exits 2 with the usage on a bad --split, before reading any file', () => {
      const run = cli(['--presidio', join(dir, 'missing.json'), '--split', 'holdout']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--split must be tune, check or both (got "holdout")');
      expect(run.stderr).toContain('usage: npm run deid:eval');
      expect(run.stdout).toBe('');
    });

    it('prints the usage on --help with exit 0', () => {
      const run = cli(['--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^usage: npm run deid:eval/);
      expect(run.stdout).toContain('--split');
    });

    it('with --split both, scores both halves, each figure naming its half and size, summing to the whole', () => {
      const docs = loadPhysionet(physionet.text, physionet.phrase);
      const both = cli(['--physionet', physionet.text, physionet.phrase, '--split', 'both']);
      const whole = cli(['--physionet', physionet.text, physionet.phrase]);
      expect(both.status).toBe(0);
      expect(whole.status).toBe(0);
      const sizes = (['tune', 'check'] as const).map((half) => {
        const part = selectHalf('physionet', docs, half);
        return { half, notes: part.length, tokens: tokenCount(part) };
      });
      for (const { half, notes, tokens } of sizes) {
        const label = `[${half} half: ${notes} notes, ${tokens} tokens]`;
        expect(both.stdout).toContain(`== ${label} Safe Harbor`);
        expect(both.stdout).toContain(`overall ${label}: recall=`);
        expect(both.stdout).toContain(`throughput ${label}:`);
        expect(both.stdout).toMatch(
          new RegExp(`\\nhalf=${half} mode=training notes=${notes} tokens=${tokens} recall=`),
        );
      }
      // Every `overall` line names a half; the halves' token counts add up to the whole file's.
      const overall = (out: string) =>
        [...out.matchAll(/^overall \[(\w+ \w+): .*\(tp=(\d+) fn=(\d+) fp=(\d+)\)$/gmu)].map((m) => ({
          half: m[1],
          counts: [Number(m[2]), Number(m[3]), Number(m[4])],
        }));
      const halves = overall(both.stdout);
      const all = overall(whole.stdout);
      expect(halves.map((h) => h.half)).toEqual(['tune half', 'tune half', 'check half', 'check half']);
      expect(all.map((h) => h.half)).toEqual(['whole file', 'whole file']);
      for (const view of [0, 1]) {
        const sum = [0, 1, 2].map((k) => (halves[view]?.counts[k] ?? 0) + (halves[view + 2]?.counts[k] ?? 0));
        expect(sum).toEqual(all[view]?.counts);
      }
      const totalTokens = sizes.reduce((n, s) => n + s.tokens, 0);
      expect(whole.stdout).toContain(`[whole file: ${docs.length} notes, ${totalTokens} tokens]`);
    });
  });
});

function expectPartition(whole: readonly Doc[], tune: readonly Doc[], check: readonly Doc[]): void {
  expect(tune.length).toBeGreaterThan(0);
  expect(check.length).toBeGreaterThan(0);
  expect(tune.length + check.length).toBe(whole.length);
  const inTune = new Set(tune);
  expect(check.filter((d) => inTune.has(d))).toEqual([]);
  expect(whole.filter((d) => inTune.has(d))).toEqual(tune);
  expect(whole.filter((d) => !inTune.has(d))).toEqual(check);
}
