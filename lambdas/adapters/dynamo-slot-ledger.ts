/**
 * The booking ledger in the app-state table: one item per booked slot, written with
 * `attribute_not_exists(pk)`, so of two concurrent bookings of one slot exactly one succeeds even
 * though the FHIR store has no cross-request lock. A claim carries an expiry until the booking is
 * confirmed: a request that died between claim and confirm (timeout, crash) cannot hold the slot
 * for ever; once the claim expires the next booking may take it over.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlotLedger } from '../core/ports';
import { dynamoUnavailable, isConditionalCheckFailed } from './dynamo-errors';

const SORT_KEY = 'booking';

/** Longer than any API function's timeout, so a live request never loses its claim. */
export const CLAIM_SECONDS = 120;

export interface DynamoSlotLedgerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export class DynamoSlotLedger implements SlotLedger {
  constructor(private readonly options: DynamoSlotLedgerOptions) {}

  async claim(
    slotId: string,
    holder: { readonly patientId: string; readonly requestId: string },
  ): Promise<boolean> {
    const nowSeconds = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: slotKey(slotId),
            sk: SORT_KEY,
            patientId: holder.patientId,
            holderId: holder.requestId,
            claimExpiresAt: nowSeconds + CLAIM_SECONDS,
          },
          // Free, or held by an unconfirmed claim that has expired.
          ConditionExpression: 'attribute_not_exists(pk) OR claimExpiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw dynamoUnavailable(error);
    }
  }

  async confirm(slotId: string, appointmentId: string, requestId: string): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: slotKey(slotId), sk: SORT_KEY },
          // Confirmed: the appointment holds the slot until it is cancelled; no expiry any more.
          UpdateExpression: 'SET holderId = :appointment REMOVE claimExpiresAt',
          ConditionExpression: 'holderId = :request',
          ExpressionAttributeValues: { ':appointment': appointmentId, ':request': requestId },
        }),
      );
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }

  async release(slotId: string, holderId: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { pk: slotKey(slotId), sk: SORT_KEY },
          ConditionExpression: 'holderId = :holder',
          ExpressionAttributeValues: { ':holder': holderId },
        }),
      );
    } catch (error) {
      // Someone else holds it (or nobody does): nothing of ours to free.
      if (!isConditionalCheckFailed(error)) throw dynamoUnavailable(error);
    }
  }
}

function slotKey(slotId: string): string {
  return `slot#${slotId}`;
}
