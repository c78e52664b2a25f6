import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** The API Gateway stage the web ACL protects. */
  readonly stage: apigw.Stage;
  /** Requests one client IP may send in any 5-minute window before it is blocked. */
  readonly rateLimitPer5Minutes: number;
  /** Prefix of the web ACL name and its CloudWatch metric names (e.g. "wellgate-oakridge-api"). */
  readonly namePrefix: string;
  /** Encrypts the WAF log group; its key policy must allow CloudWatch Logs. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

const AWS_MANAGED_RULE_GROUPS = [
  // OWASP-style protections (XSS, LFI, oversized bodies, bad bots).
  'AWSManagedRulesCommonRuleSet',
  // Request patterns known to exploit vulnerabilities (Log4j, Java deserialization...).
  'AWSManagedRulesKnownBadInputsRuleSet',
  // Amazon threat intelligence: IPs of bots and known attackers.
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * A regional WAFv2 web ACL in front of the API stage: AWS managed rule groups, a per-IP rate
 * limit, and logging to a CMK-encrypted log group with credentials redacted.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** CloudWatch metric name of the web ACL as a whole (dimension `WebACL`). */
  readonly metricName: string;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.metricName = `${props.namePrefix}-waf`;

    // Sampled requests show whole requests (bearer tokens, paths with patient ids) to anyone with
    // wafv2:GetSampledRequests; the redacted logs below serve investigations instead.
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });

    const managedRules: wafv2.CfnWebACL.RuleProperty[] = AWS_MANAGED_RULE_GROUPS.map((name, priority) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          // The common rule set blocks bodies over 8 KB; the API accepts up to 1 MB (intake forms)
          // and enforces that limit itself with a 413, so this one rule only counts.
          ruleActionOverrides:
            name === 'AWSManagedRulesCommonRuleSet'
              ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]
              : undefined,
        },
      },
      visibilityConfig: visibility(`${props.namePrefix}-${name}`),
    }));

    const rateRule: wafv2.CfnWebACL.RuleProperty = {
      name: 'RateLimitPerIp',
      priority: managedRules.length,
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: 'tooManyRequests',
            responseHeaders: [{ name: 'Cache-Control', value: 'no-store' }],
          },
        },
      },
      statement: {
        rateBasedStatement: {
          limit: props.rateLimitPer5Minutes,
          evaluationWindowSec: 300,
          aggregateKeyType: 'IP',
        },
      },
      visibilityConfig: visibility(`${props.namePrefix}-RateLimitPerIp`),
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.namePrefix}-web-acl`,
      description: 'Wellgate API: AWS managed rules and a per-IP rate limit',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [...managedRules, rateRule],
      customResponseBodies: {
        // Same RFC 9457 shape as the API's own errors.
        tooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'https://wellgate.dev/problems/too-many-requests',
            title: 'Too many requests',
            status: 429,
            detail: 'Too many requests from this network. Wait a few minutes and try again.',
          }),
        },
      },
      visibilityConfig: visibility(this.metricName),
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups whose names start with "aws-waf-logs-".
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.namePrefix}`,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    // WAF wants the log group ARN without the ":*" suffix that LogGroup.logGroupArn carries.
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Explicit delivery permission, so WAF need not write an account-wide resource policy itself.
    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
    const delivery = this.logGroup.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          // The documented condition: log deliveries are sourced from the account's logs ARN space.
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    );

    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      // Bearer tokens and cookies are credentials; query strings can carry search terms about a
      // patient. The URI path stays for forensics (ids there are opaque FHIR ids).
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
    });
    logging.node.addDependency(this.logGroup);
    if (delivery.policyDependable) logging.node.addDependency(delivery.policyDependable);
  }
}
