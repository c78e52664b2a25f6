import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isIanaTimeZone } from '../lambdas/core/clinic-time';

/**
 * One clinic deployment, validated before any construct is built.
 * Every field's `describe()` text is the configuration reference in the README.
 */

/** CloudWatch Logs retention values of at least a year (shorter ones would lose audit evidence). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS Region code such as "us-east-1"');

const httpsOrigin = z
  .string()
  .regex(
    /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i,
    'must be an https origin with no path, such as "https://app.example-clinic.org"',
  );

const HealthLakeConfig = z
  .discriminatedUnion('mode', [
    z.object({
      mode: z.literal('create').describe('Create a new FHIR R4 datastore encrypted with the PHI key.'),
      datastoreName: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, "-" and "_" only (HealthLake datastore name)')
        .optional()
        .describe('Name of the new datastore; defaults to "<clinicId>-fhir".'),
    }),
    z.object({
      mode: z
        .literal('import')
        .describe('Use an existing datastore (for example one holding migrated records).'),
      datastoreArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:healthlake:[a-z0-9-]+:\d{12}:datastore\/fhir\/[a-f0-9]{32}$/,
          'must be a HealthLake datastore ARN: arn:aws:healthlake:<region>:<account>:datastore/fhir/<32 hex id>',
        )
        .describe('ARN of the existing HealthLake datastore.'),
    }),
  ])
  .describe('HealthLake: create a datastore, or import an existing one by ARN.');

const CustomDomainConfig = z
  .object({
    domainName: z
      .string()
      .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a DNS name such as "api.example-clinic.org"'),
    certificateArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
        'must be an ACM certificate ARN in the deployment Region',
      ),
  })
  .describe(
    'Optional custom domain for the API (TLS 1.3 security policy). Leave out to use the execute-api URL.',
  );

export const WellgateConfigSchema = z
  .object({
    clinic: z.object({
      name: z
        .string()
        .min(2)
        .max(100)
        .describe('Display name of the clinic, used in alarm subjects and the dashboard.'),
      id: z
        .string()
        .regex(
          /^[a-z][a-z0-9-]{1,20}[a-z0-9]$/,
          'lower-case letters, digits and "-", 3-22 characters, e.g. "oakridge"',
        )
        .describe('Short id used as the prefix of every stack and resource name.'),
      timeZone: z
        .string()
        .refine(isIanaTimeZone, 'must be an IANA time zone such as "America/New_York"')
        .default('UTC')
        .describe(
          "IANA time zone of the clinic: the front desk's schedule day and the times the assistant states are in it.",
        ),
    }),
    account: z
      .string()
      .regex(/^\d{12}$/, "must be the 12-digit AWS account id covered by the clinic's BAA")
      .describe("AWS account id (12 digits) covered by the clinic's Business Associate Addendum."),
    region: awsRegion.describe(
      'AWS Region to deploy into. Bedrock, HealthLake and Cognito Plus must be available there.',
    ),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name such as "us-east-1a"'))
      .min(2, 'list at least two Availability Zones')
      .max(3)
      .describe('Availability Zones for the Lambda VPC. Named explicitly so synth needs no account lookup.'),
    alarmEmail: z
      .email('must be an e-mail address')
      .describe('Security contact that receives every alarm (SNS e-mail).'),
    corsOrigins: z
      .array(httpsOrigin)
      .default([])
      .describe('Browser origins allowed to call the API. Mobile apps need none; never "*".'),
    bedrock: z
      .object({
        modelId: z
          .string()
          .regex(
            /^[a-z0-9-]+\.[a-z0-9.:-]+$/,
            'must be a Bedrock foundation model id such as "amazon.nova-pro-v1:0"',
          )
          .default('amazon.nova-pro-v1:0')
          .describe(
            'Bedrock foundation model for the assistant, invoked on demand in the deployment Region.',
          ),
      })
      .default({ modelId: 'amazon.nova-pro-v1:0' }),
    healthLake: HealthLakeConfig.default({ mode: 'create' }),
    retention: z
      .object({
        auditYears: z
          .number()
          .int()
          .min(6, 'HIPAA documentation must be kept at least 6 years (45 CFR 164.316(b)(2)(i))')
          .max(100)
          .default(6)
          .describe('Years the audit bucket keeps every object under Object Lock COMPLIANCE mode.'),
        logDays: z
          .number()
          .int()
          .refine((d) => LOG_RETENTION_DAYS.includes(d), {
            message: `must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values of a year or more)`,
          })
          .default(2192)
          .describe('CloudWatch Logs retention in days (a value CloudWatch accepts, at least one year).'),
        conversationDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(90)
          .describe('Days an assistant conversation is kept before DynamoDB TTL removes it.'),
      })
      .default({ auditYears: 6, logDays: 2192, conversationDays: 90 }),
    waf: z
      .object({
        rateLimitPer5Minutes: z
          .number()
          .int()
          .min(100, 'AWS WAF rate-based rules need a limit of at least 100')
          .max(2_000_000_000)
          .default(1000)
          .describe('Requests one client IP may send in any 5-minute window before WAF blocks it.'),
      })
      .default({ rateLimitPer5Minutes: 1000 }),
    api: z
      .object({
        throttleRatePerSecond: z.number().int().min(1).max(10_000).default(50),
        throttleBurst: z.number().int().min(1).max(5_000).default(100),
        reservedConcurrency: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('Reserved concurrency per Lambda function: a cost and denial-of-service bound.'),
      })
      .default({ throttleRatePerSecond: 50, throttleBurst: 100, reservedConcurrency: 10 }),
    customDomain: CustomDomainConfig.optional(),
    network: z
      .object({
        lambdaInVpc: z
          .boolean()
          .default(true)
          .describe(
            'Run functions in a VPC with no internet route, reaching AWS through VPC endpoints. Turning it off saves the endpoint cost (about $7 per endpoint per AZ per month) for a small clinic.',
          ),
      })
      .default({ lambdaInVpc: true }),
    cognito: z
      .object({
        threatProtection: z
          .enum(['ENFORCED', 'AUDIT'])
          .default('ENFORCED')
          .describe(
            'Cognito threat protection mode. AWS advises running AUDIT first to see what ENFORCED would block.',
          ),
        accessTokenMinutes: z.number().int().min(5).max(60).default(15),
        idTokenMinutes: z.number().int().min(5).max(60).default(15),
        refreshTokenHours: z.number().int().min(1).max(720).default(12),
      })
      .default({
        threatProtection: 'ENFORCED',
        accessTokenMinutes: 15,
        idTokenMinutes: 15,
        refreshTokenHours: 12,
      }),
    disasterRecovery: z
      .object({
        region: awsRegion.describe('Region that receives replicas of the audit and PHI buckets.'),
      })
      .optional()
      .describe(
        'Cross-Region replication target. Leave out and replication is acknowledged in the nag report.',
      ),
    training: z
      .object({
        enabled: z.boolean().default(true),
        kAnonymity: z.number().int().min(2).max(100).default(5),
        maxSuppression: z
          .number()
          .min(0, 'must be a share of patients between 0 and 1 (0 suppresses no one)')
          .max(1, 'must be a share of patients between 0 and 1 (0.05 suppresses at most 5%)')
          .default(0.05)
          .describe(
            'Share of patients that may be left out, with all their resources, when no generalization level alone reaches kAnonymity.',
          ),
        biasShiftThreshold: z
          .number()
          .min(0)
          .max(1)
          .default(0.05)
          .describe('Flag a demographic group whose share moves more than this between source and output.'),
        customizationBaseModelId: z
          .string()
          .optional()
          .describe('When set, a Bedrock model customization job runs on the published dataset.'),
      })
      .default({ enabled: true, kAnonymity: 5, maxSuppression: 0.05, biasShiftThreshold: 0.05 }),
    terminationProtection: z.boolean().default(true),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.disasterRecovery && cfg.disasterRecovery.region === cfg.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['disasterRecovery', 'region'],
        message: 'must differ from "region": a replica in the same Region does not survive a Regional outage',
      });
    }
    for (const [i, az] of cfg.availabilityZones.entries()) {
      if (!az.startsWith(cfg.region)) {
        ctx.addIssue({
          code: 'custom',
          path: ['availabilityZones', i],
          message: `"${az}" is not in region "${cfg.region}"`,
        });
      }
    }
    if (cfg.healthLake.mode === 'import' && !cfg.healthLake.datastoreArn.includes(`:${cfg.region}:`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['healthLake', 'datastoreArn'],
        message: `the datastore must be in the deployment region "${cfg.region}"`,
      });
    }
  });

export type WellgateConfig = z.infer<typeof WellgateConfigSchema>;
export type WellgateConfigInput = z.input<typeof WellgateConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid Wellgate configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the fields above (see "Configuration" in README.md) and run again. Nothing was synthesized.',
    );
    this.name = 'ConfigError';
  }
}

/** Validates a parsed config object; throws a ConfigError naming each bad field. */
export function parseConfig(raw: unknown, source = 'configuration'): WellgateConfig {
  const result = WellgateConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${field}: ${issue.message}`;
  });
  throw new ConfigError(source, problems);
}

/** Reads and validates a JSON config file. */
export function loadConfigFile(path: string): WellgateConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(path, [
      '(file): cannot be read; copy wellgate.config.example.json and pass its path with -c config=<path>',
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [`(file): is not valid JSON (${(err as Error).message})`]);
  }
  return parseConfig(raw, path);
}

export const DEFAULT_CONFIG_PATH = 'wellgate.config.example.json';

/**
 * The config file a command line names: `--config <path>`, `-c config=<path>` (as `cdk synth`
 * takes it), then the WELLGATE_CONFIG environment variable, then the shipped example.
 */
export function configPathFromCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  const flag = argv.indexOf('--config');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1] as string;
  const inline = argv.find((a) => a.startsWith('--config='));
  if (inline) return inline.slice('--config='.length);
  const context = argv.findIndex(
    (a, i) => (a === '-c' || a === '--context') && argv[i + 1]?.startsWith('config='),
  );
  if (context >= 0) return (argv[context + 1] as string).slice('config='.length);
  return env.WELLGATE_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/** Loads the command line's config, or prints the ConfigError and returns undefined (exit code 2). */
export function loadConfigForCommand(argv: readonly string[]): WellgateConfig | undefined {
  try {
    return loadConfigFile(configPathFromCommandLine(argv));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return undefined;
    }
    throw err;
  }
}
