/**
 * Authorization in data access, from the verified caller (the Medplum access-policy idea): every
 * service asks this policy before it reads a patient's record, and the policy answers with the
 * purpose to audit or refuses with CompartmentAccessDenied (answered 404: no enumeration).
 */
import type { Reference } from '@medplum/fhirtypes';
import type { Role } from '../api/route-table';
import type { Caller } from './caller';
import { CompartmentAccessDenied, Forbidden, NotFound } from './errors';
import type { AuditPurpose, FhirStore, SecurityMetrics } from './ports';

/** Everything a service knows about the request it serves. */
export interface AccessContext {
  readonly caller: Caller;
  /** The role the caller acts in for this route (one of the route's roles the caller holds). */
  readonly role: Role;
  readonly operationId: string;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly now: Date;
  /** A clinician's stated emergency reason (`X-Break-Glass-Reason`, at least 10 characters). */
  readonly breakGlassReason?: string;
}

export interface PatientAccess {
  readonly patientId: string;
  readonly purpose: AuditPurpose;
}

export class PatientCompartmentPolicy {
  constructor(
    private readonly fhir: FhirStore,
    private readonly metrics: SecurityMetrics,
  ) {}

  /** The calling patient's own Patient id: from the admin-set claim, never from the request. */
  ownPatientId(context: AccessContext): string {
    if (context.role !== 'patient' || !context.caller.patientId) throw new Forbidden('account-not-linked');
    return context.caller.patientId;
  }

  /** Own record for a patient; care-team or break-glass for a clinician; nobody else. */
  async authorizePatient(context: AccessContext, patientId: string): Promise<PatientAccess> {
    if (context.role === 'patient') {
      if (patientId === this.ownPatientId(context)) return { patientId, purpose: 'patient-request' };
      throw new CompartmentAccessDenied({ patientId, resourceType: 'Patient', resourceId: patientId });
    }
    if (context.role === 'clinician') return this.authorizeClinician(context, patientId);
    throw new Forbidden('role-not-allowed');
  }

  /**
   * A record found by id must belong to the caller's own patient; a record of another patient is
   * refused as if it did not exist, and the refusal names that patient for the denied audit event.
   */
  assertOwnRecord(
    context: AccessContext,
    owner: Reference | undefined,
    resourceType: string,
    resourceId: string,
  ): string {
    const ownId = this.ownPatientId(context);
    const ownerId = patientIdOf(owner);
    if (ownerId === ownId) return ownId;
    throw new CompartmentAccessDenied({
      ...(ownerId ? { patientId: ownerId } : {}),
      resourceType,
      resourceId,
    });
  }

  private async authorizeClinician(context: AccessContext, patientId: string): Promise<PatientAccess> {
    const practitionerId = context.caller.practitionerId;
    if (!practitionerId) throw new Forbidden('account-not-linked');
    // A patient that does not exist is simply not found: there is no record to protect or audit.
    await this.fhir.read('Patient', patientId);
    const careTeams = await this.fhir.search('CareTeam', {
      subject: `Patient/${patientId}`,
      participant: `Practitioner/${practitionerId}`,
    });
    if (careTeams.some((team) => team.status === undefined || team.status === 'active')) {
      return { patientId, purpose: 'treatment' };
    }
    if (context.breakGlassReason) {
      // Emergency access is allowed but never silent: audited with its purpose and alarmed.
      this.metrics.breakGlassAccess({ operationId: context.operationId });
      return { patientId, purpose: 'break-glass' };
    }
    throw new CompartmentAccessDenied({ patientId, resourceType: 'Patient', resourceId: patientId });
  }
}

/** `Patient/<id>` → `<id>`; anything else → undefined. */
export function patientIdOf(reference: Reference | undefined): string | undefined {
  const match = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference?.reference ?? '');
  return match?.[1];
}

/** Re-export for callers that only need the not-found case. */
export { NotFound };
