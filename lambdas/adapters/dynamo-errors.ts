import { DependencyUnavailable } from '../core/errors';

/** Name-based check: dynalite and DynamoDB both name the error, and name checks survive bundling. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Any other DynamoDB failure is a dependency outage to the caller (503), never its text. */
export function dynamoUnavailable(error: unknown): DependencyUnavailable {
  return new DependencyUnavailable('dynamodb', 2, { cause: error });
}
