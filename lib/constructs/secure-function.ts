import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag/acknowledge';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * How every function is bundled (local esbuild, no Docker): one constant so that the benchmarks
 * (benchmarks/bundles.ts) build exactly what gets deployed.
 */
export const SECURE_FUNCTION_BUNDLING = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: [],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner:
    "import { createRequire as __wgCreateRequire } from 'node:module'; const require = __wgCreateRequire(import.meta.url);",
} as const satisfies BundlingOptions;

export interface SecureFunctionProps {
  /** Path of the handler module, relative to the project root (e.g. `lambdas/api/patient.ts`). */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** Why this function exists, shown in the console and the compliance report. */
  readonly description: string;
  /** Customer-managed key that encrypts the function's log group (and DLQ, environment). */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Reserved concurrency: a cost and denial-of-service bound (HIPAA.Security-LambdaConcurrency). */
  readonly reservedConcurrency: number;
  /** Runs in this VPC's isolated subnets when given; otherwise the caller acknowledges LambdaInsideVPC. */
  readonly vpc?: ec2.IVpc;
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Asynchronously invoked functions get a KMS-encrypted dead-letter queue. Synchronous
   * (API Gateway proxy) functions return errors to the caller, so a DLQ would never receive them;
   * `queue` functions (an SQS event source) leave failed messages to their queue's own DLQ.
   * @default 'sync'
   */
  readonly invocation?: 'sync' | 'async' | 'queue';
  /** Merged over the secure defaults, never replacing them. */
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
}

/**
 * The one way Wellgate builds a Lambda function: nodejs22.x on ARM64, ESM bundle built by the
 * local esbuild (no Docker), minified with source maps, the AWS SDK bundled (a pinned, tested
 * version rather than the runtime's), X-Ray tracing, its own CMK-encrypted log group with
 * retention, an explicit role with no managed policies, reserved concurrency, and optionally
 * a VPC and a DLQ. Pattern: AWS Solutions Constructs' secure defaults, caller overrides after.
 */
export class SecureFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: SecureFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: logs go to this function's
    // log group only (AwsSolutions-IAM4 forbids the managed policy; least privilege wants it too).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role: ${props.description}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    acknowledge(
      this.role,
      'HIPAA.Security-IAMNoInlinePolicy',
      'CDK grants produce one inline policy per role; an inline policy cannot be attached to any other principal, which is what least privilege wants.',
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::<' +
        Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as logs.CfnLogGroup) +
        '.Arn>:log-stream:*]',
      "Log stream names are chosen by the Lambda runtime at start; the wildcard is confined to this function's own log group.",
    );

    if (props.invocation === 'async') {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.encryptionKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledge(
        this.deadLetterQueue,
        'AwsSolutions-SQS3',
        'This queue is itself the dead-letter queue of the function; a DLQ of a DLQ would only move the same messages again.',
      );
    }

    const inVpc = props.vpc !== undefined;
    if (inVpc) {
      // ENI management for VPC functions; EC2 does not support resource-level permissions for these.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'Only actions without resource-level permissions use "*": EC2 network-interface management for VPC functions and X-Ray PutTraceSegments/PutTelemetryRecords (see the AWS service authorization reference).',
      );
    } else {
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'Only X-Ray PutTraceSegments/PutTelemetryRecords use "*"; X-Ray does not support resource-level permissions for them.',
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environmentEncryption: props.encryptionKey,
      deadLetterQueue: this.deadLetterQueue,
      vpc: props.vpc,
      vpcSubnets: inVpc ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : undefined,
      securityGroups: props.securityGroups,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Never log the incoming event: it carries PHI and bearer tokens.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      },
      bundling: {
        ...SECURE_FUNCTION_BUNDLING,
        mainFields: [...SECURE_FUNCTION_BUNDLING.mainFields],
        externalModules: [...SECURE_FUNCTION_BUNDLING.externalModules],
      },
    });

    // Lambda decrypts the CMK-encrypted environment with the execution role's permissions.
    props.encryptionKey.grantDecrypt(this.role);

    const runtimeReason =
      'nodejs22.x is the runtime Wellgate pins (DESIGN.md): bundles target node22 and the suite is tested on it; it is an AWS-supported LTS runtime, and the upgrade is one line in SecureFunction.';
    acknowledge(this.function, 'AwsSolutions-L1', runtimeReason);
    acknowledge(this.function, 'Serverless-LambdaLatestVersion', runtimeReason);
    if (props.invocation !== 'async') {
      const syncReason =
        props.invocation === 'queue'
          ? "Invoked by an SQS event source mapping, never asynchronously: a message that fails returns to its queue and, after the queue's maxReceiveCount, moves to that queue's KMS-encrypted, alarmed dead-letter queue, so a function DLQ would never receive an event."
          : 'Invoked synchronously (API Gateway proxy, Cognito trigger or Step Functions task): errors return to the caller, which retries or fails visibly, so a dead-letter queue would never receive an event.';
      acknowledge(this.function, 'HIPAA.Security-LambdaDLQ', syncReason);
      acknowledge(this.function, 'Serverless-LambdaDLQ', syncReason);
    }
    if (!inVpc) {
      acknowledge(
        this.function,
        'HIPAA.Security-LambdaInsideVPC',
        'The clinic turned the VPC off (config network.lambdaInVpc = false) to save the interface-endpoint cost (about $7 per endpoint per AZ per month); IAM least privilege, KMS and TLS still bound what the function reaches.',
      );
    }
  }
}
