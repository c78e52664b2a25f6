import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { PortalAlarms, PortalDashboard } from '../constructs/portal-alarms';
import type { MonitoredApi, TrainingPipelineRef } from '../contracts';

export type MonitoringStackProps = StackProps & {
  readonly config: WellgateConfig;
  /** The audit stack's KMS-encrypted topic, subscribed by the clinic's security contact. */
  readonly alarmTopic: sns.ITopic;
  readonly api: MonitoredApi;
  readonly pipeline?: TrainingPipelineRef;
  readonly userPool: cognito.IUserPool;
};

/**
 * Alarms and the dashboard (45 CFR 164.308(a)(1)(ii)(D) information system activity review,
 * 164.308(a)(6) security incident procedures). Stateless: it only reads other stacks' metrics.
 */
export class MonitoringStack extends Stack {
  readonly alarms: PortalAlarms;
  readonly dashboard: PortalDashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const prefix = `wellgate-${props.config.clinic.id}`;
    const common = {
      alarmNamePrefix: prefix,
      alarmTopic: props.alarmTopic,
      api: props.api,
      pipeline: props.pipeline,
      userPool: props.userPool,
      region: props.config.region,
      // A spike relative to what one client may send before the rate rule blocks it.
      wafBlockedThreshold: Math.max(100, Math.round(props.config.waf.rateLimitPer5Minutes / 10)),
    };
    this.alarms = new PortalAlarms(this, 'Alarms', common);
    this.dashboard = new PortalDashboard(this, 'Dashboard', {
      ...common,
      dashboardName: prefix,
      alarms: this.alarms,
    });
  }
}
