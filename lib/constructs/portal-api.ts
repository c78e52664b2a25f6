import { CfnOutput, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CORS_ALLOWED_HEADER_NAMES } from '../../lambdas/api/http';
import { FUNCTION_GROUPS, type FunctionGroup, ROUTES, type RouteSpec } from '../../lambdas/api/route-table';
import type { WellgateConfig } from '../config';
import type { AppTables, FhirDatastoreRef, FunctionNetwork, TrainingPipelineRef } from '../contracts';
import { RUNTIME_ENV } from '../contracts';
import { acknowledge } from '../nag/acknowledge';
import { LogEncryptionKey } from './log-encryption-key';
import { SecureFunction } from './secure-function';

/**
 * Scope every protected method requires. Its presence makes the Cognito authorizer accept ACCESS
 * tokens (without scopes it only accepts ID tokens). Every access token the mobile client gets
 * carries it (SRP sign-in always; OAuth flows when the client allows COGNITO_ADMIN), and the app
 * needs it anyway to enrol TOTP (AssociateSoftwareToken). Group membership is checked per route
 * by the handlers from the verified `cognito:groups` claim.
 */
export const DEFAULT_API_SCOPES = ['aws.cognito.signin.user.admin'] as const;

/** Stage name; routes carry their own `/v1` version prefix. */
export const STAGE_NAME = 'prod';

/** Stable RFC 9457 problem type URIs; the handlers use the same base. */
export const PROBLEM_TYPE_BASE = 'https://wellgate.dev/problems/';

type HealthLakeAction =
  | 'ReadResource'
  | 'SearchWithGet'
  | 'SearchWithPost'
  | 'CreateResource'
  | 'UpdateResource'
  | 'DeleteResource';

/** What one function group may reach: "minimum necessary" (45 CFR 164.502(b)) as data. */
interface GroupAccess {
  readonly description: string;
  readonly appState: 'none' | 'read' | 'readWrite';
  readonly idempotency: boolean;
  /** Read the hash chain and append to it; never update or delete an audit event. */
  readonly auditIndex: boolean;
  readonly fhir: readonly HealthLakeAction[];
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

const TABLE_READ = ['DescribeTable', 'GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'] as const;
const TABLE_WRITE = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] as const;

const FHIR_READ: readonly HealthLakeAction[] = ['ReadResource', 'SearchWithGet', 'SearchWithPost'];

/** The assistant's triage second-opinion layers (lambdas/assistant/second-opinion/composition.ts). */
const ASSISTANT_TRIAGE_ENVIRONMENT: Readonly<Record<string, string>> = {
  [RUNTIME_ENV.triageComprehendMedical]: 'enabled',
  [RUNTIME_ENV.triageTranslate]: 'enabled',
};

const GROUP_ACCESS: Record<FunctionGroup, GroupAccess> = {
  public: {
    description: 'Wellgate API: health check and OpenAPI document (no PHI)',
    appState: 'none',
    idempotency: false,
    auditIndex: false,
    fhir: [],
  },
  patient: {
    description: "Wellgate API: a patient's own profile, appointments, results, medications, consents",
    appState: 'readWrite',
    idempotency: true,
    auditIndex: true,
    // Booking, intake, refill requests and consents create resources; cancelling updates status.
    fhir: [...FHIR_READ, 'CreateResource', 'UpdateResource'],
  },
  clinician: {
    description: 'Wellgate API: clinical summaries and observations of care-team patients',
    appState: 'read',
    idempotency: false,
    auditIndex: true,
    fhir: FHIR_READ,
  },
  staff: {
    description: 'Wellgate API: day schedules for front desk and billing (no clinical content)',
    appState: 'read',
    idempotency: false,
    auditIndex: true,
    fhir: FHIR_READ,
  },
  admin: {
    description: 'Wellgate API: user to FHIR Patient links and training runs (administrators)',
    appState: 'readWrite',
    idempotency: false,
    auditIndex: true,
    // Reads the Patient before linking a user to it.
    fhir: ['ReadResource'],
  },
  assistant: {
    description: 'Wellgate API: patient assistant chat and clinician summary drafts (Bedrock)',
    appState: 'readWrite',
    idempotency: false,
    auditIndex: true,
    fhir: FHIR_READ,
    // A Converse call with a guardrail can take several seconds; API Gateway stops at 29.
    memorySize: 512,
    timeout: Duration.seconds(25),
  },
};

export interface PortalApiProps {
  readonly settings: Pick<
    WellgateConfig,
    'clinic' | 'api' | 'retention' | 'corsOrigins' | 'customDomain' | 'bedrock'
  >;
  /** Name of the REST API (and prefix of its log groups' descriptions). */
  readonly apiName: string;
  readonly network?: FunctionNetwork;
  readonly userPool: cognito.IUserPool;
  readonly phiKey: kms.IKey;
  readonly fhirDatastore: FhirDatastoreRef;
  readonly tables: AppTables;
  readonly auditDeliveryStream: firehose.IDeliveryStream;
  readonly trainingPipeline?: TrainingPipelineRef;
  readonly guardrail: {
    readonly guardrailId: string;
    readonly guardrailArn: string;
    readonly guardrailVersion: string;
  };
  /** @default DEFAULT_API_SCOPES */
  readonly authorizationScopes?: readonly string[];
}

/**
 * The Wellgate REST API built from the route table (lambdas/api/route-table.ts): one
 * SecureFunction per function group with least-privilege grants, one Lambda-proxy method per
 * route, a Cognito authorizer on every non-public method, request validation, throttling,
 * encrypted access and execution logs, X-Ray, problem+json gateway responses, optional custom
 * domain. Pattern: AWS Solutions Constructs aws-apigateway-lambda, generalized to a route table.
 */
export class PortalApi extends Construct {
  readonly restApi: apigw.RestApi;
  readonly functions: Record<FunctionGroup, SecureFunction>;
  /** Encrypts every log group of the API (access, execution, function and WAF logs). */
  readonly logsKey: kms.Key;
  readonly accessLogGroup: logs.LogGroup;
  readonly executionLogGroup: logs.LogGroup;
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: PortalApiProps) {
    super(scope, id);
    const { settings } = props;
    const logRetention = settings.retention.logDays as logs.RetentionDays;

    this.logsKey = new LogEncryptionKey(this, 'LogsKey', {
      description: `${props.apiName}: API Gateway, Lambda and WAF logs`,
    }).key;

    this.functions = this.createFunctions(props, logRetention);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      encryptionKey: this.logsKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const customDomain = settings.customDomain;
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: props.apiName,
      description: `Wellgate patient portal API for ${settings.clinic.name}`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account-level API Gateway CloudWatch role is a deployment prerequisite (README):
      // creating it here would overwrite an account-wide setting other APIs may rely on.
      cloudWatchRole: false,
      // With a custom domain, clients must use it (and its TLS policy); otherwise execute-api is the URL.
      disableExecuteApiEndpoint: customDomain !== undefined,
      domainName: customDomain && {
        domainName: customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: apigw.SecurityPolicy.TLS13_1_3_2025_09,
        endpointAccessMode: apigw.EndpointAccessMode.STRICT,
      },
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace writes full requests and responses (PHI, bearer tokens) to the execution log.
        dataTraceEnabled: false,
        throttlingRateLimit: settings.api.throttleRatePerSecond,
        throttlingBurstLimit: settings.api.throttleBurst,
        cachingEnabled: false,
      },
    });
    // The execute-api endpoint gets the same TLS 1.3 policy the custom domain has.
    const cfnApi = this.restApi.node.defaultChild as apigw.CfnRestApi;
    cfnApi.securityPolicy = apigw.SecurityPolicy.TLS13_1_3_2025_09;
    cfnApi.endpointAccessMode = apigw.EndpointAccessMode.STRICT;
    if (this.restApi.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        description: 'Point the custom domain (CNAME or alias) at this regional API Gateway domain name',
        value: this.restApi.domainName.domainNameAliasDomainName,
      });
    }

    // API Gateway writes ERROR-level execution logs to this exact name; creating the group first
    // (before the stage) makes those logs CMK-encrypted with retention instead of plain and forever.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${STAGE_NAME}`,
      encryptionKey: this.logsKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);

    const stage = this.restApi.deploymentStage;
    acknowledge(
      stage,
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      'Caching is off on purpose: a shared cache of authenticated PHI responses risks serving one patient the data of another; responses carry Cache-Control: no-store.',
    );
    acknowledge(
      stage,
      'HIPAA.Security-APIGWSSLEnabled',
      'A backend client certificate authenticates API Gateway to HTTP backends; every integration here is a Lambda proxy call inside AWS, signed with SigV4, not an HTTP backend.',
    );

    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: 'cognito-access-token',
      cognitoUserPools: [props.userPool],
      identitySource: apigw.IdentitySource.header('Authorization'),
    });

    const validator = this.restApi.addRequestValidator('Validator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    // Shape check at the edge (a JSON object); the handlers' zod schemas validate the contents.
    const jsonObject = this.restApi.addModel('JsonObject', {
      contentType: 'application/json',
      modelName: 'JsonObject',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, type: apigw.JsonSchemaType.OBJECT },
    });

    const scopes = [...(props.authorizationScopes ?? DEFAULT_API_SCOPES)];
    const integrations = new Map<FunctionGroup, apigw.LambdaIntegration>();
    const resourceMethods = new Map<apigw.Resource, string[]>();
    for (const route of ROUTES) {
      const fn = this.functions[route.group].function;
      let integration = integrations.get(route.group);
      if (!integration) {
        // allowTestInvoke: false keeps the Lambda permission to the deployed stage only.
        integration = new apigw.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false });
        integrations.set(route.group, integration);
      }
      const resource = this.restApi.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integration, {
        operationName: route.operationId,
        requestValidator: validator,
        requestParameters: Object.fromEntries(
          pathParameters(route).map((p) => [`method.request.path.${p}`, true]),
        ),
        requestModels:
          route.method === 'POST' || route.method === 'PUT' ? { 'application/json': jsonObject } : undefined,
        ...(route.access === 'public'
          ? { authorizationType: apigw.AuthorizationType.NONE }
          : {
              authorizationType: apigw.AuthorizationType.COGNITO,
              authorizer: this.authorizer,
              authorizationScopes: scopes,
            }),
      });
      if (route.access === 'public') {
        acknowledge(
          method,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design (${route.summary}): it returns no PHI, and clients call it before signing in.`,
        );
        acknowledge(
          method,
          'AwsSolutions-COG4',
          `${route.method} ${route.path} carries no PHI and must answer unauthenticated callers (monitoring, client bootstrap), so it has no Cognito authorizer.`,
        );
      }
      resourceMethods.set(resource, [...(resourceMethods.get(resource) ?? []), route.method]);
    }

    if (settings.corsOrigins.length > 0) {
      for (const [resource, methods] of resourceMethods) {
        const preflight = resource.addCorsPreflight({
          allowOrigins: settings.corsOrigins,
          allowMethods: methods,
          allowHeaders: [...CORS_ALLOWED_HEADER_NAMES],
          allowCredentials: false,
          maxAge: Duration.hours(1),
        });
        acknowledge(
          preflight,
          'AwsSolutions-APIG4',
          'CORS preflight (OPTIONS) requests never carry credentials (Fetch standard); this mock integration answers with the allowed origins only and reaches no data.',
        );
        acknowledge(
          preflight,
          'AwsSolutions-COG4',
          'Browsers send CORS preflight requests without the Authorization header, so an authorizer would reject every preflight; the mock integration reaches no data.',
        );
      }
    }

    this.addProblemResponses(settings.corsOrigins);
  }

  private createFunctions(
    props: PortalApiProps,
    logRetention: logs.RetentionDays,
  ): Record<FunctionGroup, SecureFunction> {
    const { settings } = props;
    const environment: Record<string, string> = {
      [RUNTIME_ENV.fhirEndpoint]: props.fhirDatastore.datastoreEndpoint,
      [RUNTIME_ENV.appStateTable]: props.tables.appState.tableName,
      [RUNTIME_ENV.idempotencyTable]: props.tables.idempotency.tableName,
      [RUNTIME_ENV.auditTable]: props.tables.auditIndex.tableName,
      [RUNTIME_ENV.auditStream]: props.auditDeliveryStream.deliveryStreamName,
      [RUNTIME_ENV.bedrockModelId]: settings.bedrock.modelId,
      [RUNTIME_ENV.guardrailId]: props.guardrail.guardrailId,
      [RUNTIME_ENV.guardrailVersion]: props.guardrail.guardrailVersion,
      [RUNTIME_ENV.userPoolId]: props.userPool.userPoolId,
      [RUNTIME_ENV.corsOrigins]: settings.corsOrigins.join(','),
      [RUNTIME_ENV.conversationDays]: String(settings.retention.conversationDays),
      [RUNTIME_ENV.clinicTimeZone]: settings.clinic.timeZone,
      ...(props.trainingPipeline
        ? { [RUNTIME_ENV.trainingStateMachineArn]: props.trainingPipeline.stateMachine.stateMachineArn }
        : {}),
    };

    const functions = {} as Record<FunctionGroup, SecureFunction>;
    for (const group of FUNCTION_GROUPS) {
      const access = GROUP_ACCESS[group];
      const fn = new SecureFunction(this, `${capitalize(group)}Function`, {
        entry: `lambdas/handlers/${group}.ts`,
        description: access.description,
        encryptionKey: this.logsKey,
        logRetention,
        reservedConcurrency: settings.api.reservedConcurrency,
        vpc: props.network?.vpc,
        securityGroups: props.network ? [props.network.functionSecurityGroup] : undefined,
        invocation: 'sync',
        environment:
          group === 'assistant' ? { ...environment, ...ASSISTANT_TRIAGE_ENVIRONMENT } : environment,
        memorySize: access.memorySize,
        timeout: access.timeout,
      });
      Tags.of(fn.role).add('wellgate:tier', 'api');
      this.grantGroupAccess(group, fn.role, props);

      functions[group] = fn;
    }
    return functions;
  }

  private grantGroupAccess(group: FunctionGroup, role: iam.IRole, props: PortalApiProps): void {
    const access = GROUP_ACCESS[group];
    const { tables } = props;
    // Explicit action lists instead of grantReadWriteData/grantEncryptDecrypt: those add
    // kms:ReEncrypt*/GenerateDataKey* wildcards and item deletes nobody here needs.
    const keys = new Set<kms.IKey>();
    const useTable = (table: dynamodb.ITable, actions: readonly string[]) => {
      table.grant(role, ...actions.map((a) => `dynamodb:${a}`));
      if (table.encryptionKey) keys.add(table.encryptionKey);
    };

    if (access.appState === 'readWrite') useTable(tables.appState, [...TABLE_READ, ...TABLE_WRITE]);
    if (access.appState === 'read') useTable(tables.appState, TABLE_READ);
    if (access.idempotency) useTable(tables.idempotency, [...TABLE_READ, ...TABLE_WRITE]);
    if (access.auditIndex) {
      // Append-only: a hash-chained audit trail must not be rewritten by the code it audits.
      useTable(tables.auditIndex, [...TABLE_READ, 'PutItem']);
      props.auditDeliveryStream.grantPutRecords(role);
    }

    if (access.fhir.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: access.fhir.map((action) => `healthlake:${action}`),
          resources: [props.fhirDatastore.datastoreArn],
        }),
      );
      if (props.fhirDatastore.encryptionKey) keys.add(props.fhirDatastore.encryptionKey);
    }

    if (group !== 'public') keys.add(props.phiKey);
    for (const key of keys)
      key.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');

    const stack = Stack.of(this);
    if (group === 'assistant') {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['bedrock:InvokeModel'],
          resources: [
            stack.formatArn({
              service: 'bedrock',
              account: '',
              resource: 'foundation-model',
              resourceName: props.settings.bedrock.modelId,
            }),
          ],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['bedrock:ApplyGuardrail'],
          resources: [props.guardrail.guardrailArn],
        }),
      );
      // Triage second opinion. TranslateText with SourceLanguageCode "auto" needs
      // comprehend:DetectDominantLanguage (Amazon Translate Developer Guide, identity-based policies).
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'comprehendmedical:DetectEntitiesV2',
            'translate:TranslateText',
            'comprehend:DetectDominantLanguage',
          ],
          resources: ['*'],
        }),
      );
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'The assistant also uses "*" for comprehendmedical:DetectEntitiesV2, translate:TranslateText and comprehend:DetectDominantLanguage: the Service Authorization Reference lists no resource types for these actions, so no narrower resource exists. Comprehend Medical, Translate and Comprehend are HIPAA eligible services, and the function sends them minimized text only.',
      );
    }

    if (group === 'admin') {
      props.userPool.grant(role, 'cognito-idp:AdminGetUser', 'cognito-idp:AdminUpdateUserAttributes');
      // StartExecution only. Run status and report come from appState, where the pipeline writes
      // them: DescribeExecution would need an execution-ARN wildcard and returns raw execution I/O.
      props.trainingPipeline?.stateMachine.grantStartExecution(role);
    }
  }

  /** RFC 9457 problem+json for every error API Gateway answers itself; never cached. */
  private addProblemResponses(corsOrigins: readonly string[]): void {
    const headers: Record<string, string> = {
      'Content-Type': "'application/problem+json'",
      'Cache-Control': "'no-store'",
      'X-Content-Type-Options': "'nosniff'",
    };
    // A gateway response cannot pick one of several origins; with a single origin it can name it.
    const [onlyOrigin] = corsOrigins;
    if (corsOrigins.length === 1 && onlyOrigin) headers['Access-Control-Allow-Origin'] = `'${onlyOrigin}'`;

    for (const problem of GATEWAY_PROBLEMS) {
      const body: Record<string, unknown> = {
        type: `${PROBLEM_TYPE_BASE}${problem.slug}`,
        title: problem.title,
        ...(problem.status ? { status: problem.status } : {}),
        requestId: '$context.requestId',
      };
      // messageString is API Gateway's own JSON-quoted message, never request content.
      const template = JSON.stringify(body).replace(/}$/, ',"detail":$context.error.messageString}');
      this.restApi.addGatewayResponse(`${problem.type}Response`, {
        type: apigw.ResponseType.of(problem.type),
        statusCode: problem.status ? String(problem.status) : undefined,
        responseHeaders: headers,
        templates: { 'application/json': template },
      });
    }
  }
}

/** Gateway responses; DEFAULT_4XX/5XX cover several statuses, so their body names none. */
const GATEWAY_PROBLEMS: ReadonlyArray<{ type: string; slug: string; title: string; status?: number }> = [
  { type: 'DEFAULT_4XX', slug: 'client-error', title: 'The request could not be processed' },
  { type: 'DEFAULT_5XX', slug: 'server-error', title: 'The service could not complete the request' },
  { type: 'UNAUTHORIZED', slug: 'unauthorized', title: 'Sign-in required', status: 401 },
  { type: 'ACCESS_DENIED', slug: 'forbidden', title: 'Not allowed', status: 403 },
  { type: 'THROTTLED', slug: 'too-many-requests', title: 'Too many requests', status: 429 },
  { type: 'BAD_REQUEST_BODY', slug: 'invalid-request', title: 'The request body is not valid', status: 400 },
  {
    type: 'BAD_REQUEST_PARAMETERS',
    slug: 'invalid-request',
    title: 'The request parameters are not valid',
    status: 400,
  },
];

/**
 * Access log record: JSON, no request or response bodies, and the resource path template
 * (`/v1/patients/{patientId}`) rather than the path, so patient ids stay out of the log.
 */
const ACCESS_LOG_FIELDS = {
  requestId: apigw.AccessLogField.contextRequestId(),
  extendedRequestId: apigw.AccessLogField.contextExtendedRequestId(),
  requestTimeEpoch: apigw.AccessLogField.contextRequestTimeEpoch(),
  sourceIp: apigw.AccessLogField.contextIdentitySourceIp(),
  userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
  httpMethod: apigw.AccessLogField.contextHttpMethod(),
  resourcePath: apigw.AccessLogField.contextResourcePath(),
  protocol: apigw.AccessLogField.contextProtocol(),
  status: apigw.AccessLogField.contextStatus(),
  responseLength: apigw.AccessLogField.contextResponseLength(),
  responseLatency: apigw.AccessLogField.contextResponseLatency(),
  integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
  integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
  userSub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
  clientId: apigw.AccessLogField.contextAuthorizerClaims('client_id'),
  errorType: apigw.AccessLogField.contextErrorResponseType(),
  errorMessage: apigw.AccessLogField.contextErrorMessage(),
  wafResponseCode: apigw.AccessLogField.contextWafResponseCode(),
  xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
};

function pathParameters(route: RouteSpec): string[] {
  return [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '').filter((p) => p !== '');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
