/** Mapping FHIR resources to the API's minimum-necessary views. */
import type { Appointment, HumanName, MedicationRequest, Reference } from '@medplum/fhirtypes';
import type { AppointmentView, MedicationView } from '../../api/schemas';

export function displayName(names: readonly HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family ?? ''].filter((part) => part.length > 0).join(' ');
}

export function idOf(reference: Reference | undefined, resourceType: string): string | undefined {
  const match = new RegExp(`^${resourceType}/([A-Za-z0-9\\-.]{1,64})$`).exec(reference?.reference ?? '');
  return match?.[1];
}

export function appointmentPatientRef(appointment: Appointment): Reference | undefined {
  return appointment.participant?.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor;
}

export function appointmentPractitioner(appointment: Appointment): { id?: string; name?: string } {
  const actor = appointment.participant?.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor;
  const id = idOf(actor, 'Practitioner');
  return { ...(id ? { id } : {}), ...(actor?.display ? { name: actor.display } : {}) };
}

export function appointmentView(
  appointment: Appointment,
  options: { includeReason: boolean },
): AppointmentView {
  const practitioner = appointmentPractitioner(appointment);
  const slotId = idOf(appointment.slot?.[0], 'Slot');
  const reason = appointment.reasonCode?.[0]?.text;
  return {
    appointmentId: appointment.id ?? '',
    status: appointment.status,
    ...(appointment.start ? { start: appointment.start } : {}),
    ...(appointment.end ? { end: appointment.end } : {}),
    ...(slotId ? { slotId } : {}),
    ...(practitioner.id ? { practitionerId: practitioner.id } : {}),
    ...(practitioner.name ? { practitionerName: practitioner.name } : {}),
    ...(options.includeReason && reason ? { reason } : {}),
  };
}

export function medicationView(request: MedicationRequest): MedicationView {
  const concept = request.medicationCodeableConcept;
  const dosage = request.dosageInstruction?.[0]?.text;
  return {
    medicationId: request.id ?? '',
    name: concept?.text ?? concept?.coding?.[0]?.display ?? 'Medication',
    status: request.status,
    ...(dosage ? { dosage } : {}),
    ...(request.authoredOn ? { authoredOn: request.authoredOn } : {}),
  };
}
