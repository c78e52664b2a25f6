/**
 * Pins the engine's exact output, so a faster walk cannot quietly change what it publishes:
 * - a "kitchen sink" of resources that exercises every rule (paths, element types, extensions,
 *   contained and nested resources, references of every form, ages, dates, attachments, consent),
 *   run through the engine with a fixed key and a deterministic stand-in for the PHI module (the
 *   real one is tested on its own and changes with its own work), snapshotted line by line;
 * - the synthetic clinic through the engine with the real PHI module: the leak check finds
 *   nothing, and every id, reference and date keeps the shape the rules give it.
 */
import fc from 'fast-check';
import { DeidEngine, type LineOutcome } from '../lambdas/deid/engine';
import type { JsonObject } from '../lambdas/deid/fhir-json';
import { LeakCheck } from '../lambdas/deid/leak-check';
import { PatientContextBuilder } from '../lambdas/deid/patient-context';
import type { PhiDetector } from '../lambdas/deid/phi-port';
import { PSEUDONYM_PATTERN, Pseudonymizer } from '../lambdas/deid/pseudonym';
import { allResources, generateSyntheticClinic } from '../lambdas/local/seed/synthetic-clinic';
import { detectPhi, redactPhi } from '../lambdas/phi';
import type { KnownIdentifier, PhiSpan } from '../lambdas/phi/types';

const KEY = 'engine-output-test-key-0123456789abcdefghijklmnopqrstuvwxyz';
const YEAR = 2025;

/**
 * Stand-in PHI module: known values (whole words, any case) become [TYPE], runs of three or more
 * digits become [NUM]. Simple and stable, so the snapshot moves only when the engine does.
 */
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stubPhi: PhiDetector = {
  detectPhi: () => [],
  redactPhi(text, options) {
    const spans: PhiSpan[] = [];
    let out = text;
    const known: readonly KnownIdentifier[] = options?.known ?? [];
    for (const k of [...known].sort((a, b) => b.value.length - a.value.length)) {
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(k.value)}(?![\\p{L}\\p{N}])`, 'giu');
      out = out.replace(re, () => {
        spans.push({ type: k.type, start: 0, end: 0, rule: 'stub-known' });
        return `[${k.type}]`;
      });
    }
    out = out.replace(/\d{3,}/g, () => {
      spans.push({ type: 'OTHER_ID', start: 0, end: 0, rule: 'stub-digits' });
      return '[NUM]';
    });
    return { text: out, spans };
  },
};

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const researchConsent = (patientId: string, status: string): JsonObject => ({
  resourceType: 'Consent',
  id: `consent-${patientId}`,
  status,
  patient: { reference: `Patient/${patientId}` },
  category: [
    { coding: [{ system: 'https://wellgate.dev/fhir/CodeSystem/consent-category', code: 'research' }] },
  ],
  dateTime: '2024-05-01T10:00:00Z',
});

/** Every rule of rules.ts and every branch of the walk, at least once. */
function kitchenSink(): JsonObject[] {
  const ramona: JsonObject = {
    resourceType: 'Patient',
    id: 'pat-1',
    meta: { source: 'https://ehr.example.org', lastUpdated: '2024-03-01T10:11:12Z', versionId: '7' },
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Ramona Quimby, born 1980-06-15 &amp; MRN-778812</p><br/>ok</div>',
    },
    name: [{ use: 'official', family: 'Quimby', given: ['Ramona', 'G'] }],
    telecom: [{ system: 'phone', value: '555-201-4477', rank: 1 }],
    gender: 'female',
    birthDate: '1980-06-15',
    deceasedDateTime: '2024-01-02T03:04:05+01:00',
    multipleBirthInteger: 2,
    address: [
      {
        use: 'home',
        line: ['12 Klickitat St'],
        city: 'Portland',
        district: 'Multnomah',
        state: 'OR',
        postalCode: '97212-1234',
        country: 'US',
        period: { start: '2001-02-03' },
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/geolocation', valueString: '45,-122' }],
      },
      { state: 'NH', postalCode: '03601' },
      { country: 'CA', postalCode: 'K1A 0B1', text: '24 Sussex Dr' },
    ],
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: 'urn:mrn',
        value: 'MRN-778812',
        period: { start: '2010-05-06' },
        assigner: { reference: 'Organization/org-1', display: 'Klickitat Clinic' },
      },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'DL' }] },
        value: 'OR-D1234567',
      },
      { system: 'urn:oid:2.16.840.1.113883.4.3.41', value: 'X' },
      { system: 'https://example.org/passport-numbers', value: 'P-1' },
    ],
    extension: [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [
          { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3' } },
          { url: 'text', valueString: 'White' },
        ],
      },
      { url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'F' },
      {
        url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
        valueCode: 'unknown',
        valueDateTime: '2020-02-02T02:02:02Z',
      },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Huggins' },
      { url: 'https://example.org/unknown', valueString: 'anything' },
      'not-an-object',
    ],
    photo: [{ contentType: 'image/jpeg', data: b64('jpeg') }],
    contact: [
      {
        relationship: [{ coding: [{ code: 'N', display: 'Next-of-Kin' }], text: 'Sister' }],
        name: { family: 'Quimby', given: ['Beezus'] },
        telecom: [{ system: 'email', value: 'beezus@example.org' }],
        address: { city: 'Portland', state: 'OR', postalCode: '97212' },
      },
    ],
    communication: [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-US' }] }, preferred: true },
    ],
    generalPractitioner: [{ reference: 'Practitioner/prac-1', display: 'Dr. Henry Huggins' }],
    managingOrganization: { reference: 'https://fhir.example.org/r4/Organization/org-1/_history/3' },
    link: [{ other: { reference: 'Patient/pat-2' }, type: 'seealso' }],
  };
  const elder: JsonObject = {
    resourceType: 'Patient',
    id: 'pat-2',
    birthDate: '1921-11-30',
    extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'M' }],
    name: [{ text: 'Otis Spofford' }],
  };
  return [
    ramona,
    elder,
    { resourceType: 'Patient', id: 'pat-3', birthDate: 'unknown', active: true },
    { resourceType: 'Patient', id: 'pat-out', name: [{ family: 'Nope' }] },
    researchConsent('pat-1', 'active'),
    researchConsent('pat-2', 'active'),
    researchConsent('pat-3', 'active'),
    researchConsent('pat-out', 'inactive'),
    {
      resourceType: 'RelatedPerson',
      id: 'rp-1',
      patient: { reference: 'Patient/pat-1' },
      name: [{ family: 'Quimby', given: ['Robert'] }],
      birthDate: '1950-07-08',
      photo: [{ url: 'https://x/y.png' }],
      relationship: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH' }] },
      ],
    },
    {
      resourceType: 'Practitioner',
      id: 'prac-1',
      name: [{ family: 'Huggins', given: ['Henry'], prefix: ['Dr.'] }],
      birthDate: '1930-01-01',
      qualification: [{ code: { text: 'MD' }, period: { start: '1990-09-10' } }],
      photo: [{ contentType: 'image/png' }],
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9999912345' }],
    },
    {
      resourceType: 'Organization',
      id: 'org-1',
      name: 'Klickitat Street Clinic of Portland 97212',
      alias: ['KSC', 'Clinic 4477'],
      telecom: [{ system: 'phone', value: '555-000-1111' }],
      address: [{ line: ['1 Main St'], city: 'Portland', state: 'OR', postalCode: '97201' }],
      contact: [{ name: { family: 'Grumbie' }, purpose: { text: 'Billing office' } }],
    },
    {
      resourceType: 'Location',
      id: 'loc-1',
      name: 'Portland 12th floor',
      alias: ['Ward 12'],
      position: { longitude: -122.6, latitude: 45.5 },
      address: { city: 'Portland', state: 'OR', postalCode: '97201' },
      description: 'Near the river, ask for Ramona',
    },
    {
      resourceType: 'Observation',
      id: 'obs-1',
      meta: { lastUpdated: 'yesterday' },
      status: 'final',
      subject: { reference: 'Patient/pat-1', display: 'Ramona Quimby' },
      encounter: { reference: 'Encounter/enc-1' },
      performer: [
        { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999912345' },
        { reference: 'urn:uuid:0b9e4c1e-9f2e-4c59-9b8e-1d2f3a4b5c6d' },
        { reference: '#prac-contained', display: 'Contained one' },
        { identifier: { system: 'urn:npi', value: '555' } },
      ],
      contained: [
        { resourceType: 'Practitioner', id: 'prac-contained', name: [{ family: 'Contained' }] },
        'not-an-object',
      ],
      code: {
        coding: [{ system: 'http://loinc.org', code: '30525-0', display: 'Age' }],
        text: 'Age',
      },
      valueQuantity: { value: 95, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' },
      component: [
        { code: { text: 'Age at onset, per Ramona' }, valueQuantity: { value: 80, unit: 'a' } },
        {
          code: { coding: [{ code: 'x', display: 'X' }], text: 'Not X' },
          valueQuantity: { value: 99, unit: 'YRS' },
        },
        { valueQuantity: { value: 120, unit: 'mm[Hg]', code: 'mm[Hg]' } },
        { valueQuantity: { value: 90, comparator: '<', unit: 'kg' } },
        { valueString: 'Reported by Beezus Quimby at 555-201-4477' },
        {
          valueDateTime: '2024-02-29T23:59:59.123-08:00',
          valueTime: '10:11:12',
          valuePeriod: { end: '2024-03' },
        },
      ],
      effectivePeriod: { start: '2024-02-29', end: '2024' },
      issued: '2024-03-01T00:00:00.000Z',
      interpretation: [{ coding: [{ code: 'H', display: 'High' }] }],
      referenceRange: [{ text: 'Normal for Ramona', low: { value: 1 } }],
      note: [
        {
          authorString: 'Dr. Henry Huggins',
          authorReference: { reference: 'Practitioner/prac-1', display: 'Henry' },
          time: '2024-03-01T09:00:00Z',
          text: 'Called Ramona back on 555-201-4477.',
        },
      ],
      extension: [{ url: 'https://example.org/ext', valueString: 'dropped' }],
      modifierExtension: [{ url: 'https://example.org/mod', valueBoolean: true }],
      hasMember: [{ id: 'el-1', reference: 'Observation/obs-2', extension: [] }],
      derivedFrom: [{}, { display: 'only a display' }, null, [], 'plain string', 42, true],
      device: { reference: 'Device/dev-1' },
    },
    {
      resourceType: 'Observation',
      id: 'obs-out',
      subject: { reference: 'Patient/pat-out' },
      valueString: 'Excluded: no consent',
    },
    {
      resourceType: 'Observation',
      id: 'obs-hidden-patient',
      subject: { reference: 'Group/g-1' },
      extension: [{ url: 'https://example.org/ext', valueReference: { reference: 'Patient/pat-out' } }],
    },
    {
      resourceType: 'Observation',
      id: 'obs-walk-only',
      subject: { reference: 'Group/g-1' },
      focus: [{ reference: 'https://fhir.example.org/Patient/pat-out/_history/1' }],
    },
    {
      resourceType: 'Encounter',
      id: 'enc-1',
      subject: { reference: 'Patient/pat-1' },
      period: { start: '2024-03-01T09:00:00Z', end: '2024-03-01T10:00:00Z' },
      participant: [{ individual: { reference: 'Practitioner/prac-1', display: 'Dr. Huggins' } }],
      reasonCode: [{ text: 'Follow-up for Ramona Quimby, seen 2024-02-01' }],
      length: { value: 60, unit: 'min' },
      location: [{ location: { reference: 'Location/loc-1' }, period: { start: '2024-03-01' } }],
    },
    {
      resourceType: 'Group',
      id: 'grp-1',
      member: [{ entity: { reference: 'Patient/pat-2' } }, { entity: { reference: 'Patient/pat-1' } }],
      characteristic: [{ valueCodeableConcept: { text: 'Ramona and Otis Spofford, twins' } }],
    },
    {
      resourceType: 'DocumentReference',
      id: 'doc-1',
      subject: { reference: 'Patient/pat-1' },
      date: '2024-03-02T08:00:00Z',
      description: 'Letter for Ramona',
      content: [
        {
          attachment: {
            contentType: 'text/plain',
            data: b64('Ramona Quimby called from 555-201-4477 on 03/14/2024.'),
            url: 'https://ehr.example.org/docs/1',
            size: 123,
            hash: 'abc',
            title: 'Note for Quimby',
            creation: '2024-03-14T10:00:00Z',
            language: 'en',
          },
        },
        { attachment: { contentType: 'image/png', data: b64('\u0089PNG\r\n') } },
        { attachment: { data: b64('Plain text without a type, for Ramona') } },
        { attachment: { data: Buffer.from([0, 1, 2, 3, 255, 254]).toString('base64') } },
        { attachment: { contentType: 'application/fhir+json', data: b64('{"name":"Ramona"}') } },
      ],
    },
    {
      resourceType: 'Media',
      id: 'media-1',
      subject: { reference: 'Patient/pat-1' },
      content: { contentType: 'text/plain', data: b64('Photo caption: Ramona'), title: 'Caption' },
    },
    {
      resourceType: 'Coverage',
      id: 'cov-1',
      beneficiary: { reference: 'Patient/pat-1' },
      subscriberId: 'SUB-12345',
      identifier: [{ type: { coding: [{ code: 'MB' }] }, value: 'MEM-999' }],
      period: { start: '2023-01-01', end: '2023-12-31' },
    },
    {
      resourceType: 'Device',
      id: 'dev-1',
      patient: { reference: 'Patient/pat-1' },
      serialNumber: 'SN-1',
      lotNumber: 'LOT-2',
      udiCarrier: [{ deviceIdentifier: 'UDI-3' }],
      distinctIdentifier: 'DI-4',
      manufactureDate: '2019-05-06',
      note: [{ text: 'Implanted in Ramona' }],
    },
    { resourceType: 'Endpoint', id: 'ep-1', address: 'https://ehr.example.org/fhir', status: 'active' },
    {
      resourceType: 'AuditEvent',
      id: 'ae-1',
      recorded: '2024-03-01T10:00:00Z',
      agent: [{ who: { reference: 'Patient/pat-1' }, network: { address: '10.0.0.1', type: '2' } }],
      source: { observer: { display: 'ehr' }, site: 'Portland' },
    },
    {
      resourceType: 'ImagingStudy',
      id: 'img-1',
      subject: { reference: 'Patient/pat-1' },
      series: [{ uid: '1.2.3.4', instance: [{ uid: '1.2.3.4.5', title: 'Knee of Ramona' }] }],
    },
    {
      resourceType: 'QuestionnaireResponse',
      id: 'qr-1',
      questionnaire: 'https://forms.example.org/Questionnaire/intake|2',
      subject: { reference: 'Patient/pat-1' },
      authored: '2024-03-01',
      item: [
        {
          linkId: '1',
          text: 'Name?',
          answer: [{ valueString: 'Ramona Quimby' }, { valueDate: '1980-06-15' }],
          item: [
            { linkId: '1.1', answer: [{ valueReference: { reference: 'Patient/pat-1', display: 'Me' } }] },
          ],
        },
      ],
    },
    {
      resourceType: 'Provenance',
      id: 'prov-1',
      target: [{ reference: 'Observation/obs-1' }],
      recorded: '2024-03-01T10:00:00Z',
      signature: [{ who: { reference: 'Practitioner/prac-1' }, data: 'c2ln' }],
    },
    {
      resourceType: 'Consent',
      id: 'consent-src',
      status: 'active',
      patient: { reference: 'Patient/pat-1' },
      sourceReference: { reference: 'DocumentReference/doc-1', display: 'Signed form' },
      sourceAttachment: { contentType: 'application/pdf', data: b64('%PDF-1.4') },
    },
    {
      resourceType: 'CarePlan',
      id: 'cp-1',
      subject: { reference: 'Patient/pat-1' },
      activity: [{ detail: { description: 'Walk with Ramona daily', scheduledString: 'daily' } }],
      description: 'Plan for Ramona',
    },
    {
      resourceType: 'Communication',
      id: 'comm-1',
      subject: { reference: 'Patient/pat-1' },
      payload: [
        { contentString: 'Ramona, your results are ready.' },
        { contentAttachment: { title: 'Results' } },
      ],
      sent: '2024-03-05T12:00:00Z',
    },
    {
      resourceType: 'Bundle',
      id: 'bundle-1',
      type: 'collection',
      timestamp: '2024-03-05T12:00:00Z',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: { resourceType: 'Observation', id: 'nested-1', subject: { reference: 'Patient/pat-1' } },
        },
        {
          resource: {
            resourceType: 'Patient',
            id: 'pat-1',
            name: [{ family: 'Quimby' }],
            birthDate: '1915-01-01',
          },
        },
      ],
    },
    { resourceType: 'Binary', id: 'bin-1', contentType: 'text/plain', data: b64('Ramona') },
    {
      resourceType: 'MedicationRequest',
      id: 'mr-1',
      subject: { reference: 'Patient/pat-2' },
      dosageInstruction: [{ text: 'Take 1 tablet daily', patientInstruction: 'Otis: with food' }],
      authoredOn: '2024-01-01',
      note: 'not an annotation array',
    },
  ];
}

function runAll(
  resources: readonly JsonObject[],
  phi: PhiDetector,
  missing: 'exclude' | 'include',
): { outcomes: LineOutcome[]; engine: DeidEngine } {
  const builder = new PatientContextBuilder();
  for (const r of resources) builder.add(r);
  const engine = new DeidEngine({
    pseudonymizer: new Pseudonymizer(KEY),
    context: builder.build(missing),
    phi,
    referenceYear: YEAR,
  });
  const lines = [...resources.map((r) => JSON.stringify(r)), '', '   '];
  return { outcomes: lines.map((line) => engine.processLine(line)), engine };
}

describe('engine output, pinned', () => {
  test('every rule on the kitchen sink gives the output it gave before', () => {
    const { outcomes, engine } = runAll(kitchenSink(), stubPhi, 'exclude');
    const lines = outcomes.map((o) => (o.kind === 'kept' ? o.line : JSON.stringify(o)));
    expect(lines).toMatchSnapshot();
    expect(engine.stats).toMatchSnapshot();
  });

  test('the same with missing consent granted', () => {
    const resources = kitchenSink().filter((r) => r['resourceType'] !== 'Consent');
    const { outcomes, engine } = runAll(resources, stubPhi, 'include');
    expect(outcomes.map((o) => (o.kind === 'kept' ? o.line : JSON.stringify(o)))).toMatchSnapshot();
    expect(engine.stats).toMatchSnapshot();
  });

  test('a line’s output does not depend on the lines before it (the caches are invisible)', () => {
    const resources = kitchenSink();
    const forward = runAll(resources, stubPhi, 'exclude').outcomes;
    const builder = new PatientContextBuilder();
    for (const r of resources) builder.add(r);
    const context = builder.build('exclude');
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          resources.map((_, i) => i),
          { minLength: 1 },
        ),
        (order) => {
          const engine = new DeidEngine({
            pseudonymizer: new Pseudonymizer(KEY),
            context,
            phi: stubPhi,
            referenceYear: YEAR,
          });
          for (const i of order) expect(engine.processLine(JSON.stringify(resources[i]))).toEqual(forward[i]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('extension allow-list', () => {
  test('a url named like an Object.prototype member is not on the list', () => {
    const engine = new DeidEngine({
      pseudonymizer: new Pseudonymizer(KEY),
      context: new PatientContextBuilder().build('include'),
      phi: stubPhi,
      referenceYear: YEAR,
    });
    for (const url of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const line = `{"resourceType":"Organization","id":"o","extension":[{"url":${JSON.stringify(url)},"valueString":"Ramona Quimby"}]}`;
      const out = engine.processLine(line);
      expect(out.kind).toBe('kept');
      expect(out.kind === 'kept' ? out.line : '').not.toContain('Ramona');
    }
  });
});

describe('synthetic clinic through the engine and the real PHI module', () => {
  const clinic = generateSyntheticClinic({
    patientCount: 12,
    seed: 5,
    today: new Date('2026-06-01T00:00:00Z'),
  });
  const resources = allResources(clinic) as unknown as JsonObject[];
  const { outcomes } = runAll(resources, { detectPhi, redactPhi }, 'include');
  const kept = outcomes.flatMap((o) => (o.kind === 'kept' ? [o.line] : []));

  test('nothing the leak check knows survives', () => {
    const leaks = new LeakCheck();
    for (const r of resources) leaks.addSource(r);
    kept.forEach((line, i) => {
      leaks.checkLine(line, 'clinic.ndjson', i + 1);
    });
    expect(kept.length).toBeGreaterThan(resources.length / 2);
    expect(leaks.findings).toEqual([]);
  });

  test('ids and references are pseudonyms, dates are years', () => {
    const dates = /"\d{4}-\d{2}/;
    for (const line of kept) {
      const r = JSON.parse(line) as JsonObject;
      expect(String(r['id'])).toMatch(PSEUDONYM_PATTERN);
      for (const m of line.matchAll(/"reference":"([^"]*)"/g))
        expect(m[1]).toMatch(/^[A-Z][A-Za-z]+\/[0-9a-f]{32}$/);
      expect(line).not.toMatch(dates);
    }
  });
});
