/**
 * Creates pk/sk tables for local mode and tests (dynalite). In AWS the data stack creates them
 * (lib/contracts.ts AppTables); this exists so local runs use the very same table shape.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export async function createApiTables(client: DynamoDBClient, tableNames: readonly string[]): Promise<void> {
  for (const tableName of tableNames) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  // dynalite, like DynamoDB, creates tables asynchronously (CREATING → ACTIVE).
  for (const tableName of tableNames) {
    for (let attempt = 0; ; attempt++) {
      const description = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (description.Table?.TableStatus === 'ACTIVE') break;
      if (attempt > 200) throw new Error(`table ${tableName} did not become ACTIVE`);
      await sleep(25);
    }
  }
}
