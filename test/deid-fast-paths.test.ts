/**
 * The engine's fast paths give the same results as the straightforward code they replace: the
 * patient-reference scan against its regex, the date test against its regex, the age-quantity
 * fold against its plain statement, and the cross-patient scrub cache against redacting with the
 * patient's known values.
 */
import fc from 'fast-check';
import { DeidEngine } from '../lambdas/deid/engine';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { FHIR_DATE_WITH_MONTH, foldAgeQuantity, looksLikeFhirDate } from '../lambdas/deid/generalize';
import { PatientContextBuilder } from '../lambdas/deid/patient-context';
import { addReferencedPatients, PATIENT_REFERENCE_PATTERN } from '../lambdas/deid/patient-scan';
import { Pseudonymizer } from '../lambdas/deid/pseudonym';
import { detectPhi, redactPhi } from '../lambdas/phi';
import type { DetectOptions } from '../lambdas/phi/types';

const KEY = 'test-key-0123456789-abcdefghijklmnopqrstuvwxyz';

describe('patient reference scan', () => {
  const byRegex = (line: string): string[] =>
    [...new Set([...line.matchAll(PATIENT_REFERENCE_PATTERN)].map((m) => m[1] as string))].sort();
  const byScan = (line: string): string[] => {
    const out = new Set<string>();
    addReferencedPatients(line, out);
    return [...out].sort();
  };

  test('finds what the regex finds, on text built from the pattern’s own pieces', () => {
    const piece = fc.constantFrom(
      '"reference"',
      '"Reference"',
      'reference',
      ':',
      ' ',
      '\t',
      '\u00a0',
      '"',
      '\\"',
      'Patient/',
      'Patient',
      '/',
      'https://x/fhir/',
      'abc-1.2',
      'x'.repeat(64),
      'y',
      '?',
      ',',
      '{',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const line = pieces.join('');
        expect(byScan(line)).toEqual(byRegex(line));
      }),
      { numRuns: 5000 },
    );
  });

  test('finds references in FHIR lines, with and without a base URL', () => {
    const line = JSON.stringify({
      resourceType: 'Observation',
      subject: { reference: 'Patient/p-1' },
      performer: [{ reference: 'https://fhir.example/Patient/p-2' }, { reference: 'Practitioner/d-1' }],
      note: [{ text: 'see Patient/p-3' }],
      focus: [{ reference: `Patient/${'z'.repeat(65)}` }],
    });
    expect(byScan(line)).toEqual(['p-1', 'p-2']);
    expect(byScan(line)).toEqual(byRegex(line));
  });
});

describe('FHIR date test', () => {
  test('agrees with FHIR_DATE_WITH_MONTH on text built from date pieces, and on any string', () => {
    const piece = fc.constantFrom(
      ...'0123456789-T:.Z+x \n'.split(''),
      '12',
      '2024',
      '-01',
      '-12',
      '-13',
      '-31',
      '-32',
      '-00',
      'T10:11',
      '12:13',
      ':59',
      '.123',
      '+05:00',
      '-08:00',
      '\u0661',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const value = pieces.join('');
        expect(looksLikeFhirDate(value)).toBe(FHIR_DATE_WITH_MONTH.test(value));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(looksLikeFhirDate(value)).toBe(FHIR_DATE_WITH_MONTH.test(value));
      }),
      { numRuns: 5_000 },
    );
    for (const value of [
      '2024-02',
      '2024-02-29',
      '2024-02-29T10:11',
      '2024-02-29T10:11:12.5+05:30',
      '2024-1',
    ])
      expect(looksLikeFhirDate(value)).toBe(FHIR_DATE_WITH_MONTH.test(value));
  });
});

describe('age quantity fold', () => {
  const YEAR_UNITS = new Set(['a', 'yr', 'yrs', 'year', 'years', 'ann']);
  const plain = (q: { value?: unknown; unit?: unknown; code?: unknown }): boolean => {
    const unit = typeof q.code === 'string' ? q.code : q.unit;
    if (typeof unit !== 'string' || !YEAR_UNITS.has(unit.toLowerCase())) return false;
    return typeof q.value === 'number' && q.value > 89;
  };
  test('agrees with the plain statement (unit first) for any value, unit and code', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'A', 'yr', 'YRS', 'Year', 'years', 'ANN', 'mo', 'mm[Hg]', 'years ', 'İ', ''),
      fc.string({ maxLength: 7 }),
      fc.constant(undefined),
      fc.integer(),
    );
    const value = fc.oneof(
      fc.double(),
      fc.integer({ min: 80, max: 130 }),
      fc.constant('95'),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(value, unit, unit, (v, u, c) => {
        const q = { value: v, unit: u, code: c };
        expect(foldAgeQuantity(q)).toBe(plain(q));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('free text shared across patients', () => {
  const patient = (id: string, family: string, mrn: string): JsonObject => ({
    resourceType: 'Patient',
    id,
    name: [{ family, given: ['Ramona'] }],
    identifier: [{ system: 'urn:mrn', value: mrn }],
  });
  const observation = (patientId: string, text: string): JsonObject => ({
    resourceType: 'Observation',
    id: `obs-${patientId}-${text.length}`,
    subject: { reference: `Patient/${patientId}` },
    valueString: text,
  });

  test('a text holding none of the patient’s known values is scrubbed once for all; one holding them is not', () => {
    const patients = [patient('p-1', 'Quimby', 'MRN-778812'), patient('p-2', 'Huggins', 'MRN-551234')];
    const builder = new PatientContextBuilder();
    for (const p of patients) builder.add(p);
    const calls: Array<DetectOptions | undefined> = [];
    const engine = new DeidEngine({
      pseudonymizer: new Pseudonymizer(KEY),
      context: builder.build('include'),
      phi: {
        detectPhi,
        redactPhi: (text, options) => {
          calls.push(options);
          return redactPhi(text, options);
        },
      },
      referenceYear: 2025,
    });
    const scrubbedValue = (r: JsonObject): unknown => {
      const out = engine.processLine(JSON.stringify(r));
      return out.kind === 'kept' ? (JSON.parse(out.line) as JsonObject)['valueString'] : undefined;
    };

    const generic = 'Take 1 tablet by mouth once daily';
    expect(scrubbedValue(observation('p-1', generic))).toBe(redactPhi(generic).text);
    expect(scrubbedValue(observation('p-2', generic))).toBe(redactPhi(generic).text);
    expect(calls).toHaveLength(1);

    // The same digits-bearing text naming each patient's own MRN and surname: redacted per patient.
    for (const [id, mrn, family] of [
      ['p-1', 'MRN-778812', 'Quimby'],
      ['p-2', 'MRN-551234', 'Huggins'],
    ] as const) {
      const text = `Chart ${mrn} reviewed, 2 tablets for ${family}`;
      const out = scrubbedValue(observation(id, text));
      expect(out).not.toContain(mrn.slice(4));
      expect(out).not.toContain(family);
      expect(calls.at(-1)?.known?.length).toBeGreaterThan(0);
    }
  });
});
