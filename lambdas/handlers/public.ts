// Lambda entry for the "public" function group: health and the OpenAPI document, no data access,
// so this function gets no FHIR, DynamoDB or Cognito configuration at all.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { corsOriginsFromEnvironment } from '../api/composition';
import { createPublicApiHandler } from '../api/router';

const apiHandler = createPublicApiHandler({ corsOrigins: corsOriginsFromEnvironment() });

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) =>
  apiHandler(event),
);
