/**
 * Audit events in DynamoDB, hash-chained per patient (DESIGN.md: "hash-chained,
 * patient-readable"), optionally copied to Firehose → S3 Object Lock in AWS.
 *
 * Append without transactions (dynalite is the local DynamoDB): read the chain's latest item, then
 * PutItem the next sequence number with `attribute_not_exists(pk)`. Two writers racing for one
 * sequence number: one wins, the other re-reads the head and tries the next number.
 */
import { type FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CLINIC_CHAIN,
  chainOf,
  chainOfPatient,
  GENESIS_HASH,
  hashEvent,
  sortKeyOf,
} from '../core/audit-chain';
import { DependencyUnavailable } from '../core/errors';
import type { AuditEvent, AuditReplaySink, AuditSink, ChainedAuditEvent } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-errors';

// Enough for a dozen writers on one chain (each attempt is a Query and a conditional Put); with the
// capped back-off below the worst case stays around two seconds, inside the 10 s function timeout.
const MAX_APPEND_ATTEMPTS = 25;
/**
 * Full-jitter back-off between contended attempts
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Without it, writers
 * racing for one chain (a mobile app's parallel requests at start-up, staff reading the clinic
 * schedule) retry in lockstep, and under sustained load some ran out of attempts: 503s.
 */
const BACKOFF_BASE_MS = 4;
const BACKOFF_CAP_MS = 100;

function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * ceiling)));
}

export interface DynamoAuditSinkOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** AWS only: the Firehose stream delivering to the Object Lock audit bucket. */
  readonly firehose?: { readonly client: FirehoseClient; readonly streamName: string };
}

export class DynamoAuditSink implements AuditSink, AuditReplaySink {
  /**
   * Appends to one chain from this process run one after another. The conditional write keeps the
   * chain correct across processes (Lambda containers); queuing here keeps writers in the same
   * process (the local server, a container's overlapping awaits) from racing each other into
   * retries, which under CPU load could exhaust them.
   */
  readonly #chainTails = new Map<string, Promise<unknown>>();

  constructor(private readonly options: DynamoAuditSinkOptions) {}

  async append(event: AuditEvent): Promise<ChainedAuditEvent> {
    const chain = chainOf(event);
    try {
      const stored = await this.queued(chain, () => this.appendToChain(chain, event));
      await this.copyToFirehose(stored);
      return stored;
    } catch (error) {
      throw new DependencyUnavailable('audit', 2, { cause: error });
    }
  }

  /**
   * For redelivered events (the audit fallback queue): every attempt first reads the chain items
   * it has not seen for the eventId, so a put that wins the next sequence number proves no earlier
   * item holds the event, even with two deliveries of it racing in separate processes.
   */
  async appendOnce(event: AuditEvent): Promise<{ readonly appended: boolean }> {
    const chain = chainOf(event);
    try {
      const { stored, appended } = await this.queued(chain, () => this.appendToChainOnce(chain, event));
      // Copied again when already present: a delivery whose Firehose put failed is retried, and
      // the Object Lock copy must not stay without it (a duplicate line carries the same hash).
      await this.copyToFirehose(stored);
      return { appended };
    } catch (error) {
      throw new DependencyUnavailable('audit', 2, { cause: error });
    }
  }

  async listForPatient(patientId: string): Promise<ChainedAuditEvent[]> {
    const events: ChainedAuditEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page: QueryCommandOutput = await this.options.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: 'pk = :chain',
            ExpressionAttributeValues: { ':chain': chainOfPatient(patientId) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) events.push(toChainedEvent(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw new DependencyUnavailable('audit', 2, { cause: error });
    }
    return events;
  }

  private queued<T>(chain: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#chainTails.get(chain) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#chainTails.set(chain, tail);
    // Forget the chain once nothing is queued behind this append (the map stays small).
    void tail.then(() => {
      if (this.#chainTails.get(chain) === tail) this.#chainTails.delete(chain);
    });
    return run;
  }

  private async appendToChain(chain: string, event: AuditEvent): Promise<ChainedAuditEvent> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const head = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :chain',
          ExpressionAttributeValues: { ':chain': chain },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const latest = head.Items?.[0];
      const stored = await this.putAfter(
        chain,
        event,
        latest ? { seq: Number(latest['seq']), hash: String(latest['hash']) } : undefined,
      );
      if (stored) return stored;
      // Another writer took this sequence number: wait a little, re-read the head, try the next.
      await backoff(attempt);
    }
    throw new Error(`audit chain ${chain} stayed contended for ${MAX_APPEND_ATTEMPTS} attempts`);
  }

  private async appendToChainOnce(
    chain: string,
    event: AuditEvent,
  ): Promise<{ stored: ChainedAuditEvent; appended: boolean }> {
    let head: ChainLink | undefined;
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const seen = await this.readLinksAfter(chain, head?.seq ?? 0);
      const present = seen.find((link) => link.eventId === event.eventId);
      if (present) return { stored: await this.readStored(chain, present.seq), appended: false };
      head = seen.at(-1) ?? head;
      const stored = await this.putAfter(chain, event, head);
      if (stored) return { stored, appended: true };
      await backoff(attempt);
    }
    throw new Error(`audit chain ${chain} stayed contended for ${MAX_APPEND_ATTEMPTS} attempts`);
  }

  /** Puts the event at the sequence number after `head`; undefined when another writer took it. */
  private async putAfter(
    chain: string,
    event: AuditEvent,
    head: Pick<ChainLink, 'seq' | 'hash'> | undefined,
  ): Promise<ChainedAuditEvent | undefined> {
    const seq = head ? head.seq + 1 : 1;
    const prevHash = head ? head.hash : GENESIS_HASH;
    const stored: ChainedAuditEvent = { ...event, chain, seq, prevHash, hash: hashEvent(prevHash, event) };
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          // JSON round trip drops undefined members, which DynamoDB cannot store.
          Item: JSON.parse(JSON.stringify({ pk: chain, sk: sortKeyOf(seq), ...stored })) as Record<
            string,
            unknown
          >,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return stored;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return undefined;
    }
  }

  /** The links of `chain` after sequence number `afterSeq`, oldest first (ids and hashes only). */
  private async readLinksAfter(chain: string, afterSeq: number): Promise<ChainLink[]> {
    const links: ChainLink[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :chain AND sk > :after',
          ExpressionAttributeValues: { ':chain': chain, ':after': sortKeyOf(afterSeq) },
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash', '#eventId': 'eventId' },
          ProjectionExpression: '#seq, #hash, #eventId',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        links.push({
          seq: Number(item['seq']),
          hash: String(item['hash']),
          eventId: String(item['eventId']),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return links;
  }

  private async readStored(chain: string, seq: number): Promise<ChainedAuditEvent> {
    const found = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { pk: chain, sk: sortKeyOf(seq) },
        ConsistentRead: true,
      }),
    );
    if (!found.Item) throw new Error(`audit chain ${chain} lost the item at ${seq}`);
    return toChainedEvent(found.Item);
  }

  private async copyToFirehose(stored: ChainedAuditEvent): Promise<void> {
    if (!this.options.firehose) return;
    await this.options.firehose.client.send(
      new PutRecordCommand({
        DeliveryStreamName: this.options.firehose.streamName,
        Record: { Data: Buffer.from(`${JSON.stringify(stored)}\n`) },
      }),
    );
  }
}

interface ChainLink {
  readonly seq: number;
  readonly hash: string;
  readonly eventId: string;
}

function toChainedEvent(item: Record<string, unknown>): ChainedAuditEvent {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ChainedAuditEvent;
}

export interface AuditChainBreak {
  readonly chain: string;
  /** The sequence number at which the chain stops verifying. */
  readonly seq: number;
  readonly reason: 'sequence-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'malformed-item';
}

export interface AuditVerifyReport {
  readonly ok: boolean;
  readonly chainsChecked: number;
  readonly eventsChecked: number;
  /** The first break of each broken chain, chains in name order. */
  readonly breaks: readonly AuditChainBreak[];
  /** The first break overall (first broken chain in name order), if any. */
  readonly firstBreak?: AuditChainBreak;
}

/**
 * Walks every chain in the table (a full Scan, paged) and reports where each stops verifying:
 * sequence numbers must run 1, 2, 3… with no gap, each prevHash must equal the previous hash, and
 * each hash must recompute from prevHash and the stored event.
 */
export async function verifyAuditChains(
  tableName: string,
  client: DynamoDBDocumentClient,
): Promise<AuditVerifyReport> {
  const chains = new Map<string, Array<Record<string, unknown>>>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const chain = String(item['pk']);
      const items = chains.get(chain) ?? [];
      items.push(item);
      chains.set(chain, items);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const breaks: AuditChainBreak[] = [];
  let eventsChecked = 0;
  for (const chain of [...chains.keys()].sort()) {
    const items = (chains.get(chain) ?? []).sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])));
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (const item of items) {
      eventsChecked++;
      const chainBreak = checkLink(chain, item, expectedSeq, prevHash);
      if (chainBreak) {
        breaks.push(chainBreak);
        break;
      }
      prevHash = String(item['hash']);
      expectedSeq++;
    }
  }
  const firstBreak = breaks[0];
  return {
    ok: breaks.length === 0,
    chainsChecked: chains.size,
    eventsChecked,
    breaks,
    ...(firstBreak ? { firstBreak } : {}),
  };
}

function checkLink(
  chain: string,
  item: Record<string, unknown>,
  expectedSeq: number,
  prevHash: string,
): AuditChainBreak | undefined {
  const seq = item['seq'];
  if (typeof seq !== 'number' || typeof item['hash'] !== 'string' || item['sk'] !== sortKeyOf(seq)) {
    return { chain, seq: expectedSeq, reason: 'malformed-item' };
  }
  if (seq !== expectedSeq) return { chain, seq: expectedSeq, reason: 'sequence-gap' };
  if (item['prevHash'] !== prevHash) return { chain, seq, reason: 'prev-hash-mismatch' };
  let recomputed: string;
  try {
    recomputed = hashEvent(prevHash, toChainedEvent(item));
  } catch {
    return { chain, seq, reason: 'malformed-item' };
  }
  if (recomputed !== item['hash']) return { chain, seq, reason: 'hash-mismatch' };
  return undefined;
}

export { CLINIC_CHAIN };
