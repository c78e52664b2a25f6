import type {
  Appointment,
  CareTeam,
  Consent,
  MedicationRequest,
  Observation,
  ObservationReferenceRange,
  Patient,
  Practitioner,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { CONSENT_CATEGORY_SYSTEM } from '../../core/consent-categories';
import { SeededRandom } from './prng';

/**
 * A synthetic clinic, generated in code from a seed: every name, address, phone number and MRN is
 * made up (phones in the 555-01xx range reserved for fiction), so nothing here is anyone's PHI and
 * the data never has to be copied into the repository.
 */
export interface SyntheticClinic {
  readonly practitioners: readonly Practitioner[];
  readonly patients: readonly Patient[];
  readonly careTeams: readonly CareTeam[];
  readonly observations: readonly Observation[];
  readonly medicationRequests: readonly MedicationRequest[];
  readonly schedules: readonly Schedule[];
  readonly slots: readonly Slot[];
  readonly appointments: readonly Appointment[];
  readonly consents: readonly Consent[];
}

export interface SyntheticClinicOptions {
  readonly seed?: number;
  readonly patientCount?: number;
  /** The day the clinic is generated for: history runs back six months, slots two weeks forward. */
  readonly today?: Date;
}

export const MRN_SYSTEM = 'https://wellgate.dev/fhir/identifier/mrn';
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const GIVEN_NAMES = [
  'Amara',
  'Bruno',
  'Celeste',
  'Dmitri',
  'Elif',
  'Farrah',
  'Gideon',
  'Hollis',
  'Ines',
  'Joaquin',
  'Kiri',
  'Lorcan',
  'Marisol',
  'Nikolai',
  'Odalys',
  'Percival',
  'Quilla',
  'Rosalind',
  'Soren',
  'Thandiwe',
] as const;
const FAMILY_NAMES = [
  'Abernathy',
  'Balogun',
  'Castellanos',
  'Dunleavy',
  'Eriksdottir',
  'Fairweather',
  'Gallardo',
  'Hargreaves',
  'Ishikawa',
  'Jankowski',
  'Kavanagh',
  'Lindqvist',
  'Montgomery',
  'Nakashima',
  'Okonkwo',
  'Pemberton',
] as const;
const STREETS = [
  'Juniper Hollow',
  'Quarry Bend',
  'Larkspur Row',
  'Tidewater Lane',
  'Foxglove Court',
  'Millrace Way',
] as const;
const CITIES = [
  { city: 'Brookhaven', state: 'MA', postalCode: '01842' },
  { city: 'Cedar Falls', state: 'MA', postalCode: '02134' },
  { city: 'Westmoor', state: 'NH', postalCode: '03301' },
] as const;
const PRACTITIONERS = [
  { given: 'Imogen', family: 'Thistlewood', qualification: 'MD', specialty: 'Family medicine' },
  { given: 'Rafael', family: 'Quintero-Hale', qualification: 'MD', specialty: 'Internal medicine' },
  { given: 'Wren', family: 'Achterberg', qualification: 'NP', specialty: 'Cardiology' },
] as const;
const MEDICATIONS = [
  { rxnorm: '314076', display: 'lisinopril 10 MG Oral Tablet', dosage: 'Take 1 tablet by mouth once daily' },
  {
    rxnorm: '861007',
    display: 'metformin hydrochloride 500 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth twice daily with meals',
  },
  {
    rxnorm: '617312',
    display: 'atorvastatin 20 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth at bedtime',
  },
  { rxnorm: '197361', display: 'amlodipine 5 MG Oral Tablet', dosage: 'Take 1 tablet by mouth once daily' },
  {
    rxnorm: '966224',
    display: 'levothyroxine sodium 0.05 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth every morning',
  },
] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deterministic for a given seed, patient count and day. */
export function generateSyntheticClinic(options: SyntheticClinicOptions = {}): SyntheticClinic {
  const random = new SeededRandom(options.seed ?? 20240601);
  const patientCount = options.patientCount ?? 10;
  const today = startOfUtcDay(options.today ?? new Date());
  // Practitioner and patient ids come from their own stream, drawn first: they stay the same
  // whatever else the generator learns to produce, so saved user links keep pointing at them.
  const idStream = new SeededRandom((options.seed ?? 20240601) ^ 0x9e3779b9);
  const practitionerIds = PRACTITIONERS.map(() => idStream.uuid());
  const patientIds = Array.from({ length: patientCount }, () => idStream.uuid());

  const practitioners = PRACTITIONERS.map(
    (spec, index): Practitioner => ({
      resourceType: 'Practitioner',
      id: practitionerIds[index],
      active: true,
      identifier: [{ system: NPI_SYSTEM, value: `1${random.digits(9)}` }],
      name: [
        {
          use: 'official',
          family: spec.family,
          given: [spec.given],
          prefix: spec.qualification === 'MD' ? ['Dr.'] : [],
        },
      ],
      qualification: [{ code: { text: spec.qualification } }],
      telecom: [{ system: 'phone', value: `555-01${random.digits(2)}`, use: 'work' }],
    }),
  );

  const patients: Patient[] = [];
  const careTeams: CareTeam[] = [];
  const observations: Observation[] = [];
  const medicationRequests: MedicationRequest[] = [];
  for (let index = 0; index < patientCount; index++) {
    const patient = syntheticPatient(random, patientIds[index] ?? random.uuid(), index, today);
    patients.push(patient);
    // Patients alternate between the first two practitioners' panels; the third is on every team
    // as a consulting clinician. Demo patients 1 and 2 therefore have different primary clinicians.
    const primary = practitioners[index % 2];
    const consulting = practitioners[2];
    if (primary === undefined || consulting === undefined) throw new Error('practitioner list too short');
    careTeams.push(careTeam(random, patient, [primary, consulting]));
    observations.push(...vitalSigns(random, patient, today), ...labResults(random, patient, today));
    medicationRequests.push(...medications(random, patient, primary, today));
  }

  const schedules = practitioners.map(
    (practitioner): Schedule => ({
      resourceType: 'Schedule',
      id: random.uuid(),
      active: true,
      actor: [{ reference: `Practitioner/${practitioner.id}`, display: displayName(practitioner) }],
      planningHorizon: {
        start: today.toISOString(),
        end: new Date(today.getTime() + 14 * DAY_MS).toISOString(),
      },
      comment: 'Clinic hours',
    }),
  );
  const { slots, appointments } = slotsAndAppointments(random, schedules, practitioners, patients, today);

  return {
    practitioners,
    patients,
    careTeams,
    observations,
    medicationRequests,
    schedules,
    slots,
    appointments,
    consents: seededConsents(patients, today),
  };
}

/**
 * Opt-in consents, so local mode shows both sides of each gate: every patient but the second
 * (demo-patient-2) allows the assistant, and all but the third and fourth allow research use,
 * so a local training run shows consent exclusion. No random draws: the ids of everything else
 * stay what they were.
 */
function seededConsents(patients: readonly Patient[], today: Date): Consent[] {
  const granted = (index: number, category: 'ai-assistant' | 'research'): boolean =>
    category === 'ai-assistant' ? index !== 1 : index !== 2 && index !== 3;
  const dateTime = new Date(today.getTime() - 30 * DAY_MS).toISOString();
  return patients.flatMap((patient, index) =>
    (['ai-assistant', 'research'] as const)
      .filter((category) => granted(index, category))
      .map(
        (category): Consent => ({
          resourceType: 'Consent',
          id: `consent-${category}-${patient.id}`,
          status: 'active',
          scope: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/consentscope',
                code: category === 'research' ? 'research' : 'patient-privacy',
              },
            ],
          },
          category: [{ coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: category }] }],
          patient: { reference: `Patient/${patient.id}` },
          dateTime,
          policyRule: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
          },
        }),
      ),
  );
}

/** Every resource, in an order where references point backwards (practitioners first). */
export function allResources(clinic: SyntheticClinic): Resource[] {
  return [
    ...clinic.practitioners,
    ...clinic.patients,
    ...clinic.careTeams,
    ...clinic.observations,
    ...clinic.medicationRequests,
    ...clinic.schedules,
    ...clinic.slots,
    ...clinic.appointments,
    ...clinic.consents,
  ];
}

/** The direct identifiers the seed contains, for tests that scan logs for PHI. */
export function seededIdentifiers(clinic: SyntheticClinic): string[] {
  const values = new Set<string>();
  for (const patient of clinic.patients) {
    for (const name of patient.name ?? []) {
      if (name.family) values.add(name.family);
      for (const given of name.given ?? []) values.add(given);
    }
    for (const identifier of patient.identifier ?? []) if (identifier.value) values.add(identifier.value);
    for (const telecom of patient.telecom ?? []) if (telecom.value) values.add(telecom.value);
    for (const address of patient.address ?? []) for (const line of address.line ?? []) values.add(line);
    if (patient.birthDate) values.add(patient.birthDate);
  }
  return [...values];
}

function syntheticPatient(random: SeededRandom, id: string, index: number, today: Date): Patient {
  const gender = random.pick(['female', 'male'] as const);
  const given = GIVEN_NAMES[(index * 7 + random.int(0, 2)) % GIVEN_NAMES.length] ?? 'Alex';
  const family = FAMILY_NAMES[(index * 5 + random.int(0, 3)) % FAMILY_NAMES.length] ?? 'Doe';
  const age = random.int(24, 86);
  const birth = new Date(today.getTime() - (age * 365.25 + random.int(0, 364)) * DAY_MS);
  const place = random.pick(CITIES);
  return {
    resourceType: 'Patient',
    id,
    active: true,
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: MRN_SYSTEM,
        value: `MRN${random.digits(7)}`,
      },
    ],
    name: [{ use: 'official', family, given: [given] }],
    gender,
    birthDate: isoDate(birth),
    telecom: [
      { system: 'phone', value: `555-01${String(10 + index).padStart(2, '0')}`, use: 'mobile' },
      { system: 'email', value: `${given.toLowerCase()}.${family.toLowerCase()}@example.test`, use: 'home' },
    ],
    address: [
      {
        use: 'home',
        line: [`${random.int(10, 980)} ${random.pick(STREETS)}`],
        city: place.city,
        state: place.state,
        postalCode: place.postalCode,
        country: 'US',
      },
    ],
    communication: [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-US' }] }, preferred: true },
    ],
  };
}

function careTeam(random: SeededRandom, patient: Patient, members: readonly Practitioner[]): CareTeam {
  return {
    resourceType: 'CareTeam',
    id: random.uuid(),
    status: 'active',
    name: 'Primary care team',
    subject: { reference: `Patient/${patient.id}` },
    participant: members.map((member, position) => ({
      role: [{ text: position === 0 ? 'Primary care clinician' : 'Consulting clinician' }],
      member: { reference: `Practitioner/${member.id}`, display: displayName(member) },
    })),
  };
}

/** Every two weeks for six months: blood pressure panel, heart rate, body weight. */
function vitalSigns(random: SeededRandom, patient: Patient, today: Date): Observation[] {
  const hypertensive = random.chance(0.5);
  const systolicBase = hypertensive ? random.int(132, 148) : random.int(108, 122);
  const diastolicBase = hypertensive ? random.int(84, 94) : random.int(68, 78);
  const heartRateBase = random.int(62, 84);
  let weight = random.int(55, 105) + random.next();
  const result: Observation[] = [];
  for (let visit = 12; visit >= 0; visit--) {
    const when = new Date(today.getTime() - visit * 14 * DAY_MS + random.int(13, 17) * 60 * 60 * 1000);
    // A slow downward trend for hypertensive patients: treatment working, visible in the series.
    const drift = hypertensive ? (12 - visit) * -0.8 : 0;
    const systolic = Math.round(random.normal(systolicBase + drift, 4));
    const diastolic = Math.round(random.normal(diastolicBase + drift / 2, 3));
    result.push({
      ...observationBase(random, patient, 'vital-signs', when),
      code: loinc('85354-9', 'Blood pressure panel with all children optional'),
      component: [
        {
          code: loinc('8480-6', 'Systolic blood pressure'),
          valueQuantity: quantity(systolic, 'mm[Hg]'),
          referenceRange: [range(90, 120, 'mm[Hg]')],
        },
        {
          code: loinc('8462-4', 'Diastolic blood pressure'),
          valueQuantity: quantity(diastolic, 'mm[Hg]'),
          referenceRange: [range(60, 80, 'mm[Hg]')],
        },
      ],
    });
    result.push({
      ...observationBase(random, patient, 'vital-signs', when),
      code: loinc('8867-4', 'Heart rate'),
      valueQuantity: quantity(Math.round(random.normal(heartRateBase, 5)), '/min'),
      referenceRange: [range(60, 100, '/min')],
    });
    weight += random.normal(-0.1, 0.6);
    result.push({
      ...observationBase(random, patient, 'vital-signs', when),
      code: loinc('29463-7', 'Body weight'),
      valueQuantity: quantity(Math.round(weight * 10) / 10, 'kg'),
    });
  }
  return result;
}

/** Quarterly HbA1c and LDL cholesterol: two results each within six months. */
function labResults(random: SeededRandom, patient: Patient, today: Date): Observation[] {
  const diabetic = random.chance(0.4);
  const result: Observation[] = [];
  for (const monthsAgo of [5, 2]) {
    const when = new Date(today.getTime() - monthsAgo * 30 * DAY_MS + random.int(8, 11) * 60 * 60 * 1000);
    const a1c = diabetic ? random.normal(7.4 - (5 - monthsAgo) * 0.15, 0.3) : random.normal(5.3, 0.2);
    result.push({
      ...observationBase(random, patient, 'laboratory', when),
      code: loinc('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'),
      valueQuantity: quantity(Math.round(a1c * 10) / 10, '%'),
      referenceRange: [{ high: { value: 5.6, unit: '%', system: UCUM, code: '%' }, text: 'Below 5.7%' }],
    });
    result.push({
      ...observationBase(random, patient, 'laboratory', when),
      code: loinc('13457-7', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation'),
      valueQuantity: quantity(Math.round(random.normal(diabetic ? 118 : 96, 14)), 'mg/dL'),
      referenceRange: [
        { high: { value: 99, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }, text: 'Below 100 mg/dL' },
      ],
    });
  }
  return result;
}

function medications(
  random: SeededRandom,
  patient: Patient,
  prescriber: Practitioner,
  today: Date,
): MedicationRequest[] {
  const count = random.int(1, 3);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(random.int(0, MEDICATIONS.length - 1));
  return [...chosen].map((medicationIndex): MedicationRequest => {
    const medication = MEDICATIONS[medicationIndex] ?? MEDICATIONS[0];
    return {
      resourceType: 'MedicationRequest',
      id: random.uuid(),
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [{ system: RXNORM, code: medication.rxnorm, display: medication.display }],
        text: medication.display,
      },
      subject: { reference: `Patient/${patient.id}` },
      authoredOn: isoDate(new Date(today.getTime() - random.int(30, 400) * DAY_MS)),
      requester: { reference: `Practitioner/${prescriber.id}`, display: displayName(prescriber) },
      dosageInstruction: [{ text: medication.dosage }],
      dispenseRequest: {
        numberOfRepeatsAllowed: random.int(0, 5),
        quantity: { value: 30, unit: 'tablet' },
        expectedSupplyDuration: { value: 30, unit: 'days', system: UCUM, code: 'd' },
      },
    };
  });
}

/**
 * Hourly 30-minute slots on weekdays over the next two weeks, 14:00-21:00 UTC (clinic hours in US
 * Eastern). About a fifth are busy; a few of those hold booked appointments of seeded patients.
 */
function slotsAndAppointments(
  random: SeededRandom,
  schedules: readonly Schedule[],
  practitioners: readonly Practitioner[],
  patients: readonly Patient[],
  today: Date,
): { slots: Slot[]; appointments: Appointment[] } {
  const slots: Slot[] = [];
  const appointments: Appointment[] = [];
  for (let day = 1; day <= 14; day++) {
    const date = new Date(today.getTime() + day * DAY_MS);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    for (const [scheduleIndex, schedule] of schedules.entries()) {
      for (let hour = 14; hour < 21; hour++) {
        const start = new Date(date.getTime() + hour * 60 * 60 * 1000);
        const end = new Date(start.getTime() + 30 * 60 * 1000);
        const busy = random.chance(0.2);
        const slot: Slot = {
          resourceType: 'Slot',
          id: random.uuid(),
          schedule: { reference: `Schedule/${schedule.id}` },
          status: busy ? 'busy' : 'free',
          start: start.toISOString(),
          end: end.toISOString(),
          serviceType: [{ text: 'Office visit' }],
        };
        slots.push(slot);
        const practitioner = practitioners[scheduleIndex];
        if (
          busy &&
          practitioner !== undefined &&
          appointments.length < Math.min(5, patients.length) &&
          random.chance(0.3)
        ) {
          const patient = patients[appointments.length];
          if (patient === undefined) continue;
          appointments.push({
            resourceType: 'Appointment',
            id: random.uuid(),
            status: 'booked',
            slot: [{ reference: `Slot/${slot.id}` }],
            start: slot.start,
            end: slot.end,
            minutesDuration: 30,
            serviceType: [{ text: 'Office visit' }],
            participant: [
              { actor: { reference: `Patient/${patient.id}` }, status: 'accepted', required: 'required' },
              {
                actor: { reference: `Practitioner/${practitioner.id}` },
                status: 'accepted',
                required: 'required',
              },
            ],
          });
        }
      }
    }
  }
  return { slots, appointments };
}

function observationBase(
  random: SeededRandom,
  patient: Patient,
  category: 'vital-signs' | 'laboratory',
  when: Date,
): Pick<
  Observation,
  'resourceType' | 'id' | 'status' | 'category' | 'subject' | 'effectiveDateTime' | 'issued'
> {
  return {
    resourceType: 'Observation',
    id: random.uuid(),
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: category }] }],
    subject: { reference: `Patient/${patient.id}` },
    effectiveDateTime: when.toISOString(),
    issued: when.toISOString(),
  };
}

function loinc(code: string, display: string) {
  return { coding: [{ system: LOINC, code, display }], text: display };
}

function quantity(value: number, unit: string) {
  return { value, unit, system: UCUM, code: unit };
}

function range(low: number, high: number, unit: string): ObservationReferenceRange {
  return { low: quantity(low, unit), high: quantity(high, unit) };
}

function displayName(practitioner: Practitioner): string {
  const name = practitioner.name?.[0];
  return [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
