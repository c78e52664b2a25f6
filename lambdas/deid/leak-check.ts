/**
 * Issue 5's acceptance check: on the input bundles, no name, address line, phone, e-mail, SSN,
 * MRN, licence or passport number, or full date of birth may survive anywhere in the output.
 * Collects those values from the SOURCE Patient and RelatedPerson resources, then searches every
 * output line for them (whole words, any case). Findings name the category and the output file,
 * never the value, so the check's own output is safe to print and to keep in CI logs.
 */
import { asArray, isObject, type JsonObject, str } from './fhir-json';

export type LeakCategory =
  | 'name'
  | 'address-line'
  | 'phone'
  | 'email'
  | 'ssn'
  | 'mrn'
  | 'licence'
  | 'passport'
  | 'other-identifier'
  | 'birth-date';

export interface LeakFinding {
  readonly category: LeakCategory;
  readonly file: string;
  readonly line: number;
}

const IDENTIFIER_CATEGORY: Readonly<Record<string, LeakCategory>> = {
  SS: 'ssn',
  MR: 'mrn',
  DL: 'licence',
  PPN: 'passport',
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LeakCheck {
  readonly #values = new Map<LeakCategory, Set<string>>();
  #patterns: Array<{ category: LeakCategory; re: RegExp }> | undefined;
  readonly findings: LeakFinding[] = [];
  valuesCollected = 0;

  #add(category: LeakCategory, value: string | undefined): void {
    const v = value?.trim();
    // One- and two-letter strings ("Jr", initials) match everywhere and identify no one.
    if (!v || v.length < 3) return;
    let set = this.#values.get(category);
    if (!set) {
      set = new Set();
      this.#values.set(category, set);
    }
    set.add(v);
    this.#patterns = undefined;
  }

  /** Collects the identifying values of a source resource (Patient, RelatedPerson; others ignored). */
  addSource(resource: JsonObject): void {
    const type = resource['resourceType'];
    if (type !== 'Patient' && type !== 'RelatedPerson') return;
    const people: JsonObject[] = [resource, ...asArray(resource['contact']).filter(isObject)];
    for (const person of people) {
      for (const name of asArray(person['name'])) {
        if (!isObject(name)) continue;
        for (const part of [...asArray(name['given']), name['family'], name['text']])
          if (typeof part === 'string') this.#add('name', part);
      }
      for (const address of asArray(person['address']))
        if (isObject(address))
          for (const line of asArray(address['line']))
            if (typeof line === 'string') this.#add('address-line', line);
      for (const t of asArray(person['telecom'])) {
        if (!isObject(t)) continue;
        this.#add(t['system'] === 'email' ? 'email' : 'phone', str(t['value']));
      }
    }
    for (const ident of asArray(resource['identifier'])) {
      if (!isObject(ident)) continue;
      const code = isObject(ident['type'])
        ? asArray(ident['type']['coding'])
            .map((c) => (isObject(c) ? str(c['code']) : undefined))
            .find(Boolean)
        : undefined;
      this.#add(IDENTIFIER_CATEGORY[code ?? ''] ?? 'other-identifier', str(ident['value']));
    }
    const birth = str(resource['birthDate']);
    const m = birth ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth) : null;
    if (m) {
      const [, y, mo, d] = m as unknown as [string, string, string, string];
      this.#add('birth-date', `${y}-${mo}-${d}`);
      this.#add('birth-date', `${mo}/${d}/${y}`);
      this.#add('birth-date', `${Number(mo)}/${Number(d)}/${y}`);
    }
    this.valuesCollected = [...this.#values.values()].reduce((a, s) => a + s.size, 0);
  }

  #compiled(): Array<{ category: LeakCategory; re: RegExp }> {
    if (!this.#patterns) {
      this.#patterns = [...this.#values.entries()].map(([category, values]) => ({
        category,
        re: new RegExp(
          `(?<![\\p{L}\\p{N}])(?:${[...values]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|')})(?![\\p{L}\\p{N}])`,
          'iu',
        ),
      }));
    }
    return this.#patterns;
  }

  /**
   * Checks one output line. JSON escapes are undone first (a name in a note is the same name).
   * Base64 attachment data is decoded and checked too.
   */
  checkLine(line: string, file: string, lineNo: number): void {
    const texts = [line];
    for (const m of line.matchAll(/"data"\s*:\s*"([A-Za-z0-9+/=]+)"/g))
      texts.push(Buffer.from(m[1] ?? '', 'base64').toString('utf8'));
    for (const text of texts) {
      for (const { category, re } of this.#compiled())
        if (re.test(text)) this.findings.push({ category, file, line: lineNo });
    }
  }
}
