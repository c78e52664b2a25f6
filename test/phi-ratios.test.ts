/**
 * Clinical ratios that look like a month and day ("5/5", "3/10", "2/6") are not dates when the
 * context says they are scores, grades or pressure settings; real dates beside event words stay.
 * Synthetic sentences only.
 */
import { detectPhi } from '../lambdas/phi';

const dates = (text: string): string[] =>
  detectPhi(text)
    .filter((s) => s.type === 'DATE')
    .map((s) => text.slice(s.start, s.end));

describe('month/day look-alikes', () => {
  it.each([
    'Patient rates chest pain 3/10 after nitro.',
    'c/o headache 7/10, given tylenol.',
    'Pain now 10/10 with movement.',
    'Harsh 2/6 SEM at the left sternal border.',
    'Grade 3/6 holosystolic murmur noted.',
    'Distal pulses +2/4 bilaterally.',
    'Placed on PEEP 5/5 overnight.',
    'Remains on CPAP with PS 10/5, tolerating well.',
    'Weaning trial on 5/5 this morning, sats stable.',
    'Switched to mask ventilation 5/5 at noon.',
    'BP 120/80, HR 72.',
  ])('is not a date: %s', (text) => {
    expect(dates(text)).toEqual([]);
  });

  it.each([
    ['Extubated 7/17 without difficulty.', '7/17'],
    ['MRI done on 3/22, results pending.', '3/22'],
    ['Line placed 11/17 in the right arm.', '11/17'],
    ['Pain clinic visit since 3/10 was cancelled.', '3/10'],
    ['Seen in clinic 5/5/2021 for follow-up.', '5/5/2021'],
  ])('still a date: %s', (text, expected) => {
    expect(dates(text)).toContain(expected);
  });
});
