import { AsyncLocalStorage } from 'node:async_hooks';
import type { Resource } from '@medplum/fhirtypes';
import { NotFound } from './errors';
import type { FhirSearchParams, FhirStore, ResourceOf } from './ports';

/**
 * Undo for the FHIR writes of one request. A write whose audit event cannot be recorded must not
 * stand (DESIGN.md: the request fails closed): the router runs each non-idempotent operation inside
 * a journal and, when the audit write fails, rolls the request's writes back before answering 503.
 */
type JournalEntry =
  | { readonly kind: 'created'; readonly resourceType: Resource['resourceType']; readonly id: string }
  /** `afterVersion`: the version this request wrote; the restore applies only over that version. */
  | { readonly kind: 'replaced'; readonly before: Resource; readonly afterVersion: string | undefined }
  | { readonly kind: 'deleted'; readonly before: Resource };

const currentJournal = new AsyncLocalStorage<FhirWriteJournal>();

export class FhirWriteJournal {
  private readonly entries: JournalEntry[] = [];

  record(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  /**
   * A resource this request created and now deletes itself (a service undoing its own step): the
   * record is as before it, so the rollback has nothing to do for it, and must never write it back.
   * True when the resource was one this request created.
   */
  forgetCreated(resourceType: Resource['resourceType'], id: string): boolean {
    const at = this.entries.findIndex(
      (e) => e.kind === 'created' && e.resourceType === resourceType && e.id === id,
    );
    if (at < 0) return false;
    // Its later updates go too: they were of a resource that no longer exists.
    for (let i = this.entries.length - 1; i > at; i--) {
      const e = this.entries[i];
      if (e?.kind === 'replaced' && e.before.resourceType === resourceType && e.before.id === id)
        this.entries.splice(i, 1);
    }
    this.entries.splice(at, 1);
    return true;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Reverses the writes, newest first: created resources are deleted (one already gone counts as
   * undone), updated ones are written back as they were, but only over the version this request
   * wrote (another writer's later change is not overwritten: that entry counts as not undone),
   * deleted ones are written back. Returns how many could not be undone; the caller fails the
   * request and keeps what guards the record (a slot claim, an idempotency key) when any could not.
   */
  async rollBack(store: FhirStore): Promise<number> {
    let failed = 0;
    for (const entry of [...this.entries].reverse()) {
      try {
        if (entry.kind === 'created') await store.delete(entry.resourceType, entry.id);
        else if (entry.kind === 'replaced')
          await store.update(
            entry.before,
            entry.afterVersion === undefined ? undefined : { ifMatchVersion: entry.afterVersion },
          );
        else await store.update(entry.before);
      } catch (error) {
        if (!(entry.kind === 'created' && error instanceof NotFound)) failed += 1;
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
    if (journal && before)
      journal.record({ kind: 'replaced', before, afterVersion: updated.meta?.versionId });
    return updated;
  }

  async delete(resourceType: Resource['resourceType'], id: string): Promise<void> {
    const journal = currentJournal.getStore();
    const before = journal ? await this.inner.read(resourceType, id) : undefined;
    await this.inner.delete(resourceType, id);
    if (journal && before && !journal.forgetCreated(resourceType, id))
      journal.record({ kind: 'deleted', before });
  }
}
