import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FUNCTION_GROUPS, type FunctionGroup, ROUTES } from '../lambdas/api/route-table';
import type { WellgateConfig, WellgateConfigInput } from '../lib/config';
import type { PortalApi } from '../lib/constructs/portal-api';
import type { AppTables, FhirDatastoreRef, FunctionNetwork } from '../lib/contracts';
import { RUNTIME_ENV } from '../lib/contracts';
import { DeploymentNames } from '../lib/naming';
import { ApiStack } from '../lib/stacks/api-stack';
import { appWithoutBundling, nagFindings, testConfig } from './helpers/cdk';

const DATASTORE_ID = 'a'.repeat(32);
const DATASTORE_ARN = `arn:aws:healthlake:us-east-1:111111111111:datastore/fhir/${DATASTORE_ID}`;

interface Built {
  readonly app: App;
  readonly config: WellgateConfig;
  readonly names: DeploymentNames;
  readonly stack: ApiStack;
  readonly template: Template;
}

/**
 * The API stack with its dependencies in a separate fake stack of the same app, as in the real
 * composition (cross-stack references included).
 */
function build(
  options: {
    network?: boolean;
    training?: boolean;
    cfnValidation?: boolean;
    config?: Partial<WellgateConfigInput>;
  } = {},
): Built {
  const config = testConfig(options.config);
  const names = new DeploymentNames(config);
  const app = appWithoutBundling();
  // As cdk.json sets it for real synth: CloudFormation schema and rule validation.
  if (options.cfnValidation) app.node.setContext('@aws-cdk/core:validateAgainstDefaultRules', true);
  const env = { account: config.account, region: config.region };
  const deps = new Stack(app, 'Deps', { env });

  const userPool = new cognito.UserPool(deps, 'Users');
  const mobileClient = userPool.addClient('Mobile');
  const phiKey = new kms.Key(deps, 'PhiKey', { enableKeyRotation: true });
  const table = (id: string) =>
    new dynamodb.Table(deps, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: phiKey,
    });
  const tables: AppTables = {
    appState: table('AppState'),
    idempotency: table('Idempotency'),
    auditIndex: table('AuditIndex'),
  };
  const fhirDatastore: FhirDatastoreRef = {
    datastoreArn: DATASTORE_ARN,
    datastoreId: DATASTORE_ID,
    datastoreEndpoint: `https://healthlake.us-east-1.amazonaws.com/datastore/${DATASTORE_ID}/r4/`,
    encryptionKey: phiKey,
  };
  const auditDeliveryStream = firehose.DeliveryStream.fromDeliveryStreamName(
    deps,
    'AuditStream',
    'oakridge-audit',
  );
  const auditKey = new kms.Key(deps, 'AuditKey', { enableKeyRotation: true });
  const alarmTopic = new sns.Topic(deps, 'AlarmTopic', { masterKey: auditKey, enforceSSL: true });

  let network: FunctionNetwork | undefined;
  if (options.network) {
    const vpc = new ec2.Vpc(deps, 'Vpc', {
      availabilityZones: config.availabilityZones,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    network = {
      vpc,
      functionSecurityGroup: new ec2.SecurityGroup(deps, 'FunctionSg', { vpc, allowAllOutbound: false }),
    };
  }
  const trainingPipeline = options.training
    ? {
        stateMachine: new sfn.StateMachine(deps, 'Pipeline', {
          definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(deps, 'Noop')),
        }),
      }
    : undefined;

  const stack = new ApiStack(app, names.stack('api'), {
    env,
    config,
    names,
    network,
    userPool,
    mobileClient,
    phiKey,
    fhirDatastore,
    tables,
    auditDeliveryStream,
    auditKey,
    alarmTopic,
    trainingPipeline,
  });
  return { app, config, names, stack, template: Template.fromStack(stack) };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every statement of the identity policies attached to one function group's role. */
function statementsOf({ stack, template }: Built, group: FunctionGroup): Statement[] {
  const roleId = stack.getLogicalId(stack.functions[group].role.node.defaultChild as CfnRole);
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOf(built: Built, group: FunctionGroup): string[] {
  return statementsOf(built, group).flatMap((s) => asArray(s.Action));
}

/** Full resource path of every AWS::ApiGateway::Resource, from the PathPart/ParentId chain. */
function resourcePaths(template: Template): Map<string, string> {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const props = resources[id]?.Properties as { PathPart: string; ParentId: { Ref?: string } };
    const parent = props.ParentId.Ref ? pathOf(props.ParentId.Ref) : '';
    const full = `${parent}/${props.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

function methodFor(
  template: Template,
  method: string,
  path: string,
): { id: string; props: Record<string, unknown> } {
  const ids = [...resourcePaths(template)].filter(([, p]) => p === path).map(([id]) => id);
  const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: method } });
  const found = Object.entries(methods).filter(([, m]) => {
    const resourceId = m.Properties.ResourceId as { Ref?: string };
    return resourceId.Ref !== undefined && ids.includes(resourceId.Ref);
  });
  expect(found).toHaveLength(1);
  const [id, m] = found[0] ?? ['', { Properties: {} }];
  return { id, props: m.Properties as Record<string, unknown> };
}

describe('ApiStack (VPC on, training pipeline present)', () => {
  const built = build({ network: true, training: true });
  const { stack, template, config, names } = built;

  it('has no open finding from the HIPAA Security, AwsSolutions and Serverless packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  it('is a regional REST API with a TLS 1.3 policy and no CloudWatch role of its own', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      DisableExecuteApiEndpoint: false,
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointAccessMode: 'STRICT',
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s has a Lambda proxy method to its group function with the right authorization',
    (_name, route) => {
      const { props } = methodFor(template, route.method, route.path);
      const fnId = stack.getLogicalId(stack.functions[route.group].function.node.defaultChild as CfnFunction);
      expect(props.OperationName).toBe(route.operationId);
      expect(props.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(props.Integration)).toContain(`"${fnId}"`);
      expect(props.RequestValidatorId).toBeDefined();
      if (route.access === 'public') {
        expect(props.AuthorizationType).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      } else {
        expect(props.AuthorizationType).toBe('COGNITO_USER_POOLS');
        expect(props.AuthorizerId).toBeDefined();
        // Scopes make the authorizer accept access tokens rather than ID tokens.
        expect(props.AuthorizationScopes).toEqual(['aws.cognito.signin.user.admin']);
      }
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(props.RequestParameters).toMatchObject({ [`method.request.path.${name}`]: true });
      }
    },
  );

  it('has exactly one method per route plus CORS preflights for the configured origin only', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const options = methods.filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(methods.length - options.length).toBe(ROUTES.length);
    expect(options.length).toBeGreaterThan(0);
    for (const m of options) {
      const text = JSON.stringify(m.Properties.Integration);
      expect(text).toContain(config.corsOrigins[0]);
      expect(text).not.toContain("'*'");
    }
  });

  it('authorizes with the Cognito user pool from the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Users') })],
    });
  });

  it('validates parameters and bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('stage: JSON access logs without bodies, X-Ray, metrics, ERROR logging, no data trace, throttling', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          MetricsEnabled: true,
          CachingEnabled: false,
          ThrottlingRateLimit: config.api.throttleRatePerSecond,
          ThrottlingBurstLimit: config.api.throttleBurst,
        },
      ],
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format as string) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', resourcePath: '$context.resourcePath' });
    const fields = Object.values(format).join(' ');
    expect(fields).not.toMatch(/body|requestOverride|\$context\.path\b/i);
  });

  it('precreates the execution log group so API Gateway writes into an encrypted one', () => {
    const [execId] = Object.keys(
      template.findResources('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: Match.objectLike({
            'Fn::Join': Match.arrayWith([Match.arrayWith(['API-Gateway-Execution-Logs_'])]),
          }),
        },
      }),
    );
    expect(execId).toBeDefined();
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stage?.DependsOn).toContain(execId);
  });

  it('encrypts every log group with a CMK and keeps it for the configured retention', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // Access, execution and WAF logs, one per function group, and the audit fallback consumer's.
    expect(groups.length).toBe(FUNCTION_GROUPS.length + 4);
    for (const g of groups) {
      expect(g.Properties.KmsKeyId).toBeDefined();
      expect(g.Properties.RetentionInDays).toBe(config.retention.logDays);
      expect(g.DeletionPolicy).toBe('Retain');
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it.each(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED'])(
    '%s answers RFC 9457 problem+json with a stable type and no-store',
    (type) => {
      const responses = template.findResources('AWS::ApiGateway::GatewayResponse', {
        Properties: { ResponseType: type },
      });
      const [response] = Object.values(responses);
      expect(response).toBeDefined();
      expect(response?.Properties.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.Cache-Control': "'no-store'",
      });
      const template_ = response?.Properties.ResponseTemplates['application/json'] as string;
      const body = JSON.parse(template_.replace('$context.error.messageString', '"message"')) as Record<
        string,
        unknown
      >;
      expect(body.type).toMatch(/^https:\/\/wellgate\.dev\/problems\/[a-z-]+$/);
      expect(body.title).toEqual(expect.any(String));
    },
  );

  it('functions: nodejs22.x on arm64, X-Ray, reserved concurrency, isolated VPC, runtime environment', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        ReservedConcurrentExecutions: config.api.reservedConcurrency,
        KmsKeyArn: Match.anyValue(),
        VpcConfig: { SecurityGroupIds: Match.anyValue(), SubnetIds: Match.anyValue() },
        Environment: {
          Variables: Match.objectLike({
            [RUNTIME_ENV.fhirEndpoint]: `https://healthlake.us-east-1.amazonaws.com/datastore/${DATASTORE_ID}/r4/`,
            [RUNTIME_ENV.appStateTable]: Match.anyValue(),
            [RUNTIME_ENV.idempotencyTable]: Match.anyValue(),
            [RUNTIME_ENV.auditTable]: Match.anyValue(),
            [RUNTIME_ENV.auditStream]: 'oakridge-audit',
            [RUNTIME_ENV.bedrockModelId]: config.bedrock.modelId,
            [RUNTIME_ENV.guardrailId]: Match.anyValue(),
            [RUNTIME_ENV.guardrailVersion]: Match.anyValue(),
            [RUNTIME_ENV.userPoolId]: Match.anyValue(),
            [RUNTIME_ENV.trainingStateMachineArn]: Match.anyValue(),
            [RUNTIME_ENV.corsOrigins]: config.corsOrigins.join(','),
            [RUNTIME_ENV.conversationDays]: String(config.retention.conversationDays),
            [RUNTIME_ENV.clinicTimeZone]: config.clinic.timeZone,
          }),
        },
      },
      FUNCTION_GROUPS.length,
    );
  });

  it('tags every function role wellgate:tier=api', () => {
    for (const group of FUNCTION_GROUPS) {
      const role =
        template.toJSON().Resources[
          stack.getLogicalId(stack.functions[group].role.node.defaultChild as CfnRole)
        ];
      expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'wellgate:tier', Value: 'api' }]));
    }
  });

  it('the assistant may invoke only the configured model and apply only its guardrail', () => {
    const bedrock = statementsOf(built, 'assistant').filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('bedrock:')),
    );
    const invoke = bedrock.filter((s) => asArray(s.Action).includes('bedrock:InvokeModel'));
    expect(invoke).toHaveLength(1);
    expect(asArray(invoke[0]?.Action)).toEqual(['bedrock:InvokeModel']);
    // One resource: the configured foundation model in the deployment Region, no wildcard.
    expect(invoke[0]?.Resource).toEqual(
      `arn:aws:bedrock:us-east-1::foundation-model/${config.bedrock.modelId}`,
    );
    const guardrailId = stack.getLogicalId(stack.guardrail.guardrail);
    const apply = bedrock.find((s) => asArray(s.Action).includes('bedrock:ApplyGuardrail'));
    expect(apply?.Resource).toEqual({ 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] });
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'assistant')) {
      expect(actionsOf(built, group).filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    }
  });

  it('only the assistant runs the triage layers: Comprehend Medical and Translate, on "*" (no resource types)', () => {
    const isTriage = (action: string) => /^(comprehend|comprehendmedical|translate):/.test(action);
    // CDK merges statements that share a resource, so the triage actions may sit with others on "*".
    const triage = statementsOf(built, 'assistant').filter((s) => asArray(s.Action).some(isTriage));
    expect(
      triage
        .flatMap((s) => asArray(s.Action))
        .filter(isTriage)
        .sort(),
    ).toEqual([
      'comprehend:DetectDominantLanguage',
      'comprehendmedical:DetectEntitiesV2',
      'translate:TranslateText',
    ]);
    for (const statement of triage) expect(statement.Resource).toBe('*');
    const acknowledged = JSON.stringify(stack.functions.assistant.role.node.metadata);
    expect(acknowledged).toContain('comprehendmedical:DetectEntitiesV2');
    const variables = (group: FunctionGroup): Record<string, unknown> =>
      template.toJSON().Resources[
        stack.getLogicalId(stack.functions[group].function.node.defaultChild as CfnFunction)
      ].Properties.Environment.Variables;
    expect(variables('assistant')).toEqual(
      expect.objectContaining({
        [RUNTIME_ENV.triageComprehendMedical]: 'enabled',
        [RUNTIME_ENV.triageTranslate]: 'enabled',
      }),
    );
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'assistant')) {
      expect(actionsOf(built, group).filter(isTriage)).toEqual([]);
      expect(variables(group)[RUNTIME_ENV.triageComprehendMedical]).toBeUndefined();
      expect(variables(group)[RUNTIME_ENV.triageTranslate]).toBeUndefined();
    }
  });

  it('the public group reaches no table, no FHIR store, no PHI key and no audit stream', () => {
    const actions = actionsOf(built, 'public');
    expect(
      actions.filter((a) => /^(dynamodb|healthlake|firehose|bedrock|cognito-idp|states):/.test(a)),
    ).toEqual([]);
    // Only kms:Decrypt of its own environment, on the API stack's logs key: nothing imported.
    const logsKey = (stack.node.findChild('PortalApi') as PortalApi).logsKey;
    const kmsStatements = statementsOf(built, 'public').filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('kms:')),
    );
    expect(kmsStatements).toEqual([
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(logsKey.node.defaultChild as CfnKey), 'Arn'] },
      }),
    ]);
  });

  it('grants each group the tables and FHIR actions it needs, and no audit deletes', () => {
    const fhir = (group: FunctionGroup) =>
      actionsOf(built, group)
        .filter((a) => a.startsWith('healthlake:'))
        .sort();
    expect(fhir('patient')).toEqual(
      [
        'healthlake:CreateResource',
        'healthlake:ReadResource',
        'healthlake:SearchWithGet',
        'healthlake:SearchWithPost',
        'healthlake:UpdateResource',
      ].sort(),
    );
    expect(fhir('clinician')).toEqual([
      'healthlake:ReadResource',
      'healthlake:SearchWithGet',
      'healthlake:SearchWithPost',
    ]);
    expect(fhir('admin')).toEqual(['healthlake:ReadResource']);
    for (const group of FUNCTION_GROUPS) {
      for (const s of statementsOf(built, group).filter((st) =>
        asArray(st.Action).some((a) => a.startsWith('healthlake:')),
      )) {
        expect(s.Resource).toBe(DATASTORE_ARN);
      }
      for (const s of statementsOf(built, group)) {
        expect(asArray(s.Action).filter((a) => a.startsWith('kms:') && a.includes('*'))).toEqual([]);
      }
    }
    const deps = built.app.node.findChild('Deps') as Stack;
    const auditIndexId = deps.getLogicalId(deps.node.findChild('AuditIndex').node.defaultChild as CfnTable);
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'public')) {
      const auditStatements = statementsOf(built, group).filter((s) =>
        JSON.stringify(s.Resource).includes(auditIndexId),
      );
      expect(auditStatements.length).toBeGreaterThan(0);
      const auditActions = auditStatements.flatMap((s) => asArray(s.Action));
      expect(auditActions).toContain('dynamodb:PutItem');
      expect(auditActions).not.toContain('dynamodb:DeleteItem');
      expect(auditActions).not.toContain('dynamodb:UpdateItem');
      expect(actionsOf(built, group)).toEqual(
        expect.arrayContaining(['firehose:PutRecord', 'firehose:PutRecordBatch']),
      );
    }
    // Clinicians and staff read app state (care-team links) but never write it.
    for (const group of ['clinician', 'staff'] as const) {
      expect(actionsOf(built, group)).not.toContain('dynamodb:BatchWriteItem');
      expect(actionsOf(built, group)).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('only the assistant may send to the audit fallback queue, and only it is told the queue URL', () => {
    const queueId = stack.getLogicalId(stack.auditFallback.queue.node.defaultChild as CfnQueue);
    const send = statementsOf(built, 'assistant').filter((s) =>
      asArray(s.Action).includes('sqs:SendMessage'),
    );
    expect(send).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
    ]);
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'assistant')) {
      expect(actionsOf(built, group).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    }
    const variables = (group: FunctionGroup) =>
      (template.toJSON().Resources[
        stack.getLogicalId(stack.functions[group].function.node.defaultChild as CfnFunction)
      ]?.Properties.Environment.Variables ?? {}) as Record<string, unknown>;
    expect(variables('assistant')[RUNTIME_ENV.auditFallbackQueueUrl]).toEqual({ Ref: queueId });
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'assistant')) {
      expect(variables(group)[RUNTIME_ENV.auditFallbackQueueUrl]).toBeUndefined();
    }
  });

  it('the admin group links users in this pool and starts the training pipeline', () => {
    const actions = actionsOf(built, 'admin');
    expect(actions).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminUpdateUserAttributes',
        'states:StartExecution',
      ]),
    );
    for (const group of FUNCTION_GROUPS.filter((g) => g !== 'admin')) {
      expect(actionsOf(built, group).filter((a) => /^(cognito-idp|states):/.test(a))).toEqual([]);
    }
  });

  it('no function role can touch S3, least of all the training bucket', () => {
    const trainingBucket = names.bucket('training');
    for (const group of FUNCTION_GROUPS) {
      const text = JSON.stringify(statementsOf(built, group));
      expect(text).not.toContain(trainingBucket);
      expect(actionsOf(built, group).filter((a) => a.startsWith('s3:') || a === '*')).toEqual([]);
    }
  });

  it('WAF: regional web ACL with the managed rule groups and the configured rate limit, on the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith(
        [
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
          'AWSManagedRulesAmazonIpReputationList',
        ].map((name) =>
          Match.objectLike({
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
          }),
        ),
      ),
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: Match.objectLike({ CustomResponse: Match.objectLike({ ResponseCode: 429 }) }) },
          Statement: {
            RateBasedStatement: {
              Limit: config.waf.rateLimitPer5Minutes,
              AggregateKeyType: 'IP',
              EvaluationWindowSec: 300,
            },
          },
        }),
      ]),
    });
    const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0] ?? '';
    const [association] = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain(stageId);
  });

  it('WAF logs go to an encrypted aws-waf-logs- group with credentials redacted', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `aws-waf-logs-${names.stack('api')}`,
      KmsKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });

  it('guardrail: prompt attacks HIGH on input, PII filters, diagnosis and dosing denied, PHI key', () => {
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      KmsKeyArn: Match.anyValue(),
      BlockedInputMessaging: Match.stringLikeRegexp('contact the clinic'),
      BlockedOutputsMessaging: Match.stringLikeRegexp('contact the clinic'),
      ContentPolicyConfig: {
        FiltersConfig: Match.arrayWith([
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' },
        ]),
      },
      SensitiveInformationPolicyConfig: Match.objectLike({
        PiiEntitiesConfig: Match.arrayWith([
          { Type: 'NAME', Action: 'ANONYMIZE' },
          { Type: 'EMAIL', Action: 'ANONYMIZE' },
          { Type: 'PHONE', Action: 'ANONYMIZE' },
          { Type: 'ADDRESS', Action: 'ANONYMIZE' },
          { Type: 'US_SOCIAL_SECURITY_NUMBER', Action: 'BLOCK' },
        ]),
      }),
      TopicPolicyConfig: {
        TopicsConfig: [
          Match.objectLike({
            Name: 'Diagnosis',
            Type: 'DENY',
            Definition: Match.anyValue(),
            Examples: Match.anyValue(),
          }),
          Match.objectLike({
            Name: 'Medication dosing',
            Type: 'DENY',
            Definition: Match.anyValue(),
            Examples: Match.anyValue(),
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [stack.getLogicalId(stack.guardrail.guardrail), 'GuardrailId'] },
    });
  });

  it('exposes what monitoring watches', () => {
    expect(stack.monitored.functions).toEqual([
      ...FUNCTION_GROUPS.map((group) => stack.functions[group].function),
      stack.auditFallback.consumer.function,
    ]);
    expect(stack.monitored.restApi).toBe(stack.restApi);
    expect(stack.monitored.webAcl).toBe(stack.webAcl);
    expect(stack.monitored.webAclMetricName).toBe(`${names.stack('api')}-waf`);
  });
});

describe('ApiStack (small clinic: no VPC, no training pipeline, no CORS origins)', () => {
  const built = build({
    config: { network: { lambdaInVpc: false }, training: { enabled: false }, corsOrigins: [] },
  });
  const { stack, template } = built;

  it('has no open finding; LambdaInsideVPC is acknowledged with the config field named', () => {
    expect(nagFindings(stack)).toEqual([]);
    const fn = stack.functions.patient.function.node.defaultChild as CfnFunction;
    const acknowledged = JSON.stringify(fn.node.scope?.node.metadata);
    expect(acknowledged).toContain('HIPAA.Security-LambdaInsideVPC');
    expect(acknowledged).toContain('network.lambdaInVpc');
  });

  it('functions run outside a VPC and get no training state machine', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(fn.Properties.Environment.Variables[RUNTIME_ENV.trainingStateMachineArn]).toBeUndefined();
    }
    expect(actionsOf(built, 'admin').filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it('adds no CORS preflight methods', () => {
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
  });
});

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly violations?: ReadonlyArray<{
      readonly ruleName: string;
      readonly description: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
    }>;
  }>;
}

describe('ApiStack with a custom domain', () => {
  const built = build({
    network: true,
    training: true,
    cfnValidation: true,
    config: {
      customDomain: {
        domainName: 'api.oakridge-clinic.example',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012',
      },
    },
  });
  const { stack, template } = built;

  it('serves only the custom domain, with the TLS 1.3 policy', () => {
    expect(nagFindings(stack)).toEqual([]);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.oakridge-clinic.example',
      RegionalCertificateArn:
        'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointAccessMode: 'STRICT',
    });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
  });

  it('passes CloudFormation schema validation at synth', () => {
    expect(() => built.app.synth()).not.toThrow();
    // Schema problems (bad enum values, unknown properties) are warnings that do not throw: read them.
    const reportPath = join(built.app.outdir, 'validation-report.json');
    const report = existsSync(reportPath)
      ? (JSON.parse(readFileSync(reportPath, 'utf8')) as ValidationReport)
      : { pluginReports: [] };
    const apiViolations = report.pluginReports
      .flatMap((p) => p.violations ?? [])
      .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${v.description} — ${c.constructPath}`))
      .filter((line) => line.includes(stack.stackName));
    expect(apiViolations).toEqual([]);
  });
});

describe('API firewall body limit', () => {
  it('counts instead of blocking bodies over 8 KB: the API enforces its own 1 MB limit', () => {
    const built = build();
    Template.fromStack(built.stack).hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
      ]),
    });
  });
});
