import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunReportSchema } from '../lambdas/deid/report';

/** `npm run pipeline:local`: the suppression budget flag, --help, bad flags and the clinic demo. */
describe('npm run pipeline:local --max-suppression and --from-local-clinic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wellgate-suppression-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: readonly string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), 'bin/pipeline-local.ts', ...args], {
      encoding: 'utf8',
      cwd: join(__dirname, '..'),
    });

  it.each([
    [['--in', dir, '--max-suppression', '2'], /--max-suppression: a share between 0 and 1/],
    [['--in', dir, '--max-suppression', '-0.1'], /--max-suppression/],
    [['--in', dir, '--max-suppression', '5%'], /--max-suppression: a share between 0 and 1/],
    [['--in', dir, '--bogus'], /bogus[\s\S]*usage: npm run pipeline:local/],
    [['--in', dir, '--from-local-clinic'], /--in and --from-local-clinic exclude each other/],
    [['--in', dir, '--patients', '20'], /--patients sets the size of --from-local-clinic/],
    [['--from-local-clinic', '--patients', 'many'], /--patients: a whole number/],
  ])('refuses %j with exit code 2 and the usage, before anything runs', (args, message) => {
    const out = join(dir, 'out');
    const run = cli([...args, '--out', out, '--work', join(dir, 'work')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run pipeline:local');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'work'))).toBe(false);
  });

  it('answers --help', () => {
    const run = cli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run pipeline:local/);
    expect(run.stdout).toContain('--max-suppression <x>');
  });

  it('publishes the synthetic clinic at k = 5 and prints the level and the suppressed patients', () => {
    const out = join(dir, 'clinic-out');
    const work = join(dir, 'clinic-work');
    const run = cli([
      '--from-local-clinic',
      '--patients',
      '300',
      '--out',
      out,
      '--work',
      work,
      '--key-file',
      join(dir, 'key'),
    ]);
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('generated the synthetic clinic: 300 patients');
    expect(run.stdout).toMatch(
      /k-anonymity: target 5, k \d+ before, \d+ after \(level \d, \d+ of \d+ patients suppressed, budget 0\.05\)/,
    );
    const report = RunReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.passed).toBe(true);
    expect(report.kAnonymity.kAfter).toBeGreaterThanOrEqual(5);
    expect(report.kAnonymity.suppressed).toBeLessThanOrEqual(Math.floor(0.05 * report.kAnonymity.patients));
    // The clinic's seeded consents: two patients never granted research use.
    expect(report.counts.patientsExcludedForConsent).toBe(2);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    // The generated input does not outlive the run.
    expect(existsSync(join(work, 'local-clinic'))).toBe(false);
  });
});
