/**
 * How a Wellgate consent is coded in FHIR Consent.category: the API writes it, the assistant and
 * the de-identification pipeline read it. One definition for all three.
 */
export const CONSENT_CATEGORY_SYSTEM = 'https://wellgate.dev/fhir/CodeSystem/consent-category';
