/**
 * Adversarial input for the regex detectors: long runs of the characters the patterns branch on
 * (digits, separators, capitals, "@", ":" and dots). Every call must return, with spans that obey the
 * contract; no timing is asserted here (budgets live in benchmarks).
 */
import fc from 'fast-check';
import { detectPhi, redactPhi } from '../lambdas/phi';

const nasty = fc.constantFrom(
  '1',
  '12',
  '/',
  '-',
  '.',
  ':',
  '::',
  '@',
  ' ',
  'a',
  'A',
  'Mr. ',
  'Dr ',
  'St ',
  'x',
  '#',
  ',',
  '\n',
  'www.',
  'http://',
  'March ',
  '2021',
  'Apt ',
  'fe80',
);

describe('adversarial input', () => {
  it('terminates on long runs of pattern-sensitive characters with valid spans', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 200, maxLength: 4000 }), fc.boolean(), (parts, bareYears) => {
        const text = parts.join('');
        const spans = detectPhi(text, { bareYears });
        let at = 0;
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(at);
          expect(s.end).toBeLessThanOrEqual(text.length);
          at = s.end;
        }
        expect(redactPhi(text).text.length).toBeGreaterThan(0);
      }),
      { numRuns: 25 },
    );
  });

  it('handles single-character floods', () => {
    for (const ch of ['1', '.', '-', '/', ':', 'a', 'A', '@', ' ', '\n']) {
      const text = ch.repeat(50_000);
      expect(Array.isArray(detectPhi(text))).toBe(true);
    }
  });
});
