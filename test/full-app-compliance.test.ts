import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { NagPack } from 'cdk-nag';
import type { WellgateConfigInput } from '../lib/config';
import { compliancePacks } from '../lib/nag/packs';
import { buildWellgate } from '../lib/wellgate-app';
import { CDK_JSON_CONTEXT, testConfig } from './helpers/cdk';

/**
 * The whole deployment, as `npm run synth` builds it, held to every pack. Bundling is skipped
 * (templates, not bundles, are under test); CloudFormation schema validation is on as in cdk.json.
 */
function synthWholeApp(overrides: Partial<WellgateConfigInput> = {}) {
  const config = testConfig(overrides);
  const outdir = mkdtempSync(join(tmpdir(), 'wellgate-synth-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildWellgate(app, config);
  return { app, config, outdir, stacks };
}

function openFindings(app: App, overrides: Partial<WellgateConfigInput> = {}): string[] {
  const findings: string[] = [];
  for (const pack of compliancePacks(app, testConfig(overrides))) {
    for (const violation of (pack as NagPack).validateScope(app).violations) {
      for (const resource of violation.violatingResources)
        findings.push(`${violation.ruleName} — ${resource.constructPath}`);
    }
  }
  return findings.sort();
}

describe('the whole Wellgate deployment', () => {
  const variants: Array<[string, Partial<WellgateConfigInput>]> = [
    ['example config (VPC on, training on)', {}],
    [
      'small clinic (no VPC, no training pipeline)',
      { network: { lambdaInVpc: false }, training: { enabled: false } },
    ],
    [
      'disaster-recovery Region (audit buckets replicated under Object Lock)',
      { disasterRecovery: { region: 'us-west-2' } },
    ],
    [
      'imported HealthLake datastore with a custom domain',
      {
        healthLake: {
          mode: 'import',
          datastoreArn: `arn:aws:healthlake:us-east-1:111111111111:datastore/fhir/${'c'.repeat(32)}`,
        },
        customDomain: {
          domainName: 'api.oakridge-clinic.example',
          certificateArn:
            'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012',
        },
      },
    ],
  ];

  it.each(variants)(
    '%s: every pack reports no open finding and synth passes CloudFormation validation',
    (_name, overrides) => {
      const { app, outdir } = synthWholeApp(overrides);
      expect(openFindings(app, overrides)).toEqual([]);
      // Synthesis runs the registered packs and CDK's CloudFormation rules; any violation throws.
      expect(() => app.synth()).not.toThrow();
      const report = join(outdir, 'policy-validation-report.json');
      if (existsSync(report)) {
        const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
          pluginReports?: Array<{ summary?: { status?: string } }>;
        };
        for (const plugin of parsed.pluginReports ?? []) expect(plugin.summary?.status).not.toBe('failure');
      }
    },
  );

  it('stateful stacks are termination-protected and stateless ones are not', () => {
    const { stacks } = synthWholeApp();
    expect(stacks.audit.terminationProtection).toBe(true);
    expect(stacks.data.terminationProtection).toBe(true);
    expect(stacks.identity.terminationProtection).toBe(true);
    expect(stacks.api.terminationProtection).toBe(false);
  });

  it('every stateful resource in the stateful stacks is retained on stack deletion', () => {
    const { stacks } = synthWholeApp();
    const statefulTypes = [
      'AWS::S3::Bucket',
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::Cognito::UserPool',
      'AWS::HealthLake::FHIRDatastore',
    ];
    for (const stack of [stacks.audit, stacks.data, stacks.identity] as Stack[]) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; DeletionPolicy?: string }
      >;
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (statefulTypes.includes(resource.Type)) {
          expect({ logicalId, policy: resource.DeletionPolicy }).toEqual({ logicalId, policy: 'Retain' });
        }
      }
    }
  });
});

describe('the training wall across stacks', () => {
  it('no API or identity role can read the training bucket, its key, the pseudonym key or the export data', () => {
    const { stacks } = synthWholeApp();
    const training = stacks.training;
    if (!training) throw new Error('training stack expected with the example config');
    const protectedIds = [
      training.trainingBucket,
      training.trainingKey,
      training.pseudonymKeySecret,
      training.exportBucket,
      training.exportKey,
    ].map((c) => training.getLogicalId(c.node.defaultChild as CfnElement));
    // Cross-stack references would appear as imports of these logical ids; literal names as strings.
    const forbidden = [
      ...protectedIds,
      'wellgate-oakridge-training-111111111111-us-east-1',
      'wellgate-oakridge-export-111111111111-us-east-1',
    ];
    // Positive control: the pipeline's own policies do name these resources, so the search can hit.
    const trainingPolicies = JSON.stringify(Template.fromStack(training).findResources('AWS::IAM::Policy'));
    for (const id of protectedIds.filter((_, i) => i !== 2)) expect(trainingPolicies).toContain(id);
    for (const stack of [stacks.api, stacks.identity]) {
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      const text = JSON.stringify(policies);
      for (const id of forbidden)
        expect({ stack: stack.stackName, mentions: text.includes(id) }).toEqual({
          stack: stack.stackName,
          mentions: false,
        });
      // And no wildcard S3 or KMS read that would reach them.
      for (const policy of Object.values(policies) as Array<{
        Properties: {
          PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
        };
      }>) {
        for (const st of policy.Properties.PolicyDocument.Statement) {
          const actions = ([] as string[]).concat(st.Action);
          const wildcardResource = JSON.stringify(st.Resource) === '"*"';
          const readsData = actions.some((a) =>
            /^(s3:(\*|Get)|kms:(\*|Decrypt)|secretsmanager:(\*|Get))/.test(a),
          );
          expect({ stack: stack.stackName, actions, wildcardRead: wildcardResource && readsData }).toEqual({
            stack: stack.stackName,
            actions,
            wildcardRead: false,
          });
        }
      }
    }
  });
});
