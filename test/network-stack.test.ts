import { Match, Template } from 'aws-cdk-lib/assertions';
import type { WellgateConfig } from '../lib/config';
import { PrivateFunctionNetwork } from '../lib/constructs/private-function-network';
import { NetworkStack } from '../lib/stacks/network-stack';
import { appWithoutBundling, nagFindings, testConfig } from './helpers/cdk';

function buildNetworkStack(config: WellgateConfig = testConfig()): NetworkStack {
  return new NetworkStack(appWithoutBundling(), 'Network', {
    env: { account: config.account, region: config.region },
    config,
  });
}

const INTERFACE_SERVICES = [
  'healthlake',
  'bedrock-runtime',
  'kinesis-firehose',
  'kms',
  'secretsmanager',
  'sts',
  'xray',
  'states',
  'cognito-idp',
  'sns',
  'sqs',
  'comprehendmedical',
  'translate',
];

describe('NetworkStack', () => {
  const stack = buildNetworkStack();
  const template = Template.fromStack(stack);
  const network = stack.functionNetwork as PrivateFunctionNetwork;
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);

  it('never looks up Availability Zones: the configured ones, and no missing context', () => {
    const assembly = stack.node.root as unknown as { synth(): { manifest: { missing?: unknown[] } } };
    expect(assembly.synth().manifest.missing).toBeUndefined();
    const azs = Object.values(template.findResources('AWS::EC2::Subnet')).map(
      (s) => (s as { Properties: { AvailabilityZone: string } }).Properties.AvailabilityZone,
    );
    expect(azs.sort()).toEqual(['us-east-1a', 'us-east-1b']);
  });

  it('uses exactly the configured three AZs when three are given', () => {
    const three = Template.fromStack(
      buildNetworkStack(testConfig({ availabilityZones: ['us-east-1a', 'us-east-1c', 'us-east-1d'] })),
    );
    three.resourceCountIs('AWS::EC2::Subnet', 3);
    three.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'us-east-1d' });
  });

  it('has isolated subnets only: no internet gateway, no NAT, no public IPs, no default route', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(subnet).toMatchObject({ Properties: { MapPublicIpOnLaunch: false } });
    }
    template.hasResourceProperties('AWS::EC2::VPC', { EnableDnsHostnames: true, EnableDnsSupport: true });
  });

  it('closes the default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  it('logs all traffic to a KMS-encrypted log group with the configured retention', () => {
    const keyId = idOf(network.flowLogKey);
    const logGroupId = idOf(network.flowLogGroup);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      RetentionInDays: 2192,
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: logGroupId },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('has S3 and DynamoDB gateway endpoints limited to this account', () => {
    for (const service of ['s3', 'dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        VpcEndpointType: 'Gateway',
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Allow',
              Condition: { StringEquals: { 'aws:ResourceAccount': '111111111111' } },
            }),
          ],
        },
      });
    }
  });

  it.each(INTERFACE_SERVICES)(
    'has a private-DNS interface endpoint for %s behind the endpoint group',
    (service) => {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SecurityGroupIds: [{ 'Fn::GetAtt': [idOf(network.endpointSecurityGroup), 'GroupId'] }],
      });
    },
  );

  it('has no other interface endpoints', () => {
    const interfaces = template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface' },
    });
    expect(Object.keys(interfaces)).toHaveLength(INTERFACE_SERVICES.length);
  });

  it('lets functions send only TCP 443: to the endpoint group and, through gateway endpoints, to S3/DynamoDB', () => {
    const endpointSg = idOf(network.endpointSecurityGroup);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Wellgate functions'),
      SecurityGroupEgress: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] },
          Description: Match.anyValue(),
        },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: Match.anyValue() },
      ],
      SecurityGroupIngress: Match.absent(),
    });
    const fnSg = idOf(network.functionSecurityGroup);
    const separateEgress = template.findResources('AWS::EC2::SecurityGroupEgress', {
      Properties: { GroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] } },
    });
    expect(separateEgress).toEqual({});
  });

  it('lets the endpoints accept only TCP 443 from the function group and send nothing', () => {
    const fnSg = idOf(network.functionSecurityGroup);
    const endpointSg = idOf(network.endpointSecurityGroup);
    const ingress = Object.values(
      template.findResources('AWS::EC2::SecurityGroupIngress', {
        Properties: { GroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] } },
      }),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      Properties: {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] },
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Wellgate interface endpoints'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
      ],
    });
  });

  it('exposes the VPC and the function security group', () => {
    expect(stack.functionNetwork.vpc).toBe(network.vpc);
    expect(stack.functionNetwork.functionSecurityGroup).toBe(network.functionSecurityGroup);
  });

  it('has no unacknowledged findings from the stock packs', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('isolated subnets', () => {
  it('have no route to the internet: no internet or NAT gateway and no 0.0.0.0/0 route', () => {
    const template = Template.fromStack(buildNetworkStack());
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const defaultRoutes = template.findResources('AWS::EC2::Route', {
      Properties: { DestinationCidrBlock: '0.0.0.0/0' },
    });
    expect(defaultRoutes).toEqual({});
  });
});
