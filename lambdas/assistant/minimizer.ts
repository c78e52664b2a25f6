/**
 * The minimizer (DESIGN.md "The assistant", step 2): identifiers in the patient's text are replaced
 * with placeholders before any model sees it, using the ONE shared PHI-detection module
 * (lambdas/phi) with the patient's own record values as known identifiers; and only the calling
 * patient's minimum necessary context (45 CFR 164.502(b)) is attached, chosen by intent.
 *
 * Placeholders are numbered per conversation (`[NAME_3]`), so a token never means two things in
 * one conversation. Only this request's map can turn a placeholder back into a value, and only for
 * the kinds of value that are safe to show the patient again (see REINSERTABLE).
 */
import type { Patient } from '@medplum/fhirtypes';
import { detectPhi, type KnownIdentifier, type PhiType } from '../phi/light';

/** Placeholder kinds: the PHI types, plus context values the assistant adds itself. */
export type PlaceholderType = PhiType | 'CLINICIAN';

/**
 * Values the patient may see again in a reply: they came from this patient's own message or record,
 * so echoing them to the authenticated patient discloses nothing new. Record numbers, SSNs, plan
 * and account ids are never echoed: a reply can end up in a notification or a screenshot, and no
 * answer needs them.
 */
const REINSERTABLE: ReadonlySet<PlaceholderType> = new Set([
  'NAME',
  'DATE',
  'PHONE',
  'EMAIL',
  'ADDRESS',
  'ZIP',
  'AGE',
  'CLINICIAN',
]);

/** What the patient reads where a placeholder cannot be filled in. */
const WITHHELD: Partial<Record<PlaceholderType, string>> = {
  MRN: 'your record number',
  SSN: 'your Social Security number',
  HEALTH_PLAN_ID: 'your plan number',
  ACCOUNT: 'your account number',
};

const PLACEHOLDER = /\[([A-Z_]+?)_(\d+)\]/g;

/** Emergency and crisis numbers the assistant itself gives; never treated as someone's identifier. */
export const PUBLIC_NUMBERS: readonly string[] = ['911', '988', '1-800-222-1222'];

interface Entry {
  readonly type: PlaceholderType;
  readonly value: string;
}

/** One request's placeholder ↔ value map. Never stored: only placeholders are persisted. */
export class PlaceholderMap {
  private readonly byToken = new Map<string, Entry>();
  private readonly byValue = new Map<string, string>();
  private next: number;

  /** `start`: the conversation's next free placeholder number. */
  constructor(start = 1) {
    this.next = start;
  }

  /** The placeholder standing for `value` (the same one for a repeated value). */
  tokenFor(type: PlaceholderType, value: string): string {
    const key = `${type}\u0000${value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')}`;
    const existing = this.byValue.get(key);
    if (existing) return existing;
    const token = `[${type}_${this.next++}]`;
    this.byValue.set(key, token);
    this.byToken.set(token, { type, value });
    return token;
  }

  get size(): number {
    return this.byToken.size;
  }

  /** The next free number, stored with the conversation. */
  get nextNumber(): number {
    return this.next;
  }

  /**
   * Fills placeholders of this request's map into `text` where safe; any other placeholder (one a
   * model made up, one from an earlier turn, or a withheld kind) becomes a neutral phrase.
   */
  reinsert(text: string): string {
    return text.replace(PLACEHOLDER, (token, type: string) => {
      const entry = this.byToken.get(token);
      if (entry && REINSERTABLE.has(entry.type)) return entry.value;
      return WITHHELD[(entry?.type ?? type) as PlaceholderType] ?? 'that detail';
    });
  }
}

/** The patient's own identifiers from the record: every place they could appear in their text. */
export function knownIdentifiersOf(patient: Patient): KnownIdentifier[] {
  const known: KnownIdentifier[] = [];
  const add = (type: PhiType, value: string | undefined): void => {
    const trimmed = value?.trim();
    if (trimmed && !known.some((k) => k.type === type && k.value === trimmed))
      known.push({ type, value: trimmed });
  };
  for (const name of patient.name ?? []) {
    add('NAME', name.text);
    add('NAME', [...(name.given ?? []), name.family ?? ''].join(' '));
    for (const given of name.given ?? []) add('NAME', given);
    add('NAME', name.family);
  }
  for (const telecom of patient.telecom ?? []) {
    if (telecom.system === 'phone' || telecom.system === 'sms') add('PHONE', telecom.value);
    if (telecom.system === 'email') add('EMAIL', telecom.value);
    if (telecom.system === 'fax') add('FAX', telecom.value);
  }
  for (const identifier of patient.identifier ?? []) add('MRN', identifier.value);
  add('DATE', patient.birthDate);
  for (const address of patient.address ?? []) {
    add('ADDRESS', address.text);
    for (const line of address.line ?? []) add('ADDRESS', line);
    add('ADDRESS', address.city);
    add('ZIP', address.postalCode);
  }
  return known;
}

export interface MinimizedText {
  readonly text: string;
  /** How many identifiers were replaced (a count for metadata; never which or what). */
  readonly redacted: number;
}

/**
 * Replaces every identifier the shared detector finds (the patient's own known values included)
 * with a placeholder from `map`. Overlapping spans are merged by the detector itself.
 */
export function minimizeText(
  text: string,
  known: readonly KnownIdentifier[],
  map: PlaceholderMap,
): MinimizedText {
  const spans = detectPhi(text, { known });
  if (spans.length === 0) return { text, redacted: 0 };
  const parts: string[] = [];
  let at = 0;
  let redacted = 0;
  for (const span of spans) {
    const original = text.slice(span.start, span.end);
    if (PUBLIC_NUMBERS.includes(original.trim())) continue;
    parts.push(text.slice(at, span.start), map.tokenFor(span.type, original));
    at = span.end;
    redacted++;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), redacted };
}

/**
 * Removes identifiers a model wrote itself (it only ever saw placeholders, so any identifier in its
 * text is not the patient's to see): placeholders and the public emergency numbers are kept.
 */
export function scrubModelText(
  text: string,
  known: readonly KnownIdentifier[],
): { text: string; removed: number } {
  const spans = detectPhi(text, { known });
  const placeholders = [...text.matchAll(PLACEHOLDER)].map((m) => [m.index, m.index + m[0].length] as const);
  const parts: string[] = [];
  let at = 0;
  let removed = 0;
  for (const span of spans) {
    const original = text.slice(span.start, span.end);
    const insidePlaceholder = placeholders.some(([start, end]) => span.start >= start && span.end <= end);
    if (insidePlaceholder || PUBLIC_NUMBERS.some((n) => original.includes(n))) continue;
    parts.push(text.slice(at, span.start), '[removed]');
    at = span.end;
    removed++;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), removed };
}
