import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { LogEncryptionKey } from '../constructs/log-encryption-key';
import { FHIR_PATIENT_ID_CLAIM, PatientUserPool } from '../constructs/patient-user-pool';
import { SecureFunction } from '../constructs/secure-function';
import type { FunctionNetwork } from '../contracts';

export type IdentityStackProps = StackProps & {
  readonly config: WellgateConfig;
  readonly network?: FunctionNetwork;
};

/** Stateful: the user pool (RETAIN, deletion protection) outlives every stateless stack. */
export class IdentityStack extends Stack {
  /** The admin-only claim holding the caller's FHIR Patient id. */
  static readonly FHIR_PATIENT_ID_ATTRIBUTE = FHIR_PATIENT_ID_CLAIM;

  readonly userPool: cognito.UserPool;
  readonly mobileClient: cognito.UserPoolClient;
  readonly preTokenGeneration: SecureFunction;

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

    // API Gateway authorizes with access tokens, which carry no custom attributes: this trigger
    // copies the admin-set FHIR links into them (lambdas/identity/pre-token-generation.ts).
    const logsKey = new LogEncryptionKey(this, 'LogsKey', {
      description: 'Wellgate identity: trigger function logs',
    });
    this.preTokenGeneration = new SecureFunction(this, 'PreTokenGeneration', {
      entry: 'lambdas/identity/pre-token-generation.ts',
      description: 'Copies admin-set FHIR Patient/Practitioner links into access tokens',
      encryptionKey: logsKey.key,
      logRetention: config.retention.logDays,
      reservedConcurrency: config.api.reservedConcurrency,
      vpc: props.network?.vpc,
      securityGroups: props.network ? [props.network.functionSecurityGroup] : undefined,
      invocation: 'sync',
      memorySize: 128,
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.function,
      cognito.LambdaVersion.V2_0,
    );
  }
}
