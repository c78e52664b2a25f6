import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Custom attribute (without the `custom:` prefix) linking a user to their FHIR Patient. */
export const FHIR_PATIENT_ID_ATTRIBUTE_NAME = 'fhir_patient_id';
/** The claim as it appears in tokens and the Cognito API. Only an admin may set it. */
export const FHIR_PATIENT_ID_CLAIM = `custom:${FHIR_PATIENT_ID_ATTRIBUTE_NAME}`;
/** Links a clinician to their FHIR Practitioner (care-team checks). Only an admin may set it. */
export const FHIR_PRACTITIONER_ID_ATTRIBUTE_NAME = 'fhir_practitioner_id';

/** Roles are Cognito groups; a lower precedence wins when a user is in several. */
export const USER_GROUPS = [
  { name: 'admin', precedence: 0, description: 'Clinic administrators: users, training runs, configuration' },
  { name: 'clinician', precedence: 10, description: 'Clinicians: records of patients on their care team' },
  { name: 'staff', precedence: 20, description: 'Front desk and billing: scheduling and billing data only' },
  { name: 'patient', precedence: 30, description: 'Patients: their own FHIR compartment only' },
] as const;

export type UserGroupName = (typeof USER_GROUPS)[number]['name'];

export interface PatientUserPoolProps {
  /** ENFORCED blocks risky sign-ins; AUDIT only records them. */
  readonly threatProtection: 'ENFORCED' | 'AUDIT';
  readonly accessTokenValidity: Duration;
  readonly idTokenValidity: Duration;
  readonly refreshTokenValidity: Duration;
  /** Where the mobile app receives the authorization code (custom scheme or universal link). */
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
}

/**
 * The Cognito user pool for patients and clinic staff, with the settings nobody may override:
 * - Person or entity authentication (45 CFR 164.312(d)): MFA REQUIRED with TOTP only. SMS is off
 *   (SIM swapping, and it needs an SNS role and origination number).
 * - Plus feature plan for threat protection (compromised credentials, adaptive authentication).
 * - Automatic logoff (45 CFR 164.312(a)(2)(iii)): short access/ID tokens, revocable refresh tokens.
 * - No self sign-up: the clinic invites each patient, so nobody asserts their own identity or role.
 * - Roles are groups only an admin assigns; the FHIR Patient link is an attribute no app client
 *   can write (45 CFR 164.312(a)(1), access control).
 */
export class PatientUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly mobileClient: cognito.UserPoolClient;
  readonly groups: Record<UserGroupName, cognito.CfnUserPoolGroup>;

  constructor(scope: Construct, id: string, props: PatientUserPoolProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed e-mail address takes effect only once verified, so account recovery cannot be
      // redirected to an unverified mailbox.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        // FHIR resource ids are at most 64 characters (https://hl7.org/fhir/R4/datatypes.html#id).
        [FHIR_PATIENT_ID_ATTRIBUTE_NAME]: new cognito.StringAttribute({
          minLen: 1,
          maxLen: 64,
          mutable: true,
        }),
        [FHIR_PRACTITIONER_ID_ATTRIBUTE_NAME]: new cognito.StringAttribute({
          minLen: 1,
          maxLen: 64,
          mutable: true,
        }),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        // An invitation's temporary password should not sit usable in a mailbox for long.
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      // AWS advises starting in audit-only mode, reviewing the risk ratings Cognito records, then
      // switching to full function: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
      standardThreatProtectionMode:
        props.threatProtection === 'ENFORCED'
          ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
          : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const groups: Partial<Record<UserGroupName, cognito.CfnUserPoolGroup>> = {};
    for (const group of USER_GROUPS) {
      groups[group.name] = new cognito.CfnUserPoolGroup(this, `Group-${group.name}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group.name,
        precedence: group.precedence,
        description: group.description,
      });
    }
    this.groups = groups as Record<UserGroupName, cognito.CfnUserPoolGroup>;

    const profile = { email: true, emailVerified: true, givenName: true, familyName: true } as const;
    this.mobileClient = this.userPool.addClient('MobileClient', {
      // A public client: a secret shipped inside a mobile app is not a secret. The app uses the
      // authorization code grant with PKCE (RFC 7636) or SRP; no password ever leaves the device.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.PROFILE,
          // Lets a signed-in user manage their own TOTP device and password.
          cognito.OAuthScope.COGNITO_ADMIN,
        ],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidity,
      idTokenValidity: props.idTokenValidity,
      refreshTokenValidity: props.refreshTokenValidity,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes(profile)
        .withCustomAttributes(FHIR_PATIENT_ID_ATTRIBUTE_NAME, FHIR_PRACTITIONER_ID_ATTRIBUTE_NAME),
      // The FHIR Patient and Practitioner links are deliberately absent: a user who could write it could read
      // another patient's record. Only an admin (AdminUpdateUserAttributes) sets it.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        givenName: true,
        familyName: true,
      }),
    });
  }
}
