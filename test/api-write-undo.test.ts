/**
 * No write stands unaudited, and undoing a failed request never frees what still guards a record
 * (the slot claim, the Idempotency-Key). DynamoDB adapters on dynalite, the FHIR store in memory.
 */
import { type AuditSink, createApiHandler, DependencyUnavailable, DynamoSlotLedger } from '../lambdas/api';
import { Conflict } from '../lambdas/core/errors';
import type { FhirStore, IdempotencyStore, SlotLedger } from '../lambdas/core/ports';
import {
  type ApiHarness,
  apiEvent,
  claimsFor,
  createHarness,
  type LocalDynamo,
  parseBody,
  type SyntheticPatient,
  startDynalite,
  switchableAudit,
  TABLES,
} from './helpers/api-fixtures';

const NOW = new Date('2025-03-10T12:00:00.000Z');
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const as = (patient: SyntheticPatient) =>
  claimsFor({ sub: `sub-${patient.id}`, roles: ['patient'], patientId: patient.id });

const booking = (patient: SyntheticPatient, slotId: string, key: string) =>
  apiEvent({
    method: 'POST',
    path: '/v1/me/appointments',
    body: { slotId, reason: 'Check' },
    headers: { 'Idempotency-Key': key },
    claims: as(patient),
  });

/** The harness's FHIR store with some of its calls replaced. */
function fhirWith(harness: ApiHarness, replaced: Partial<FhirStore>): FhirStore {
  return {
    read: (type, id) => harness.fhir.read(type, id),
    search: (type, params) => harness.fhir.search(type, params),
    create: (resource) => harness.fhir.create(resource),
    update: (resource, options) => harness.fhir.update(resource, options),
    delete: (type, id) => harness.fhir.delete(type, id),
    ...replaced,
  } as FhirStore;
}

async function bookedOn(harness: ApiHarness, slotId: string): Promise<string[]> {
  const appointments = await harness.fhir.search('Appointment', { slot: `Slot/${slotId}` });
  return appointments.filter((a) => a.status === 'booked').map((a) => a.id ?? '');
}

test('when the audit write and the undo both fail, the slot claim and the key stay taken: nobody double-books', async () => {
  const harness = await createHarness(dynamo, NOW, 31);
  let outage = true;
  const fhir: FhirStore = {
    read: (type, id) => harness.fhir.read(type, id),
    search: (type, params) => harness.fhir.search(type, params),
    create: (resource) => harness.fhir.create(resource),
    update: (resource, options) => harness.fhir.update(resource, options),
    delete: async (type, id) => {
      if (outage) throw new DependencyUnavailable('fhir');
      return harness.fhir.delete(type, id);
    },
  };
  const handler = createApiHandler({
    ...harness.ports,
    fhir,
    audit: switchableAudit(harness, () => outage),
  });
  const [first, second] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[0]!;

  const failed = await handler(booking(first!, slotId, 'key-undo-fails-1'));
  outage = false;
  const other = await handler(booking(second!, slotId, 'key-undo-fails-2'));
  const retried = await handler(booking(first!, slotId, 'key-undo-fails-1'));

  expect(failed.statusCode).toBe(503);
  expect(other.statusCode).toBe(409);
  expect(parseBody(retried.body)['type']).toBe('https://wellgate.dev/problems/idempotency-in-progress');
  expect(await bookedOn(harness, slotId)).toHaveLength(1);
  expect(harness.logger.lines.some((line) => line.includes('could not be undone'))).toBe(true);
});

test('a cancellation frees its slot only once audited: a booking racing a failing cancellation gets 409', async () => {
  const harness = await createHarness(dynamo, NOW, 32);
  let holdUpdates = false;
  let releaseHeld: (() => void) | undefined;
  const audit: AuditSink = {
    append: async (event) => {
      if (holdUpdates && event.action === 'update') {
        await new Promise<void>((resolve) => {
          releaseHeld = resolve;
        });
        throw new DependencyUnavailable('audit');
      }
      return harness.audit.append(event);
    },
    listForPatient: (id) => harness.audit.listForPatient(id),
  };
  const handler = createApiHandler({ ...harness.ports, audit });
  const [owner, other] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[1]!;
  const booked = await handler(booking(owner!, slotId, 'key-race-book'));
  const { appointmentId } = parseBody(booked.body) as { appointmentId: string };

  holdUpdates = true;
  const cancelling = handler(
    apiEvent({ method: 'DELETE', path: `/v1/me/appointments/${appointmentId}`, claims: as(owner!) }),
  );
  while (releaseHeld === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  const racing = await handler(booking(other!, slotId, 'key-race-other'));
  releaseHeld();
  const cancelled = await cancelling;

  expect(racing.statusCode).toBe(409);
  expect(cancelled.statusCode).toBe(503);
  expect(await bookedOn(harness, slotId)).toEqual([appointmentId]);
  expect((await harness.fhir.read('Slot', slotId)).status).toBe('busy');
});

test('a booking whose ledger confirmation fails leaves nothing behind and the slot bookable', async () => {
  const harness = await createHarness(dynamo, NOW, 33);
  const ledger = harness.ports.slotLedger;
  let outage = true;
  const slotLedger: SlotLedger = {
    claim: (slotId, holder) => ledger.claim(slotId, holder),
    release: (slotId, holderId) => ledger.release(slotId, holderId),
    confirm: async (slotId, appointmentId, requestId) => {
      if (outage) throw new DependencyUnavailable('dynamodb');
      return ledger.confirm(slotId, appointmentId, requestId);
    },
  };
  const handler = createApiHandler({ ...harness.ports, slotLedger });
  const [first, second] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[2]!;

  const failed = await handler(booking(first!, slotId, 'key-confirm-fails'));
  const afterFailure = await bookedOn(harness, slotId);
  outage = false;
  const other = await handler(booking(second!, slotId, 'key-confirm-other'));

  expect(failed.statusCode).toBe(503);
  expect(afterFailure).toEqual([]);
  expect((await harness.audit.listForPatient(first!.id)).filter((e) => e.action === 'create')).toEqual([]);
  expect(other.statusCode).toBe(201);
});

test('a booking that stands and is audited is answered 201 even when its response cannot be remembered', async () => {
  const harness = await createHarness(dynamo, NOW, 34);
  const store = harness.ports.idempotency;
  const idempotency: IdempotencyStore = {
    begin: (key, fingerprint) => store.begin(key, fingerprint),
    release: (key) => store.release(key),
    complete: async () => {
      throw new DependencyUnavailable('dynamodb');
    },
  };
  const handler = createApiHandler({ ...harness.ports, idempotency });
  const [patient] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[3]!;

  const response = await handler(booking(patient!, slotId, 'key-complete-fails'));

  expect(response.statusCode).toBe(201);
  expect(await bookedOn(harness, slotId)).toHaveLength(1);
  const chain = await harness.audit.listForPatient(patient!.id);
  expect(chain.map((e) => [e.resourceType, e.action])).toEqual([['Appointment', 'create']]);
});

test("a booking's own clean-up is not written back by the rollback: one booking per slot when a later delete fails", async () => {
  const harness = await createHarness(dynamo, NOW, 35);
  const ledger = harness.ports.slotLedger;
  let confirmDown = true;
  const slotLedger: SlotLedger = {
    claim: (slotId, holder) => ledger.claim(slotId, holder),
    release: (slotId, holderId) => ledger.release(slotId, holderId),
    confirm: async (slotId, appointmentId, requestId) => {
      if (confirmDown) throw new DependencyUnavailable('dynamodb');
      return ledger.confirm(slotId, appointmentId, requestId);
    },
  };
  let deletes = 0;
  const fhir = fhirWith(harness, {
    // The booking's own clean-up (the first delete) works; any later delete fails.
    delete: async (type, id) => {
      deletes++;
      if (deletes > 1) throw new DependencyUnavailable('fhir');
      return harness.fhir.delete(type, id);
    },
  });
  const handler = createApiHandler({ ...harness.ports, fhir, slotLedger });
  const [first, second] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[4]!;

  const failed = await handler(booking(first!, slotId, 'key-cleanup-first'));
  confirmDown = false;
  const other = await handler(booking(second!, slotId, 'key-cleanup-second'));

  expect(failed.statusCode).toBe(503);
  expect(other.statusCode).toBe(201);
  expect(await bookedOn(harness, slotId)).toHaveLength(1);
});

test('when a booking cannot be cleaned up, the slot stays held after the 120 s claim expiry too', async () => {
  const harness = await createHarness(dynamo, NOW, 36);
  let clock = NOW;
  const slotLedger = new DynamoSlotLedger({
    client: dynamo.documentClient,
    tableName: TABLES.appState,
    now: () => clock,
  });
  let outage = true;
  const fhir = fhirWith(harness, {
    // Right after the appointment is created the FHIR store fails the slot write and every delete.
    update: async (resource, options) => {
      if (outage && resource.resourceType === 'Slot') throw new DependencyUnavailable('fhir');
      return harness.fhir.update(resource, options);
    },
    delete: async (type, id) => {
      if (outage) throw new DependencyUnavailable('fhir');
      return harness.fhir.delete(type, id);
    },
  });
  const handler = createApiHandler({ ...harness.ports, fhir, slotLedger });
  const [first, second] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[5]!;

  const failed = await handler(booking(first!, slotId, 'key-stuck-first'));
  outage = false;
  clock = new Date(NOW.getTime() + 121_000);
  const later = await handler(booking(second!, slotId, 'key-stuck-second'));

  expect(failed.statusCode).toBe(503);
  expect(later.statusCode).toBe(409);
  expect(await bookedOn(harness, slotId)).toHaveLength(1);
});

test('losing the race for a write is a refused write, audited as such, for a booking and a cancellation', async () => {
  const harness = await createHarness(dynamo, NOW, 37);
  let race: string | undefined;
  const fhir = fhirWith(harness, {
    // Another writer changes the resource between this request's read and its write.
    update: async (resource, options) => {
      if (resource.resourceType === race) throw new Conflict('version-conflict');
      return harness.fhir.update(resource, options);
    },
  });
  const handler = createApiHandler({ ...harness.ports, fhir });
  const [patient] = harness.clinic.patients;
  const slotId = harness.clinic.freeSlotIds[2]!;

  race = 'Slot';
  const lost = await handler(booking(patient!, slotId, 'key-race-slot'));
  race = undefined;
  const booked = await handler(booking(patient!, slotId, 'key-race-slot-2'));
  const { appointmentId } = parseBody(booked.body) as { appointmentId: string };
  race = 'Appointment';
  const cancel = await handler(
    apiEvent({ method: 'DELETE', path: `/v1/me/appointments/${appointmentId}`, claims: as(patient!) }),
  );

  expect(lost.statusCode).toBe(409);
  expect(parseBody(lost.body)['type']).toBe('https://wellgate.dev/problems/slot-unavailable');
  expect(cancel.statusCode).toBe(409);
  const chain = await harness.audit.listForPatient(patient!.id);
  expect(chain.map((e) => [e.resourceType, e.action, e.outcome])).toEqual([
    ['Slot', 'create', 'refused'],
    ['Appointment', 'create', 'success'],
    ['Appointment', 'update', 'refused'],
  ]);
});
