import type { Resource } from '@medplum/fhirtypes';
import type { FhirStore } from '../../core/ports';
import { allResources, type SyntheticClinic } from './synthetic-clinic';

/**
 * Writes the clinic through the FhirStore port with `update` (FHIR update-as-create, PUT with the
 * client's id), so seeded ids are the generator's and the same seed gives the same ids on any
 * store, MemoryFhirStore or HealthLake.
 */
export async function seedFhirStore(
  store: FhirStore,
  clinic: SyntheticClinic,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const resource of allResources(clinic)) {
    await store.update<Resource>(resource);
    counts[resource.resourceType] = (counts[resource.resourceType] ?? 0) + 1;
  }
  return counts;
}
