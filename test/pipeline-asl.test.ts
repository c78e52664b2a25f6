import { readFileSync } from 'node:fs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { DEID_PIPELINE_ASL } from '../lib/constructs/deid-pipeline';

// asl-validator 4 ships no type declarations; this is the shape its README documents.
type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = require('asl-validator') as AslValidator;

type Json = Record<string, unknown>;
interface State extends Json {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: Array<Json & { Next: string }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string | null }>;
  Retry?: Array<{ ErrorEquals: string[]; BackoffRate?: number; IntervalSeconds?: number }>;
  ItemProcessor?: { StartAt: string; States: Record<string, State>; ProcessorConfig?: Json };
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

const RAW = readFileSync(DEID_PIPELINE_ASL, 'utf8');

/** What the CDK substitutes at deploy, with placeholder values of the right shape. */
const PLACEHOLDERS: Record<string, string> = {
  DatastoreId: '0123456789abcdef0123456789abcdef',
  ExportRoleArn: 'arn:aws:iam::111111111111:role/export',
  ExportBucketName: 'wellgate-oakridge-export-111111111111-us-east-1',
  ExportKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000',
  StagingBucketName: 'wellgate-oakridge-staging-111111111111-us-east-1',
  TrainingBucketName: 'wellgate-oakridge-training-111111111111-us-east-1',
  PseudonymKeySecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:pseudonym-AbCdEf',
  DeidentifyFileFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:deidentify-file',
  ValidateRunFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:validate-run',
  PublishDatasetFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:publish-dataset',
  CleanupStagingFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:cleanup-staging',
  AlarmTopicArn: 'arn:aws:sns:us-east-1:111111111111:alarms',
  MaxConcurrency: '10',
  KAnonymity: '5',
  MaxSuppression: '0.05',
  BiasShiftThreshold: '0.05',
  CustomizationEnabled: 'false',
  CustomizationBaseModelId: 'customization-disabled',
  CustomizationRoleArn: 'customization-disabled',
};

function substitute(raw: string, values: Record<string, string>): Definition {
  const text = raw.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no substitution for \${${name}}`);
    return value;
  });
  return JSON.parse(text) as Definition;
}

/** Every state, including those inside Map item processors, with a qualified name. */
function allStates(definition: Definition): Array<[string, State]> {
  const out: Array<[string, State]> = [];
  const walk = (states: Record<string, State>, prefix: string) => {
    for (const [name, state] of Object.entries(states)) {
      out.push([`${prefix}${name}`, state]);
      if (state.ItemProcessor) walk(state.ItemProcessor.States, `${prefix}${name}/`);
    }
  };
  walk(definition.States, '');
  return out;
}

/** Names a state can move to next: Next, Default, Choices and Catch targets. */
function successors(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

/** States reachable from StartAt without passing through `blocked`. */
function reachable(definition: Definition, blocked: string): Set<string> {
  const seen = new Set<string>();
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name) || name === blocked) continue;
    seen.add(name);
    const state = definition.States[name];
    if (state) queue.push(...successors(state));
  }
  return seen;
}

describe('stepfunctions/deid-pipeline.asl.json', () => {
  const definition = substitute(RAW, PLACEHOLDERS);
  const states = definition.States;

  test('is valid Amazon States Language once substituted', () => {
    const result = aslValidator(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('the validator rejects a broken copy (the check above can fail)', () => {
    const broken = substitute(RAW, PLACEHOLDERS);
    const start = broken.States['StartExport'];
    if (start) start.Next = 'NoSuchState';
    expect(aslValidator(broken).isValid).toBe(false);
  });

  test('uses exactly the placeholders the CDK construct substitutes', () => {
    const used = new Set([...RAW.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect(used).toEqual(new Set(Object.keys(PLACEHOLDERS)));
  });

  test('starts a HealthLake export and polls it with back-off, failing on a failed job', () => {
    expect(states['StartExport']?.Resource).toBe('arn:aws:states:::aws-sdk:healthlake:startFHIRExportJob');
    expect(states['DescribeExport']?.Resource).toBe(
      'arn:aws:states:::aws-sdk:healthlake:describeFHIRExportJob',
    );
    expect(states['WaitForExport']).toMatchObject({ Type: 'Wait', SecondsPath: '$.poll.waitSeconds' });
    expect(states['DoublePollInterval']?.Parameters).toEqual({
      'waitSeconds.$': 'States.MathAdd($.poll.waitSeconds, $.poll.waitSeconds)',
    });
    const failing = JSON.stringify(
      states['ExportFinished']?.Choices?.find((c) => c.Next === 'ExportJobFailed'),
    );
    for (const status of ['FAILED', 'COMPLETED_WITH_ERRORS', 'CANCEL_COMPLETED'])
      expect(failing).toContain(status);
    expect(states['ExportFinished']?.Choices?.find((c) => c.Next === 'ListExport')).toMatchObject({
      StringEquals: 'COMPLETED',
    });
    // The listing (keys only) feeds every batch: consent and known identifiers live in other files.
    expect(states['ListExport']).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:s3:listObjectsV2',
      Parameters: { Bucket: PLACEHOLDERS['ExportBucketName'], 'Prefix.$': '$.run.exportPrefix' },
      ResultSelector: { 'keys.$': '$.Contents[*].Key', 'truncated.$': '$.IsTruncated' },
      Next: 'DeidentifyFiles',
    });
    expect(states['DeidentifyFiles']?.['ItemBatcher']).toMatchObject({
      BatchInput: {
        'exportKeys.$': '$.exportListing.keys',
        'exportListingTruncated.$': '$.exportListing.truncated',
      },
    });
  });

  test('de-identifies in a Distributed Map over the export listing that tolerates no failure', () => {
    const map = states['DeidentifyFiles'];
    expect(map).toMatchObject({
      Type: 'Map',
      ToleratedFailurePercentage: 0,
      ItemReader: {
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        Parameters: { Bucket: PLACEHOLDERS['ExportBucketName'], 'Prefix.$': '$.run.exportPrefix' },
      },
      ItemBatcher: expect.objectContaining({ MaxItemsPerBatch: expect.any(Number) }),
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(map?.ItemProcessor?.States['DeidentifyBatch']?.Parameters).toMatchObject({
      FunctionName: PLACEHOLDERS['DeidentifyFileFunctionArn'],
    });
  });

  test('every Task and Map state has a Catch', () => {
    const work = allStates(definition).filter(([, s]) => s.Type === 'Task' || s.Type === 'Map');
    expect(work.length).toBeGreaterThanOrEqual(9);
    for (const [name, state] of work) {
      expect({
        name,
        catches: (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')),
      }).toEqual({
        name,
        catches: true,
      });
    }
  });

  test('a failure before publishing is caught into cleanup, then notification, then Fail', () => {
    for (const name of [
      'StartExport',
      'DescribeExport',
      'ListExport',
      'DeidentifyFiles',
      'ValidateRun',
      'PublishDataset',
    ]) {
      expect(states[name]?.Catch?.map((c) => c.Next)).toEqual(['CleanupStaging']);
    }
    for (const name of ['ExportJobFailed', 'ValidationRejected'])
      expect(states[name]?.Next).toBe('CleanupStaging');
    // Two cleanup passes: in-flight de-identify invocations may still write after the first.
    expect(states['CleanupStaging']?.Next).toBe('WaitForStragglers');
    expect(states['WaitForStragglers']).toMatchObject({
      Type: 'Wait',
      Seconds: 900,
      Next: 'CleanupStragglers',
    });
    expect(states['CleanupStragglers']?.Next).toBe('NotifyFailure');
    expect(states['NotifyFailure']?.Next).toBe('RunFailed');
    expect(states['RunFailed']?.Type).toBe('Fail');
  });

  test('Lambda and HealthLake calls retry throttling with exponential back-off', () => {
    for (const [name, state] of allStates(definition)) {
      if (state.Resource === 'arn:aws:states:::lambda:invoke') {
        const retry = state.Retry?.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
        expect({ name, backoff: (retry?.BackoffRate ?? 0) > 1 }).toEqual({ name, backoff: true });
      }
      if (String(state.Resource).includes(':healthlake:')) {
        const retry = state.Retry?.find((r) => r.ErrorEquals.includes('HealthLake.ThrottlingException'));
        expect({ name, backoff: (retry?.BackoffRate ?? 0) > 1 }).toEqual({ name, backoff: true });
      }
    }
  });

  test('PublishDataset is reached only through the validation Choice, on passed = true', () => {
    const into = Object.entries(states)
      .filter(([, s]) => successors(s).includes('PublishDataset'))
      .map(([name]) => name);
    expect(into).toEqual(['ValidationPassed']);
    const choice = states['ValidationPassed'];
    expect(choice?.Type).toBe('Choice');
    expect(choice?.Choices).toEqual([
      { Variable: '$.validation.passed', BooleanEquals: true, Next: 'PublishDataset' },
    ]);
    expect(choice?.Default).toBe('ValidationRejected');
    // And ValidateRun cannot be skipped on the way there.
    expect(reachable(definition, 'ValidateRun').has('PublishDataset')).toBe(false);
  });

  test('Bedrock customization runs only when the substitution flag enables it', () => {
    const into = Object.entries(states)
      .filter(([, s]) => successors(s).includes('StartCustomization'))
      .map(([name]) => name);
    expect(into).toEqual(['CustomizationRequested']);
    expect(states['CustomizationRequested']?.Choices).toEqual([
      { Variable: '$.run.customizationEnabled', BooleanEquals: true, Next: 'StartCustomization' },
    ]);
    expect(states['InitRun']?.Parameters).toMatchObject({
      'customizationEnabled.$': "States.StringToJson('false')",
    });
  });

  test('notifications name the error, never its cause (a cause may quote data)', () => {
    for (const name of ['NotifySuccess', 'NotifyFailure']) {
      const message = JSON.stringify(states[name]?.Parameters);
      expect(message).not.toContain('Cause');
      expect(message).not.toContain('$.Payload');
    }
    expect(states['DeidentifyFiles']?.ItemProcessor?.States['BatchFailed']).toMatchObject({
      Type: 'Fail',
      Error: 'DeidentifyBatchFailed',
    });
  });
});

type LocalJson = string | number | boolean | null | LocalJson[] | { [key: string]: LocalJson };

describe('deid pipeline run (aws-local-stepfunctions, task resources replaced by local handlers)', () => {
  /**
   * aws-local-stepfunctions has no S3 ItemReader or ItemBatcher: the Map reads an inline listing
   * instead, one batch per item. Everything else is the deployed definition.
   */
  function localDefinition(): Definition {
    const definition = substitute(RAW, PLACEHOLDERS);
    const map = definition.States['DeidentifyFiles'] as State;
    delete map['ItemReader'];
    delete map['ItemBatcher'];
    delete map['MaxConcurrencyPath'];
    delete map['ToleratedFailurePercentage'];
    delete map['Label'];
    if (map.ItemProcessor) delete map.ItemProcessor.ProcessorConfig;
    map['ItemsPath'] = '$.localListing';
    return definition;
  }

  async function run(passed: boolean): Promise<{ calls: string[]; error?: string }> {
    const { StateMachine, ExecutionError } = await import('aws-local-stepfunctions');
    const calls: string[] = [];
    const record =
      (name: string, result: { [key: string]: LocalJson } = {}) =>
      () => {
        calls.push(name);
        return result;
      };
    const machine = new StateMachine(localDefinition() as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    const execution = machine.run(
      { localListing: [{ Key: 'exports/run-1/Patient/Patient-0.ndjson', Size: 10 }] },
      {
        context: {
          Execution: { Id: 'arn:aws:states:us-east-1:111111111111:execution:deid:run-1', Name: 'run-1' },
        },
        overrides: {
          waitTimeOverrides: { WaitForExport: 0, WaitForStragglers: 0 },
          taskResourceLocalHandlers: {
            StartExport: record('StartExport', { JobId: 'job-1' }),
            DescribeExport: record('DescribeExport', { ExportJobProperties: { JobStatus: 'COMPLETED' } }),
            ListExport: record('ListExport', {
              Contents: [{ Key: 'exports/run-1/Patient/Patient-0.ndjson', Size: 10 }],
              IsTruncated: false,
            }),
            DeidentifyBatch: record('DeidentifyBatch', { Payload: { files: [] } }),
            ValidateRun: record('ValidateRun', {
              Payload: { passed, reportKey: 'runs/run-1/report/report.json' },
            }),
            PublishDataset: record('PublishDataset', {
              Payload: {
                manifestKey: 'datasets/run-1/manifest.json',
                trainingDataUri: 's3://training/datasets/run-1/',
              },
            }),
            CleanupStaging: record('CleanupStaging', { Payload: { deletedObjects: 1 } }),
            NotifySuccess: record('NotifySuccess'),
            NotifyFailure: record('NotifyFailure'),
          },
        },
      },
    );
    try {
      await execution.result;
      return { calls };
    } catch (err) {
      // The Fail state's error name (ErrorPath) is the caught runtime error's name.
      if (err instanceof ExecutionError) return { calls, error: (err.cause as Error | undefined)?.name };
      throw err;
    }
  }

  test('validation rejects the run: staging is cleaned, nothing is published, the run fails', async () => {
    const { calls, error } = await run(false);
    expect(calls).toEqual([
      'StartExport',
      'DescribeExport',
      'ListExport',
      'DeidentifyBatch',
      'ValidateRun',
      'CleanupStaging',
      'NotifyFailure',
    ]);
    expect(calls).not.toContain('PublishDataset');
    expect(error).toBe('ValidationFailed');
  });

  test('validation passes: the dataset is published and the success notification sent', async () => {
    const { calls, error } = await run(true);
    expect(error).toBeUndefined();
    expect(calls).toEqual([
      'StartExport',
      'DescribeExport',
      'ListExport',
      'DeidentifyBatch',
      'ValidateRun',
      'PublishDataset',
      'NotifySuccess',
    ]);
  });
});

describe('ValidateRun parameters', () => {
  test('carry the k and the suppression budget the clinic configured', () => {
    const definition = substitute(RAW, { ...PLACEHOLDERS, KAnonymity: '7', MaxSuppression: '0.1' });
    const validate = definition.States['ValidateRun'] as unknown as {
      Parameters: { Payload: Record<string, string> };
    };
    expect(validate.Parameters.Payload['kAnonymity.$']).toBe("States.StringToJson('7')");
    expect(validate.Parameters.Payload['maxSuppression.$']).toBe("States.StringToJson('0.1')");
  });
});
