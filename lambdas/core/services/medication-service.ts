import type { Task } from '@medplum/fhirtypes';
import type { MedicationView } from '../../api/schemas';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';
import { medicationView } from './fhir-views';

export class MedicationService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  async mine(context: AccessContext): Promise<Audited<{ medications: MedicationView[] }>> {
    const patientId = this.policy.ownPatientId(context);
    const requests = await this.fhir.search('MedicationRequest', {
      subject: `Patient/${patientId}`,
      status: 'active',
    });
    return {
      value: { medications: requests.map(medicationView) },
      audit: { patientId, resourceType: 'MedicationRequest', action: 'search', purpose: 'patient-request' },
    };
  }

  /**
   * A refill request is a FHIR Task owned by the patient's care team (or the clinic when there is
   * none), focused on the MedicationRequest: clinicians work it from their task list.
   */
  async requestRefill(
    context: AccessContext,
    medicationId: string,
    note: string | undefined,
  ): Promise<
    Audited<{
      refillRequestId: string;
      medicationId: string;
      status: 'requested';
      routedTo: 'care-team' | 'clinic';
    }>
  > {
    const request = await this.fhir.read('MedicationRequest', medicationId);
    const patientId = this.policy.assertOwnRecord(
      context,
      request.subject,
      'MedicationRequest',
      medicationId,
    );
    const careTeams = await this.fhir.search('CareTeam', {
      subject: `Patient/${patientId}`,
      status: 'active',
    });
    const careTeam = careTeams[0];
    const task = await this.fhir.create<Task>({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: {
        coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }],
        text: 'Medication refill request',
      },
      focus: { reference: `MedicationRequest/${medicationId}` },
      for: { reference: `Patient/${patientId}` },
      requester: { reference: `Patient/${patientId}` },
      authoredOn: context.now.toISOString(),
      ...(careTeam?.id ? { owner: { reference: `CareTeam/${careTeam.id}` } } : {}),
      ...(note ? { note: [{ text: note, time: context.now.toISOString() }] } : {}),
    });
    return {
      value: {
        refillRequestId: task.id ?? '',
        medicationId,
        status: 'requested',
        routedTo: careTeam ? 'care-team' : 'clinic',
      },
      audit: {
        patientId,
        resourceType: 'Task',
        resourceId: task.id,
        action: 'create',
        purpose: 'patient-request',
      },
    };
  }
}
