/**
 * What the engine must know about each patient before it touches any of their resources, built
 * from the Patient, RelatedPerson and Consent resources of the same export:
 * - research consent (DESIGN.md: revoking research consent removes the patient from the next run);
 * - the identifiers their structured record names, so free text loses them wherever they appear
 *   (45 CFR 164.514(b)(2)(i): names of the individual AND of relatives, household members...);
 * - the birth year, for the ages-over-89 rule and the bias report.
 * Holds PHI in memory only for the duration of one task; never serialized.
 */

/** ConsentService writes this category system (lambdas/core/services/consent-service.ts). */
import { CONSENT_CATEGORY_SYSTEM } from '../core/consent-categories';
import type { KnownIdentifier, PhiType } from '../phi/types';
import { asArray, isObject, type Json, type JsonObject, parseReference, str } from './fhir-json';

export { CONSENT_CATEGORY_SYSTEM };

/** Resource types the context is built from. */
export const CONTEXT_RESOURCE_TYPES = ['Patient', 'RelatedPerson', 'Consent'] as const;

export interface PatientContext {
  readonly researchConsent: boolean;
  readonly known: readonly KnownIdentifier[];
  readonly birthYear?: number;
}

/** What a patient without any research Consent gets: excluded (consent is opt-in). */
export type MissingConsentPolicy = 'exclude' | 'include';

interface Building {
  known: KnownIdentifier[];
  birthYear?: number;
  consentAt?: string;
  consentActive?: boolean;
}

// Maps, not object literals: a code read from the data ("constructor") must not find a member of
// Object.prototype.
const IDENTIFIER_TYPES: ReadonlyMap<string, PhiType> = new Map([
  ['MR', 'MRN'],
  ['MRT', 'MRN'],
  ['SS', 'SSN'],
  ['SB', 'SSN'],
  ['DL', 'LICENSE'],
  ['PPN', 'LICENSE'],
  ['MB', 'HEALTH_PLAN_ID'],
  ['MC', 'HEALTH_PLAN_ID'],
  ['MA', 'HEALTH_PLAN_ID'],
  ['SN', 'HEALTH_PLAN_ID'],
  ['AN', 'ACCOUNT'],
]);

const TELECOM_TYPES: ReadonlyMap<string, PhiType> = new Map([
  ['phone', 'PHONE'],
  ['sms', 'PHONE'],
  ['pager', 'PHONE'],
  ['fax', 'FAX'],
  ['email', 'EMAIL'],
  ['url', 'URL'],
]);

export class PatientContextBuilder {
  readonly #patients = new Map<string, Building>();

  #get(patientId: string): Building {
    let b = this.#patients.get(patientId);
    if (!b) {
      b = { known: [] };
      this.#patients.set(patientId, b);
    }
    return b;
  }

  /** Adds one resource; other types than CONTEXT_RESOURCE_TYPES are ignored. */
  add(resource: JsonObject): void {
    switch (resource['resourceType']) {
      case 'Patient': {
        const id = str(resource['id']);
        if (!id) return;
        const b = this.#get(id);
        collectPerson(resource, b.known);
        for (const contact of asArray(resource['contact']))
          if (isObject(contact)) collectPerson(contact, b.known);
        const birth = str(resource['birthDate']);
        if (birth && /^\d{4}/.test(birth)) b.birthYear = Number(birth.slice(0, 4));
        return;
      }
      case 'RelatedPerson': {
        const ref = patientOf(resource['patient']);
        if (ref) collectPerson(resource, this.#get(ref).known);
        return;
      }
      case 'Consent': {
        const ref = patientOf(resource['patient']);
        if (!ref || !isResearchConsent(resource)) return;
        const b = this.#get(ref);
        // The latest research Consent decides (ConsentService updates one resource per category;
        // an export could still hold older ones).
        const at =
          str(resource['dateTime']) ??
          str(isObject(resource['meta']) ? resource['meta']['lastUpdated'] : undefined) ??
          '';
        if (b.consentAt === undefined || at >= b.consentAt) {
          b.consentAt = at;
          b.consentActive = resource['status'] === 'active';
        }
        return;
      }
      default:
        return;
    }
  }

  build(missingConsent: MissingConsentPolicy = 'exclude'): PatientContextIndex {
    const map = new Map<string, PatientContext>();
    for (const [id, b] of this.#patients) {
      map.set(id, {
        researchConsent: b.consentActive ?? missingConsent === 'include',
        known: dedupe(b.known),
        ...(b.birthYear !== undefined ? { birthYear: b.birthYear } : {}),
      });
    }
    return new PatientContextIndex(map);
  }
}

export class PatientContextIndex {
  constructor(private readonly patients: ReadonlyMap<string, PatientContext>) {}

  get(patientId: string): PatientContext | undefined {
    return this.patients.get(patientId);
  }

  /** A patient the export does not describe has no consent on record: excluded (fail closed). */
  consented(patientId: string): boolean {
    return this.patients.get(patientId)?.researchConsent === true;
  }

  get size(): number {
    return this.patients.size;
  }
}

function patientOf(ref: Json | undefined): string | undefined {
  if (!isObject(ref)) return undefined;
  const parsed = parseReference(str(ref['reference']) ?? '');
  return parsed?.type === 'Patient' ? parsed.id : undefined;
}

function isResearchConsent(consent: JsonObject): boolean {
  const codings = [
    ...asArray(consent['category']).flatMap((c) => (isObject(c) ? asArray(c['coding']) : [])),
    ...(isObject(consent['scope']) ? asArray(consent['scope']['coding']) : []),
  ];
  return codings.some(
    (c) =>
      isObject(c) &&
      c['code'] === 'research' &&
      (c['system'] === CONSENT_CATEGORY_SYSTEM ||
        c['system'] === 'http://terminology.hl7.org/CodeSystem/consentscope'),
  );
}

/** Names, telecom, addresses, identifiers and birth date of a Patient, contact or RelatedPerson. */
function collectPerson(person: JsonObject, known: KnownIdentifier[]): void {
  for (const name of asArray(person['name'])) {
    if (!isObject(name)) continue;
    const given = asArray(name['given']).filter((g): g is string => typeof g === 'string');
    const family = str(name['family']);
    for (const g of given) known.push({ type: 'NAME', value: g });
    if (family) known.push({ type: 'NAME', value: family });
    if (given.length > 0 && family) known.push({ type: 'NAME', value: `${given.join(' ')} ${family}` });
    const text = str(name['text']);
    if (text) known.push({ type: 'NAME', value: text });
  }
  for (const t of asArray(person['telecom'])) {
    if (!isObject(t)) continue;
    const value = str(t['value']);
    if (value) known.push({ type: TELECOM_TYPES.get(str(t['system']) ?? '') ?? 'OTHER_ID', value });
  }
  for (const a of asArray(person['address'])) {
    if (!isObject(a)) continue;
    for (const line of asArray(a['line']))
      if (typeof line === 'string') known.push({ type: 'ADDRESS', value: line });
    const city = str(a['city']);
    if (city) known.push({ type: 'ADDRESS', value: city });
    const district = str(a['district']);
    if (district) known.push({ type: 'ADDRESS', value: district });
    const zip = str(a['postalCode']);
    if (zip) known.push({ type: 'ZIP', value: zip });
  }
  for (const ident of asArray(person['identifier'])) {
    if (!isObject(ident)) continue;
    const value = str(ident['value']);
    if (!value) continue;
    const code = isObject(ident['type'])
      ? asArray(ident['type']['coding'])
          .map((c) => (isObject(c) ? str(c['code']) : undefined))
          .find(Boolean)
      : undefined;
    known.push({ type: IDENTIFIER_TYPES.get(code ?? '') ?? 'OTHER_ID', value });
  }
  const birth = str(person['birthDate']);
  if (birth && birth.length >= 10) known.push({ type: 'DATE', value: birth });
  for (const ext of asArray(person['extension'])) {
    if (!isObject(ext)) continue;
    const url = str(ext['url']) ?? '';
    if (url.endsWith('patient-mothersMaidenName')) {
      const v = str(ext['valueString']);
      if (v) known.push({ type: 'NAME', value: v });
    }
    if (url.endsWith('patient-birthPlace') && isObject(ext['valueAddress'])) {
      const city = str(ext['valueAddress']['city']);
      if (city) known.push({ type: 'ADDRESS', value: city });
    }
  }
}

function dedupe(known: KnownIdentifier[]): KnownIdentifier[] {
  const seen = new Set<string>();
  return known.filter((k) => {
    const key = `${k.type}\u0000${k.value.toLowerCase()}`;
    if (seen.has(key) || k.value.trim().length < 2) return false;
    seen.add(key);
    return true;
  });
}
