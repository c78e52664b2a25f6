import { ContextProvider, Stack, type StackProps } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import type { Construct } from 'constructs';
import type { WellgateConfig } from '../config';
import { PrivateFunctionNetwork } from '../constructs/private-function-network';
import type { FunctionNetwork } from '../contracts';

export type NetworkStackProps = StackProps & {
  readonly config: WellgateConfig;
};

/** The private network functions run in when config.network.lambdaInVpc is on. */
export class NetworkStack extends Stack {
  readonly functionNetwork: FunctionNetwork;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);

    // With an account and Region set, `stack.availabilityZones` (which ec2.Vpc reads to check the
    // AZs it is given) asks the account at synth time, which needs credentials. Answering that
    // context question with the configured AZs keeps synth offline and the answer reviewable.
    const { key } = ContextProvider.getKey(this, {
      provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER,
    });
    this.node.setContext(key, [...props.config.availabilityZones]);

    this.functionNetwork = new PrivateFunctionNetwork(this, 'Functions', {
      availabilityZones: [...props.config.availabilityZones],
      flowLogRetention: props.config.retention.logDays,
    });
  }
}
