// Lambda entry for the "assistant" function group (see lambdas/api/route-table.ts): the generic router
// over AWS adapters, chosen once at cold start from the environment the CDK sets.
// The assistant operations (chat, summary drafts) answer 501 until their owners plug them in via
// ApiOptions.operations (lambdas/assistant/).
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { corsOriginsFromEnvironment, portsFromEnvironment } from '../api/composition';
import { createApiHandler } from '../api/router';

const apiHandler = createApiHandler(portsFromEnvironment('assistant'), {
  groups: ['assistant'],
  corsOrigins: corsOriginsFromEnvironment(),
});

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) =>
  apiHandler(event),
);
