import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { DeidEngine } from '../lambdas/deid/engine';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import {
  ageBand,
  type BandWidth,
  foldAgeQuantity,
  looksLikeFhirDate,
  RESTRICTED_ZIP3,
  toYear,
  zip3,
} from '../lambdas/deid/generalize';
import { PatientContextBuilder } from '../lambdas/deid/patient-context';
import { PSEUDONYM_PATTERN, Pseudonymizer } from '../lambdas/deid/pseudonym';
import { AGE_BAND_EXTENSION } from '../lambdas/deid/rules';
import { detectPhi, redactPhi } from '../lambdas/phi';

const KEY = 'test-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const phi = { detectPhi, redactPhi };
const YEAR = 2025;
const research = (patientId: string, status: 'active' | 'inactive'): JsonObject => ({
  resourceType: 'Consent',
  status,
  patient: { reference: `Patient/${patientId}` },
  category: [
    { coding: [{ system: 'https://wellgate.dev/fhir/CodeSystem/consent-category', code: 'research' }] },
  ],
  dateTime: '2024-05-01T10:00:00Z',
});

function patient(overrides: JsonObject = {}): JsonObject {
  return {
    resourceType: 'Patient',
    id: 'pat-1',
    name: [{ family: 'Quimby', given: ['Ramona'] }],
    telecom: [{ system: 'phone', value: '555-201-4477' }],
    gender: 'female',
    birthDate: '1980-06-15',
    address: [{ line: ['12 Klickitat St'], city: 'Portland', state: 'OR', postalCode: '97212-1234' }],
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: 'urn:mrn',
        value: 'MRN-778812',
      },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
    ],
    extension: [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [
          {
            url: 'ombCategory',
            valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' },
          },
          { url: 'secret-sub', valueString: 'x' },
        ],
      },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Huggins' },
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
        valueAddress: { city: 'Yamhill' },
      },
      { url: 'https://example.org/unknown', valueString: 'anything' },
    ],
    ...overrides,
  };
}

function engineFor(resources: JsonObject[], missing: 'exclude' | 'include' = 'exclude'): DeidEngine {
  const b = new PatientContextBuilder();
  for (const r of resources) b.add(r);
  return new DeidEngine({
    pseudonymizer: new Pseudonymizer(KEY),
    context: b.build(missing),
    phi,
    referenceYear: YEAR,
  });
}

function run(engine: DeidEngine, resource: JsonObject): JsonObject | undefined {
  const out = engine.processLine(JSON.stringify(resource));
  return out.kind === 'kept' ? (JSON.parse(out.line) as JsonObject) : undefined;
}

describe('Safe Harbor generalizations (property-based)', () => {
  test('ZIP codes keep three digits, "000" for the 17 low-population prefixes, nothing for non-US codes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5}(-\d{4})?$/), (zip) => {
        const out = zip3(zip);
        const prefix = zip.slice(0, 3);
        expect(out).toBe(RESTRICTED_ZIP3.has(prefix) ? '000' : prefix);
      }),
    );
    for (const restricted of RESTRICTED_ZIP3) expect(zip3(`${restricted}42`)).toBe('000');
    expect(RESTRICTED_ZIP3.size).toBe(17);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]\d[A-Z] \d[A-Z]\d$/), (canadian) =>
        expect(zip3(canadian)).toBeUndefined(),
      ),
    );
  });

  test('every FHIR date, dateTime and instant keeps only its year', () => {
    const date = fc
      .record({
        y: fc.integer({ min: 1900, max: 2099 }),
        m: fc.integer({ min: 1, max: 12 }),
        d: fc.integer({ min: 1, max: 28 }),
        h: fc.integer({ min: 0, max: 23 }),
        form: fc.constantFrom('month', 'date', 'dateTime', 'instant'),
      })
      .map(({ y, m, d, h, form }) => {
        const ymd = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        if (form === 'month') return ymd.slice(0, 7);
        if (form === 'date') return ymd;
        if (form === 'dateTime') return `${ymd}T${String(h).padStart(2, '0')}:15:00-05:00`;
        return `${ymd}T${String(h).padStart(2, '0')}:15:00.123Z`;
      });
    fc.assert(
      fc.property(date, (value) => {
        expect(looksLikeFhirDate(value)).toBe(true);
        expect(toYear(value)).toBe(value.slice(0, 4));
        const engine = engineFor([], 'include');
        const out = run(engine, {
          resourceType: 'Observation',
          id: 'o',
          effectiveDateTime: value,
          issued: value,
        });
        expect(out?.['effectiveDateTime']).toBe(value.slice(0, 4));
        expect(out?.['issued']).toBe(value.slice(0, 4));
      }),
    );
  });

  test('ages over 89 fold into one "90+" band; Age quantities over 89 become >= 90', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 130 }),
        fc.constantFrom<BandWidth>(5, 10, 20, 'broad'),
        (age, width) => {
          const band = ageBand(age, width);
          if (age > 89) expect(band).toBe('90+');
          else expect(band).not.toBe('90+');
        },
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 130 }), (age) => {
        expect(foldAgeQuantity({ value: age, unit: 'a' })).toBe(age > 89);
      }),
    );
    const engine = engineFor([], 'include');
    const obs = run(engine, {
      resourceType: 'Condition',
      id: 'c',
      onsetAge: { value: 93, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
    });
    expect(obs?.['onsetAge']).toMatchObject({ value: 90, comparator: '>=' });
  });

  test('a birth date of someone over 89 becomes the 90+ band, with no year left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: YEAR }), (year) => {
        const p = patient({ id: `p${year}`, birthDate: `${year}-02-03` });
        const engine = engineFor([p, research(`p${year}`, 'active')]);
        const out = run(engine, p) as JsonObject;
        const band = (out['extension'] as JsonObject[]).find((e) => e['url'] === AGE_BAND_EXTENSION);
        if (YEAR - year > 89) {
          expect(out['birthDate']).toBeUndefined();
          expect(band?.['valueString']).toBe('90+');
        } else {
          expect(out['birthDate']).toBe(String(year));
          expect(band).toBeUndefined();
        }
      }),
      { numRuns: 60 },
    );
  });

  test('pseudonyms are keyed HMAC-SHA256, deterministic, FHIR-id shaped and key-dependent', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (id) => {
        const a = new Pseudonymizer(KEY).resourceId('Patient', id);
        expect(a).toMatch(PSEUDONYM_PATTERN);
        expect(a).toBe(createHmac('sha256', KEY).update(`Patient\u0000${id}`).digest('hex').slice(0, 32));
        expect(new Pseudonymizer(`${KEY}-other`).resourceId('Patient', id)).not.toBe(a);
        expect(new Pseudonymizer(KEY).resourceId('Encounter', id)).not.toBe(a);
      }),
    );
    expect(() => new Pseudonymizer('short')).toThrow('at least 32 bytes');
  });
});

describe('structured rules per element type', () => {
  const p = patient();
  const engine = engineFor([p, research('pat-1', 'active')]);
  const out = run(engine, p) as JsonObject;

  test('a free-text property holding several strings has each one scrubbed', () => {
    const obs = run(engine, {
      resourceType: 'Observation',
      id: 'obs-comments',
      status: 'final',
      subject: { reference: 'Patient/pat-1' },
      comment: ['Call Ramona Quimby at 555-201-4477', 'Seen 03/14/2021 at the clinic'],
    }) as JsonObject;
    const comments = obs['comment'] as string[];
    expect(comments).toHaveLength(2);
    expect(JSON.stringify(comments)).not.toMatch(/Ramona|Quimby|4477|03\/14/);
    expect(comments[0]).toContain('[NAME]');
  });

  test('strings in nested arrays under a free-text property are scrubbed too', () => {
    const obs = run(engine, {
      resourceType: 'Observation',
      id: 'obs-nested',
      status: 'final',
      subject: { reference: 'Patient/pat-1' },
      comment: [['Call Ramona Quimby at 555-201-4477', ['Ramona said 555-201-4477']]],
    }) as JsonObject;
    expect(JSON.stringify(obs['comment'])).not.toMatch(/Ramona|Quimby|4477/);
  });

  test('HumanName and ContactPoint are removed; the Patient id is a pseudonym', () => {
    expect(out['name']).toBeUndefined();
    expect(out['telecom']).toBeUndefined();
    expect(out['id']).toBe(new Pseudonymizer(KEY).resourceId('Patient', 'pat-1'));
  });

  test('Address keeps the State and ZIP3 only', () => {
    expect(out['address']).toEqual([{ state: 'OR', postalCode: '972' }]);
  });

  test('an MRN becomes a pseudonym; an SSN identifier is removed outright', () => {
    const identifiers = out['identifier'] as JsonObject[];
    expect(identifiers).toHaveLength(1);
    expect(identifiers[0]?.['system']).toBe('urn:mrn');
    expect(identifiers[0]?.['value']).toMatch(PSEUDONYM_PATTERN);
    expect(JSON.stringify(out)).not.toContain('6789');
  });

  test('extensions are allow-listed: race stays (without unknown sub-extensions), the rest goes', () => {
    const urls = (out['extension'] as JsonObject[]).map((e) => e['url']);
    expect(urls).toEqual(['http://hl7.org/fhir/us/core/StructureDefinition/us-core-race']);
    const race = (out['extension'] as JsonObject[])[0] as JsonObject;
    expect((race['extension'] as JsonObject[]).map((e) => e['url'])).toEqual(['ombCategory']);
    expect(JSON.stringify(out)).not.toMatch(/Huggins|Yamhill/);
  });

  test('references get the pseudonym of their target; Reference.display goes, Coding.display stays', () => {
    const obs = run(engine, {
      resourceType: 'Observation',
      id: 'obs-1',
      subject: { reference: 'Patient/pat-1', display: 'Ramona Quimby' },
      performer: [{ reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999912345' }],
      code: {
        coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }],
        text: 'Body height',
      },
    }) as JsonObject;
    expect(obs['subject']).toEqual({ reference: `Patient/${out['id']}` });
    expect((obs['performer'] as JsonObject[])[0]?.['reference']).toMatch(/^Practitioner\/[0-9a-f]{32}$/);
    expect(JSON.stringify(obs['code'])).toContain('Body height');
  });

  test('free text: narrative, notes, Communication payloads and text attachments are scrubbed with known identifiers', () => {
    const note = 'Ramona Quimby called from 555-201-4477 on 03/14/2024 about her MRN-778812.';
    const doc = run(engine, {
      resourceType: 'DocumentReference',
      id: 'doc-1',
      subject: { reference: 'Patient/pat-1' },
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${note}</p></div>` },
      content: [
        {
          attachment: {
            contentType: 'text/plain',
            data: Buffer.from(note).toString('base64'),
            url: 'https://ehr.example.org/docs/1',
            hash: 'abc',
          },
        },
        {
          attachment: {
            contentType: 'image/png',
            data: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
          },
        },
      ],
    }) as JsonObject;
    const comm = run(engine, {
      resourceType: 'Communication',
      id: 'c-1',
      subject: { reference: 'Patient/pat-1' },
      payload: [{ contentString: 'Ramona, your results are ready.' }],
      note: [{ authorString: 'Dr. Henry Huggins', text: 'Left a voicemail for Quimby.' }],
    }) as JsonObject;
    const attachments = (doc['content'] as JsonObject[]).map((c) => c['attachment'] as JsonObject);
    const scrubbed = Buffer.from(String(attachments[0]?.['data']), 'base64').toString('utf8');
    for (const text of [scrubbed, JSON.stringify(doc['text']), JSON.stringify(comm)]) {
      expect(text).not.toMatch(/Ramona|Quimby|555-201-4477|03\/14\/2024|778812|Huggins/);
    }
    expect(scrubbed).toContain('[NAME]');
    expect(attachments[0]).not.toHaveProperty('url');
    expect(attachments[0]).not.toHaveProperty('hash');
    expect(attachments[1]).toEqual({ contentType: 'image/png' });
  });
});

describe('consent', () => {
  const granted = patient({ id: 'in' });
  const revoked = patient({ id: 'out' });
  const silent = patient({ id: 'silent' });
  const engine = engineFor([granted, revoked, silent, research('in', 'active'), research('out', 'inactive')]);

  test('patients whose research consent is not active are excluded with all their resources', () => {
    expect(run(engine, granted)).toBeDefined();
    expect(run(engine, revoked)).toBeUndefined();
    expect(run(engine, silent)).toBeUndefined();
    for (const id of ['out', 'silent'])
      expect(
        run(engine, { resourceType: 'Encounter', id: `e-${id}`, subject: { reference: `Patient/${id}` } }),
      ).toBeUndefined();
    expect(
      run(engine, { resourceType: 'Encounter', id: 'e-in', subject: { reference: 'Patient/in' } }),
    ).toBeDefined();
    expect(engine.stats.patientsExcluded).toBe(2);
  });

  test('the latest research Consent decides', () => {
    const p = patient({ id: 'changed' });
    const later = { ...research('changed', 'inactive'), dateTime: '2025-01-01T00:00:00Z' };
    const e = engineFor([p, research('changed', 'active'), later]);
    expect(run(e, p)).toBeUndefined();
  });
});

describe('questionnaire responses', () => {
  test('the form URL goes, the answers stay scrubbed, and the subject link survives as a pseudonym', () => {
    const p = patient();
    const engine = engineFor([p, research(String(p['id']), 'active')]);
    const out = run(engine, {
      resourceType: 'QuestionnaireResponse',
      id: 'qr-1',
      status: 'completed',
      questionnaire: 'https://forms.example-clinic.org/Questionnaire/intake|2',
      subject: { reference: `Patient/${String(p['id'])}` },
      item: [{ linkId: 'reason', answer: [{ valueString: 'Knee pain since the fall' }] }],
    });
    expect(out).toBeDefined();
    expect(out?.['questionnaire']).toBeUndefined();
    expect(JSON.stringify(out)).toContain('Knee pain since the fall');
    expect(JSON.stringify(out)).not.toContain(String(p['id']));
  });
});

describe('patient context', () => {
  test('an identifier or telecom code named like an Object member gets no type from the prototype', () => {
    const b = new PatientContextBuilder();
    b.add(
      patient({
        identifier: [{ type: { coding: [{ code: 'constructor' }] }, value: 'ZX-4471-QQ' }],
        telecom: [{ system: 'toString', value: 'zx-contact-889' }],
      }),
    );
    const known = b.build('include').get('pat-1')?.known ?? [];
    expect(known).toContainEqual({ type: 'OTHER_ID', value: 'ZX-4471-QQ' });
    expect(known).toContainEqual({ type: 'OTHER_ID', value: 'zx-contact-889' });
  });
});
