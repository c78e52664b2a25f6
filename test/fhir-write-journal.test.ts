import type { Patient } from '@medplum/fhirtypes';
import { MemoryFhirStore } from '../lambdas/adapters/memory-fhir-store';
import { JournalingFhirStore, withFhirWriteJournal } from '../lambdas/core/fhir-write-journal';

const patient = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family }] });

describe('the FHIR write journal', () => {
  it("restores an update only over the version the request wrote, never over another writer's change", async () => {
    const memory = new MemoryFhirStore();
    const store = new JournalingFhirStore(memory);
    const original = await memory.create(patient('Before'));
    const undone = await withFhirWriteJournal(async (journal) => {
      await store.update({ ...original, name: [{ family: 'Request' }] });
      // Another request changes the record before this one rolls back.
      const current = await memory.read('Patient', original.id ?? '');
      await memory.update({ ...current, name: [{ family: 'Other writer' }] });
      return journal.rollBack(memory);
    });
    expect(undone).toBe(1);
    expect((await memory.read('Patient', original.id ?? '')).name?.[0]?.family).toBe('Other writer');
  });

  it('restores an update nobody else touched, and counts a created resource already gone as undone', async () => {
    const memory = new MemoryFhirStore();
    const store = new JournalingFhirStore(memory);
    const original = await memory.create(patient('Before'));
    const undone = await withFhirWriteJournal(async (journal) => {
      await store.update({ ...original, name: [{ family: 'Request' }] });
      const created = await store.create(patient('Created'));
      await memory.delete('Patient', created.id ?? '');
      return journal.rollBack(memory);
    });
    expect(undone).toBe(0);
    expect((await memory.read('Patient', original.id ?? '')).name?.[0]?.family).toBe('Before');
  });

  it('never writes back a resource the request created and deleted itself', async () => {
    const memory = new MemoryFhirStore();
    const store = new JournalingFhirStore(memory);
    let createdId = '';
    const undone = await withFhirWriteJournal(async (journal) => {
      const created = await store.create(patient('Created'));
      createdId = created.id ?? '';
      await store.update({ ...created, name: [{ family: 'Changed' }] });
      await store.delete('Patient', createdId);
      return journal.rollBack(memory);
    });
    expect(undone).toBe(0);
    await expect(memory.read('Patient', createdId)).rejects.toThrow();
  });

  it('writes a deleted resource back', async () => {
    const memory = new MemoryFhirStore();
    const store = new JournalingFhirStore(memory);
    const original = await memory.create(patient('Kept'));
    await withFhirWriteJournal(async (journal) => {
      await store.delete('Patient', original.id ?? '');
      return journal.rollBack(memory);
    });
    expect((await memory.read('Patient', original.id ?? '')).name?.[0]?.family).toBe('Kept');
  });
});
