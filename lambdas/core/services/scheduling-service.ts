/**
 * Slots, appointments and the day schedule. Double booking is prevented by the SlotLedger's
 * conditional write (one holder per slot), and the FHIR Slot update is version-checked as a
 * second guard against writers that bypass the ledger.
 */
import type { Appointment, Slot as FhirSlot, Schedule } from '@medplum/fhirtypes';
import type { AppointmentView, DaySchedule, Slot } from '../../api/schemas';
import { dayBounds } from '../clinic-time';
import { Conflict, NotFound } from '../errors';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { AuditTarget, FhirStore, SlotLedger } from '../ports';
import type { Audited } from './audited';
import {
  appointmentPatientRef,
  appointmentPractitioner,
  appointmentView,
  displayName,
  idOf,
} from './fhir-views';

const CANCELLABLE = new Set(['proposed', 'pending', 'booked']);

/**
 * How a failed booking is answered: a slot that went away is Not Found, and losing the race for
 * the slot's write to another writer is the slot being taken, a refused write the router audits.
 */
function refusedBooking(error: unknown, attempt: AuditTarget): unknown {
  if (error instanceof NotFound) return new NotFound('Slot');
  if (error instanceof Conflict && !error.target) return new Conflict('slot-unavailable', attempt);
  return error;
}

export class SchedulingService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
    private readonly ledger: SlotLedger,
    /** The clinic's IANA time zone: the day of the front desk's schedule. */
    private readonly timeZone = 'UTC',
  ) {}

  /** Free slots carry no patient data: not PHI, not audited. */
  async freeSlots(query: {
    start: string;
    end: string;
    practitioner?: string | undefined;
  }): Promise<Audited<{ slots: Slot[] }>> {
    const scheduleFilter: Record<string, string> = {};
    let schedules: Schedule[] = [];
    if (query.practitioner) {
      schedules = await this.fhir.search('Schedule', { actor: `Practitioner/${query.practitioner}` });
      if (schedules.length === 0) return { value: { slots: [] }, audit: undefined };
      scheduleFilter['schedule'] = schedules.map((s) => `Schedule/${s.id}`).join(',');
    }
    const slots = await this.fhir.search('Slot', {
      status: 'free',
      start: [`ge${query.start}`, `lt${query.end}`],
      ...scheduleFilter,
    });
    if (!query.practitioner) {
      const ids = [
        ...new Set(slots.map((s) => idOf(s.schedule, 'Schedule')).filter((id) => id !== undefined)),
      ];
      schedules = ids.length > 0 ? await this.fhir.search('Schedule', { _id: ids.join(',') }) : [];
    }
    const byScheduleId = new Map(schedules.map((s) => [s.id, s]));
    const views = slots
      .map((slot) => slotView(slot, byScheduleId.get(idOf(slot.schedule, 'Schedule'))))
      .sort((a, b) => a.start.localeCompare(b.start));
    return { value: { slots: views }, audit: undefined };
  }

  async myAppointments(context: AccessContext): Promise<Audited<{ appointments: AppointmentView[] }>> {
    const patientId = this.policy.ownPatientId(context);
    const appointments = await this.fhir.search('Appointment', {
      patient: `Patient/${patientId}`,
      _sort: 'date',
    });
    return {
      value: { appointments: appointments.map((a) => appointmentView(a, { includeReason: true })) },
      audit: { patientId, resourceType: 'Appointment', action: 'search', purpose: 'patient-request' },
    };
  }

  async book(
    context: AccessContext,
    request: { slotId: string; reason: string },
  ): Promise<Audited<AppointmentView>> {
    const patientId = this.policy.ownPatientId(context);
    const attempt = {
      patientId,
      resourceType: 'Slot',
      resourceId: request.slotId,
      action: 'create',
      purpose: 'patient-request',
    } as const;
    if (!(await this.ledger.claim(request.slotId, { patientId, requestId: context.requestId }))) {
      throw new Conflict('slot-unavailable', attempt);
    }
    let appointment: Appointment | undefined;
    try {
      const slot = await this.fhir.read('Slot', request.slotId);
      if (slot.status !== 'free') throw new Conflict('slot-unavailable', attempt);
      const schedule = slot.schedule ? await this.readSchedule(slot.schedule.reference) : undefined;
      const practitioner = schedule?.actor?.find((a) => a.reference?.startsWith('Practitioner/'));
      appointment = await this.fhir.create<Appointment>({
        resourceType: 'Appointment',
        status: 'booked',
        start: slot.start,
        end: slot.end,
        created: context.now.toISOString(),
        slot: [{ reference: `Slot/${request.slotId}` }],
        reasonCode: [{ text: request.reason }],
        participant: [
          { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
          ...(practitioner ? [{ actor: practitioner, status: 'accepted' as const }] : []),
        ],
      });
      await this.fhir.update({ ...slot, status: 'busy' }, { ifMatchVersion: slot.meta?.versionId });
      await this.ledger.confirm(request.slotId, appointment.id ?? '', context.requestId);
    } catch (error) {
      // The appointment may exist while its slot write failed (outage, lost race): undo it first,
      // or the patient would hold a booked appointment on a slot that is still free.
      if (appointment?.id && !(await this.undoAppointment(appointment.id))) {
        // The undo failed too: the claim becomes the appointment's, which never expires (an
        // unconfirmed claim does after 120 s), so the slot cannot be booked a second time.
        await this.ledger.confirm(request.slotId, appointment.id, context.requestId).catch(() => undefined);
        throw refusedBooking(error, attempt);
      }
      // Nothing is booked now: free the claim so the slot stays bookable, whoever holds it now (the
      // confirmation may have been written though its answer was lost).
      await this.ledger.release(request.slotId, context.requestId);
      if (appointment?.id) await this.ledger.release(request.slotId, appointment.id);
      throw refusedBooking(error, attempt);
    }
    const appointmentId = appointment.id ?? '';
    return {
      value: appointmentView(appointment, { includeReason: true }),
      audit: {
        patientId,
        resourceType: 'Appointment',
        resourceId: appointment.id,
        action: 'create',
        purpose: 'patient-request',
      },
      // The appointment and the slot's status are rolled back with the FHIR writes; the slot is
      // freed in the ledger too, so a retry can book it.
      undo: () => this.ledger.release(request.slotId, appointmentId),
    };
  }

  async cancel(context: AccessContext, appointmentId: string): Promise<Audited<AppointmentView>> {
    const appointment = await this.fhir.read('Appointment', appointmentId);
    const patientId = this.policy.assertOwnRecord(
      context,
      appointmentPatientRef(appointment),
      'Appointment',
      appointmentId,
    );
    const audit = {
      patientId,
      resourceType: 'Appointment',
      resourceId: appointmentId,
      purpose: 'patient-request',
    } as const;
    // Cancelling twice is not an error: DELETE is idempotent.
    if (appointment.status === 'cancelled') {
      return {
        value: appointmentView(appointment, { includeReason: true }),
        audit: { ...audit, action: 'read' },
      };
    }
    if (!CANCELLABLE.has(appointment.status)) {
      throw new Conflict('appointment-not-cancellable', { ...audit, action: 'update' });
    }
    const cancelled = await this.fhir
      .update<Appointment>(
        { ...appointment, status: 'cancelled', cancelationReason: { text: 'Cancelled by the patient' } },
        { ifMatchVersion: appointment.meta?.versionId },
      )
      .catch((error: unknown) => {
        // Another request changed the appointment first (a second cancel): a refused write, audited.
        throw error instanceof Conflict && !error.target
          ? new Conflict(error.reason, { ...audit, action: 'update' })
          : error;
      });
    return {
      value: appointmentView(cancelled, { includeReason: true }),
      audit: { ...audit, action: 'update' },
      // The slot is offered to others only once the cancellation is audited: were the audit write
      // to fail, the cancellation is rolled back and the appointment must still have its slot.
      afterAudit: () => this.releaseSlotsOf(appointment, appointmentId),
    };
  }

  /** Front-desk view: times, status and participants; no reason, no clinical content. */
  async daySchedule(_context: AccessContext, date: string): Promise<Audited<DaySchedule>> {
    // The clinic's day, not UTC's: in New York a UTC day starts at 7 or 8 pm the evening before.
    const { start: dayStart, end: dayEnd } = dayBounds(date, this.timeZone);
    const appointments = await this.fhir.search('Appointment', {
      date: [`ge${dayStart.toISOString()}`, `lt${dayEnd.toISOString()}`],
      _sort: 'date',
    });
    const patientIds = [
      ...new Set(
        appointments.map((a) => idOf(appointmentPatientRef(a), 'Patient')).filter((id) => id !== undefined),
      ),
    ];
    const patients =
      patientIds.length > 0 ? await this.fhir.search('Patient', { _id: patientIds.join(',') }) : [];
    const namesById = new Map(patients.map((p) => [p.id, displayName(p.name)]));
    return {
      value: {
        date,
        appointments: appointments.map((appointment) => {
          const practitioner = appointmentPractitioner(appointment);
          const patientId = idOf(appointmentPatientRef(appointment), 'Patient');
          const patientName = patientId ? namesById.get(patientId) : undefined;
          return {
            appointmentId: appointment.id ?? '',
            status: appointment.status,
            ...(appointment.start ? { start: appointment.start } : {}),
            ...(appointment.end ? { end: appointment.end } : {}),
            ...(practitioner.id ? { practitionerId: practitioner.id } : {}),
            ...(practitioner.name ? { practitionerName: practitioner.name } : {}),
            ...(patientId ? { patientId } : {}),
            ...(patientName ? { patientName } : {}),
          };
        }),
      },
      // One clinic-wide event: the schedule spans many patients and is read for operations.
      audit: { resourceType: 'Appointment', action: 'search', purpose: 'operations' },
    };
  }

  /** A cancelled appointment's slots become free, in FHIR and in the ledger. */
  private async releaseSlotsOf(appointment: Appointment, appointmentId: string): Promise<void> {
    for (const reference of appointment.slot ?? []) {
      const slotId = idOf(reference, 'Slot');
      if (!slotId) continue;
      // The ledger first: were it to fail, the slot stays busy where patients look for free ones,
      // rather than shown free while every booking of it is refused.
      await this.ledger.release(slotId, appointmentId);
      const slot = await this.fhir.read('Slot', slotId);
      await this.fhir.update<FhirSlot>({ ...slot, status: 'free' }, { ifMatchVersion: slot.meta?.versionId });
    }
  }

  /** Deletes an appointment whose booking failed half-way; false when the store refused that too. */
  private async undoAppointment(appointmentId: string): Promise<boolean> {
    try {
      await this.fhir.delete('Appointment', appointmentId);
      return true;
    } catch {
      return false;
    }
  }

  private async readSchedule(reference: string | undefined): Promise<Schedule | undefined> {
    const id = idOf({ reference }, 'Schedule');
    return id ? this.fhir.read('Schedule', id) : undefined;
  }
}

function slotView(slot: FhirSlot, schedule: Schedule | undefined): Slot {
  const actor = schedule?.actor?.find((a) => a.reference?.startsWith('Practitioner/'));
  const practitionerId = idOf(actor, 'Practitioner');
  return {
    slotId: slot.id ?? '',
    start: slot.start,
    end: slot.end,
    ...(practitionerId ? { practitionerId } : {}),
    ...(actor?.display ? { practitionerName: actor.display } : {}),
  };
}
