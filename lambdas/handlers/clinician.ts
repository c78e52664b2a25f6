// Lambda entry for the "clinician" function group (see lambdas/api/route-table.ts).
// Interim: the API issue replaces this with the real handler; until then every route answers 501.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export async function handler(_event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 501,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ type: 'https://wellgate.dev/problems/not-implemented', title: 'Not implemented', status: 501 }),
  };
}
