/**
 * The structured Safe Harbor engine (45 CFR 164.514(b)(2)): one FHIR resource in, its
 * de-identified form out, or nothing when the patient has no active research consent. Pure and
 * synchronous: no I/O and no AWS imports, so the Lambda task, the local pipeline and `npm run deid`
 * run the same code, one NDJSON line at a time (memory stays flat in file size).
 *
 * Rules come from rules.ts (data). The walk mutates the freshly parsed object and marks removed
 * properties `undefined`, which JSON.stringify omits: cheaper than rebuilding every object.
 */
// The known-value matcher itself (the same function redactPhi runs with `known`), to tell whether a
// patient's known values matter for a text at all; see #scrub.
import { detectKnown } from '../phi/known';
import type { KnownIdentifier, PhiType } from '../phi/types';
import { countInto, type DemographicCounts, demographicsOf, emptyCounts } from './demographics';
import type { Json, JsonObject } from './fhir-json';
import * as fhirJson from './fhir-json';
import * as generalize from './generalize';
import type { PatientContextIndex } from './patient-context';
import { addReferencedPatients } from './patient-scan';
import type { PhiDetector } from './phi-port';
import type { Pseudonymizer } from './pseudonym';
import type { Action, ElementType } from './rules';
import * as rules from './rules';

// Module-local bindings for what the walk uses per node: in the CommonJS build (tsx, jest) every
// use of an imported name is a getter call on the exporting module, measurable at this call rate.
const { asArray, isCodingDisplay, isObject, parseReference, str, xhtmlToText } = fhirJson;
const { foldAgeQuantity, isOverEightyNine, looksLikeFhirDate, OLDEST_BAND, toYear, zip3 } = generalize;
const {
  AGE_BAND_EXTENSION,
  DROPPED_RESOURCE_TYPES,
  ELEMENT_RULES,
  EXTENSION_ALLOW_LIST,
  FREE_TEXT_PROPERTIES,
  IDENTIFIER_SYSTEMS_REMOVED,
  IDENTIFIER_TYPES_REMOVED,
  META_RULES,
  PATH_RULES,
  PERSON_RESOURCE_TYPES,
  PROPERTY_TYPES,
} = rules;
/** Built once: the walk visits meta on every resource. */
const META_ENTRIES = Object.entries(META_RULES);

export interface EngineOptions {
  readonly pseudonymizer: Pseudonymizer;
  readonly context: PatientContextIndex;
  readonly phi: PhiDetector;
  /** Ages are computed at this year (the run's year). */
  readonly referenceYear: number;
}

export type LineOutcome =
  | { readonly kind: 'kept'; readonly line: string; readonly resourceType: string }
  | { readonly kind: 'excluded'; readonly resourceType: string; readonly reason: 'consent' | 'resource-type' }
  | { readonly kind: 'blank' };

/** Counters only: never values. Written to the staging sidecar and summed into the run report. */
export interface EngineStats {
  resourcesIn: number;
  resourcesOut: number;
  excludedByConsent: number;
  excludedByType: number;
  /** Source patients seen in this file / excluded for consent. */
  patientsIn: number;
  patientsExcluded: number;
  freeTextFields: number;
  redactedSpans: Partial<Record<PhiType, number>>;
  binaryAttachmentsRemoved: number;
  agesFolded: number;
  /** Demographics of every source Patient (consented or not), for the bias report. */
  sourceDemographics: DemographicCounts;
}

export const emptyStats = (): EngineStats => ({
  resourcesIn: 0,
  resourcesOut: 0,
  excludedByConsent: 0,
  excludedByType: 0,
  patientsIn: 0,
  patientsExcluded: 0,
  freeTextFields: 0,
  redactedSpans: {},
  binaryAttachmentsRemoved: 0,
  agesFolded: 0,
  sourceDemographics: emptyCounts(),
});

/** A node of the PATH_RULES trie: resourceType → property → property... */
interface PathNode {
  action?: Action | ElementType;
  children: Map<string, PathNode>;
}

function buildPathTrie(): Map<string, PathNode> {
  const roots = new Map<string, PathNode>();
  const childOf = (parent: Map<string, PathNode>, name: string): PathNode => {
    let node = parent.get(name);
    if (node === undefined) {
      node = { children: new Map() };
      parent.set(name, node);
    }
    return node;
  };
  for (const [path, action] of Object.entries(PATH_RULES)) {
    const [type, ...props] = path.split('.');
    if (!type) continue;
    let node: PathNode = childOf(roots, type);
    for (const p of props) node = childOf(node.children, p);
    node.action = action;
  }
  return roots;
}
const PATH_TRIE = buildPathTrie();

/** What #walkResource needs to know about a resource type: one Map lookup per resource. */
interface TypeInfo {
  readonly path: PathNode | undefined;
  /** Its birthDate is a person's (PERSON_RESOURCE_TYPES). */
  readonly person: boolean;
}
const TYPE_INFO = new Map<string, TypeInfo>();
function typeInfo(type: string): TypeInfo {
  let info = TYPE_INFO.get(type);
  if (info === undefined) {
    info = { path: PATH_TRIE.get(type), person: PERSON_RESOURCE_TYPES.has(type) };
    // Resource type names are few; anything else (a malformed export) is not worth remembering.
    if (TYPE_INFO.size < 1_000) TYPE_INFO.set(type, info);
  }
  return info;
}

const ELEMENT_TYPES = new Set<string>(Object.keys(ELEMENT_RULES));
/**
 * Per-property lookups run for every key of every resource: a module-local Map (no prototype walk
 * on a miss, no import accessor in the CommonJS build) instead of the rule table object.
 */
const PROPERTY_TYPE: ReadonlyMap<string, ElementType> = new Map(Object.entries(PROPERTY_TYPES));
const FREE_TEXT: ReadonlySet<string> = FREE_TEXT_PROPERTIES;
/**
 * The extension allow-list as a Map of its own entries: indexing the table object by a url named
 * like an Object.prototype member ("constructor", "__proto__") found the inherited member and kept
 * that extension, free text and all.
 */
const EXTENSION_SUBS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(EXTENSION_ALLOW_LIST));
const isElementType = (a: Action | ElementType): a is ElementType => ELEMENT_TYPES.has(a);

/**
 * ELEMENT_RULES per type as a Map of the named fields plus the "*" action, so a field lookup is one
 * Map lookup (a field named like an Object.prototype member, "constructor" say, gets "*" like every
 * other unnamed field); `whole` marks the types removed outright ("*": remove and nothing else).
 */
interface ElementRules {
  readonly fields: ReadonlyMap<string, Action>;
  readonly other: Action;
  readonly whole: boolean;
}
const ELEMENT_TABLE: Readonly<Record<ElementType, ElementRules>> = (() => {
  const table = {} as Record<ElementType, ElementRules>;
  for (const [type, rules] of Object.entries(ELEMENT_RULES) as Array<[ElementType, Record<string, Action>]>) {
    const fields = new Map(Object.entries(rules).filter(([k]) => k !== '*'));
    const other = rules['*'] ?? 'walk';
    table[type] = { fields, other, whole: other === 'remove' && fields.size === 0 };
  }
  return table;
})();

/**
 * What the walk does with a property, by name: one Map lookup per property instead of a rule-table
 * lookup, a switch over string cases and a free-text set lookup. Names absent from the map (most:
 * system, code, value, status...) are walked generically.
 */
const KIND_EXTENSION = 1;
const KIND_REFERENCE = 2;
const KIND_DISPLAY = 3;
const KIND_ID = 4;
const KIND_CONTAINED = 5;
const KIND_TEXT = 6;
const KIND_URL = 7;
const KIND_FREE_TEXT = 8;
/** KIND_ELEMENT + i: the property holds ELEMENT_OF_KIND[i]. */
const KIND_ELEMENT = 16;
const ELEMENT_OF_KIND: readonly ElementType[] = [...new Set(PROPERTY_TYPE.values())];
const KEY_KIND: ReadonlyMap<string, number> = (() => {
  const kinds = new Map<string, number>();
  for (const key of FREE_TEXT) kinds.set(key, KIND_FREE_TEXT);
  for (const [key, type] of PROPERTY_TYPE) kinds.set(key, KIND_ELEMENT + ELEMENT_OF_KIND.indexOf(type));
  // Set last: "text" is both free text and a Narrative holder; its own case handles both.
  kinds.set('extension', KIND_EXTENSION);
  kinds.set('modifierExtension', KIND_EXTENSION);
  kinds.set('reference', KIND_REFERENCE);
  kinds.set('display', KIND_DISPLAY);
  kinds.set('id', KIND_ID);
  kinds.set('contained', KIND_CONTAINED);
  kinds.set('text', KIND_TEXT);
  kinds.set('url', KIND_URL);
  return kinds;
})();

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const NO_KNOWN: readonly KnownIdentifier[] = [];

/** True when the PHI module's known-value matcher finds any of `known` in `text`. */
function knownValueIn(text: string, known: readonly KnownIdentifier[]): boolean {
  let found = false;
  detectKnown(text, known, () => {
    found = true;
  });
  return found;
}

/** NUL..BS and SO..US: bytes no text file holds, so undeclared content with them is binary. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 8 || (c >= 14 && c <= 31)) return true;
  }
  return false;
}
const DIGIT = /\d/;

const WORD_SEPARATOR = /[^\p{L}\p{N}]+/u;

interface Scrubbed {
  readonly text: string;
  readonly types: readonly PhiType[];
}

const TEXT_CONTENT_TYPES = /^(text\/|application\/(json|fhir\+json|xml|fhir\+xml|x-ndjson|hl7-v2))/i;

interface ResolvedReference {
  readonly text: string;
  /** A Patient reference whose patient has no research consent (the context does not change). */
  readonly unconsented: boolean;
}

/** Per-line state of one walk (one object per engine, reset by processLine). */
interface Walk {
  /** The resource being walked (a contained entry without a resourceType is taken as its type). */
  resourceType: string;
  known: readonly KnownIdentifier[];
  /** Cache key prefix: scrub results depend on the text and on the patient's known identifiers. */
  scope: string;
  /**
   * A patient the walk met (a Patient resource, a reference to one) has no research consent: the
   * line is excluded. Catches what the line scan missed (unusual formatting).
   */
  unconsented: boolean;
}

export class DeidEngine {
  readonly stats: EngineStats = emptyStats();
  readonly #o: EngineOptions;
  /** Coded texts repeat across a patient's resources ("Body mass index"); scrub them once. */
  readonly #scrubCache = new Map<string, Scrubbed>();
  readonly #genericCache = new Map<string, Scrubbed>();
  readonly #plainText = new Map<string, string>();
  readonly #knownTokens = new WeakMap<readonly KnownIdentifier[], Set<string>>();
  /**
   * Reference string → its pseudonymized form. Every Observation names its Patient and Encounter,
   * so most references repeat: one Map lookup instead of the reference regex, the pseudonym lookup
   * and a new concatenated string per occurrence.
   */
  readonly #references = new Map<string, ResolvedReference>();
  /** Per-line scratch state (see processLine); processLine is synchronous, so never shared. */
  readonly #patients = new Set<string>();
  readonly #walk: Walk = { resourceType: '', known: NO_KNOWN, scope: '', unconsented: false };

  constructor(options: EngineOptions) {
    this.#o = options;
  }

  /** One NDJSON line → its de-identified line, or why it was left out. Throws on malformed JSON. */
  processLine(line: string): LineOutcome {
    // A resource line starts with "{": only other lines need the (whole-line) whitespace test.
    if (line.charCodeAt(0) !== 123 && line.trim().length === 0) return { kind: 'blank' };
    const parsed = JSON.parse(line) as Json;
    if (!isObject(parsed) || typeof parsed['resourceType'] !== 'string')
      throw new Error('An NDJSON line is not a FHIR resource (no resourceType).');
    const resourceType = parsed['resourceType'];
    this.stats.resourcesIn++;

    // Reused across lines (cleared here): two Set allocations per line showed in GC time.
    const patients = this.#patients;
    patients.clear();
    // Most lines name no Patient at all (the Patient line itself, Practitioners, Organizations...).
    addReferencedPatients(line, patients);
    if (resourceType === 'Patient') {
      const id = str(parsed['id']);
      if (id) patients.add(id);
      this.stats.patientsIn++;
      countInto(this.stats.sourceDemographics, demographicsOf(parsed, this.#o.referenceYear));
    }

    if (DROPPED_RESOURCE_TYPES.has(resourceType)) {
      this.stats.excludedByType++;
      return { kind: 'excluded', resourceType, reason: 'resource-type' };
    }

    const walk = this.#walk;
    walk.resourceType = resourceType;
    walk.known = NO_KNOWN;
    walk.scope = '';
    walk.unconsented = false;
    if (patients.size === 1) {
      // The usual line (one patient): consent and known identifiers from one context lookup.
      const scope = patients.values().next().value as string;
      const patient = this.#o.context.get(scope);
      if (patient?.researchConsent !== true) return this.#excludeForConsent(resourceType);
      walk.scope = scope;
      walk.known = patient.known;
    } else if (patients.size > 1) {
      if (!this.#allConsented(patients)) return this.#excludeForConsent(resourceType);
      walk.scope = [...patients].sort().join(',');
      walk.known = [...patients].flatMap((p) => this.#o.context.get(p)?.known ?? []);
    }
    this.#walkResource(parsed, resourceType, walk);

    // A patient reference the line scan missed (unusual formatting) still decides consent.
    if (walk.unconsented) return this.#excludeForConsent(resourceType);
    this.stats.resourcesOut++;
    return { kind: 'kept', line: JSON.stringify(parsed), resourceType };
  }

  #allConsented(patients: ReadonlySet<string>): boolean {
    for (const p of patients) if (!this.#o.context.consented(p)) return false;
    return true;
  }

  #excludeForConsent(resourceType: string): LineOutcome {
    this.stats.excludedByConsent++;
    if (resourceType === 'Patient') this.stats.patientsExcluded++;
    return { kind: 'excluded', resourceType, reason: 'consent' };
  }

  /** `type`: the resource's resourceType (callers checked it is a string). */
  #walkResource(resource: JsonObject, type: string, walk: Walk): void {
    const outer = walk.resourceType;
    walk.resourceType = type;
    const info = typeInfo(type);
    const birthDate = info.person ? str(resource['birthDate']) : undefined;
    const id = resource['id'];
    if (typeof id === 'string') {
      resource['id'] = this.#o.pseudonymizer.resourceId(type, id);
      if (type === 'Patient' && !this.#o.context.consented(id)) walk.unconsented = true;
    }
    const meta = resource['meta'];
    if (isObject(meta)) {
      for (const [k, action] of META_ENTRIES) {
        const v = meta[k];
        if (v === undefined) continue;
        meta[k] =
          action === 'remove' ? undefined : typeof v === 'string' && looksLikeFhirDate(v) ? toYear(v) : v;
      }
    }
    this.#walkObject(resource, info.path, walk, true);
    if (birthDate !== undefined) this.#birthDate(resource, birthDate);
    walk.resourceType = outer;
  }

  /**
   * birthDate → year; a birth year putting the person over 89 is replaced by the single "90+"
   * category (164.514(b)(2)(i)(C): "all elements of dates (including year) indicative of such age").
   */
  #birthDate(resource: JsonObject, birthDate: string): void {
    const year = /^\d{4}/.test(birthDate) ? Number(birthDate.slice(0, 4)) : undefined;
    if (year === undefined) {
      resource['birthDate'] = undefined;
      return;
    }
    if (isOverEightyNine(year, this.#o.referenceYear)) {
      resource['birthDate'] = undefined;
      const extensions = Array.isArray(resource['extension']) ? resource['extension'] : [];
      extensions.push({ url: AGE_BAND_EXTENSION, valueString: OLDEST_BAND });
      resource['extension'] = extensions;
      this.stats.agesFolded++;
      return;
    }
    resource['birthDate'] = String(year);
  }

  /**
   * Walks an object's properties; returns false when nothing is left in it. The hot loop of the
   * engine: one KEY_KIND lookup per property decides everything, and the common case (a property
   * no rule names: codes, systems, numbers, dates) is handled inline without a call.
   */
  #walkObject(obj: JsonObject, path: PathNode | undefined, walk: Walk, isResource = false): boolean {
    let kept = 0;
    for (const key in obj) {
      const value = obj[key];
      if (value === undefined) continue;
      if (isResource && (key === 'resourceType' || key === 'id' || key === 'meta')) {
        kept++;
        continue;
      }
      let child: PathNode | undefined;
      let out: Json | undefined;
      // Most resource types have no path rules at all: skip the trie lookup for them.
      if (path !== undefined) child = path.children.get(key);
      if (child?.action !== undefined) {
        out = this.#applyRule(child.action, value, key, child, walk);
      } else {
        const kind = KEY_KIND.get(key);
        if (kind === undefined) {
          if (typeof value === 'string') out = looksLikeFhirDate(value) ? toYear(value) : value;
          else if (typeof value === 'object' && value !== null) out = this.#walkValue(value, child, walk);
          else out = value;
        } else if (kind >= KIND_ELEMENT) {
          out = this.#applyElement(ELEMENT_OF_KIND[kind - KIND_ELEMENT] as ElementType, value, walk);
        } else {
          out = this.#walkProperty(kind, key, value, obj, child, walk);
        }
      }
      if (out !== value) obj[key] = out;
      if (out !== undefined) kept++;
    }
    return kept > 0;
  }

  /** The properties KEY_KIND names (other than element types): see the kind constants. */
  #walkProperty(
    kind: number,
    key: string,
    value: Json,
    parent: JsonObject,
    path: PathNode | undefined,
    walk: Walk,
  ): Json | undefined {
    switch (kind) {
      case KIND_EXTENSION:
        return this.#extensions(value);
      case KIND_REFERENCE:
        return typeof value === 'string' ? this.#reference(value, walk) : this.#walkValue(value, path, walk);
      case KIND_DISPLAY:
        // Reference.display carries names ("Dr. Jane Roe", "Mr. John Doe"); Coding.display is
        // terminology and stays.
        return 'code' in parent || 'system' in parent ? value : undefined;
      case KIND_ID:
        return typeof value === 'string' ? this.#o.pseudonymizer.pseudonym('element', value) : value;
      case KIND_CONTAINED:
        for (const r of asArray(value))
          if (isObject(r)) this.#walkResource(r, str(r['resourceType']) ?? walk.resourceType, walk);
        return value;
      case KIND_TEXT:
        if (isObject(value)) return this.#applyElement('Narrative', value, walk);
        // CodeableConcept.text repeating one of its codings' displays is terminology: the same
        // string stays in Coding.display (kept by rule), so scrubbing this copy changes nothing.
        if (typeof value === 'string' && isCodingDisplay(parent['coding'], value)) return value;
        // "text" is also a free-text property: scrubbed below.
        break;
      case KIND_URL:
        // Extension.url and other canonical URLs are definitions, not data; an Attachment.url is
        // handled by the Attachment rule.
        return value;
    }
    if (typeof value === 'string') {
      if (FREE_TEXT.has(key)) return this.#scrub(value, walk);
      return looksLikeFhirDate(value) ? toYear(value) : value;
    }
    // A free-text property repeated (`"comment": ["...", ["..."]]`, not valid FHIR, but input is not
    // always valid): every string in it, at any depth of arrays, is free text. Objects are walked
    // as anywhere else: some of these names also hold elements (CarePlan.activity.detail).
    if (FREE_TEXT.has(key) && Array.isArray(value)) return this.#scrubStrings(value, path, walk);
    return this.#walkValue(value, path, walk);
  }

  #scrubStrings(values: Json[], path: PathNode | undefined, walk: Walk): Json | undefined {
    for (let i = 0; i < values.length; i++) {
      const item = values[i] as Json;
      if (typeof item === 'string') values[i] = this.#scrub(item, walk);
      else if (Array.isArray(item)) values[i] = this.#scrubStrings(item, path, walk) ?? null;
    }
    return this.#walkValue(values, path, walk);
  }

  #walkValue(value: Json, path: PathNode | undefined, walk: Walk): Json | undefined {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string' && looksLikeFhirDate(value)) return toYear(value);
      return value;
    }
    if (Array.isArray(value)) {
      let kept = 0;
      for (let i = 0; i < value.length; i++) {
        const out = this.#walkValue(value[i] as Json, path, walk);
        if (out === undefined) value[i] = null;
        else {
          if (out !== value[i]) value[i] = out;
          kept++;
        }
      }
      if (kept === value.length) return value;
      // An array cannot hold undefined (JSON would write null): rebuild without the removed items.
      return kept === 0 ? undefined : value.filter((v) => v !== null);
    }
    const type = value['resourceType'];
    if (typeof type === 'string') {
      this.#walkResource(value, type, walk);
      return value;
    }
    if (typeof value['value'] === 'number' && foldAgeQuantity(value)) {
      // 164.514(b)(2)(i)(C): ages over 89 become the single category "90 or older".
      value['value'] = 90;
      value['comparator'] = '>=';
      this.stats.agesFolded++;
    }
    return this.#walkObject(value, path, walk) ? value : undefined;
  }

  #applyRule(
    action: Action | ElementType,
    value: Json,
    key: string,
    path: PathNode,
    walk: Walk,
  ): Json | undefined {
    if (isElementType(action)) return this.#applyElement(action, value, walk);
    return this.#applyAction(action, value, key, path, walk);
  }

  #applyAction(
    action: Action,
    value: Json,
    key: string,
    path: PathNode | undefined,
    walk: Walk,
  ): Json | undefined {
    switch (action) {
      case 'remove':
        return undefined;
      case 'keep':
        return value;
      case 'walk':
        return this.#walkValue(value, path, walk);
      case 'year':
        return typeof value === 'string' ? toYear(value) : undefined;
      case 'zip3':
        return typeof value === 'string' ? zip3(value) : undefined;
      case 'pseudonymize':
        return typeof value === 'string' ? this.#o.pseudonymizer.pseudonym(key, value) : undefined;
      case 'reference':
        return typeof value === 'string' ? this.#reference(value, walk) : undefined;
      case 'scrub':
        return typeof value === 'string' ? this.#scrub(value, walk) : undefined;
      case 'narrative':
        return typeof value === 'string' ? this.#narrative(value, walk) : undefined;
      case 'attachment-data':
        return undefined; // handled with its contentType in #attachment
    }
  }

  /** Applies an element type's table to one element or to each element of an array. */
  #applyElement(type: ElementType, value: Json, walk: Walk): Json | undefined {
    if (Array.isArray(value)) {
      // In place, like #walkValue: most arrays keep every element (identifiers, addresses).
      let kept = 0;
      for (let i = 0; i < value.length; i++) {
        const r = this.#applyElement(type, value[i] as Json, walk);
        if (r === undefined) value[i] = null;
        else {
          if (r !== value[i]) value[i] = r;
          kept++;
        }
      }
      if (kept === value.length) return kept > 0 ? value : undefined;
      return kept === 0 ? undefined : value.filter((v) => v !== null);
    }
    if (!isObject(value)) return undefined; // e.g. Endpoint.address as a string: a URL, removed
    const rules = ELEMENT_TABLE[type];
    if (rules.whole) return undefined;
    if (type === 'Identifier' && this.#identifierRemoved(value)) return undefined;
    if (type === 'Attachment') this.#attachmentData(value, walk);
    const { fields, other } = rules;
    let kept = 0;
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      const action = fields.get(key) ?? other;
      const out =
        key === 'data' && type === 'Attachment'
          ? v
          : this.#applyAction(action, v, key === 'value' ? `identifier` : key, undefined, walk);
      value[key] = out;
      if (out !== undefined) kept++;
    }
    return kept > 0 ? value : undefined;
  }

  #identifierRemoved(identifier: JsonObject): boolean {
    const system = str(identifier['system']) ?? '';
    if (IDENTIFIER_SYSTEMS_REMOVED.some((re) => re.test(system))) return true;
    const type = identifier['type'];
    if (!isObject(type)) return false;
    return asArray(type['coding']).some(
      (c) => isObject(c) && IDENTIFIER_TYPES_REMOVED.has(str(c['code']) ?? ''),
    );
  }

  /**
   * Attachment.data: text content is decoded, scrubbed and re-encoded (the note stays in the
   * dataset as scrubbed text); anything else (images, PDFs) is removed, since photographs and
   * scanned pages cannot be scrubbed reliably (164.514(b)(2)(i)(Q)).
   */
  #attachmentData(attachment: JsonObject, walk: Walk): void {
    const data = attachment['data'];
    if (typeof data !== 'string') return;
    const contentType = str(attachment['contentType']);
    const bytes = Buffer.from(data, 'base64');
    const text = bytes.toString('utf8');
    const isText = contentType
      ? TEXT_CONTENT_TYPES.test(contentType)
      : !text.includes('\uFFFD') && !hasControlCharacters(text);
    if (!isText || text.includes('\uFFFD')) {
      attachment['data'] = undefined;
      this.stats.binaryAttachmentsRemoved++;
      return;
    }
    attachment['data'] = Buffer.from(this.#scrub(text, walk, false), 'utf8').toString('base64');
  }

  /** Keeps allow-listed extensions only (and only their allow-listed sub-extensions). */
  #extensions(value: Json): Json | undefined {
    if (!Array.isArray(value)) return undefined;
    const out: Json[] = [];
    for (const ext of value) {
      if (!isObject(ext)) continue;
      const url = str(ext['url']);
      const subs = url !== undefined ? EXTENSION_SUBS.get(url) : undefined;
      if (subs === undefined) continue;
      if (ext['extension'] !== undefined) {
        const kept = asArray(ext['extension']).filter(
          (s) => isObject(s) && subs.includes(str(s['url']) ?? ''),
        );
        ext['extension'] = kept.length > 0 ? kept : undefined;
      }
      for (const key in ext) {
        const v = ext[key];
        if (key === 'url' || key === 'extension' || v === undefined) continue;
        if (typeof v === 'string' && looksLikeFhirDate(v)) ext[key] = toYear(v);
      }
      out.push(ext);
    }
    return out.length > 0 ? out : undefined;
  }

  /** Reference → the same pseudonym the target's id got, so links survive. */
  #reference(reference: string, walk: Walk): string {
    if (reference.startsWith('#')) return reference; // contained resource, local to this one
    let resolved = this.#references.get(reference);
    if (resolved === undefined) {
      resolved = this.#resolveReference(reference);
      // Bounded like the pseudonym cache: memory stays flat in file size.
      if (this.#references.size >= 100_000) this.#references.clear();
      this.#references.set(reference, resolved);
    }
    if (resolved.unconsented) walk.unconsented = true;
    return resolved.text;
  }

  #resolveReference(reference: string): ResolvedReference {
    const parsed = parseReference(reference);
    if (parsed && !reference.includes('?')) {
      const text = `${parsed.type}/${this.#o.pseudonymizer.resourceId(parsed.type, parsed.id)}`;
      const unconsented = parsed.type === 'Patient' && !this.#o.context.consented(parsed.id);
      return { text, unconsented };
    }
    // Conditional ("Practitioner?identifier=...|123") or opaque references: the whole string.
    const type = /^([A-Z][A-Za-z]+)\?/.exec(reference)?.[1];
    const p = this.#o.pseudonymizer.pseudonym('reference', reference);
    return { text: type ? `${type}/${p}` : `urn:pseudonym:${p}`, unconsented: false };
  }

  #narrative(div: string, walk: Walk): string {
    // Generated narratives repeat across resources; their XHTML → text step is cached like scrubs.
    let plain = div.length <= 4096 ? this.#plainText.get(div) : undefined;
    if (plain === undefined) {
      plain = xhtmlToText(div);
      if (div.length <= 4096) {
        if (this.#plainText.size > 10_000) this.#plainText.clear();
        this.#plainText.set(div, plain);
      }
    }
    const text = this.#scrub(plain, walk);
    return `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(text)}</div>`;
  }

  /**
   * Free text through the shared PHI module, with this patient's known identifiers. Coded texts
   * repeat on every resource ("Body Mass Index"), so results are cached: texts that cannot hold a
   * known identifier (no digit and no word in common with any known value; the PHI module matches
   * known values on word boundaries) share one cache across patients, the rest are cached per patient.
   */
  #scrub(text: string, walk: Walk, cache = true): string {
    this.stats.freeTextFields++;
    const cacheable = cache && text.length <= 256;
    let result: Scrubbed | undefined;
    if (!this.#mayHoldKnown(text, walk.known)) result = this.#scrubGeneric(text, cacheable);
    else {
      const cacheKey = `${walk.scope}\u0000${text}`;
      result = cacheable ? this.#scrubCache.get(cacheKey) : undefined;
      if (result === undefined) {
        // Texts with digits ("Take 1 tablet daily", "Below 5.7%") pass the cheap test above for
        // every patient. Known values change a redaction only through the spans the PHI module's
        // own known-value matcher finds, so where it finds none the text scrubs as it would for
        // anyone and shares the cross-patient cache: one redaction instead of one per patient.
        // Uncached texts (notes) skip this check: it would only repeat the matcher's work.
        result =
          cacheable && !knownValueIn(text, walk.known)
            ? this.#scrubGeneric(text, true)
            : this.#redact(text, walk.known);
        if (cacheable) {
          if (this.#scrubCache.size > 100_000) this.#scrubCache.clear();
          this.#scrubCache.set(cacheKey, result);
        }
      }
    }
    for (const type of result.types)
      this.stats.redactedSpans[type] = (this.stats.redactedSpans[type] ?? 0) + 1;
    return result.text;
  }

  /** A text no known value can match: redacted without them, cached across patients. */
  #scrubGeneric(text: string, cacheable: boolean): Scrubbed {
    let result = cacheable ? this.#genericCache.get(text) : undefined;
    if (result === undefined) {
      result = this.#redact(text, NO_KNOWN);
      if (cacheable) {
        if (this.#genericCache.size > 100_000) this.#genericCache.clear();
        this.#genericCache.set(text, result);
      }
    }
    return result;
  }

  #redact(text: string, known: readonly KnownIdentifier[]): Scrubbed {
    const r = this.#o.phi.redactPhi(text, known.length > 0 ? { known } : {});
    return { text: r.text, types: r.spans.map((span) => span.type) };
  }

  #mayHoldKnown(text: string, known: readonly KnownIdentifier[]): boolean {
    if (known.length === 0) return false;
    if (DIGIT.test(text)) return true;
    let tokens = this.#knownTokens.get(known);
    if (tokens === undefined) {
      tokens = new Set(
        known.flatMap((k) => k.value.toLowerCase().split(WORD_SEPARATOR)).filter((t) => t.length > 0),
      );
      this.#knownTokens.set(known, tokens);
    }
    for (const token of text.toLowerCase().split(WORD_SEPARATOR)) if (tokens.has(token)) return true;
    return false;
  }
}
