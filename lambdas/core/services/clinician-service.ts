import type { PatientSummary } from '../../api/schemas';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';
import { appointmentView, displayName, medicationView } from './fhir-views';
import { buildSeries } from './observation-service';

const SUMMARY_WINDOW_DAYS = 183;

export class ClinicianService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  /** Visit preparation for a care-team patient (or break-glass): one audited read of the record. */
  async summary(context: AccessContext, patientId: string): Promise<Audited<PatientSummary>> {
    const access = await this.policy.authorizePatient(context, patientId);
    const subject = `Patient/${patientId}`;
    const since = new Date(context.now.getTime() - SUMMARY_WINDOW_DAYS * 86_400_000).toISOString();
    const [patient, conditions, allergies, medications, observations, appointments] = await Promise.all([
      this.fhir.read('Patient', patientId),
      this.fhir.search('Condition', { subject }),
      this.fhir.search('AllergyIntolerance', { patient: subject }),
      this.fhir.search('MedicationRequest', { subject, status: 'active' }),
      this.fhir.search('Observation', { subject, date: `ge${since}`, _sort: 'date' }),
      this.fhir.search('Appointment', {
        patient: subject,
        date: `ge${context.now.toISOString()}`,
        _sort: 'date',
      }),
    ]);
    return {
      value: {
        patient: {
          patientId,
          name: displayName(patient.name),
          ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
          ...(patient.gender ? { gender: patient.gender } : {}),
        },
        conditions: conditions.map((c) => ({
          display: c.code?.text ?? c.code?.coding?.[0]?.display ?? 'Condition',
          ...(c.clinicalStatus?.coding?.[0]?.code ? { clinicalStatus: c.clinicalStatus.coding[0].code } : {}),
          ...(c.onsetDateTime ? { onset: c.onsetDateTime } : {}),
        })),
        allergies: allergies.map((a) => ({
          display: a.code?.text ?? a.code?.coding?.[0]?.display ?? 'Allergy',
          ...(a.criticality ? { criticality: a.criticality } : {}),
        })),
        medications: medications.map(medicationView),
        latestObservations: buildSeries(observations).flatMap((series) => {
          const point = series.points[series.points.length - 1];
          return point
            ? [
                {
                  code: series.code,
                  display: series.display,
                  value: point.value,
                  date: point.date,
                  ...(series.unit ? { unit: series.unit } : {}),
                },
              ]
            : [];
        }),
        upcomingAppointments: appointments
          .filter((a) => a.status === 'booked' || a.status === 'pending')
          .map((a) => appointmentView(a, { includeReason: true })),
      },
      audit: {
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        action: 'read',
        purpose: access.purpose,
      },
    };
  }
}
