/**
 * Consents as FHIR Consent resources, one per patient and category. Revoking takes effect at once:
 * `isActive` reads the store on every call (no cache), so the assistant stops using the record
 * with the very next message, and the training pipeline's next run leaves the patient out.
 */
import type { Consent } from '@medplum/fhirtypes';
import { CONSENT_CATEGORIES, type ConsentCategory, type ConsentView } from '../../api/schemas';
import { CONSENT_CATEGORY_SYSTEM } from '../consent-categories';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';

export { CONSENT_CATEGORY_SYSTEM };

export class ConsentService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  /** For the assistant and the pipeline: is this category granted right now? Absent means no. */
  async isActive(patientId: string, category: ConsentCategory): Promise<boolean> {
    return (await this.current(patientId, category))?.status === 'active';
  }

  async mine(context: AccessContext): Promise<Audited<{ consents: ConsentView[] }>> {
    const patientId = this.policy.ownPatientId(context);
    const consents = await this.fhir.search('Consent', { patient: `Patient/${patientId}` });
    return {
      value: {
        consents: CONSENT_CATEGORIES.map((category) => consentView(category, latest(consents, category))),
      },
      audit: { patientId, resourceType: 'Consent', action: 'search', purpose: 'patient-request' },
    };
  }

  async set(
    context: AccessContext,
    category: ConsentCategory,
    status: 'active' | 'revoked',
  ): Promise<Audited<ConsentView>> {
    const patientId = this.policy.ownPatientId(context);
    const existing = await this.current(patientId, category);
    const fhirStatus = status === 'active' ? 'active' : 'inactive';
    const dateTime = context.now.toISOString();
    const saved = existing
      ? await this.fhir.update<Consent>(
          { ...existing, status: fhirStatus, dateTime },
          { ifMatchVersion: existing.meta?.versionId },
        )
      : await this.fhir.create<Consent>({
          resourceType: 'Consent',
          status: fhirStatus,
          scope: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/consentscope',
                code: category === 'research' ? 'research' : 'patient-privacy',
              },
            ],
          },
          category: [{ coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: category }] }],
          patient: { reference: `Patient/${patientId}` },
          dateTime,
          policyRule: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
          },
        });
    return {
      value: consentView(category, saved),
      audit: {
        patientId,
        resourceType: 'Consent',
        resourceId: saved.id,
        action: existing ? 'update' : 'create',
        purpose: 'patient-request',
      },
    };
  }

  private async current(patientId: string, category: ConsentCategory): Promise<Consent | undefined> {
    const consents = await this.fhir.search('Consent', {
      patient: `Patient/${patientId}`,
      category: `${CONSENT_CATEGORY_SYSTEM}|${category}`,
    });
    return latest(consents, category);
  }
}

function latest(consents: readonly Consent[], category: ConsentCategory): Consent | undefined {
  return consents
    .filter((c) =>
      c.category?.some((cc) =>
        cc.coding?.some((code) => code.system === CONSENT_CATEGORY_SYSTEM && code.code === category),
      ),
    )
    .sort((a, b) => (b.dateTime ?? '').localeCompare(a.dateTime ?? ''))[0];
}

function consentView(category: ConsentCategory, consent: Consent | undefined): ConsentView {
  if (!consent) return { category, status: 'not-set' };
  return {
    category,
    status: consent.status === 'active' ? 'active' : 'revoked',
    ...(consent.dateTime ? { updatedAt: consent.dateTime } : {}),
  };
}
