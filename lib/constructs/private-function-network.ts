import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionNetwork } from '../contracts';
import { LogEncryptionKey } from './log-encryption-key';

export interface PrivateFunctionNetworkProps {
  /** Named explicitly so that synth never looks Availability Zones up in the account. */
  readonly availabilityZones: string[];
  readonly flowLogRetention: logs.RetentionDays;
  /** @default '10.20.0.0/16' */
  readonly cidr?: string;
}

/**
 * AWS services functions reach through interface endpoints with private DNS, so the SDK's default
 * endpoints resolve to addresses inside the VPC.
 *
 * Cost: each interface endpoint is billed per AZ, about $0.01 an hour, i.e. about $7.20 per
 * endpoint per AZ per month (plus $0.01/GB processed). These 13 endpoints in 2 AZs cost about
 * $187 a month; config.network.lambdaInVpc turns the whole network off for a small clinic.
 */
export const INTERFACE_ENDPOINT_SERVICES = {
  HealthLake: ec2.InterfaceVpcEndpointAwsService.HEALTHLAKE,
  BedrockRuntime: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
  Firehose: ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE,
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
  StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  CognitoIdp: ec2.InterfaceVpcEndpointAwsService.COGNITO_IDP,
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  // The assistant sends audit events deferred during an audit outage to the fallback queue.
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  ComprehendMedical: ec2.InterfaceVpcEndpointAwsService.COMPREHEND_MEDICAL,
  Translate: ec2.InterfaceVpcEndpointAwsService.TRANSLATE,
} as const;

/**
 * Where Wellgate's functions run: a VPC with isolated subnets only (no internet gateway, no NAT),
 * reaching AWS only through VPC endpoints. A compromised function has no route to send PHI
 * anywhere but these AWS services (45 CFR 164.312(e)(1), transmission security), and the gateway
 * endpoints only reach S3 buckets and DynamoDB tables owned by this account.
 * Flow logs (all traffic) go to a KMS-encrypted log group (45 CFR 164.312(b), audit controls).
 */
export class PrivateFunctionNetwork extends Construct implements FunctionNetwork {
  readonly vpc: ec2.Vpc;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly flowLogGroup: logs.LogGroup;
  readonly flowLogKey: kms.Key;
  readonly interfaceEndpoints: Record<keyof typeof INTERFACE_ENDPOINT_SERVICES, ec2.InterfaceVpcEndpoint>;

  constructor(scope: Construct, id: string, props: PrivateFunctionNetworkProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.20.0.0/16'),
      availabilityZones: props.availabilityZones,
      subnetConfiguration: [{ name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      natGateways: 0,
      createInternetGateway: false,
      // Private DNS on interface endpoints needs both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // Removes every rule from the default security group, so nothing placed in it by mistake can
      // talk (HIPAA.Security-VPCDefaultSecurityGroupClosed). CloudFormation has no property for
      // this, so CDK uses a custom resource; set here because tests run without cdk.json context.
      restrictDefaultSecurityGroup: true,
    });

    this.flowLogKey = new LogEncryptionKey(this, 'FlowLogKey', {
      description: 'Wellgate: VPC flow logs of the function network',
    }).key;
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: this.flowLogKey,
      retention: props.flowLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      // withoutPolicyUpdates: the flow log construct would otherwise add the same three actions
      // as an inline policy; the managed policy below already holds them.
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        this.flowLogGroup,
        this.flowLogRole(stack).withoutPolicyUpdates(),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    for (const [name, service] of [
      ['S3', ec2.GatewayVpcEndpointAwsService.S3],
      ['DynamoDb', ec2.GatewayVpcEndpointAwsService.DYNAMODB],
    ] as const) {
      const endpoint = this.vpc.addGatewayEndpoint(name, { service, subnets: [isolated] });
      // Data perimeter: through this endpoint, only resources owned by this account.
      endpoint.addToPolicy(
        new iam.PolicyStatement({
          principals: [new iam.AnyPrincipal()],
          actions: [name === 'S3' ? 's3:*' : 'dynamodb:*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:ResourceAccount': stack.account } },
        }),
      );
    }

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Wellgate interface endpoints: HTTPS from the function security group only',
      allowAllOutbound: false,
    });
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Wellgate functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    // Egress inline in the function group (so the template shows its only rule and EC2 never adds
    // the default allow-all one); the matching ingress as its own resource, avoiding a cycle.
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.securityGroupId(this.endpointSecurityGroup.securityGroupId),
      ec2.Port.tcp(443),
      'HTTPS to the VPC interface endpoints',
    );
    this.endpointSecurityGroup.addIngressRule(
      this.functionSecurityGroup,
      ec2.Port.tcp(443),
      'HTTPS from Wellgate functions',
    );
    // S3 and DynamoDB traffic leaves through the gateway endpoints, whose AWS-managed prefix-list
    // ids CloudFormation cannot look up. HTTPS to any address is safe here because the isolated
    // subnets have no internet route: the only routes are the VPC itself and the two gateway
    // endpoints, whose policies admit only this account's buckets and tables.
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to S3 and DynamoDB gateway endpoints (no internet route exists)',
    );

    const endpoints: Partial<Record<keyof typeof INTERFACE_ENDPOINT_SERVICES, ec2.InterfaceVpcEndpoint>> = {};
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINT_SERVICES) as Array<
      [keyof typeof INTERFACE_ENDPOINT_SERVICES, ec2.InterfaceVpcEndpointAwsService]
    >) {
      endpoints[name] = this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        subnets: isolated,
        securityGroups: [this.endpointSecurityGroup],
        // Not "open" (VPC CIDR on 443): only the function security group may connect.
        open: false,
      });
    }
    this.interfaceEndpoints = endpoints as Record<
      keyof typeof INTERFACE_ENDPOINT_SERVICES,
      ec2.InterfaceVpcEndpoint
    >;
  }

  /**
   * The role VPC Flow Logs assumes, limited to this log group and to flow logs of this account
   * (confused-deputy conditions). A customer-managed policy rather than an inline one.
   */
  private flowLogRole(stack: Stack): iam.Role {
    const role = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*`,
          },
        },
      }),
      description: 'VPC Flow Logs: deliver the function network flow logs to their log group',
    });
    role.addManagedPolicy(
      new iam.ManagedPolicy(this, 'FlowLogPolicy', {
        description: 'Write the Wellgate function network flow logs',
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            // The log group's ARN attribute ends in ":*", which covers its log streams.
            resources: [this.flowLogGroup.logGroupArn],
          }),
        ],
      }),
    );
    return role;
  }
}
