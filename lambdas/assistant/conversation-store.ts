/**
 * Conversations in the app-state table (KMS-encrypted, PITR; items expire through the TTL
 * attribute `expiresAt`, epoch seconds, after WELLGATE_CONVERSATION_DAYS). Every key starts with
 * the patient's own partition, `chat#patient#<id>`, so a conversation id from another patient is
 * simply not found: there is no lookup by conversation id alone.
 *
 * Stored text is the MINIMIZED text (placeholders, never the identifiers the patient typed), and
 * the per-turn disposition record is metadata only: what clinicians' summary drafts read.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoUnavailable, isConditionalCheckFailed } from '../adapters/dynamo-errors';
import { Conflict } from '../core/errors';
import type { Disposition } from './types';

export interface ConversationMeta {
  readonly conversationId: string;
  readonly createdAt: string;
  readonly turns: number;
  /** Consecutive turns the assistant could not classify (two → offer the care team). */
  readonly unclassifiedStreak: number;
  /** Next free placeholder number: placeholders never repeat within a conversation. */
  readonly nextPlaceholder: number;
}

export interface StoredMessage {
  readonly messageId: string;
  readonly role: 'user' | 'assistant';
  /** Minimized text. */
  readonly text: string;
  readonly at: string;
}

export interface DispositionRecord {
  readonly at: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly disposition: Disposition;
  readonly intent: string;
  readonly redFlagCategories: readonly string[];
  readonly escalated: boolean;
}

export interface NewTurn {
  readonly meta: ConversationMeta;
  /** The meta's `turns` before this turn; undefined for a new conversation. */
  readonly previousTurns: number | undefined;
  readonly user: StoredMessage;
  readonly assistant: StoredMessage;
  readonly disposition: DispositionRecord;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export interface ConversationStore {
  load(
    patientId: string,
    conversationId: string,
    historyMessages: number,
  ): Promise<{ meta: ConversationMeta; history: StoredMessage[] } | undefined>;
  saveTurn(patientId: string, turn: NewTurn): Promise<void>;
  dispositionsSince(patientId: string, since: Date): Promise<DispositionRecord[]>;
}

const partition = (patientId: string): string => `chat#patient#${patientId}`;
const metaKey = (conversationId: string): string => `conv#${conversationId}`;
const messageKey = (conversationId: string, turn: number, role: 'user' | 'assistant'): string =>
  `conv#${conversationId}#msg#${String(turn).padStart(6, '0')}#${role === 'user' ? 'a' : 'b'}`;
const dispositionKey = (at: string, messageId: string): string => `disp#${at}#${messageId}`;

export class DynamoConversationStore implements ConversationStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async load(
    patientId: string,
    conversationId: string,
    historyMessages: number,
  ): Promise<{ meta: ConversationMeta; history: StoredMessage[] } | undefined> {
    try {
      const meta = await this.options.client.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: { pk: partition(patientId), sk: metaKey(conversationId) },
          ConsistentRead: true,
        }),
      );
      if (!meta.Item) return undefined;
      const messages = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': partition(patientId),
            ':prefix': `conv#${conversationId}#msg#`,
          },
          ScanIndexForward: false,
          Limit: historyMessages,
        }),
      );
      const item = meta.Item;
      return {
        meta: {
          conversationId,
          createdAt: String(item['createdAt'] ?? ''),
          turns: Number(item['turns'] ?? 0),
          unclassifiedStreak: Number(item['unclassifiedStreak'] ?? 0),
          nextPlaceholder: Number(item['nextPlaceholder'] ?? 1),
        },
        history: (messages.Items ?? []).reverse().map((m) => ({
          messageId: String(m['messageId'] ?? ''),
          role: m['role'] === 'assistant' ? 'assistant' : 'user',
          text: String(m['text'] ?? ''),
          at: String(m['at'] ?? ''),
        })),
      };
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }

  async saveTurn(patientId: string, turn: NewTurn): Promise<void> {
    const { client, tableName } = this.options;
    const pk = partition(patientId);
    // The meta item is claimed first, conditionally: of two concurrent turns in one conversation
    // exactly one takes turn number N; the other answers 409 and the app retries.
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk,
            sk: metaKey(turn.meta.conversationId),
            createdAt: turn.meta.createdAt,
            updatedAt: turn.user.at,
            turns: turn.meta.turns,
            unclassifiedStreak: turn.meta.unclassifiedStreak,
            nextPlaceholder: turn.meta.nextPlaceholder,
            expiresAt: turn.expiresAt,
          },
          ...(turn.previousTurns === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'turns = :previous',
                ExpressionAttributeValues: { ':previous': turn.previousTurns },
              }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new Conflict('version-conflict');
      throw dynamoUnavailable(error);
    }
    try {
      for (const message of [turn.user, turn.assistant]) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk,
              sk: messageKey(turn.meta.conversationId, turn.meta.turns, message.role),
              ...message,
              expiresAt: turn.expiresAt,
            },
          }),
        );
      }
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk,
            sk: dispositionKey(turn.disposition.at, turn.disposition.messageId),
            ...turn.disposition,
            redFlagCategories: [...turn.disposition.redFlagCategories],
            expiresAt: turn.expiresAt,
          },
        }),
      );
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }

  async dispositionsSince(patientId: string, since: Date): Promise<DispositionRecord[]> {
    try {
      const result = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': partition(patientId),
            ':from': `disp#${since.toISOString()}`,
            ':to': 'disp#~',
          },
          ScanIndexForward: false,
          Limit: 100,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        at: String(item['at'] ?? ''),
        conversationId: String(item['conversationId'] ?? ''),
        messageId: String(item['messageId'] ?? ''),
        disposition: item['disposition'] as Disposition,
        intent: String(item['intent'] ?? ''),
        redFlagCategories: Array.isArray(item['redFlagCategories'])
          ? (item['redFlagCategories'] as unknown[]).map(String)
          : [],
        escalated: item['escalated'] === true,
      }));
    } catch (error) {
      throw dynamoUnavailable(error);
    }
  }
}

/** Epoch seconds `days` after `now`: the TTL attribute value. */
export function expiryOf(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + Math.round(days * 86_400);
}
