import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm run pipeline:local` names a bad number before anything runs, and writes nothing. */
describe('npm run pipeline:local options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wellgate-pipeline-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['--k', '1'], /--k: k-anonymity needs k of at least 2/],
    [['--k', 'five'], /--k: /],
    [['--bias-threshold', '3'], /--bias-threshold: /],
    [['--bias-threshold', ''], /--bias-threshold: /],
    [['--k', '1e3'], /--k: /],
  ])('refuses %j with exit code 2', (args, message) => {
    const out = join(dir, 'out');
    const run = spawnSync(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        'bin/pipeline-local.ts',
        '--in',
        dir,
        '--out',
        out,
        '--work',
        join(dir, 'work'),
        ...args,
      ],
      { encoding: 'utf8', cwd: join(__dirname, '..') },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'work'))).toBe(false);
  });
});
