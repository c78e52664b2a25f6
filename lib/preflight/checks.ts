import {
  type BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetModelInvocationLoggingConfigurationCommand,
  ListGuardrailsCommand,
} from '@aws-sdk/client-bedrock';
import { type CloudTrailClient, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type { WellgateConfig } from '../config';
import { DeploymentNames } from '../naming';

export type CheckStatus = 'pass' | 'fail' | 'reminder';

export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface PreflightClients {
  readonly bedrock: Pick<BedrockClient, 'send'>;
  readonly cloudTrail: Pick<CloudTrailClient, 'send'>;
}

/** An AWS error reduced to its name: messages can echo request details. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
}

/**
 * Bedrock must not keep prompts: with model-invocation logging of text, every prompt (PHI, even
 * minimized) lands in CloudWatch Logs or S3 outside Wellgate's retention and access controls.
 */
async function bedrockRetainsNoPrompts(clients: PreflightClients): Promise<CheckResult> {
  const id = 'bedrock-invocation-logging';
  try {
    const out = await clients.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}));
    const logging = out.loggingConfig;
    if (logging?.textDataDeliveryEnabled) {
      return {
        id,
        status: 'fail',
        detail:
          'Bedrock model-invocation logging stores prompt and response text; turn it off (Bedrock console > Settings) or scope it to a PHI-controlled, encrypted destination.',
      };
    }
    return {
      id,
      status: 'pass',
      detail: 'Bedrock keeps no prompt or response text (invocation logging of text is off).',
    };
  } catch (err) {
    return { id, status: 'fail', detail: `Could not read Bedrock logging settings (${errorName(err)}).` };
  }
}

async function modelAccessGranted(clients: PreflightClients, modelId: string): Promise<CheckResult> {
  const id = 'bedrock-model-access';
  try {
    const out = await clients.bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const ok =
      out.authorizationStatus === 'AUTHORIZED' &&
      out.entitlementAvailability === 'AVAILABLE' &&
      out.regionAvailability === 'AVAILABLE' &&
      (out.agreementAvailability?.status ?? 'AVAILABLE') === 'AVAILABLE';
    return ok
      ? { id, status: 'pass', detail: `Model access granted for ${modelId}.` }
      : {
          id,
          status: 'fail',
          detail: `Model ${modelId} is not usable yet (authorization ${out.authorizationStatus ?? '?'}, entitlement ${out.entitlementAvailability ?? '?'}, Region ${out.regionAvailability ?? '?'}, agreement ${out.agreementAvailability?.status ?? '?'}): request access in the Bedrock console.`,
        };
  } catch (err) {
    return { id, status: 'fail', detail: `Could not read model access for ${modelId} (${errorName(err)}).` };
  }
}

async function guardrailReady(clients: PreflightClients, name: string): Promise<CheckResult> {
  const id = 'bedrock-guardrail';
  try {
    let nextToken: string | undefined;
    do {
      const page = await clients.bedrock.send(new ListGuardrailsCommand({ nextToken }));
      const found = page.guardrails?.find((g) => g.name === name);
      if (found) {
        return found.status === 'READY'
          ? { id, status: 'pass', detail: `Guardrail ${name} is READY.` }
          : { id, status: 'fail', detail: `Guardrail ${name} is ${found.status ?? 'in an unknown state'}.` };
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { id, status: 'fail', detail: `Guardrail ${name} not found: deploy the API stack first.` };
  } catch (err) {
    return { id, status: 'fail', detail: `Could not list guardrails (${errorName(err)}).` };
  }
}

async function trailLogging(clients: PreflightClients, name: string): Promise<CheckResult> {
  const id = 'cloudtrail-logging';
  try {
    const out = await clients.cloudTrail.send(new GetTrailStatusCommand({ Name: name }));
    if (!out.IsLogging) return { id, status: 'fail', detail: `Trail ${name} is not logging.` };
    if (out.LatestDeliveryError) {
      return {
        id,
        status: 'fail',
        detail: `Trail ${name} reports a delivery error: ${out.LatestDeliveryError}.`,
      };
    }
    return { id, status: 'pass', detail: `Trail ${name} is logging and delivering.` };
  } catch (err) {
    return { id, status: 'fail', detail: `Could not read trail ${name} (${errorName(err)}).` };
  }
}

/** What no API can confirm: said every time so nobody forgets. */
const REMINDERS: readonly CheckResult[] = [
  {
    id: 'baa',
    status: 'reminder',
    detail: 'A Business Associate Addendum with AWS must cover this account (AWS Artifact > Agreements).',
  },
  {
    id: 'mfa-enrolment',
    status: 'reminder',
    detail: 'Every user enrols a TOTP authenticator at first sign-in (MFA is required by the user pool).',
  },
  {
    id: 'alarm-subscription',
    status: 'reminder',
    detail: 'Confirm the SNS e-mail subscription sent to the alarm address, or no alarm reaches anyone.',
  },
];

/** Post-deploy checks of account settings CloudFormation cannot express (`npm run preflight`). */
export async function runPreflight(
  config: WellgateConfig,
  clients: PreflightClients,
): Promise<CheckResult[]> {
  const names = new DeploymentNames(config);
  const checks = await Promise.all([
    bedrockRetainsNoPrompts(clients),
    modelAccessGranted(clients, config.bedrock.modelId),
    guardrailReady(clients, names.guardrail()),
    trailLogging(clients, names.trail()),
  ]);
  return [...checks, ...REMINDERS];
}
