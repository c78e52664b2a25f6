import fc from 'fast-check';
import { emptyCounts } from '../lambdas/deid/demographics';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import {
  biasReport,
  chooseGeneralization,
  GENERALIZATION_LADDER,
  generalizePatient,
  kAt,
  type QuasiIdentifiers,
  ResidualScanner,
} from '../lambdas/deid/validation';
import { detectPhi, redactPhi } from '../lambdas/phi';

const phi = { detectPhi, redactPhi };
const PSEUDO = 'a'.repeat(32);

describe('residual scan', () => {
  test('terminology is not free text: a code text repeating its coding display is skipped, other text is not', () => {
    const scanner = new ResidualScanner(phi, 2025);
    const coding = [{ system: 'http://loinc.org', code: '6206-7', display: 'Peanut IgE Ab in Serum' }];
    scanner.scanResource(
      { resourceType: 'Observation', id: PSEUDO, code: { coding, text: 'Peanut IgE Ab in Serum' } },
      'Observation-0.ndjson',
      1,
    );
    expect(scanner.findings).toEqual([]);
    scanner.scanResource(
      {
        resourceType: 'Observation',
        id: PSEUDO,
        code: { coding, text: 'Ordered for Mr. Jonathan Whitfield' },
      },
      'Observation-0.ndjson',
      2,
    );
    expect(scanner.findings.map((f) => f.path)).toEqual(['Observation.code.text']);
  });

  test('flags leftover PHI with rule, type and path, never the value', () => {
    const scanner = new ResidualScanner(phi, 2025);
    scanner.scanResource(
      {
        resourceType: 'Observation',
        id: PSEUDO,
        effectiveDateTime: '2024-03-14',
        note: [{ text: 'Call the patient at 555-201-4477.' }],
        subject: { reference: 'Patient/not-a-pseudonym' },
      },
      'Observation-0.ndjson',
      7,
    );
    scanner.scanResource(
      { resourceType: 'Patient', id: PSEUDO, address: [{ state: 'OR', postalCode: '97212' }], telecom: [] },
      'Patient-0.ndjson',
      1,
    );
    const found = scanner.findings.map((f) => `${f.rule}|${f.type}|${f.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'structured-date|DATE|Observation.effectiveDateTime',
        'structured-reference|OTHER_ID|Observation.subject.reference',
        'structured-zip|ZIP|Patient.address.postalCode',
        'structured-element|PHONE|Patient.telecom',
      ]),
    );
    expect(found.some((f) => f.endsWith('|PHONE|Observation.note.text'))).toBe(true);
    expect(JSON.stringify(scanner.findings)).not.toMatch(/555|97212|2024-03-14|not-a-pseudonym/);
    expect(scanner.passed).toBe(false);
  });

  test('passes de-identified output: pseudonyms, years, ZIP3, coded displays', () => {
    const scanner = new ResidualScanner(phi, 2025);
    scanner.scanResource(
      {
        resourceType: 'Patient',
        id: PSEUDO,
        birthDate: '1980',
        gender: 'female',
        address: [{ state: 'OR', postalCode: '972' }],
        maritalStatus: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
              code: 'M',
              display: 'Married',
            },
          ],
        },
      },
      'Patient-0.ndjson',
      1,
    );
    expect(scanner.findings).toEqual([]);
  });
});

describe('k-anonymity', () => {
  const qi = fc.record({
    birthYear: fc.integer({ min: 1930, max: 2020 }),
    sex: fc.constantFrom('male', 'female'),
    zip3: fc.constantFrom('972', '973', '000'),
    state: fc.constant('OR'),
  });

  test('k never decreases as the ladder generalizes, and the chosen level reaches the target', () => {
    fc.assert(
      fc.property(
        fc.array(qi, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 2, max: 10 }),
        (qis, target) => {
          const ks = GENERALIZATION_LADDER.map((level) => kAt(qis, level, 2025));
          for (let i = 1; i < ks.length; i++) expect(ks[i]).toBeGreaterThanOrEqual(ks[i - 1] as number);
          const result = chooseGeneralization(qis, target, 2025);
          if (result.passed) expect(result.kAfter).toBeGreaterThanOrEqual(target);
          else expect(ks.every((k) => k < target)).toBe(true);
        },
      ),
    );
  });

  test('generalizing a Patient replaces the birth year with a band and, at State level, drops the ZIP3', () => {
    const p: JsonObject = {
      resourceType: 'Patient',
      birthDate: '1980',
      address: [{ state: 'OR', postalCode: '972' }],
    };
    generalizePatient(p, { level: 3, age: 10, geo: 'state' }, 2025);
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      resourceType: 'Patient',
      address: [{ state: 'OR' }],
      extension: [
        { url: 'https://wellgate.dev/fhir/StructureDefinition/deid-age-band', valueString: '40-49' },
      ],
    });
  });

  test('an empty output cannot pass', () => {
    const none: QuasiIdentifiers[] = [];
    expect(chooseGeneralization(none, 5, 2025).passed).toBe(false);
  });
});

describe('bias report', () => {
  test('flags groups whose share moved more than the threshold', () => {
    const source = emptyCounts();
    const output = emptyCounts();
    source.sex = { female: 50, male: 50 };
    output.sex = { female: 30, male: 50 };
    const report = biasReport(source, output, 0.05);
    expect(report.flagged).toEqual([
      { dimension: 'sex', group: 'female', shift: -0.125 },
      { dimension: 'sex', group: 'male', shift: 0.125 },
    ]);
    expect(biasReport(source, source, 0.05).flagged).toEqual([]);
  });
});
