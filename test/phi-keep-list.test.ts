/**
 * The recall-first keep-list (lambdas/phi/keep-list.ts) through the module's training mode: what
 * is proven safe stays, everything else becomes a placeholder. Every example is synthetic.
 */

import { noteVocabulary, parseVocabularyArgs } from '../bin/deid-vocabulary';
import { detectPhi, redactPhi } from '../lambdas/phi';
import { detectPhi as detectPhiLight } from '../lambdas/phi/light';

const training = (text: string): string => redactPhi(text, { mode: 'training' }).text;
const kept = (text: string): boolean => detectPhi(text, { mode: 'training' }).length === 0;

describe('keep-list: words', () => {
  test.each([
    'patient resting comfortably, denies pain',
    'lungs clear bilaterally, abd soft',
    'wife at bedside, updated on plan of care',
    "pt didn't tolerate the wean, couldn't clear secretions",
  ])('vocabulary and clinical shorthand stay: "%s"', (text) => {
    expect(kept(text)).toBe(true);
  });

  test('a word in no vocabulary becomes a placeholder, whatever detector missed it', () => {
    expect(training('visited by zorblatt this morning')).toBe('visited by [OTHER_ID] this morning');
    expect(training('lives on Quixbury Close')).toContain('[');
    expect(training('lives on Quixbury Close')).not.toContain('Quixbury');
  });

  test('an English word that is also a name is kept as a word, and taken as the name when capitalised mid-sentence', () => {
    expect(kept('will follow up with the rose garden volunteers')).toBe(true);
    expect(training('spoke with Rose about the discharge')).not.toContain('Rose');
    // At the start of a sentence a capital says nothing.
    expect(kept('Will recheck labs in the morning.')).toBe(true);
  });

  test('one typing slip from a vocabulary word is kept where case is trusted, never a name', () => {
    expect(kept('pt tollerating tube feeds well')).toBe(true);
    expect(kept('cardiac rythm regular')).toBe(true);
    // Capitalised, the same slip could be a name: not proven safe.
    expect(training('seen by Tollerating')).not.toContain('Tollerating');
  });
});

describe('keep-list: numbers', () => {
  test.each([
    'HR 88 BP 120/80 RR 18 sats 97% on 2L',
    'temp 101.4, K 3.9, lasix 40 mg iv',
    'q4h prn, x2 today, A1c 7.2',
    'vent AC 700x12, peep 5, FiO2 40%',
    'sbp in the 90s, i/o +1200',
    'started at 0700, resting since 1400',
    'given 2-3 tabs, wean over 5-10 days',
    'smoked since 1998, 2nd dose given',
  ])('clinical values stay: "%s"', (text) => {
    expect(kept(text)).toBe(true);
  });

  test.each([
    ['a day and month written with slashes', 'seen again 7/22 in clinic'],
    ['a dotted date with its year', 'last seen 3.14.19 at the office'],
    ['a day of the month as an ordinal', 'follow up on the 14th'],
    ['a long number after a clinical label', 'pt 48213377 transferred'],
    ['a telephone layout no pattern knows', 'reach her at 555 / 21 / 4419 or text'],
    ['a four-digit number with no time cue', 'code 4417 for the door'],
    ['a small number after an identifier word', 'moved to room 12 overnight'],
    ['a bare decade that could be an age', 'she is in her 90s and lives alone'],
  ])('%s is not proven safe', (_name, text) => {
    const spans = detectPhi(text, { mode: 'training' });
    expect(spans.length).toBeGreaterThan(0);
  });

  test('a label right before a day-and-month layout makes it a setting ("PSV 12/5")', () => {
    expect(kept('changed to PSV 12/5 with good tidal volumes')).toBe(true);
    expect(kept('changed on 12/5 with good tidal volumes')).toBe(false);
  });
});

describe('keep-list: the module', () => {
  test('the detectors type what they recognise; the keep-list adds OTHER_ID only where they found nothing', () => {
    const text = 'Call Mrs. Hallworth at 617-555-0142 about zorblatt';
    const spans = detectPhi(text, { mode: 'training' });
    expect(spans.map((s) => s.type)).toEqual(expect.arrayContaining(['NAME', 'PHONE', 'OTHER_ID']));
    expect(spans.filter((s) => s.rule === 'keep-list').every((s) => s.type === 'OTHER_ID')).toBe(true);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.start ?? 0).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
  });

  test('assistant mode (the default) is unchanged: precision-first', () => {
    expect(detectPhi('visited by zorblatt this morning')).toEqual([]);
  });

  test('the light entry refuses training mode: it has no vocabulary to prove words against', () => {
    expect(() => detectPhiLight('hello', { mode: 'training' })).toThrow(/dictionary entry/);
  });
});

describe('keep vocabulary (npm run deid:vocabulary)', () => {
  const doc = (key: number, text: string, gold: { start: number; end: number; type: string }[] = []) => ({
    key,
    text,
    gold,
  });

  test('takes unknown words of the tune half written by two patients and never inside PHI', () => {
    // Presidio's tune half is the even sample indexes.
    const docs = [
      doc(0, 'flurbo drip running, quandle noted'),
      doc(2, 'flurbo drip off, quandle again'),
      doc(4, 'visited by quandle', [{ start: 11, end: 18, type: 'PERSON' }]),
      doc(6, 'zindle once'),
      doc(1, 'zindle in the check half'),
    ];
    const vocabulary = noteVocabulary([{ corpus: 'presidio', docs }]);
    expect(vocabulary.words).toEqual(['flurbo']);
  });
});

describe('npm run deid:vocabulary flags', () => {
  test('reads the corpora and --check', () => {
    expect(
      parseVocabularyArgs(['--physionet', 'a.text', 'a.phrase', '--presidio', 'p.json', '--check']),
    ).toEqual({
      kind: 'run',
      physionet: ['a.text', 'a.phrase'],
      presidio: 'p.json',
      check: true,
    });
  });

  test.each([
    [['--physionet', 'a.text'], /--physionet needs <text> <phrase>/],
    [['--presidio'], /--presidio needs <json>/],
    [['--physionet', 'a', 'b', '--bogus'], /unknown argument "--bogus"/],
    [[], /give the PhysioNet corpus/],
  ])('refuses %j', (argv, message) => {
    const parsed = parseVocabularyArgs(argv);
    expect(parsed.kind === 'error' ? parsed.message : '').toMatch(message);
  });

  test('answers --help', () => {
    expect(parseVocabularyArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
