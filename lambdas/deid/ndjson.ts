/** Line-by-line NDJSON over byte chunks: memory holds one line (plus one chunk), never a file. */

export async function* linesOf(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl = pending.indexOf('\n', start);
    while (nl !== -1) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield pending.slice(start, end);
      start = nl + 1;
      nl = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}

/** Joins output lines into chunks of about `size` characters for efficient writes. */
export async function* chunked(lines: AsyncIterable<string>, size = 1 << 20): AsyncGenerator<string> {
  let buf: string[] = [];
  let len = 0;
  for await (const line of lines) {
    buf.push(line, '\n');
    len += line.length + 1;
    if (len >= size) {
      yield buf.join('');
      buf = [];
      len = 0;
    }
  }
  if (len > 0) yield buf.join('');
}

/**
 * What an NDJSON line holds: a FHIR resource (a JSON object with a string resourceType), some
 * other JSON (a bulk export's log entry, for example), or no JSON at all.
 */
export type LineKind = 'resource' | 'other-json' | 'not-json';

export function lineKind(line: string): LineKind {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not-json';
  }
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
    ? 'resource'
    : 'other-json';
}

/**
 * Whether an NDJSON object holds FHIR resources, judged by its first non-blank line: `false` for a
 * file of other JSON (an export's log), `true` otherwise (a resource file, an empty one, or one
 * that is not JSON, which its reader then reports by line).
 */
export async function holdsResources(chunks: AsyncIterable<Uint8Array | string>): Promise<boolean> {
  for await (const line of linesOf(chunks)) {
    if (line.trim().length === 0) continue;
    return lineKind(line) !== 'other-json';
  }
  return true;
}
