import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configPathFromCommandLine, loadConfigFile, parseConfig } from '../lib/config';
import example from '../wellgate.config.example.json';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'test');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('clinic configuration', () => {
  it('accepts the shipped example and fills documented defaults', () => {
    const config = parseConfig(example, 'example');
    expect(config.clinic.id).toBe('oakridge');
    expect(config.retention.auditYears).toBe(6);
    expect(config.healthLake).toEqual({ mode: 'create' });
    expect(config.network.lambdaInVpc).toBe(true);
  });

  it('applies defaults for every optional section', () => {
    const minimal = {
      clinic: { name: 'Tiny Clinic', id: 'tiny' },
      account: '222222222222',
      region: 'us-west-2',
      availabilityZones: ['us-west-2a', 'us-west-2b'],
      alarmEmail: 'sec@tiny.example',
    };
    const config = parseConfig(minimal);
    expect(config.bedrock.modelId).toBe('amazon.nova-pro-v1:0');
    expect(config.waf.rateLimitPer5Minutes).toBe(1000);
    expect(config.cognito.threatProtection).toBe('ENFORCED');
    expect(config.corsOrigins).toEqual([]);
    expect(config.training.kAnonymity).toBe(5);
    expect(config.clinic.timeZone).toBe('UTC');
  });

  it.each([
    [{ account: '12345' }, 'account: must be the 12-digit AWS account id'],
    [{ region: 'useast1' }, 'region: must be an AWS Region code'],
    [{ alarmEmail: 'not-an-email' }, 'alarmEmail: must be an e-mail address'],
    [{ corsOrigins: ['*'] }, 'corsOrigins.0: must be an https origin'],
    [{ corsOrigins: ['http://portal.example'] }, 'corsOrigins.0: must be an https origin'],
    [
      { retention: { auditYears: 2 } },
      'retention.auditYears: HIPAA documentation must be kept at least 6 years',
    ],
    [{ retention: { logDays: 30 } }, 'retention.logDays: must be one of 365'],
    [
      { waf: { rateLimitPer5Minutes: 10 } },
      'waf.rateLimitPer5Minutes: AWS WAF rate-based rules need a limit of at least 100',
    ],
    [
      { availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      'availabilityZones.0: "eu-west-1a" is not in region "us-east-1"',
    ],
    [
      { healthLake: { mode: 'import', datastoreArn: 'arn:aws:s3:::bucket' } },
      'healthLake.datastoreArn: must be a HealthLake datastore ARN',
    ],
    [{ disasterRecovery: { region: 'us-east-1' } }, 'disasterRecovery.region: must differ from "region"'],
    [{ clinic: { name: 'X', id: 'Bad_Id' } }, 'clinic.id: lower-case letters'],
    [
      { clinic: { name: 'Oakridge', id: 'oakridge', timeZone: 'Eastern' } },
      'clinic.timeZone: must be an IANA time zone',
    ],
    [{ unknownField: true }, 'unknownField'],
  ])('rejects %j, naming the field and the fix', (override, expected) => {
    const problems = problemsOf({ ...example, ...override });
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });

  it('accepts an imported HealthLake datastore in the deployment region', () => {
    const arn = `arn:aws:healthlake:us-east-1:111111111111:datastore/fhir/${'a'.repeat(32)}`;
    const config = parseConfig({ ...example, healthLake: { mode: 'import', datastoreArn: arn } });
    expect(config.healthLake).toEqual({ mode: 'import', datastoreArn: arn });
  });

  it('rejects an imported datastore from another region', () => {
    const arn = `arn:aws:healthlake:us-west-2:111111111111:datastore/fhir/${'b'.repeat(32)}`;
    expect(problemsOf({ ...example, healthLake: { mode: 'import', datastoreArn: arn } })).toContain(
      'healthLake.datastoreArn: the datastore must be in the deployment region "us-east-1"',
    );
  });

  it('reports a missing file and invalid JSON as config errors, with the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wellgate-config-'));
    expect(() => loadConfigFile(join(dir, 'absent.json'))).toThrow(/copy wellgate.config.example.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "clinic": ');
    expect(() => loadConfigFile(broken)).toThrow(/is not valid JSON/);
  });

  it('the error message names every bad field at once and says nothing was synthesized', () => {
    try {
      parseConfig({ ...example, account: 'x', alarmEmail: 'y' }, 'clinic.json');
      throw new Error('expected rejection');
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('Invalid Wellgate configuration in clinic.json');
      expect(message).toContain('account:');
      expect(message).toContain('alarmEmail:');
      expect(message).toContain('Nothing was synthesized');
    }
  });
});

describe('config path on a command line', () => {
  it('takes --config, -c config=, WELLGATE_CONFIG, then the example, in that order', () => {
    expect(configPathFromCommandLine(['--config', 'a.json'], { WELLGATE_CONFIG: 'env.json' })).toBe('a.json');
    expect(configPathFromCommandLine(['--config=b.json'], {})).toBe('b.json');
    expect(
      configPathFromCommandLine(['-c', 'config=c.json', '--out', 'x'], { WELLGATE_CONFIG: 'env.json' }),
    ).toBe('c.json');
    expect(configPathFromCommandLine(['--out', 'x'], { WELLGATE_CONFIG: 'env.json' })).toBe('env.json');
    expect(configPathFromCommandLine([], {})).toBe('wellgate.config.example.json');
  });
});
