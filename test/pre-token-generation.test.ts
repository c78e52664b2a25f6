import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handler, linkClaims } from '../lambdas/identity/pre-token-generation';

function triggerEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Example',
    userName: 'pat-1',
    callerContext: { awsSdkVersion: '3', clientId: 'client' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: ['patient'] } },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

describe('pre-token-generation trigger', () => {
  it('copies the admin-set patient link into the access token', async () => {
    const result = await handler(triggerEvent({ sub: 'abc', 'custom:fhir_patient_id': 'patient-123' }));
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      'custom:fhir_patient_id': 'patient-123',
    });
  });

  it("copies a clinician's practitioner link", () => {
    expect(linkClaims({ 'custom:fhir_practitioner_id': 'prac-9' })).toEqual({
      'custom:fhir_practitioner_id': 'prac-9',
    });
  });

  it('adds nothing for an unlinked user, and never other attributes', () => {
    expect(linkClaims({ sub: 'x', email: 'a@b.example', 'custom:role': 'admin' })).toEqual({});
  });

  it('drops a malformed id instead of passing it on', () => {
    expect(linkClaims({ 'custom:fhir_patient_id': 'a b/../../c' })).toEqual({});
  });
});
