/**
 * Validation of a de-identified run (issue 5: fails closed, nothing partial is published):
 * - residual scan: the shared PHI detectors run again over every output string, plus structural
 *   checks that the Safe Harbor rules held (no full dates, no 5-digit ZIP, no names, telecom,
 *   photos or unknown extensions). Findings name the rule, resource type and path, never the value;
 * - k-anonymity over the quasi-identifiers (birth year or age band, sex, ZIP3), generalizing further
 *   (age bands, ZIP3 → State) until the configured k holds, or failing;
 * - bias: demographic distributions of the source and of the output, flagging shifted groups.
 */
import type { PhiType } from '../phi/types';
import {
  ageBandExtensionOf,
  birthYearOf,
  DEMOGRAPHIC_DIMENSIONS,
  type DemographicCounts,
  type DemographicDimension,
} from './demographics';
import {
  asArray,
  isCodingDisplay,
  isObject,
  type Json,
  type JsonObject,
  str,
  xhtmlToText,
} from './fhir-json';
import {
  ageAt,
  ageBand,
  type BandWidth,
  isOverEightyNine,
  looksLikeFhirDate,
  OLDEST_BAND,
} from './generalize';
import type { PhiDetector } from './phi-port';
import { PSEUDONYM_PATTERN } from './pseudonym';
import { AGE_BAND_EXTENSION, EXTENSION_ALLOW_LIST } from './rules';

// ---------------------------------------------------------------------------------------------
// Residual scan

export interface ResidualFinding {
  /** Detector rule name ("ssn", "known"...) or a structural rule ("structured-date"...). */
  readonly rule: string;
  readonly type: PhiType;
  readonly resourceType: string;
  /** Element path without indices, e.g. "Observation.note.text". Never the value. */
  readonly path: string;
  readonly file: string;
  readonly line: number;
}

/** Structural values: terminology, canonical URLs and codes, not data about a person. */
const STRUCTURAL_KEYS = new Set([
  'resourceType',
  'system',
  'url',
  'profile',
  'code',
  'unit',
  'status',
  'use',
  'gender',
  'contentType',
  'language',
  'linkId',
  'versionId',
  'version',
  'mode',
  'intent',
  'priority',
  'valueCode',
  'comparator',
  'div',
]);

/** Properties whose presence is itself a Safe Harbor violation in the output. */
const FORBIDDEN_KEYS: Readonly<Record<string, PhiType>> = {
  telecom: 'PHONE',
  photo: 'PHOTO',
  valueHumanName: 'NAME',
  valueContactPoint: 'PHONE',
  subscriberId: 'HEALTH_PLAN_ID',
  serialNumber: 'DEVICE_ID',
  udiCarrier: 'DEVICE_ID',
  position: 'ADDRESS',
};
const NAMED_RESOURCE_TYPES = new Set(['Patient', 'RelatedPerson', 'Person', 'Practitioner']);

export class ResidualScanner {
  readonly findings: ResidualFinding[] = [];
  count = 0;
  stringsScanned = 0;
  /** Coded displays repeat on every resource; their detector result is cached (rule or ''). */
  readonly #cache = new Map<string, { rule: string; type: PhiType } | null>();

  constructor(
    private readonly phi: PhiDetector,
    private readonly referenceYear: number,
    private readonly maxListed = 200,
  ) {}

  get passed(): boolean {
    return this.count === 0;
  }

  scanResource(resource: JsonObject, file: string, line: number): void {
    const type = str(resource['resourceType']) ?? 'unknown';
    const at = { file, line, resourceType: type };
    this.#object(resource, type, at, true);
    if (NAMED_RESOURCE_TYPES.has(type) && resource['name'] !== undefined)
      this.#add({ ...at, rule: 'structured-name', type: 'NAME', path: `${type}.name` });
    const birth = birthYearOf(resource);
    if (birth !== undefined && isOverEightyNine(birth, this.referenceYear))
      this.#add({ ...at, rule: 'structured-age-over-89', type: 'AGE', path: `${type}.birthDate` });
  }

  #add(finding: ResidualFinding): void {
    this.count++;
    if (this.findings.length < this.maxListed) this.findings.push(finding);
  }

  #object(
    obj: JsonObject,
    path: string,
    at: Omit<ResidualFinding, 'rule' | 'type' | 'path'>,
    root = false,
  ): void {
    for (const key in obj) {
      const value = obj[key];
      if (value === undefined) continue;
      const p = `${path}.${key}`;
      const forbidden = FORBIDDEN_KEYS[key];
      if (forbidden) {
        this.#add({ ...at, rule: 'structured-element', type: forbidden, path: p });
        continue;
      }
      // Sub-extensions are checked by their parent's allow-list entry, top-level ones here.
      const parentUrl = str(obj['url']);
      const allowedSubs = parentUrl !== undefined ? EXTENSION_ALLOW_LIST[parentUrl] : undefined;
      if (key === 'extension' || key === 'modifierExtension') this.#extensions(value, p, at, allowedSubs);
      if (root && key === 'id') {
        if (typeof value !== 'string' || !PSEUDONYM_PATTERN.test(value))
          this.#add({ ...at, rule: 'structured-id', type: 'OTHER_ID', path: p });
        continue;
      }
      if (key === 'reference' && typeof value === 'string') {
        if (!isPseudonymReference(value))
          this.#add({ ...at, rule: 'structured-reference', type: 'OTHER_ID', path: p });
        continue;
      }
      if (key === 'postalCode' && typeof value === 'string' && !/^\d{3}$/.test(value)) {
        this.#add({ ...at, rule: 'structured-zip', type: 'ZIP', path: p });
        continue;
      }
      if (key === 'div' && typeof value === 'string') {
        this.#text(xhtmlToText(value), p, at, false);
        continue;
      }
      if (key === 'data' && typeof value === 'string') {
        this.#text(Buffer.from(value, 'base64').toString('utf8'), p, at, false);
        continue;
      }
      // Coding.display is the code system's own wording for the code (terminology the engine
      // keeps as is), not text about a person.
      if (key === 'display' && ('system' in obj || 'code' in obj)) continue;
      if (key === 'text' && typeof value === 'string' && isCodingDisplay(obj['coding'], value)) continue;
      this.#value(value, key, p, at);
    }
  }

  #value(value: Json, key: string, path: string, at: Omit<ResidualFinding, 'rule' | 'type' | 'path'>): void {
    if (typeof value === 'string') {
      if (looksLikeFhirDate(value)) {
        this.#add({ ...at, rule: 'structured-date', type: 'DATE', path });
        return;
      }
      if (!STRUCTURAL_KEYS.has(key)) this.#text(value, path, at, true);
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) this.#value(v, key, path, at);
      return;
    }
    if (isObject(value)) this.#object(value, typeof value['resourceType'] === 'string' ? path : path, at);
  }

  #text(
    text: string,
    path: string,
    at: Omit<ResidualFinding, 'rule' | 'type' | 'path'>,
    cache: boolean,
  ): void {
    if (text.length === 0) return;
    this.stringsScanned++;
    const useCache = cache && text.length <= 256;
    let hit = useCache ? this.#cache.get(text) : undefined;
    if (hit === undefined) {
      const span = this.phi.detectPhi(text)[0];
      hit = span ? { rule: span.rule, type: span.type } : null;
      if (useCache) {
        if (this.#cache.size > 100_000) this.#cache.clear();
        this.#cache.set(text, hit);
      }
    }
    if (hit) this.#add({ ...at, rule: hit.rule, type: hit.type, path });
  }

  #extensions(
    value: Json,
    path: string,
    at: Omit<ResidualFinding, 'rule' | 'type' | 'path'>,
    allowedSubs: readonly string[] | undefined,
  ): void {
    for (const ext of asArray(value)) {
      if (!isObject(ext)) continue;
      const url = str(ext['url']) ?? '';
      const allowed =
        allowedSubs !== undefined ? allowedSubs.includes(url) : EXTENSION_ALLOW_LIST[url] !== undefined;
      if (!allowed) this.#add({ ...at, rule: 'structured-extension', type: 'OTHER_ID', path });
    }
  }
}

function isPseudonymReference(ref: string): boolean {
  if (ref.startsWith('#')) return true;
  const slash = ref.lastIndexOf('/');
  const id = slash >= 0 ? ref.slice(slash + 1) : ref.replace(/^urn:pseudonym:/, '');
  return (
    PSEUDONYM_PATTERN.test(id) &&
    (slash < 0 ? ref.startsWith('urn:pseudonym:') : /^[A-Z][A-Za-z]+$/.test(ref.slice(0, slash)))
  );
}

// ---------------------------------------------------------------------------------------------
// k-anonymity

export interface QuasiIdentifiers {
  readonly birthYear?: number;
  /** Present when the engine already folded the age (90+) or a previous generalization banded it. */
  readonly ageBand?: string;
  readonly sex: string;
  readonly zip3?: string;
  readonly state?: string;
}

export function quasiIdentifiersOf(patient: JsonObject): QuasiIdentifiers {
  const address = asArray(patient['address']).find(isObject);
  const birthYear = birthYearOf(patient);
  const band = ageBandExtensionOf(patient);
  const zip = address ? str(address['postalCode']) : undefined;
  const state = address ? str(address['state']) : undefined;
  return {
    ...(birthYear !== undefined ? { birthYear } : {}),
    ...(band !== undefined ? { ageBand: band } : {}),
    sex: str(patient['gender']) ?? 'unknown',
    ...(zip !== undefined ? { zip3: zip } : {}),
    ...(state !== undefined ? { state } : {}),
  };
}

export interface GeneralizationLevel {
  readonly level: number;
  /** 1 = exact birth year. */
  readonly age: BandWidth;
  readonly geo: 'zip3' | 'state';
}

/** Each step coarsens one quasi-identifier (issue 5: age bands, then ZIP3 → State). */
export const GENERALIZATION_LADDER: readonly GeneralizationLevel[] = [
  { level: 0, age: 1, geo: 'zip3' },
  { level: 1, age: 5, geo: 'zip3' },
  { level: 2, age: 10, geo: 'zip3' },
  { level: 3, age: 10, geo: 'state' },
  { level: 4, age: 20, geo: 'state' },
  { level: 5, age: 'broad', geo: 'state' },
];

function ageKey(q: QuasiIdentifiers, level: GeneralizationLevel, referenceYear: number): string {
  if (q.birthYear === undefined) return q.ageBand ?? 'unknown';
  if (level.age === 1)
    return isOverEightyNine(q.birthYear, referenceYear) ? OLDEST_BAND : String(q.birthYear);
  return ageBand(ageAt(q.birthYear, referenceYear), level.age);
}

export function equivalenceClassKey(
  q: QuasiIdentifiers,
  level: GeneralizationLevel,
  referenceYear: number,
): string {
  const geo = level.geo === 'zip3' ? `${q.zip3 ?? '-'}|${q.state ?? '-'}` : (q.state ?? '-');
  return `${ageKey(q, level, referenceYear)}|${q.sex}|${geo}`;
}

/** The smallest equivalence class (k) at a level; Infinity for no patients. */
export function kAt(
  qis: readonly QuasiIdentifiers[],
  level: GeneralizationLevel,
  referenceYear: number,
): number {
  const classes = new Map<string, number>();
  for (const q of qis) {
    const key = equivalenceClassKey(q, level, referenceYear);
    classes.set(key, (classes.get(key) ?? 0) + 1);
  }
  let k = Number.POSITIVE_INFINITY;
  for (const n of classes.values()) k = Math.min(k, n);
  return k;
}

export interface KAnonymityResult {
  readonly target: number;
  readonly patients: number;
  /** k of the engine's output before any further generalization. */
  readonly kBefore: number | null;
  /** k after the chosen level; null when no level reaches the target. */
  readonly kAfter: number | null;
  readonly level: number | null;
  readonly generalization: GeneralizationLevel | null;
  readonly passed: boolean;
}

/** The least generalization that reaches k ≥ target, or a failure naming the best k reached. */
export function chooseGeneralization(
  qis: readonly QuasiIdentifiers[],
  target: number,
  referenceYear: number,
): KAnonymityResult {
  const finite = (k: number): number | null => (Number.isFinite(k) ? k : null);
  const first = GENERALIZATION_LADDER[0] as GeneralizationLevel;
  const kBefore = kAt(qis, first, referenceYear);
  if (qis.length === 0)
    return {
      target,
      patients: 0,
      kBefore: null,
      kAfter: null,
      level: null,
      generalization: null,
      passed: false,
    };
  let best = kBefore;
  for (const level of GENERALIZATION_LADDER) {
    const k = kAt(qis, level, referenceYear);
    best = Math.max(best, k);
    if (k >= target)
      return {
        target,
        patients: qis.length,
        kBefore: finite(kBefore),
        kAfter: k,
        level: level.level,
        generalization: level,
        passed: true,
      };
  }
  return {
    target,
    patients: qis.length,
    kBefore: finite(kBefore),
    kAfter: finite(best),
    level: null,
    generalization: null,
    passed: false,
  };
}

/** Rewrites a de-identified Patient to a generalization level (birth year → band, ZIP3 → State). */
export function generalizePatient(
  patient: JsonObject,
  level: GeneralizationLevel,
  referenceYear: number,
): void {
  if (level.age !== 1) {
    const year = birthYearOf(patient);
    if (year !== undefined) {
      patient['birthDate'] = undefined;
      const extensions = Array.isArray(patient['extension']) ? patient['extension'] : [];
      extensions.push({
        url: AGE_BAND_EXTENSION,
        valueString: ageBand(ageAt(year, referenceYear), level.age),
      });
      patient['extension'] = extensions;
    }
  }
  if (level.geo === 'state') {
    for (const address of asArray(patient['address']))
      if (isObject(address)) address['postalCode'] = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Bias report

export interface GroupShift {
  readonly group: string;
  readonly sourceShare: number;
  readonly outputShare: number;
  readonly shift: number;
  readonly flagged: boolean;
}

export interface BiasReport {
  readonly threshold: number;
  readonly dimensions: Record<DemographicDimension, GroupShift[]>;
  readonly flagged: Array<{
    readonly dimension: DemographicDimension;
    readonly group: string;
    readonly shift: number;
  }>;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

export function biasReport(
  source: DemographicCounts,
  output: DemographicCounts,
  threshold: number,
): BiasReport {
  const dimensions = {} as Record<DemographicDimension, GroupShift[]>;
  const flagged: BiasReport['flagged'] = [];
  for (const dim of DEMOGRAPHIC_DIMENSIONS) {
    const s = source[dim];
    const o = output[dim];
    const sTotal = Object.values(s).reduce((a, b) => a + b, 0);
    const oTotal = Object.values(o).reduce((a, b) => a + b, 0);
    const groups = [...new Set([...Object.keys(s), ...Object.keys(o)])].sort();
    dimensions[dim] = groups.map((group) => {
      const sourceShare = sTotal > 0 ? (s[group] ?? 0) / sTotal : 0;
      const outputShare = oTotal > 0 ? (o[group] ?? 0) / oTotal : 0;
      const shift = outputShare - sourceShare;
      const isFlagged = Math.abs(shift) > threshold;
      if (isFlagged) flagged.push({ dimension: dim, group, shift: round(shift) });
      return {
        group,
        sourceShare: round(sourceShare),
        outputShare: round(outputShare),
        shift: round(shift),
        flagged: isFlagged,
      };
    });
  }
  return { threshold, dimensions, flagged };
}
