import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetModelInvocationLoggingConfigurationCommand,
  ListGuardrailsCommand,
} from '@aws-sdk/client-bedrock';
import { CloudTrailClient, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { runPreflight } from '../lib/preflight/checks';
import { testConfig } from './helpers/cdk';

const bedrock = mockClient(BedrockClient);
const cloudTrail = mockClient(CloudTrailClient);
const config = testConfig();
const clients = () => ({ bedrock: new BedrockClient({}), cloudTrail: new CloudTrailClient({}) });

function healthyAccount(): void {
  bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
  bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
    modelId: config.bedrock.modelId,
    authorizationStatus: 'AUTHORIZED',
    entitlementAvailability: 'AVAILABLE',
    regionAvailability: 'AVAILABLE',
    agreementAvailability: { status: 'AVAILABLE' },
  });
  bedrock.on(ListGuardrailsCommand).resolves({
    guardrails: [
      {
        id: 'g1',
        arn: 'arn:aws:bedrock:us-east-1:111111111111:guardrail/g1',
        name: 'wellgate-oakridge-api-assistant',
        status: 'READY',
        version: 'DRAFT',
        createdAt: new Date(),
        updatedAt: new Date(),
      },
    ],
  });
  cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
}

const statusOf = (results: Awaited<ReturnType<typeof runPreflight>>, id: string) =>
  results.find((r) => r.id === id)?.status;

describe('preflight checks of the deployed account', () => {
  beforeEach(() => {
    bedrock.reset();
    cloudTrail.reset();
  });

  it('passes a correctly configured account and always prints the BAA reminder', async () => {
    healthyAccount();
    const results = await runPreflight(config, clients());
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(statusOf(results, 'baa')).toBe('reminder');
    expect(bedrock.commandCalls(GetFoundationModelAvailabilityCommand)[0]?.args[0].input).toEqual({
      modelId: 'amazon.nova-pro-v1:0',
    });
    expect(cloudTrail.commandCalls(GetTrailStatusCommand)[0]?.args[0].input).toEqual({
      Name: 'wellgate-oakridge-trail',
    });
  });

  it('fails when Bedrock logs prompt text', async () => {
    healthyAccount();
    bedrock
      .on(GetModelInvocationLoggingConfigurationCommand)
      .resolves({ loggingConfig: { textDataDeliveryEnabled: true } });
    expect(statusOf(await runPreflight(config, clients()), 'bedrock-invocation-logging')).toBe('fail');
  });

  it('fails when model access has not been granted', async () => {
    healthyAccount();
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
      modelId: config.bedrock.modelId,
      authorizationStatus: 'NOT_AUTHORIZED',
      entitlementAvailability: 'AVAILABLE',
      regionAvailability: 'AVAILABLE',
      agreementAvailability: { status: 'NOT_AVAILABLE' },
    });
    expect(statusOf(await runPreflight(config, clients()), 'bedrock-model-access')).toBe('fail');
  });

  it('fails when the guardrail is missing or the trail is not logging', async () => {
    healthyAccount();
    bedrock.on(ListGuardrailsCommand).resolves({ guardrails: [] });
    cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const results = await runPreflight(config, clients());
    expect(statusOf(results, 'bedrock-guardrail')).toBe('fail');
    expect(statusOf(results, 'cloudtrail-logging')).toBe('fail');
  });

  it('reports an AWS error by name only, never its message', async () => {
    healthyAccount();
    const denied = Object.assign(new Error('User arn:aws:iam::111111111111:user/alice is not authorized'), {
      name: 'AccessDeniedException',
    });
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).rejects(denied);
    const result = (await runPreflight(config, clients())).find((r) => r.id === 'bedrock-invocation-logging');
    expect(result?.status).toBe('fail');
    expect(result?.detail).toContain('AccessDeniedException');
    expect(result?.detail).not.toContain('alice');
  });
});
