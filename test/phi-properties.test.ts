/**
 * Property-based checks (fast-check) for the shared PHI module: generated identifiers embedded in
 * generated clinical filler are always found, redaction leaves none of them behind, placeholders
 * are whole, spans never overlap, and clinical measurements are never flagged.
 */
import fc from 'fast-check';
import { detectPhi, type PhiType, redactPhi } from '../lambdas/phi';

const FILLER = [
  'Patient resting comfortably.',
  'BP 118/76, HR 70, afebrile.',
  'Hb 12.9 and stable.',
  'Take 2 tablets twice daily.',
  'ICD-10 I10 on the problem list.',
  'LOINC 8480-6 recorded.',
  'Lungs clear, abdomen soft.',
  'Continue current plan.',
  'No acute distress noted.',
  '',
];
const filler = fc.array(fc.constantFrom(...FILLER), { maxLength: 4 }).map((xs) => xs.join(' '));
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const date = fc
  .record({
    y: fc.integer({ min: 1900, max: 2099 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    style: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ y, m, d, style }) => {
    const month = MONTHS[m - 1] ?? 'January';
    switch (style) {
      case 0:
        return `${pad(m, 2)}/${pad(d, 2)}/${y}`;
      case 1:
        return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
      case 2:
        return `${month} ${d}, ${y}`;
      case 3:
        return `${d} ${month.slice(0, 3)} ${y}`;
      case 4:
        return `${d}-${month.slice(0, 3)}-${y}`;
      case 5:
        return `${m}/${d}/${pad(y % 100, 2)}`;
      default:
        return `${y}-${pad(m, 2)}-${pad(d, 2)}T${pad(d % 24, 2)}:${pad(m * 4, 2)}:00Z`;
    }
  });
const phone = fc
  .record({
    a: fc.integer({ min: 200, max: 989 }),
    b: fc.integer({ min: 200, max: 999 }),
    c: fc.integer({ min: 0, max: 9999 }),
    style: fc.integer({ min: 0, max: 3 }),
  })
  .map(
    ({ a, b, c, style }) =>
      [
        `(${a}) ${b}-${pad(c, 4)}`,
        `${a}-${b}-${pad(c, 4)}`,
        `${a}.${b}.${pad(c, 4)}`,
        `+1 ${a} ${b} ${pad(c, 4)}`,
      ][style] ?? '',
  );
const zip = fc.integer({ min: 501, max: 99950 }).map((z) => pad(z, 5));
const age = fc.integer({ min: 90, max: 119 });
const mrn = fc.stringMatching(/^[A-Z]{0,2}\d{6,9}$/);
const ssn = fc
  .record({
    a: fc.integer({ min: 1, max: 665 }),
    b: fc.integer({ min: 1, max: 99 }),
    c: fc.integer({ min: 1, max: 9999 }),
  })
  .map(({ a, b, c }) => `${pad(a, 3)}-${pad(b, 2)}-${pad(c, 4)}`);
const email = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/),
    fc.stringMatching(/^[a-z]{2,10}$/),
    fc.constantFrom('com', 'org', 'net'),
  )
  .map(([u, d, t]) => `${u}@${d}.${t}`);

/** Embeds `value` after `cue` inside filler; returns the text and where the value sits. */
const embed = (before: string, cue: string, value: string, after: string) => {
  const prefix = `${before} ${cue}`;
  return { text: `${prefix}${value} ${after}`, start: prefix.length, end: prefix.length + value.length };
};

function assertFoundAndRedacted(
  text: string,
  start: number,
  end: number,
  value: string,
  type: PhiType,
): void {
  const spans = detectPhi(text);
  const cover = spans.find((s) => s.start <= start && s.end >= end);
  expect(cover?.type).toBe(type);
  const out = redactPhi(text).text;
  expect(out).not.toContain(value);
  expect(out).toContain(`[${type}]`);
}

describe('generated identifiers in clinical filler', () => {
  it('finds and removes every date', () => {
    fc.assert(
      fc.property(filler, date, filler, (a, v, b) => {
        const e = embed(a, 'Seen on ', v, b);
        assertFoundAndRedacted(e.text, e.start, e.end, v, 'DATE');
      }),
    );
  });

  it('finds and removes every phone number', () => {
    fc.assert(
      fc.property(filler, phone, filler, (a, v, b) => {
        const e = embed(a, 'Call ', v, b);
        assertFoundAndRedacted(e.text, e.start, e.end, v, 'PHONE');
      }),
    );
  });

  it('finds and removes every ZIP after a state', () => {
    fc.assert(
      fc.property(filler, zip, filler, (a, v, b) => {
        const e = embed(a, 'Lives in Dunmore, PA ', v, b);
        assertFoundAndRedacted(e.text, e.start, e.end, v, 'ZIP');
      }),
    );
  });

  it('finds every age over 89 and no age under 90', () => {
    fc.assert(
      fc.property(filler, age, fc.integer({ min: 1, max: 89 }), filler, (a, old, young, b) => {
        const text = `${a} A ${old}-year-old. ${b}`;
        const start = a.length + 3;
        const cover = detectPhi(text).find((s) => s.start <= start && s.end >= start + String(old).length);
        expect(cover?.type).toBe('AGE');
        // Filler such as "BP 118/76" may hold the same digits, so check the phrase, not the number.
        expect(redactPhi(text).text).toContain('A [AGE]-year-old');
        expect(detectPhi(`${a} A ${young}-year-old. ${b}`).map((s) => s.type)).not.toContain('AGE');
      }),
    );
  });

  it('finds and removes MRNs, SSNs and e-mail addresses', () => {
    fc.assert(
      fc.property(filler, mrn, ssn, email, filler, (a, m, s, em, b) => {
        const e1 = embed(a, 'MRN: ', m, b);
        assertFoundAndRedacted(e1.text, e1.start, e1.end, m, 'MRN');
        const e2 = embed(a, 'SSN ', s, b);
        assertFoundAndRedacted(e2.text, e2.start, e2.end, s, 'SSN');
        const e3 = embed(a, 'write to ', em, b);
        assertFoundAndRedacted(e3.text, e3.start, e3.end, em, 'EMAIL');
      }),
    );
  });

  it('removes generated known identifiers wherever they appear, in any case', () => {
    const name = fc.tuple(fc.stringMatching(/^[A-Z][a-z]{3,9}$/), fc.stringMatching(/^[A-Z][a-z]{3,9}$/));
    fc.assert(
      fc.property(filler, name, fc.stringMatching(/^[A-Z]\d{5,8}$/), filler, (a, [first, last], id, b) => {
        const text = `${a} ${first.toLowerCase()} ${last.toUpperCase()} (chart ${id}). ${b} Spoke to ${last}.`;
        const out = redactPhi(text, {
          known: [
            { type: 'NAME', value: `${first} ${last}` },
            { type: 'MRN', value: id },
          ],
        }).text;
        for (const v of [first, last, id]) expect(out.toLowerCase()).not.toContain(v.toLowerCase());
      }),
    );
  });
});

describe('span and placeholder invariants', () => {
  const anyText = fc
    .array(fc.oneof(fc.constantFrom(...FILLER), date, phone, email, ssn, fc.string({ maxLength: 20 })), {
      maxLength: 8,
    })
    .map((xs) => xs.join(' '));

  it('returns sorted, non-overlapping, in-range spans', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const spans = detectPhi(text);
        let at = 0;
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(at);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.end).toBeLessThanOrEqual(text.length);
          at = s.end;
        }
      }),
    );
  });

  it('replaces each span by exactly its whole placeholder', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { text: out, spans } = redactPhi(text);
        let rebuilt = '';
        let at = 0;
        for (const s of spans) {
          rebuilt += `${text.slice(at, s.start)}[${s.type}]`;
          at = s.end;
        }
        expect(out).toBe(rebuilt + text.slice(at));
      }),
    );
  });
});

describe('clinical measurements are not PHI', () => {
  it('never flags vital signs, lab values, doses or codes', () => {
    const measurement = fc.oneof(
      fc
        .tuple(fc.integer({ min: 80, max: 220 }), fc.integer({ min: 40, max: 130 }))
        .map(([s, d]) => `BP ${s}/${d}`),
      fc
        .tuple(fc.integer({ min: 5, max: 19 }), fc.integer({ min: 0, max: 9 }))
        .map(([a, b]) => `Hb ${a}.${b}`),
      fc.integer({ min: 1, max: 4 }).map((n) => `take ${n} tablets`),
      fc.integer({ min: 0, max: 10 }).map((n) => `pain ${n}/10`),
      fc.constantFrom('ICD-10 I10', 'LOINC 8480-6', 'ICD-10 E11.9', 'K 4.1', 'Na 138', 'INR 2.3', 'SpO2 97%'),
    );
    fc.assert(
      fc.property(fc.array(measurement, { minLength: 1, maxLength: 5 }), (ms) => {
        expect(detectPhi(`${ms.join(', ')}.`)).toEqual([]);
      }),
    );
  });
});
