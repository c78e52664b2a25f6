import type { QuestionnaireResponse, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import { Conflict } from '../errors';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';
import { appointmentPatientRef } from './fhir-views';

/** Links the QuestionnaireResponse to its appointment (R4 QuestionnaireResponse has no such element). */
export const INTAKE_APPOINTMENT_EXTENSION =
  'https://wellgate.dev/fhir/StructureDefinition/intake-appointment';

const UPCOMING = new Set(['proposed', 'pending', 'booked']);

export interface IntakeSubmission {
  readonly appointmentId: string;
  readonly questionnaire: string;
  readonly items: ReadonlyArray<{
    linkId: string;
    text?: string | undefined;
    answer: string | number | boolean;
  }>;
}

export class IntakeService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  async submit(
    context: AccessContext,
    submission: IntakeSubmission,
  ): Promise<Audited<{ intakeId: string; appointmentId: string; status: 'completed' }>> {
    const appointment = await this.fhir.read('Appointment', submission.appointmentId);
    const patientId = this.policy.assertOwnRecord(
      context,
      appointmentPatientRef(appointment),
      'Appointment',
      submission.appointmentId,
    );
    const startsLater =
      appointment.start !== undefined && Date.parse(appointment.start) > context.now.getTime();
    if (!UPCOMING.has(appointment.status) || !startsLater) {
      throw new Conflict('appointment-not-upcoming', {
        patientId,
        resourceType: 'QuestionnaireResponse',
        action: 'create',
        purpose: 'patient-request',
      });
    }
    const response = await this.fhir.create<QuestionnaireResponse>({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: submission.questionnaire,
      subject: { reference: `Patient/${patientId}` },
      author: { reference: `Patient/${patientId}` },
      source: { reference: `Patient/${patientId}` },
      authored: context.now.toISOString(),
      extension: [
        {
          url: INTAKE_APPOINTMENT_EXTENSION,
          valueReference: { reference: `Appointment/${submission.appointmentId}` },
        },
      ],
      item: submission.items.map((item) => ({
        linkId: item.linkId,
        ...(item.text ? { text: item.text } : {}),
        answer: [answerOf(item.answer)],
      })),
    });
    return {
      value: { intakeId: response.id ?? '', appointmentId: submission.appointmentId, status: 'completed' },
      audit: {
        patientId,
        resourceType: 'QuestionnaireResponse',
        resourceId: response.id,
        action: 'create',
        purpose: 'patient-request',
      },
    };
  }
}

function answerOf(answer: string | number | boolean): QuestionnaireResponseItemAnswer {
  if (typeof answer === 'boolean') return { valueBoolean: answer };
  if (typeof answer === 'number')
    return Number.isInteger(answer) ? { valueInteger: answer } : { valueDecimal: answer };
  return { valueString: answer };
}
