import type { App } from 'aws-cdk-lib';
import type { WellgateConfig } from './config';
import { registerCompliancePacks } from './nag/packs';
import { DeploymentNames } from './naming';
import { ApiStack } from './stacks/api-stack';
import { AuditStack } from './stacks/audit-stack';
import { DataStack } from './stacks/data-stack';
import { IdentityStack } from './stacks/identity-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NetworkStack } from './stacks/network-stack';
import { TrainingStack } from './stacks/training-stack';

export interface WellgateStacks {
  readonly audit: AuditStack;
  readonly network?: NetworkStack;
  readonly data: DataStack;
  readonly identity: IdentityStack;
  readonly training?: TrainingStack;
  readonly api: ApiStack;
  readonly monitoring: MonitoringStack;
}

/**
 * Composes one clinic deployment. Stateful stacks (audit, data, identity) come first and are
 * termination-protected; stateless stacks take narrow references to what they use.
 * The config is already validated: nothing here re-checks it.
 */
export function buildWellgate(app: App, config: WellgateConfig): WellgateStacks {
  registerCompliancePacks(app, config);
  const names = new DeploymentNames(config);
  const env = { account: config.account, region: config.region };
  const stateful = { env, terminationProtection: config.terminationProtection };

  const audit = new AuditStack(app, names.stack('audit'), { ...stateful, config, names });
  const network = config.network.lambdaInVpc
    ? new NetworkStack(app, names.stack('network'), { env, config })
    : undefined;
  const data = new DataStack(app, names.stack('data'), {
    ...stateful,
    config,
    names,
    accessLogsBucket: audit.accessLogsBucket,
  });
  const identity = new IdentityStack(app, names.stack('identity'), {
    ...stateful,
    config,
    network: network?.functionNetwork,
  });

  const training = config.training.enabled
    ? new TrainingStack(app, names.stack('training'), {
        env,
        config,
        names,
        network: network?.functionNetwork,
        accessLogsBucket: audit.accessLogsBucket,
        fhirDatastore: data.fhirDatastore,
        phiKey: data.phiKey,
        tables: data.tables,
        alarmTopic: audit.alarmTopic,
      })
    : undefined;

  const api = new ApiStack(app, names.stack('api'), {
    env,
    config,
    names,
    network: network?.functionNetwork,
    userPool: identity.userPool,
    mobileClient: identity.mobileClient,
    phiKey: data.phiKey,
    fhirDatastore: data.fhirDatastore,
    tables: data.tables,
    auditDeliveryStream: audit.auditDeliveryStream,
    auditKey: audit.auditKey,
    alarmTopic: audit.alarmTopic,
    trainingPipeline: training?.pipeline,
  });

  const monitoring = new MonitoringStack(app, names.stack('monitoring'), {
    env,
    config,
    alarmTopic: audit.alarmTopic,
    api: api.monitored,
    pipeline: training?.pipeline,
    userPool: identity.userPool,
  });

  return { audit, network, data, identity, training, api, monitoring };
}
