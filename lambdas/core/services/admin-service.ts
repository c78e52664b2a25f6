import type { AccessContext } from '../policy';
import type { FhirStore, UserDirectory } from '../ports';
import type { Audited } from './audited';

export class AdminService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly users: UserDirectory,
  ) {}

  /**
   * Links a sign-in identity to a FHIR Patient: the only way the patient-id claim gets set, so a
   * patient can never choose whose record they reach. The Patient must exist first.
   */
  async linkPatient(
    _context: AccessContext,
    username: string,
    patientId: string,
  ): Promise<Audited<{ username: string; patientId: string; linked: true }>> {
    await this.fhir.read('Patient', patientId);
    await this.users.linkPatient(username, patientId);
    return {
      value: { username, patientId, linked: true },
      audit: {
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        action: 'update',
        purpose: 'operations',
      },
    };
  }
}
