/**
 * The patient's accounting of disclosures (45 CFR 164.528), read from their own audit chain: who by
 * role (never a staff member's identity), when, what kind of record, why and the outcome.
 */
import type { AccessLog } from '../../api/schemas';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { AuditSink } from '../ports';
import type { Audited } from './audited';

export class AccessLogService {
  constructor(
    private readonly audit: AuditSink,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  async mine(context: AccessContext): Promise<Audited<AccessLog>> {
    const patientId = this.policy.ownPatientId(context);
    const events = await this.audit.listForPatient(patientId);
    return {
      value: {
        events: events
          .map((event) => ({
            time: event.time,
            actorRole: event.actor.role,
            byYou: event.actor.sub === context.caller.sub,
            recordType: event.resourceType,
            action: event.action,
            purpose: event.purpose,
            outcome: event.outcome,
          }))
          .reverse(),
      },
      audit: { patientId, resourceType: 'AuditEvent', action: 'search', purpose: 'patient-request' },
    };
  }
}
