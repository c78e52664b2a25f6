import type { Profile } from '../../api/schemas';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';

export class ProfileService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  /** Name, birth date and contact points only: no identifiers (MRN, SSN) and no address. */
  async myProfile(context: AccessContext): Promise<Audited<Profile>> {
    const patientId = this.policy.ownPatientId(context);
    const patient = await this.fhir.read('Patient', patientId);
    const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
    const email = patient.telecom?.find((t) => t.system === 'email')?.value;
    const phone = patient.telecom?.find((t) => t.system === 'phone')?.value;
    const language = patient.communication?.find((c) => c.preferred)?.language;
    const preferredLanguage = language?.coding?.[0]?.code ?? language?.text;
    const given = name?.given ?? [];
    return {
      value: {
        patientId,
        name: {
          display: name?.text ?? [...given, name?.family ?? ''].filter((p) => p.length > 0).join(' '),
          given,
          ...(name?.family ? { family: name.family } : {}),
        },
        ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        ...(preferredLanguage ? { preferredLanguage } : {}),
      },
      audit: {
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        action: 'read',
        purpose: 'patient-request',
      },
    };
  }
}
