import { CLAIM_SECONDS, DynamoSlotLedger } from '../lambdas/adapters/dynamo-slot-ledger';
import { type LocalDynamo, startDynalite, TABLES } from './helpers/api-fixtures';

/** The booking ledger: one holder per slot, and a dead request's claim does not last for ever. */
describe('DynamoSlotLedger', () => {
  let dynamo: LocalDynamo;
  let now = new Date('2026-03-01T09:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const ledger = () =>
    new DynamoSlotLedger({ client: dynamo.documentClient, tableName: TABLES.appState, now: () => now });

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => dynamo.close());

  it('gives a slot to one claimant; a second claim while the first is live is refused', async () => {
    expect(await ledger().claim('slot-a', { patientId: 'p1', requestId: 'r1' })).toBe(true);
    expect(await ledger().claim('slot-a', { patientId: 'p2', requestId: 'r2' })).toBe(false);
  });

  it('lets a new booking take over a claim whose request died before confirming', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    expect(await ledger().claim('slot-b', { patientId: 'p1', requestId: 'crashed' })).toBe(true);
    now = later(CLAIM_SECONDS - 1);
    expect(await ledger().claim('slot-b', { patientId: 'p2', requestId: 'r2' })).toBe(false);
    now = later(2);
    expect(await ledger().claim('slot-b', { patientId: 'p2', requestId: 'r3' })).toBe(true);
  });

  it('keeps a confirmed booking however much time passes, and frees it on release', async () => {
    now = new Date('2026-03-01T11:00:00Z');
    expect(await ledger().claim('slot-c', { patientId: 'p1', requestId: 'r1' })).toBe(true);
    await ledger().confirm('slot-c', 'appointment-1', 'r1');
    now = later(30 * 24 * 3600);
    expect(await ledger().claim('slot-c', { patientId: 'p2', requestId: 'r2' })).toBe(false);
    await ledger().release('slot-c', 'appointment-1');
    expect(await ledger().claim('slot-c', { patientId: 'p2', requestId: 'r3' })).toBe(true);
  });
});
