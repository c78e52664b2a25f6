import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { FHIR_PATIENT_ID_CLAIM, PatientUserPool } from '../constructs/patient-user-pool';

export type IdentityStackProps = StackProps & {
  readonly config: WellgateConfig;
};

/** Stateful: the user pool (RETAIN, deletion protection) outlives every stateless stack. */
export class IdentityStack extends Stack {
  /** The admin-only claim holding the caller's FHIR Patient id. */
  static readonly FHIR_PATIENT_ID_ATTRIBUTE = FHIR_PATIENT_ID_CLAIM;

  readonly userPool: cognito.UserPool;
  readonly mobileClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    const { config } = props;

    const pool = new PatientUserPool(this, 'Patients', {
      threatProtection: config.cognito.threatProtection,
      accessTokenValidity: Duration.minutes(config.cognito.accessTokenMinutes),
      idTokenValidity: Duration.minutes(config.cognito.idTokenMinutes),
      refreshTokenValidity: Duration.hours(config.cognito.refreshTokenHours),
      // The mobile app's redirect URIs, a private-use scheme per clinic (RFC 8252 section 7.1).
      callbackUrls: [`org.wellgate.${config.clinic.id}:/oauth2/callback`],
      logoutUrls: [`org.wellgate.${config.clinic.id}:/oauth2/logout`],
    });
    this.userPool = pool.userPool;
    this.mobileClient = pool.mobileClient;
  }
}
