/**
 * FHIR Bundles (Synthea writes one transaction Bundle per patient) → resources as an export would
 * hold them: references to `urn:uuid:` fullUrls rewritten to `Type/id`, as HealthLake stores them.
 */
import { asArray, isObject, type Json, type JsonObject, str } from './fhir-json';

export function* resourcesOfBundle(bundle: JsonObject): Generator<JsonObject> {
  const entries = asArray(bundle['entry']).filter(isObject);
  const byFullUrl = new Map<string, string>();
  for (const entry of entries) {
    const resource = entry['resource'];
    const fullUrl = str(entry['fullUrl']);
    if (!isObject(resource) || !fullUrl) continue;
    const type = str(resource['resourceType']);
    let id = str(resource['id']);
    if (!id) {
      id = fullUrl.replace(/^urn:uuid:/, '');
      resource['id'] = id;
    }
    if (type) byFullUrl.set(fullUrl, `${type}/${id}`);
  }
  for (const entry of entries) {
    const resource = entry['resource'];
    if (!isObject(resource)) continue;
    rewriteReferences(resource, byFullUrl);
    yield resource;
  }
}

function rewriteReferences(value: Json | undefined, byFullUrl: ReadonlyMap<string, string>): void {
  if (Array.isArray(value)) {
    for (const v of value) rewriteReferences(v, byFullUrl);
    return;
  }
  if (!isObject(value)) return;
  for (const key in value) {
    const v = value[key];
    if (key === 'reference' && typeof v === 'string') {
      const resolved = byFullUrl.get(v);
      if (resolved) value[key] = resolved;
    } else rewriteReferences(v, byFullUrl);
  }
}

/** A parsed JSON file: a Bundle's resources, or the resource itself. */
export function resourcesOfJson(json: Json): JsonObject[] {
  if (!isObject(json)) return [];
  if (json['resourceType'] === 'Bundle') return [...resourcesOfBundle(json)];
  return typeof json['resourceType'] === 'string' ? [json] : [];
}
