import { AsyncLocalStorage } from 'node:async_hooks';
import type { Resource } from '@medplum/fhirtypes';
import type { FhirSearchParams, FhirStore, ResourceOf } from './ports';

/**
 * Undo for the FHIR writes of one request. A write whose audit event cannot be recorded must not
 * stand (DESIGN.md: the request fails closed): the router runs each non-idempotent operation inside
 * a journal and, when the audit write fails, rolls the request's writes back before answering 503.
 */
type JournalEntry =
  | { readonly kind: 'created'; readonly resourceType: Resource['resourceType']; readonly id: string }
  | { readonly kind: 'replaced'; readonly before: Resource };

const currentJournal = new AsyncLocalStorage<FhirWriteJournal>();

export class FhirWriteJournal {
  private readonly entries: JournalEntry[] = [];

  record(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Reverses the writes, newest first: created resources are deleted, updated or deleted ones are
   * written back as they were. Returns how many could not be undone (best effort: the caller
   * already fails the request, and the names of failures are logged, never the content).
   */
  async rollBack(store: FhirStore): Promise<number> {
    let failed = 0;
    for (const entry of [...this.entries].reverse()) {
      try {
        if (entry.kind === 'created') await store.delete(entry.resourceType, entry.id);
        else await store.update(entry.before);
      } catch {
        failed += 1;
      }
    }
    this.entries.length = 0;
    return failed;
  }
}

/** Runs `work` with a fresh journal that every JournalingFhirStore write inside it records into. */
export function withFhirWriteJournal<T>(work: (journal: FhirWriteJournal) => Promise<T>): Promise<T> {
  const journal = new FhirWriteJournal();
  return currentJournal.run(journal, () => work(journal));
}

/**
 * A FhirStore that records each write into the current request's journal (if one is open).
 * Updates and deletes read the resource first, so the journal can put it back; outside a journal
 * it adds nothing.
 */
export class JournalingFhirStore implements FhirStore {
  constructor(readonly inner: FhirStore) {}

  read<K extends Resource['resourceType']>(resourceType: K, id: string): Promise<ResourceOf<K>> {
    return this.inner.read(resourceType, id);
  }

  search<K extends Resource['resourceType']>(
    resourceType: K,
    params: FhirSearchParams,
  ): Promise<ResourceOf<K>[]> {
    return this.inner.search(resourceType, params);
  }

  async create<T extends Resource>(resource: T): Promise<T> {
    const created = await this.inner.create(resource);
    if (created.id)
      currentJournal
        .getStore()
        ?.record({ kind: 'created', resourceType: created.resourceType, id: created.id });
    return created;
  }

  async update<T extends Resource>(resource: T, options?: { readonly ifMatchVersion?: string }): Promise<T> {
    const journal = currentJournal.getStore();
    const before =
      journal && resource.id ? await this.inner.read(resource.resourceType, resource.id) : undefined;
    const updated = await this.inner.update(resource, options);
    if (journal && before) journal.record({ kind: 'replaced', before });
    return updated;
  }

  async delete(resourceType: Resource['resourceType'], id: string): Promise<void> {
    const journal = currentJournal.getStore();
    const before = journal ? await this.inner.read(resourceType, id) : undefined;
    await this.inner.delete(resourceType, id);
    if (journal && before) journal.record({ kind: 'replaced', before });
  }
}
