/**
 * HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(A)-(R), as data: what happens to each FHIR element
 * type and to specific paths. The engine (engine.ts) interprets these tables; a reviewer reads
 * them. Anything a table does not name is walked: strings that look like dates lose all but the
 * year, free-text properties go through the shared PHI module, ids and references are pseudonymized.
 *
 * Actions:
 * - remove: the element is dropped;
 * - keep: copied unchanged (nothing below it is inspected);
 * - walk: descended into with the generic rules;
 * - zip3 / year / birth-date / age: generalized (164.514(b)(2)(i)(B), (C));
 * - pseudonymize / reference: replaced by a keyed HMAC pseudonym (164.514(c));
 * - scrub / narrative / attachment-data: free text, redacted by the shared PHI module with the
 *   patient's known identifiers.
 */

export type Action =
  | 'remove'
  | 'keep'
  | 'walk'
  | 'zip3'
  | 'year'
  | 'pseudonymize'
  | 'reference'
  | 'scrub'
  | 'narrative'
  | 'attachment-data';

export type ElementType =
  | 'HumanName'
  | 'Address'
  | 'ContactPoint'
  | 'Identifier'
  | 'Attachment'
  | 'Narrative'
  | 'Annotation';

/** Per element type: its fields' actions; "*" for every field not listed. */
export const ELEMENT_RULES: Readonly<Record<ElementType, Readonly<Record<string, Action>>>> = {
  // (A) names of the individual, relatives, employers, household members.
  HumanName: { '*': 'remove' },
  // (B) geographic subdivisions smaller than a State; the initial three ZIP digits may stay.
  Address: {
    use: 'keep',
    type: 'keep',
    state: 'keep',
    country: 'keep',
    postalCode: 'zip3',
    period: 'walk',
    '*': 'remove', // line, city, district, text, extensions (geolocation)
  },
  // (D) telephone, (E) fax, (F) e-mail, (N) URLs.
  ContactPoint: { '*': 'remove' },
  // (G) SSN, (H) MRN, (I) health plan numbers, (J) account, (K) licence numbers... The value
  // becomes a pseudonym (links survive); SSN, licence and passport identifiers are removed outright
  // (IDENTIFIER_TYPES_REMOVED) since no linkage needs them.
  Identifier: {
    use: 'keep',
    type: 'keep',
    system: 'keep',
    value: 'pseudonymize',
    period: 'walk',
    assigner: 'walk',
    '*': 'remove',
  },
  // (N) URLs and (Q) photographs: url, hash and size go; text content is scrubbed, binary dropped.
  Attachment: {
    contentType: 'keep',
    language: 'keep',
    data: 'attachment-data',
    title: 'scrub',
    creation: 'year',
    '*': 'remove',
  },
  Narrative: { status: 'keep', div: 'narrative', '*': 'remove' },
  Annotation: { text: 'scrub', time: 'year', authorReference: 'walk', '*': 'remove' }, // authorString is a name
};

/** Property names that hold an element type, in any resource. */
export const PROPERTY_TYPES: Readonly<Record<string, ElementType>> = {
  address: 'Address',
  locationAddress: 'Address',
  valueAddress: 'Address',
  telecom: 'ContactPoint',
  valueContactPoint: 'ContactPoint',
  identifier: 'Identifier',
  valueIdentifier: 'Identifier',
  attachment: 'Attachment',
  contentAttachment: 'Attachment',
  valueAttachment: 'Attachment',
  presentedForm: 'Attachment',
  sourceAttachment: 'Attachment',
  valueHumanName: 'HumanName',
  note: 'Annotation',
};

/** Identifier types (v2-0203) removed rather than pseudonymized: SSN, driver's licence, passport... */
export const IDENTIFIER_TYPES_REMOVED = new Set(['SS', 'SB', 'DL', 'PPN', 'TAX', 'DR', 'NIIP']);
export const IDENTIFIER_SYSTEMS_REMOVED = [
  /us-ssn/i,
  /passport/i,
  /driver/i,
  /2\.16\.840\.1\.113883\.4\.3\./,
];

/**
 * Paths (ResourceType.property[.property...]) with their own action, checked before the tables
 * above. Named for what they are, with the Safe Harbor class they cover.
 */
export const PATH_RULES: Readonly<Record<string, Action | ElementType>> = {
  // (A) names of the individual and of relatives.
  'Patient.name': 'HumanName',
  'Patient.contact.name': 'HumanName',
  'RelatedPerson.name': 'HumanName',
  'Person.name': 'HumanName',
  'Practitioner.name': 'HumanName',
  'Organization.contact.name': 'HumanName',
  // (Q) full-face photographs.
  'Patient.photo': 'remove',
  'Practitioner.photo': 'remove',
  'RelatedPerson.photo': 'remove',
  'Person.photo': 'remove',
  'Media.content': 'Attachment',
  'DocumentReference.content.attachment': 'Attachment',
  // (I) health plan beneficiary numbers.
  'Coverage.subscriberId': 'remove',
  // (M) device identifiers and serial numbers.
  'Device.serialNumber': 'remove',
  'Device.lotNumber': 'remove',
  'Device.udiCarrier': 'remove',
  'Device.distinctIdentifier': 'remove',
  // (B) geocodes below State level.
  'Location.position': 'remove',
  // (N) URLs, (O) IP addresses.
  'Endpoint.address': 'remove',
  'AuditEvent.agent.network': 'remove',
  'AuditEvent.source.observer': 'remove',
  // (R) other unique identifying numbers: DICOM UIDs stay linkable as pseudonyms.
  'ImagingStudy.series.uid': 'pseudonymize',
  'ImagingStudy.series.instance.uid': 'pseudonymize',
  // Facility names often carry the town ("HOLYOKE MEDICAL CENTER"), a unit smaller than a State (B).
  'Organization.name': 'scrub',
  'Organization.alias': 'scrub',
  'Location.name': 'scrub',
  'Location.alias': 'scrub',
  // (N) The form's canonical URL is the client's to choose and a URL (N) by shape; the answers
  // (walked and scrubbed like any text) are what a training set needs, not which form held them.
  'QuestionnaireResponse.questionnaire': 'remove',
  // Signatures are biometric-like and carry signer names (P).
  'Provenance.signature': 'remove',
  'Consent.sourceReference': 'walk',
};

/** Metadata that names the source server. */
export const META_RULES: Readonly<Record<string, Action>> = { source: 'remove', lastUpdated: 'year' };

/** Free-text properties (strings) scrubbed by the shared PHI module in every resource. */
export const FREE_TEXT_PROPERTIES = new Set([
  'text',
  'valueString',
  'valueMarkdown',
  'contentString',
  'comment',
  'description',
  'conclusion',
  'patientInstruction',
  'summary',
  'detail',
  'title',
  'reasonString',
  'outcomeString',
]);

/** Resource types never published: raw bytes cannot be scrubbed reliably. */
export const DROPPED_RESOURCE_TYPES = new Set(['Binary']);

/** Resource types whose birthDate is a person's (ages over 89 folded, 164.514(b)(2)(i)(C)). */
export const PERSON_RESOURCE_TYPES = new Set(['Patient', 'RelatedPerson', 'Person', 'Practitioner']);

/** Our own extension carrying an age band where a birth year would reveal too much. */
export const AGE_BAND_EXTENSION = 'https://wellgate.dev/fhir/StructureDefinition/deid-age-band';

/**
 * Extensions are allow-listed (issue 5: "allow-list, not deny-list"): anything not here is removed,
 * including birthPlace, mothersMaidenName and geolocation. A listed extension keeps only the
 * listed sub-extensions ([] = a simple extension with a value). The race and ethnicity "text"
 * sub-extension is free text and goes; the OMB codings carry the category.
 */
export const EXTENSION_ALLOW_LIST: Readonly<Record<string, readonly string[]>> = {
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race': ['ombCategory', 'detailed'],
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity': ['ombCategory', 'detailed'],
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex': [],
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-genderIdentity': [],
  'http://hl7.org/fhir/StructureDefinition/data-absent-reason': [],
  [AGE_BAND_EXTENSION]: [],
};

/** The rules in one object: hashed into the run's config hash (manifest, report). */
export const SAFE_HARBOR_RULES = {
  elements: ELEMENT_RULES,
  properties: PROPERTY_TYPES,
  paths: PATH_RULES,
  meta: META_RULES,
  freeText: [...FREE_TEXT_PROPERTIES],
  droppedTypes: [...DROPPED_RESOURCE_TYPES],
  extensions: EXTENSION_ALLOW_LIST,
  identifierTypesRemoved: [...IDENTIFIER_TYPES_REMOVED],
  identifierSystemsRemoved: IDENTIFIER_SYSTEMS_REMOVED.map(String),
} as const;
