// Lambda entry for the "clinician" function group (see lambdas/api/route-table.ts): the generic router
// over AWS adapters, chosen once at cold start from the environment the CDK sets.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  clinicTimeZoneFromEnvironment,
  corsOriginsFromEnvironment,
  portsFromEnvironment,
} from '../api/composition';
import { createApiHandler } from '../api/router';

const apiHandler = createApiHandler(portsFromEnvironment('clinician'), {
  groups: ['clinician'],
  corsOrigins: corsOriginsFromEnvironment(),
  timeZone: clinicTimeZoneFromEnvironment(),
});

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) =>
  apiHandler(event),
);
