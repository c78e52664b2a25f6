/**
 * The booking ledger in the app-state table: one item per booked slot, written with
 * `attribute_not_exists(pk)`, so of two concurrent bookings of one slot exactly one succeeds even
 * though the FHIR store has no cross-request lock.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlotLedger } from '../core/ports';
import { dynamoUnavailable, isConditionalCheckFailed } from './dynamo-errors';

const SORT_KEY = 'booking';

export interface DynamoSlotLedgerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoSlotLedger implements SlotLedger {
  constructor(private readonly options: DynamoSlotLedgerOptions) {}

  async claim(
    slotId: string,
    holder: { readonly patientId: string; readonly requestId: string },
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: slotKey(slotId),
            sk: SORT_KEY,
            patientId: holder.patientId,
            holderId: holder.requestId,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
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
          UpdateExpression: 'SET holderId = :appointment',
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
