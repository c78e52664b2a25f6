/**
 * Validation of a de-identified run (fails closed, nothing partial is published):
 * - residual scan: the shared PHI detectors run again over every output string, plus structural
 *   checks that the Safe Harbor rules held (no full dates, no 5-digit ZIP, no names, telecom,
 *   photos or unknown extensions). Findings name the rule, resource type and path, never the value;
 * - k-anonymity over the quasi-identifiers (birth year or age band, sex, ZIP3), generalizing further
 *   (age bands, ZIP3 → State) and suppressing, within a budget, the patients left in classes
 *   smaller than k (with every resource that references them), or failing;
 * - bias: demographic distributions of the source and of the output, flagging shifted groups and
 *   counting the suppressed patients of each group.
 */
import type { PhiType } from '../phi/types';
import {
  ageBandExtensionOf,
  birthYearOf,
  DEMOGRAPHIC_DIMENSIONS,
  type DemographicCounts,
  type DemographicDimension,
  emptyCounts,
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

/** Each step coarsens one quasi-identifier (age bands, then ZIP3 → State). */
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

/** What one level of the ladder gives: k as it is, and what suppression would leave. */
export interface LevelOutcome {
  readonly level: number;
  /** The smallest equivalence class with no patient suppressed. */
  readonly k: number;
  /** Patients in classes smaller than the target: the ones suppressed if this level is chosen. */
  readonly suppressed: number;
  /** The smallest class left after that suppression; null when no patient would be left. */
  readonly kSuppressed: number | null;
}

export interface KAnonymityResult {
  readonly target: number;
  readonly patients: number;
  /** k of the engine's output before any further generalization. */
  readonly kBefore: number | null;
  /** k after the chosen level and suppression; when no level is chosen, the best k over all levels. */
  readonly kAfter: number | null;
  readonly level: number | null;
  readonly generalization: GeneralizationLevel | null;
  readonly passed: boolean;
  /** The suppression budget: the share of patients that may be left out to reach the target. */
  readonly maxSuppression: number;
  /** Patients suppressed at the chosen level (0 when no level is chosen). */
  readonly suppressed: number;
  /**
   * The smallest budget (share of patients, rounded up to 4 decimals) with which some level
   * reaches the target; null when none can, whatever the budget.
   */
  readonly suppressionNeeded: number | null;
  readonly levels: LevelOutcome[];
  /** Why no level was chosen, in counts and shares only; absent when one was. */
  readonly message?: string;
}

/** Equivalence class sizes at a level, and each patient's class key (in the order of `qis`). */
function classesAt(
  qis: readonly QuasiIdentifiers[],
  level: GeneralizationLevel,
  referenceYear: number,
): { keys: string[]; sizes: Map<string, number> } {
  const keys = qis.map((q) => equivalenceClassKey(q, level, referenceYear));
  const sizes = new Map<string, number>();
  for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  return { keys, sizes };
}

/** The patients (indices into `qis`) left in classes smaller than `target` at a level. */
export function smallClassMembers(
  qis: readonly QuasiIdentifiers[],
  level: GeneralizationLevel,
  target: number,
  referenceYear: number,
): number[] {
  const { keys, sizes } = classesAt(qis, level, referenceYear);
  const out: number[] = [];
  for (const [i, key] of keys.entries()) if ((sizes.get(key) ?? 0) < target) out.push(i);
  return out;
}

export function levelOutcome(
  qis: readonly QuasiIdentifiers[],
  level: GeneralizationLevel,
  target: number,
  referenceYear: number,
): LevelOutcome {
  const { sizes } = classesAt(qis, level, referenceYear);
  let k = Number.POSITIVE_INFINITY;
  let kSuppressed = Number.POSITIVE_INFINITY;
  let suppressed = 0;
  for (const n of sizes.values()) {
    k = Math.min(k, n);
    if (n < target) suppressed += n;
    else kSuppressed = Math.min(kSuppressed, n);
  }
  return {
    level: level.level,
    k: Number.isFinite(k) ? k : 0,
    suppressed,
    kSuppressed: Number.isFinite(kSuppressed) ? kSuppressed : null,
  };
}

/** The patients a budget allows to suppress (a share, with slack for binary fractions). */
export function suppressionAllowance(maxSuppression: number, patients: number): number {
  return Math.floor(maxSuppression * patients + 1e-9);
}

/** A share of patients rounded up to 4 decimals: a budget that, written as printed, still suffices. */
function shareRoundedUp(count: number, patients: number): number {
  return Math.ceil((count / patients) * 10_000 - 1e-6) / 10_000;
}

/**
 * The least damaging way to k ≥ target: every level of the ladder is tried with the patients of
 * its classes smaller than the target suppressed, and among the levels whose suppression fits the
 * budget the one suppressing the fewest patients wins (a suppressed patient loses the whole record,
 * a generalized one only detail of three fields), the least generalized on a tie. With no
 * suppression needed this is the least generalization that reaches k. When no level fits, the
 * result names the budget that would have been enough.
 */
export function chooseGeneralization(
  qis: readonly QuasiIdentifiers[],
  target: number,
  referenceYear: number,
  maxSuppression = 0,
): KAnonymityResult {
  const first = GENERALIZATION_LADDER[0] as GeneralizationLevel;
  const patients = qis.length;
  const failed = {
    target,
    patients,
    level: null,
    generalization: null,
    passed: false,
    maxSuppression,
    suppressed: 0,
  } as const;
  if (patients === 0)
    return {
      ...failed,
      kBefore: null,
      kAfter: null,
      suppressionNeeded: null,
      levels: [],
      message: 'the output holds no patients',
    };
  const levels = GENERALIZATION_LADDER.map((level) => levelOutcome(qis, level, target, referenceYear));
  const kBefore = kAt(qis, first, referenceYear);
  const allowance = suppressionAllowance(maxSuppression, patients);
  const possible = levels.filter((l) => l.kSuppressed !== null);
  const fewest = (a: LevelOutcome, b: LevelOutcome): LevelOutcome =>
    b.suppressed < a.suppressed || (b.suppressed === a.suppressed && b.level < a.level) ? b : a;
  const within = possible.filter((l) => l.suppressed <= allowance);
  if (within.length > 0) {
    const chosen = within.reduce(fewest);
    const generalization = GENERALIZATION_LADDER.find((g) => g.level === chosen.level) as GeneralizationLevel;
    return {
      target,
      patients,
      kBefore,
      kAfter: chosen.kSuppressed,
      level: chosen.level,
      generalization,
      passed: true,
      maxSuppression,
      suppressed: chosen.suppressed,
      suppressionNeeded: shareRoundedUp(chosen.suppressed, patients),
      levels,
    };
  }
  const best = Math.max(...levels.map((l) => l.k));
  const budget = `with at most ${allowance} of ${patients} patients suppressed (budget ${maxSuppression})`;
  if (possible.length === 0)
    return {
      ...failed,
      kBefore,
      kAfter: best,
      suppressionNeeded: null,
      levels,
      message: `no generalization level reaches k = ${target} ${budget}, and no budget would help: every equivalence class is smaller than ${target} at every level`,
    };
  const needed = possible.reduce(fewest);
  const share = shareRoundedUp(needed.suppressed, patients);
  return {
    ...failed,
    kBefore,
    kAfter: best,
    suppressionNeeded: share,
    levels,
    message: `no generalization level reaches k = ${target} ${budget}; a budget of ${share} would (suppressing ${needed.suppressed} of ${patients} patients at level ${needed.level})`,
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
// Suppression

const RELATIVE_REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** Every reference a resource makes, as "Type/id" or "urn:pseudonym:<id>" (attachment urls too). */
export function referencesOf(resource: JsonObject): string[] {
  const out: string[] = [];
  const visit = (value: Json, key: string): void => {
    if (typeof value === 'string') {
      if (key === 'reference' || key === 'url') {
        if (value.startsWith('urn:pseudonym:')) out.push(value);
        else {
          const m = RELATIVE_REFERENCE.exec(value);
          if (m) out.push(`${m[1]}/${m[2]}`);
        }
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key);
      return;
    }
    if (isObject(value))
      for (const k in value) {
        const v = value[k];
        if (v !== undefined) visit(v, k);
      }
  };
  for (const k in resource) {
    const v = resource[k];
    if (v !== undefined && k !== 'id' && k !== 'resourceType') visit(v, k);
  }
  return out;
}

/**
 * The suppressed patients and, as they are found, their resources: every resource that references
 * a suppressed patient, and every resource of no kept patient that references a resource already
 * suppressed (an Observation reached through its Encounter, a Provenance of it). A kept patient's
 * own record stays whole (a reference from it to a suppressed resource is left dangling), and a
 * Patient is suppressed only as one of the suppressed patients, so the classes that reach k keep
 * their size. Resources are matched by "Type/id", and by id for references that carry only a
 * pseudonym.
 */
export class Suppression {
  readonly #refs = new Set<string>();
  readonly #ids = new Set<string>();
  readonly #patients = new Set<string>();

  constructor(patientIds: Iterable<string>) {
    for (const id of patientIds) {
      this.#add('Patient', id);
      this.#patients.add(id);
    }
  }

  /** Suppressed resources known so far. */
  get size(): number {
    return this.#refs.size;
  }

  #add(type: string, id: string): void {
    this.#refs.add(`${type}/${id}`);
    this.#ids.add(id);
  }

  /**
   * True when the resource is suppressed: it is known, or what it references makes it so (then it
   * is added, so that what references it is found on a later pass).
   */
  absorb(resource: JsonObject): boolean {
    const type = str(resource['resourceType']);
    const id = str(resource['id']);
    const self = type !== undefined && id !== undefined ? `${type}/${id}` : undefined;
    if (self !== undefined && this.#refs.has(self)) return true;
    if (type === 'Patient') return false;
    let suppressedPatient = false;
    let suppressedResource = false;
    let keptPatient = false;
    for (const ref of referencesOf(resource)) {
      if (ref.startsWith('urn:pseudonym:')) {
        const pseudonym = ref.slice('urn:pseudonym:'.length);
        if (this.#patients.has(pseudonym)) suppressedPatient = true;
        else if (this.#ids.has(pseudonym)) suppressedResource = true;
      } else if (ref.startsWith('Patient/')) {
        if (this.#refs.has(ref)) suppressedPatient = true;
        else keptPatient = true;
      } else if (this.#refs.has(ref)) suppressedResource = true;
    }
    if (!suppressedPatient && !(suppressedResource && !keptPatient)) return false;
    if (type !== undefined && id !== undefined) this.#add(type, id);
    return true;
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
  /** Patients of the group suppressed for k-anonymity. */
  readonly suppressed: number;
}

export interface BiasReport {
  readonly threshold: number;
  readonly dimensions: Record<DemographicDimension, GroupShift[]>;
  readonly flagged: Array<{
    readonly dimension: DemographicDimension;
    readonly group: string;
    readonly shift: number;
  }>;
  /** Patients suppressed for k-anonymity (their groups are in `dimensions`). */
  readonly patientsSuppressed: number;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/**
 * Source against output shares per demographic group. `suppressed` holds the groups of the
 * patients suppressed for k-anonymity (they are not in `output`).
 */
export function biasReport(
  source: DemographicCounts,
  output: DemographicCounts,
  threshold: number,
  suppressed: DemographicCounts = emptyCounts(),
): BiasReport {
  const dimensions = {} as Record<DemographicDimension, GroupShift[]>;
  const flagged: BiasReport['flagged'] = [];
  for (const dim of DEMOGRAPHIC_DIMENSIONS) {
    const s = source[dim];
    const o = output[dim];
    const x = suppressed[dim];
    const sTotal = Object.values(s).reduce((a, b) => a + b, 0);
    const oTotal = Object.values(o).reduce((a, b) => a + b, 0);
    const groups = [...new Set([...Object.keys(s), ...Object.keys(o), ...Object.keys(x)])].sort();
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
        suppressed: x[group] ?? 0,
      };
    });
  }
  const patientsSuppressed = Object.values(suppressed.sex).reduce((a, b) => a + b, 0);
  return { threshold, dimensions, flagged, patientsSuppressed };
}
