// Lambda entry for the "assistant" function group (see lambdas/api/route-table.ts): the generic router
// over AWS adapters with the assistant operations plugged in, all chosen once at cold start from the
// environment the CDK sets (Bedrock + guardrail when WELLGATE_BEDROCK_MODEL_ID is set).

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { RUNTIME_ENV } from '../../lib/contracts';
import {
  ConfigurationError,
  clinicTimeZoneFromEnvironment,
  corsOriginsFromEnvironment,
  createLogger,
  documentClient,
  portsFromEnvironment,
} from '../api/composition';
import { createApiHandler } from '../api/router';
import { assistantOperations } from '../assistant/composition';

const logger = createLogger();
const ports = { ...portsFromEnvironment('assistant'), logger };
const appStateTable = process.env[RUNTIME_ENV.appStateTable]?.trim();
if (!appStateTable) {
  throw new ConfigurationError(
    `Environment variable ${RUNTIME_ENV.appStateTable} is required by the assistant function`,
  );
}

const apiHandler = createApiHandler(ports, {
  groups: ['assistant'],
  corsOrigins: corsOriginsFromEnvironment(),
  timeZone: clinicTimeZoneFromEnvironment(),
  operations: assistantOperations({
    fhir: ports.fhir,
    appState: { client: documentClient(new DynamoDBClient({})), tableName: appStateTable },
    logger,
  }),
});

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) =>
  apiHandler(event),
);
