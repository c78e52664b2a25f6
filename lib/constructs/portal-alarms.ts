import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { MonitoredApi, TrainingPipelineRef } from '../contracts';
import { SECURITY_METRICS } from '../security-metrics';

/**
 * Security metrics the application emits itself (CloudWatch embedded metric format), watched
 * without dimensions so one alarm covers every function: `{"_aws": {"CloudWatchMetrics":
 * [{"Namespace": "Wellgate/Security", "Dimensions": [[], ["operationId"]], "Metrics": [{"Name":
 * "BreakGlassAccess", "Unit": "Count"}]}]}, "BreakGlassAccess": 1, …}` once per break-glass
 * access (DESIGN.md: break-glass raises an alarm). The audit fallback metrics' alarms live with
 * their queue (audit-fallback-queue.ts).
 */
export { SECURITY_METRICS };

export type AlarmCategory =
  | 'api-5xx'
  | 'api-latency'
  | 'authorizer-failures'
  | 'function-errors'
  | 'function-throttles'
  | 'pipeline-failed'
  | 'pipeline-timed-out'
  | 'waf-blocked-spike'
  | 'break-glass';

/** One alarm as data: what to watch, when it fires, and why someone should care. */
export interface AlarmSpec {
  /** Construct id and alarm-name suffix; unique within the construct. */
  readonly id: string;
  readonly category: AlarmCategory;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

export interface PortalAlarmsProps {
  /** Prefix of every alarm name, so the e-mail subject names the clinic deployment. */
  readonly alarmNamePrefix: string;
  readonly alarmTopic: sns.ITopic;
  readonly api: MonitoredApi;
  readonly pipeline?: TrainingPipelineRef;
  readonly userPool: cognito.IUserPool;
  /** The web ACL's Region (WAFV2 regional metrics carry a Region dimension). */
  readonly region: string;
  /** @default 100 blocked requests in 5 minutes */
  readonly wafBlockedThreshold?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

/**
 * The portal's alarm catalogue. Rates, not counts, for the API so a quiet clinic and a busy one
 * share thresholds; a minimum request count keeps one failed request at 3 a.m. from paging.
 */
export function portalAlarmSpecs(props: PortalAlarmsProps): AlarmSpec[] {
  const { restApi } = props.api;
  const requests = restApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES });
  const rateOf = (errors: cloudwatch.IMetric, minimumRequests: number, label: string) =>
    new cloudwatch.MathExpression({
      expression: `IF(requests >= ${minimumRequests}, errors / requests, 0)`,
      usingMetrics: { requests, errors },
      period: FIVE_MINUTES,
      label,
    });

  const specs: AlarmSpec[] = [
    {
      id: 'Api5xxRate',
      category: 'api-5xx',
      description:
        'More than 5% of API requests failed with a 5XX in two of three 5-minute periods (at least 10 requests). Check the handler errors and the dashboard.',
      metric: rateOf(restApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }), 10, '5XX rate'),
      threshold: 0.05,
      comparison: GT,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    },
    {
      id: 'ApiLatencyP99',
      category: 'api-latency',
      description: 'API p99 latency above 3 seconds in three of five 5-minute periods.',
      metric: restApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      threshold: 3000,
      comparison: GT,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    },
    {
      // Rejected tokens (missing MFA claim, expired, forged) surface as 401/403, i.e. API Gateway
      // 4XXError; a spike is the signal of credential stuffing or a broken client release.
      id: 'AuthorizerFailureSpike',
      category: 'authorizer-failures',
      description:
        'More than 25% of API requests answered 4XX (authorizer rejections and denied requests) in two of three 5-minute periods (at least 20 requests): possible credential stuffing or token abuse.',
      metric: rateOf(restApi.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }), 20, '4XX rate'),
      threshold: 0.25,
      comparison: GT,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    },
    {
      id: 'WafBlockedSpike',
      category: 'waf-blocked-spike',
      description:
        'AWS WAF blocked an unusual number of requests in 5 minutes (rate limit, IP reputation or managed rules): the API may be under attack.',
      metric: wafBlockedRequests(props),
      threshold: props.wafBlockedThreshold ?? 100,
      comparison: GT,
      evaluationPeriods: 1,
    },
    {
      id: 'BreakGlassAccess',
      category: 'break-glass',
      description:
        'A clinician used break-glass access to a patient outside their care team. Review the reason in the audit log (45 CFR 164.312(b)).',
      metric: new cloudwatch.Metric({
        namespace: SECURITY_METRICS.namespace,
        metricName: SECURITY_METRICS.breakGlassAccess,
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparison: GTE,
      evaluationPeriods: 1,
    },
  ];

  for (const fn of props.api.functions) {
    const name = functionLabel(fn);
    specs.push(
      {
        id: `${name}Errors`,
        category: 'function-errors',
        description: `Function ${name} raised an unhandled error or timed out (handled errors answer problem+json and do not count).`,
        metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        comparison: GTE,
        evaluationPeriods: 1,
      },
      {
        id: `${name}Throttles`,
        category: 'function-throttles',
        description: `Function ${name} hit its reserved concurrency: requests were rejected (load spike or denial of service).`,
        metric: fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        comparison: GTE,
        evaluationPeriods: 1,
      },
    );
  }

  if (props.pipeline) {
    const { stateMachine } = props.pipeline;
    specs.push(
      {
        id: 'PipelineFailed',
        category: 'pipeline-failed',
        description:
          'A training-pipeline run failed. It failed closed: nothing was published; see the run report and the failure notification.',
        metric: stateMachine.metricFailed({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        comparison: GTE,
        evaluationPeriods: 1,
      },
      {
        id: 'PipelineTimedOut',
        category: 'pipeline-timed-out',
        description:
          'A training-pipeline run exceeded its 24-hour limit (stuck export or de-identification).',
        metric: stateMachine.metricTimedOut({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        comparison: GTE,
        evaluationPeriods: 1,
      },
    );
  }
  return specs;
}

/** Web ACL-wide BlockedRequests (Rule "ALL"), keyed by the ACL's metric name. */
function wafBlockedRequests(props: PortalAlarmsProps): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/WAFV2',
    metricName: 'BlockedRequests',
    dimensionsMap: { WebACL: props.api.webAclMetricName, Region: props.region, Rule: 'ALL' },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}

/** A readable, stable label from the function's construct path (`Api/Handlers/Patient/Function` -> `HandlersPatient`). */
export function functionLabel(fn: lambda.IFunction): string {
  const parts = fn.node.path.split('/').slice(1);
  const meaningful = parts.filter((p) => p !== 'Function' && p !== 'Resource');
  const label = (meaningful.length > 0 ? meaningful : parts).join('');
  return label.replace(/[^A-Za-z0-9]/g, '');
}

/**
 * Creates every alarm of `portalAlarmSpecs`, each notifying the alarm topic when it fires and
 * when it recovers; missing data is "not breaching" because a quiet clinic sends no requests.
 */
export class PortalAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly specs: readonly AlarmSpec[];

  constructor(scope: Construct, id: string, props: PortalAlarmsProps) {
    super(scope, id);
    this.specs = portalAlarmSpecs(props);
    const action = new cw_actions.SnsAction(props.alarmTopic);
    this.alarms = this.specs.map((spec) => {
      const alarm = new cloudwatch.Alarm(this, spec.id, {
        alarmName: `${props.alarmNamePrefix}-${spec.id}`,
        alarmDescription: `[${spec.category}] ${spec.description}`,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }

  alarmsOf(category: AlarmCategory): cloudwatch.Alarm[] {
    return this.alarms.filter((_, i) => this.specs[i]?.category === category);
  }
}

export interface PortalDashboardProps extends PortalAlarmsProps {
  readonly dashboardName: string;
  readonly alarms: PortalAlarms;
}

/** One page for the clinic's on-call: alarm states first, then API, functions, pipeline, security. */
export class PortalDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PortalDashboardProps) {
    super(scope, id);
    const { restApi, functions } = props.api;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms.alarms],
        width: 24,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [
        restApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES }),
        restApi.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }),
        restApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
      ]),
      graph('API latency (ms)', [
        restApi.metricLatency({ statistic: 'p50', period: FIVE_MINUTES }),
        restApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
        restApi.metricIntegrationLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      ]),
      graph(
        'Function errors and throttles',
        functions.map((fn) =>
          fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: `${functionLabel(fn)} errors` }),
        ),
        functions.map((fn) =>
          fn.metricThrottles({
            statistic: 'Sum',
            period: FIVE_MINUTES,
            label: `${functionLabel(fn)} throttles`,
          }),
        ),
      ),
    );
    const pipelineWidgets: cloudwatch.IWidget[] = [];
    if (props.pipeline) {
      const sm = props.pipeline.stateMachine;
      pipelineWidgets.push(
        graph('Training pipeline runs', [
          sm.metricStarted({ statistic: 'Sum', period: Duration.hours(1) }),
          sm.metricSucceeded({ statistic: 'Sum', period: Duration.hours(1) }),
          sm.metricFailed({ statistic: 'Sum', period: Duration.hours(1) }),
          sm.metricTimedOut({ statistic: 'Sum', period: Duration.hours(1) }),
        ]),
      );
    }
    this.dashboard.addWidgets(
      graph('WAF', [
        wafBlockedRequests(props),
        new cloudwatch.Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'AllowedRequests',
          dimensionsMap: { WebACL: props.api.webAclMetricName, Region: props.region, Rule: 'ALL' },
          statistic: 'Sum',
          period: FIVE_MINUTES,
        }),
      ]),
      graph('Security events', [
        new cloudwatch.Metric({
          namespace: SECURITY_METRICS.namespace,
          metricName: SECURITY_METRICS.breakGlassAccess,
          statistic: 'Sum',
          period: FIVE_MINUTES,
          label: 'Break-glass access',
        }),
        // Cognito threat protection publishes per Operation and RiskLevel; a SEARCH shows every
        // combination. Alarms cannot use SEARCH, and ENFORCED mode already blocks these sign-ins.
        // https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html
        new cloudwatch.MathExpression({
          // Only the threat-protection risk metrics use this dimension set.
          expression: `SEARCH('{AWS/Cognito,Operation,RiskLevel,UserPoolId} UserPoolId="${props.userPool.userPoolId}"', 'Sum', 300)`,
          label: 'Cognito risk',
          period: FIVE_MINUTES,
        }),
      ]),
      ...pipelineWidgets,
    );
  }
}
