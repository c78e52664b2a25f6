/**
 * Idempotency-Key records in DynamoDB (the `idempotency` table: pk/sk, TTL `expiresAt`).
 * The first request with a key claims it with a conditional put; a repeat sees the stored response.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../core/ports';
import { dynamoUnavailable, isConditionalCheckFailed } from './dynamo-errors';

/** Keys live a day: long enough for a mobile app's retries, short enough not to hoard responses. */
const KEY_LIFETIME_SECONDS = 24 * 60 * 60;
const SORT_KEY = 'request';

export interface DynamoIdempotencyStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: () => Date;
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly clock: () => Date;

  constructor(private readonly options: DynamoIdempotencyStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async begin(key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: key,
            sk: SORT_KEY,
            state: 'in-progress',
            fingerprint,
            expiresAt: nowSeconds + KEY_LIFETIME_SECONDS,
          },
          // An expired record (TTL deletion is lazy) may be claimed again.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { state: 'new' };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw dynamoUnavailable(error);
    }
    const existing = await this.read(key);
    if (!existing) return { state: 'in-progress' };
    if (existing['fingerprint'] !== fingerprint) return { state: 'mismatch' };
    if (existing['state'] === 'completed' && typeof existing['response'] === 'string') {
      return { state: 'replay', response: JSON.parse(existing['response']) as StoredResponse };
    }
    return { state: 'in-progress' };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: key, sk: SORT_KEY },
          UpdateExpression: 'SET #state = :completed, #response = :response',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
          ExpressionAttributeValues: { ':completed': 'completed', ':response': JSON.stringify(response) },
        }),
      );
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { pk: key, sk: SORT_KEY },
          ConditionExpression: '#state = :inProgress',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw dynamoUnavailable(error);
    }
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.options.client.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: { pk: key, sk: SORT_KEY },
          ConsistentRead: true,
        }),
      );
      return result.Item;
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }
}
