import {
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DependencyUnavailable, NotFound } from '../core/errors';
import type { UserDirectory } from '../core/ports';

/** The admin-only attribute a pre-token-generation trigger copies into access tokens. */
export const PATIENT_ID_ATTRIBUTE = 'custom:fhir_patient_id';

export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async linkPatient(username: string, patientId: string): Promise<void> {
    try {
      await this.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          UserAttributes: [{ Name: PATIENT_ID_ATTRIBUTE, Value: patientId }],
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'UserNotFoundException') throw new NotFound('User');
      throw new DependencyUnavailable('directory', 2, { cause: error });
    }
  }
}
