/**
 * Membership in `an-array-of-english-words` (MIT, ~275K lower-case words, sorted in JS string
 * order), shared by the PHI detectors' safe-word test and the triage screen's spelling tolerance
 * (a real word is never "corrected" into a symptom: "does" is not "dose").
 *
 * The list is loaded with a `require` inside the function, on the first lookup rather than at
 * module load: a bundler wraps a required module in a function, which V8 only pre-parses at load,
 * so a cold start that never looks a word up never pays for the parse. Membership is a binary
 * search on the parsed array: no 275K-entry Set to build at cold start.
 */
let english: readonly string[] | undefined;

export function isEnglishWord(lower: string): boolean {
  if (english === undefined) {
    // A plain `import` would be hoisted to module load (see the header); the package is a JSON array.
    english = require('an-array-of-english-words') as readonly string[];
  }
  let lo = 0;
  let hi = english.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = english[mid] as string;
    if (w === lower) return true;
    if (w < lower) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
