/**
 * The calling patient's minimum necessary context for one message, chosen by intent: upcoming
 * appointments for scheduling, active medication names for refills, result names for results
 * questions. The patient id always comes from the verified caller (never from the request), every
 * resource is checked to belong to that patient, and dates and clinician names go in as
 * placeholders. Dosage instructions are never attached: dosing advice is out of scope.
 */
import type { Appointment, MedicationRequest, Observation } from '@medplum/fhirtypes';
import { patientIdOf } from '../core/policy';
import type { FhirStore } from '../core/ports';
import { appointmentPatientRef, appointmentPractitioner } from '../core/services/fhir-views';
import type { Intent } from './intent';
import type { PlaceholderMap } from './minimizer';

export interface AppointmentContext {
  /** Reference the model may use, e.g. APPT_1. */
  readonly ref: string;
  readonly appointmentId: string;
  /** Placeholder for the start time. */
  readonly when: string;
  /** Placeholder for the clinician's name. */
  readonly clinician?: string;
  readonly status: string;
}

export interface MedicationContext {
  /** Reference the model uses to propose a refill, e.g. MED_1. */
  readonly ref: string;
  readonly medicationId: string;
  readonly name: string;
}

export interface ResultContext {
  readonly name: string;
  /** Placeholder for the date of the latest result. */
  readonly when: string;
}

export interface PatientContext {
  readonly appointments?: readonly AppointmentContext[];
  readonly medications?: readonly MedicationContext[];
  readonly results?: readonly ResultContext[];
}

/** Which context each intent needs; everything else stays out of the prompt. */
const NEEDS: Readonly<Record<Intent, ReadonlyArray<keyof PatientContext>>> = {
  'prompt-injection': [],
  'other-patient': [],
  dosing: [],
  refill: ['medications'],
  scheduling: ['appointments'],
  results: ['results'],
  billing: [],
  symptom: ['appointments'],
  'small-talk': [],
  unknown: [],
};

const MAX_ITEMS = 5;
const RESULTS_WINDOW_DAYS = 183;
const UPCOMING = new Set(['proposed', 'pending', 'booked']);

export async function loadContext(
  fhir: FhirStore,
  patientId: string,
  intents: readonly Intent[],
  now: Date,
  map: PlaceholderMap,
  timeZone = 'UTC',
): Promise<PatientContext> {
  const needs = new Set(intents.flatMap((intent) => NEEDS[intent]));
  const subject = `Patient/${patientId}`;
  const [appointments, medications, observations] = await Promise.all([
    needs.has('appointments')
      ? fhir.search('Appointment', { patient: subject, date: `ge${now.toISOString()}`, _sort: 'date' })
      : Promise.resolve([] as Appointment[]),
    needs.has('medications')
      ? fhir.search('MedicationRequest', { subject, status: 'active' })
      : Promise.resolve([] as MedicationRequest[]),
    needs.has('results')
      ? fhir.search('Observation', {
          subject,
          date: `ge${new Date(now.getTime() - RESULTS_WINDOW_DAYS * 86_400_000).toISOString()}`,
          _sort: '-date',
        })
      : Promise.resolve([] as Observation[]),
  ]);
  const context: {
    appointments?: AppointmentContext[];
    medications?: MedicationContext[];
    results?: ResultContext[];
  } = {};
  if (needs.has('appointments')) {
    context.appointments = appointments
      // Defence in depth: the search is by patient, and each result is checked again.
      .filter((a) => patientIdOf(appointmentPatientRef(a)) === patientId && UPCOMING.has(a.status))
      .filter((a) => a.start !== undefined && Date.parse(a.start) > now.getTime())
      .slice(0, MAX_ITEMS)
      .map((a, index) => {
        const practitioner = appointmentPractitioner(a);
        return {
          ref: `APPT_${index + 1}`,
          appointmentId: a.id ?? '',
          when: map.tokenFor('DATE', formatWhen(a.start ?? '', timeZone)),
          ...(practitioner.name ? { clinician: map.tokenFor('CLINICIAN', practitioner.name) } : {}),
          status: a.status,
        };
      });
  }
  if (needs.has('medications')) {
    context.medications = medications
      .filter((m) => patientIdOf(m.subject) === patientId && m.id)
      .slice(0, MAX_ITEMS)
      .map((m, index) => ({
        ref: `MED_${index + 1}`,
        medicationId: m.id ?? '',
        name:
          m.medicationCodeableConcept?.text ??
          m.medicationCodeableConcept?.coding?.[0]?.display ??
          'Medication',
      }));
  }
  if (needs.has('results')) {
    const latest = new Map<string, Observation>();
    for (const observation of observations) {
      if (patientIdOf(observation.subject) !== patientId) continue;
      if (observation.status === 'entered-in-error' || observation.status === 'cancelled') continue;
      const name = observation.code.text ?? observation.code.coding?.[0]?.display;
      const date = observation.effectiveDateTime ?? observation.issued;
      if (!name || !date) continue;
      const seen = latest.get(name);
      if (!seen || (seen.effectiveDateTime ?? '') < date) latest.set(name, observation);
    }
    context.results = [...latest.entries()].slice(0, MAX_ITEMS).map(([name, observation]) => ({
      name,
      when: map.tokenFor(
        'DATE',
        formatDay(observation.effectiveDateTime ?? observation.issued ?? '', timeZone),
      ),
    }));
  }
  return context;
}

/** "Tuesday, March 4 at 9:00 AM EST": how the patient reads an appointment time, in the clinic's zone. */
export function formatWhen(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = date.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone });
  // The zone's short name goes with the time ("EST", "UTC"), so no reader has to guess it.
  const time = date.toLocaleTimeString('en-US', {
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
  return `${day} at ${time}`;
}

/** "March 4, 2026": the clinic's calendar day of an instant. */
export function formatDay(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone });
}
