/** The JSON shapes the engine walks: FHIR resources as parsed from NDJSON, without a full model. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json | undefined;
}

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const asArray = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

export const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** "Patient/123", "https://x/fhir/Patient/123/_history/2" → { type: "Patient", id: "123" }. */
export function parseReference(reference: string): { type: string; id: string } | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  if (!m) return undefined;
  return { type: m[1] as string, id: m[2] as string };
}

/** XHTML → plain text for scrubbing and scanning a Narrative (tags dropped, entities decoded). */
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};
export function xhtmlToText(div: string): string {
  return div
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * A CodeableConcept.text that repeats one of its codings' displays is terminology, not free text:
 * the engine keeps it as the code system worded it, and the residual scan treats it the same way.
 */
export function isCodingDisplay(coding: Json | undefined, text: string): boolean {
  if (!Array.isArray(coding)) return false;
  for (const c of coding) if (isObject(c) && c['display'] === text) return true;
  return false;
}
