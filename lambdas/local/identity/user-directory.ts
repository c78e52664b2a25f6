import { NotFound } from '../../core/errors';
import type { UserDirectory } from '../../core/ports';
import type { LocalUserStore } from './user-store';

/**
 * The UserDirectory port over the local user store: what AdminUpdateUserAttributes does in
 * Cognito. The new link reaches the user's tokens at their next sign-in or refresh, as in AWS.
 */
export class LocalUserDirectory implements UserDirectory {
  constructor(private readonly users: LocalUserStore) {}

  async linkPatient(username: string, patientId: string): Promise<void> {
    if (this.users.link(username, { fhirPatientId: patientId }) === undefined) throw new NotFound('User');
  }
}
