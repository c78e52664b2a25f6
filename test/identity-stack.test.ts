import { Match, Template } from 'aws-cdk-lib/assertions';
import type { WellgateConfig } from '../lib/config';
import { FHIR_PATIENT_ID_CLAIM } from '../lib/constructs/patient-user-pool';
import { IdentityStack } from '../lib/stacks/identity-stack';
import { appWithoutBundling, nagFindings, testConfig } from './helpers/cdk';

function buildIdentityStack(config: WellgateConfig = testConfig()): IdentityStack {
  const app = appWithoutBundling();
  return new IdentityStack(app, 'Identity', {
    env: { account: config.account, region: config.region },
    terminationProtection: config.terminationProtection,
    config,
  });
}

interface ClientProps {
  ReadAttributes: string[];
  WriteAttributes: string[];
}

describe('IdentityStack', () => {
  const stack = buildIdentityStack();
  const template = Template.fromStack(stack);
  const client = () => {
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    return (clients[0] as { Properties: ClientProps }).Properties;
  };

  it('copies the admin-set links into access tokens with a V2 pre-token-generation trigger', () => {
    const fnId = stack.getLogicalId(stack.preTokenGeneration.function.node.defaultChild as never);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('lets no app client write the patient or practitioner link', () => {
    const { ReadAttributes, WriteAttributes } = client();
    expect(ReadAttributes).toEqual(
      expect.arrayContaining(['custom:fhir_patient_id', 'custom:fhir_practitioner_id']),
    );
    expect(WriteAttributes).not.toContain('custom:fhir_patient_id');
    expect(WriteAttributes).not.toContain('custom:fhir_practitioner_id');
  });

  it('names the admin-only FHIR Patient claim', () => {
    expect(IdentityStack.FHIR_PATIENT_ID_ATTRIBUTE).toBe('custom:fhir_patient_id');
    expect(FHIR_PATIENT_ID_CLAIM).toBe(IdentityStack.FHIR_PATIENT_ID_ATTRIBUTE);
  });

  it('is termination-protected and keeps the pool on deletion', () => {
    expect(stack.terminationProtection).toBe(true);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });

  it('requires MFA with a software token only, never SMS', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      SmsConfiguration: Match.absent(),
    });
  });

  it('is on the Plus plan with threat protection enforced', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('runs threat protection audit-only when configured', () => {
    const audit = Template.fromStack(
      buildIdentityStack(
        testConfig({
          cognito: {
            threatProtection: 'AUDIT',
            accessTokenMinutes: 15,
            idTokenMinutes: 15,
            refreshTokenHours: 12,
          },
        }),
      ),
    );
    audit.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
  });

  it('enforces a strong password policy with a short-lived temporary password', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
          PasswordHistorySize: 12,
        }),
      },
    });
  });

  it('disables self sign-up, recovers by e-mail only, signs in case-insensitively', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      UsernameConfiguration: { CaseSensitive: false },
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
  });

  it('declares the FHIR Patient attribute', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'fhir_patient_id', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it.each([
    ['admin', 0],
    ['clinician', 10],
    ['staff', 20],
    ['patient', 30],
  ])('has the %s group with precedence %d', (groupName, precedence) => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: groupName,
      Precedence: precedence,
    });
  });

  it('has exactly the four role groups', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 4);
  });

  it('has a public mobile client: no secret, code grant only, SRP only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ['org.wellgate.oakridge:/oauth2/callback'],
    });
  });

  it('hides user existence and can revoke refresh tokens', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });

  it('uses the configured token validities', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 12 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
    const short = Template.fromStack(
      buildIdentityStack(
        testConfig({
          cognito: {
            threatProtection: 'ENFORCED',
            accessTokenMinutes: 5,
            idTokenMinutes: 10,
            refreshTokenHours: 1,
          },
        }),
      ),
    );
    short.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AccessTokenValidity: 5,
      IdTokenValidity: 10,
      RefreshTokenValidity: 60,
    });
  });

  it('lets the app read the FHIR Patient id but never write it', () => {
    const { ReadAttributes, WriteAttributes } = client();
    expect(ReadAttributes).toContain(FHIR_PATIENT_ID_CLAIM);
    expect(WriteAttributes).not.toContain(FHIR_PATIENT_ID_CLAIM);
    expect(WriteAttributes.filter((a) => a.startsWith('custom:'))).toEqual([]);
    expect([...WriteAttributes].sort()).toEqual(['email', 'family_name', 'given_name']);
  });

  it('has no unacknowledged findings from the stock packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  it('has no unacknowledged findings in audit-only mode either', () => {
    const audit = buildIdentityStack(
      testConfig({
        cognito: {
          threatProtection: 'AUDIT',
          accessTokenMinutes: 15,
          idTokenMinutes: 15,
          refreshTokenHours: 12,
        },
      }),
    );
    expect(nagFindings(audit)).toEqual([]);
  });
});
