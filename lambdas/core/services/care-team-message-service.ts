import type { Communication, Practitioner, Reference } from '@medplum/fhirtypes';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';

/**
 * A patient's secure message to their care team (the assistant's `message-care-team` action): a
 * FHIR Communication from the patient to every practitioner on their active care teams (or the
 * clinic's inbox when there is none), which clinicians answer from their work queue.
 */
export class CareTeamMessageService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  async send(
    context: AccessContext,
    message: { readonly text: string; readonly topic?: string | undefined },
  ): Promise<
    Audited<{ messageId: string; status: 'sent'; routedTo: 'care-team' | 'clinic'; recipients: number }>
  > {
    const patientId = this.policy.ownPatientId(context);
    const careTeams = await this.fhir.search('CareTeam', {
      subject: `Patient/${patientId}`,
      status: 'active',
    });
    const recipients: Reference<Practitioner>[] = [];
    for (const team of careTeams) {
      for (const participant of team.participant ?? []) {
        const reference = participant.member?.reference;
        if (reference?.startsWith('Practitioner/') && !recipients.some((r) => r.reference === reference)) {
          recipients.push({ reference });
        }
      }
    }
    const communication = await this.fhir.create<Communication>({
      resourceType: 'Communication',
      status: 'completed',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' },
          ],
        },
      ],
      priority: 'routine',
      subject: { reference: `Patient/${patientId}` },
      sender: { reference: `Patient/${patientId}` },
      recipient: recipients,
      sent: context.now.toISOString(),
      ...(message.topic ? { topic: { text: message.topic } } : {}),
      payload: [{ contentString: message.text }],
    });
    return {
      value: {
        messageId: communication.id ?? '',
        status: 'sent',
        routedTo: recipients.length > 0 ? 'care-team' : 'clinic',
        recipients: recipients.length,
      },
      audit: {
        patientId,
        resourceType: 'Communication',
        ...(communication.id ? { resourceId: communication.id } : {}),
        action: 'create',
        purpose: 'patient-request',
      },
    };
  }
}
