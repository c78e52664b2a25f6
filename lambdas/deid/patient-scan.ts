/**
 * The patients an NDJSON line references, found in the raw text before the walk (consent decides
 * whether the line is walked at all; the patients' known identifiers are needed by the first free
 * text the walk meets). Same matches as
 *   /"reference"\s*:\s*"(?:[^"]*\/)?Patient\/([A-Za-z0-9\-.]{1,64})"/g
 * (PATIENT_REFERENCE_PATTERN, kept for the equivalence test) but found from each "Patient/" with
 * indexOf and checked outwards: the global regex tried every position of every line, about 4% of
 * the engine's time on Synthea.
 */
export const PATIENT_REFERENCE_PATTERN = /"reference"\s*:\s*"(?:[^"]*\/)?Patient\/([A-Za-z0-9\-.]{1,64})"/g;

const MARKER = 'Patient/';
const KEY = '"reference"';
const QUOTE = 34;
const SLASH = 47;
const COLON = 58;
const OTHER_SPACE = /\s/;

/** [A-Za-z0-9.-] */
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** What the regex's \s matches (ASCII fast path; the Unicode spaces through the regex itself). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && OTHER_SPACE.test(String.fromCharCode(c)));
}

/** Adds to `into` the id of every `"reference": "…Patient/<id>"` in `line`. */
export function addReferencedPatients(line: string, into: Set<string>): void {
  let at = line.indexOf(MARKER);
  while (at !== -1) {
    const idStart = at + MARKER.length;
    let end = idStart;
    while (end < line.length && isIdChar(line.charCodeAt(end))) end++;
    if (end > idStart && end - idStart <= 64 && line.charCodeAt(end) === QUOTE) {
      // The string's opening quote: right before "Patient/", or the nearest one before a "/".
      const before = line.charCodeAt(at - 1);
      const open = before === QUOTE ? at - 1 : before === SLASH ? line.lastIndexOf('"', at - 2) : -1;
      if (open > 0 && isReferenceKeyBefore(line, open)) into.add(line.slice(idStart, end));
    }
    at = line.indexOf(MARKER, idStart);
  }
}

/** True when `"reference"\s*:\s*` ends right before position `open`. */
function isReferenceKeyBefore(line: string, open: number): boolean {
  let i = open - 1;
  while (i >= 0 && isSpace(line.charCodeAt(i))) i--;
  if (i < 0 || line.charCodeAt(i) !== COLON) return false;
  i--;
  while (i >= 0 && isSpace(line.charCodeAt(i))) i--;
  const keyStart = i - KEY.length + 1;
  return keyStart >= 0 && line.startsWith(KEY, keyStart);
}
