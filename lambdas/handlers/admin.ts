// Lambda entry for the "admin" function group (see lambdas/api/route-table.ts): the generic router
// over AWS adapters, chosen once at cold start from the environment the CDK sets.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  clinicTimeZoneFromEnvironment,
  corsOriginsFromEnvironment,
  portsFromEnvironment,
} from '../api/composition';
import { createApiHandler } from '../api/router';
import { trainingRunOperationsFromEnvironment } from '../api/training-runs';

const apiHandler = createApiHandler(portsFromEnvironment('admin'), {
  groups: ['admin'],
  corsOrigins: corsOriginsFromEnvironment(),
  timeZone: clinicTimeZoneFromEnvironment(),
  // Training runs (issue 5): 501 until the training stack passes its state machine ARN.
  operations: trainingRunOperationsFromEnvironment(),
});

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) =>
  apiHandler(event),
);
