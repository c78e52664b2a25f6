import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { z } from 'zod';

/**
 * Cognito pre-token-generation (V2) trigger. API Gateway authorizes with ACCESS tokens, which do
 * not carry custom attributes; this copies the two admin-set links (a user's FHIR Patient or
 * Practitioner id) into the access token so handlers read them from the verified token instead
 * of trusting the request. The app client cannot write these attributes, so a user cannot
 * assert them (DESIGN.md: "a claim that only an admin can set").
 */
export const LINK_ATTRIBUTES = ['custom:fhir_patient_id', 'custom:fhir_practitioner_id'] as const;

const FhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);

export function linkClaims(userAttributes: Record<string, string | undefined>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const name of LINK_ATTRIBUTES) {
    const parsed = FhirId.safeParse(userAttributes[name]);
    // A malformed id is left out rather than passed on: the API then treats the user as unlinked.
    if (parsed.success) claims[name] = parsed.data;
  }
  return claims;
}

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const claims = linkClaims(event.request.userAttributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      ...event.response?.claimsAndScopeOverrideDetails,
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
}
