import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { EmfSecurityMetrics } from '../lambdas/adapters/emf-security-metrics';
import { type AlarmCategory, SECURITY_METRICS } from '../lib/constructs/portal-alarms';
import type { TrainingPipelineRef } from '../lib/contracts';
import { WellgateChecks } from '../lib/nag/wellgate-checks';
import { MonitoringStack } from '../lib/stacks/monitoring-stack';
import { appWithoutBundling, nagFindings, stockPacks, testConfig } from './helpers/cdk';

const WEB_ACL_METRIC = 'wellgate-oakridge-api-acl';

/** The audit, identity, API and training stacks' outputs, built in a stand-in stack. */
function build(options: { withPipeline: boolean }) {
  const app = appWithoutBundling();
  const config = testConfig();
  const env = { account: config.account, region: config.region };
  const deps = new Stack(app, 'Deps', { env });
  const alarmTopic = new sns.Topic(deps, 'Alarms', {
    masterKey: new kms.Key(deps, 'TopicKey', { enableKeyRotation: true }),
  });
  const userPool = new cognito.UserPool(deps, 'Users');
  const handler = new lambda.Function(deps, 'PatientHandler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
  const restApi = new apigw.RestApi(deps, 'Api', { restApiName: 'wellgate-oakridge-api' });
  restApi.root.addResource('v1').addMethod('GET', new apigw.LambdaIntegration(handler));
  const webAcl = new wafv2.CfnWebACL(deps, 'Acl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      cloudWatchMetricsEnabled: true,
      metricName: WEB_ACL_METRIC,
      sampledRequestsEnabled: true,
    },
  });
  let pipeline: TrainingPipelineRef | undefined;
  if (options.withPipeline) {
    pipeline = {
      stateMachine: new sfn.StateMachine(deps, 'Pipeline', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(deps, 'Noop')),
      }),
    };
  }
  const stack = new MonitoringStack(app, 'Monitoring', {
    env,
    config,
    alarmTopic,
    api: { restApi, functions: [handler], webAcl, webAclMetricName: WEB_ACL_METRIC },
    pipeline,
    userPool,
  });
  return { app, config, deps, stack, template: Template.fromStack(stack), alarmTopic, handler };
}

describe('MonitoringStack', () => {
  const built = build({ withPipeline: true });
  const { stack, template } = built;
  const topicExport = Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') });

  const byCategory = (category: AlarmCategory) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      String(a.Properties.AlarmDescription).startsWith(`[${category}]`),
    );

  test.each<AlarmCategory>([
    'api-5xx',
    'api-latency',
    'authorizer-failures',
    'function-errors',
    'function-throttles',
    'pipeline-failed',
    'pipeline-timed-out',
    'waf-blocked-spike',
    'break-glass',
  ])('has a %s alarm that notifies the alarm topic when it fires and recovers', (category) => {
    const alarms = byCategory(category);
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties).toEqual(
        expect.objectContaining({
          AlarmActions: [expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/Alarms/) })],
          OKActions: [expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/Alarms/) })],
          TreatMissingData: 'notBreaching',
        }),
      );
    }
  });

  test('every alarm notifies the topic', () => {
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topicExport] });
  });

  test('5XX alarm is a rate over requests with a minimum volume', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'wellgate-oakridge-Api5xxRate',
      Threshold: 0.05,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests >= 10, errors / requests, 0)' }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: '5XXError',
              Namespace: 'AWS/ApiGateway',
              Dimensions: [{ Name: 'ApiName', Value: 'wellgate-oakridge-api' }],
            }),
          }),
        }),
      ]),
    });
  });

  test('p99 latency alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
    });
  });

  test('WAF BlockedRequests uses the web ACL metric name, Region and the ALL rule', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Dimensions: [
        { Name: 'Region', Value: built.config.region },
        { Name: 'Rule', Value: 'ALL' },
        { Name: 'WebACL', Value: WEB_ACL_METRIC },
      ],
      Threshold: 100,
    });
  });

  test('break-glass alarm watches the metric the application emits', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Wellgate/Security',
      MetricName: 'BreakGlassAccess',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(SECURITY_METRICS).toEqual({
      namespace: 'Wellgate/Security',
      breakGlassAccess: 'BreakGlassAccess',
      auditEventsDeferred: 'AuditEventsDeferred',
      auditFallbackFailed: 'AuditFallbackFailed',
    });
    // The alarm has no dimensions, so the application must emit the metric without any too.
    const lines: string[] = [];
    new EmfSecurityMetrics((line) => lines.push(line)).breakGlassAccess({ operationId: 'getPatientSummary' });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Wellgate/Security',
            Dimensions: expect.arrayContaining([[]]),
            Metrics: [{ Name: 'BreakGlassAccess', Unit: 'Count' }],
          },
        ],
      },
      BreakGlassAccess: 1,
    });
  });

  test('per-function Errors and Throttles alarms use the function name', () => {
    for (const metricName of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [
          { Name: 'FunctionName', Value: Match.objectLike({ 'Fn::ImportValue': Match.anyValue() }) },
        ],
      });
    }
  });

  test('pipeline ExecutionsFailed and ExecutionsTimedOut alarms', () => {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: Match.anyValue() }],
      });
    }
  });

  test('a dashboard with the alarm states and the Cognito risk search', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]?.Properties);
    expect(body).toContain('wellgate-oakridge');
    expect(body).toContain('alarm');
    expect(body).toContain('AWS/Cognito');
    expect(body).toContain('BreakGlassAccess');
  });

  test('cdk-nag: no unacknowledged finding', () => {
    expect(nagFindings(stack, [...stockPacks(), new WellgateChecks(undefined, built.config)])).toEqual([]);
  });
});

describe('MonitoringStack without the training pipeline', () => {
  test('has no pipeline alarms and is still compliant', () => {
    const { stack, template } = build({ withPipeline: false });
    const descriptions = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
      String(a.Properties.AlarmDescription),
    );
    expect(descriptions.some((d) => d.startsWith('[pipeline-'))).toBe(false);
    expect(descriptions.some((d) => d.startsWith('[api-5xx]'))).toBe(true);
    expect(nagFindings(stack)).toEqual([]);
  });
});
