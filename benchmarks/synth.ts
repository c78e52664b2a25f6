/** `npm run synth` wall time: CDK synthesis with every nag pack, plus the compliance report. */
import { spawn } from 'node:child_process';
import { round } from './stats';

export interface SynthFigures {
  readonly seconds: number;
  readonly exitCode: number | null;
}

export function benchmarkSynth(): Promise<SynthFigures> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    // Output is discarded: the figure is the wall time; a failure shows as a non-zero exit code.
    const child = spawn('npm', ['run', 'synth'], {
      stdio: 'ignore',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    child.once('exit', (code) => {
      resolve({ seconds: round(Number(process.hrtime.bigint() - started) / 1e9, 1), exitCode: code });
    });
  });
}
