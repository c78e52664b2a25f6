/**
 * The de-identification engine against a plain JSON.parse + JSON.stringify pass over the same NDJSON
 * lines (issue 5: "no less than half the rate"). Shared by `npm run bench` (synthetic clinic) and
 * `npm run deid -- --bench` (any folder, e.g. the Synthea bundles) so both measure the same way:
 * - warm-up passes of both first: the baseline is native code from the first call, the engine is
 *   JavaScript that V8 compiles while it runs, and a pipeline task meets that cost once per
 *   container, not once per file;
 * - then pairs of passes, baseline and engine back to back, so both run under the same heap and
 *   garbage-collector state (run as two blocks, whichever goes first gets the emptier heap);
 * - the figure is the median of the per-pair ratios, with the lowest and highest beside it.
 * Every engine pass builds a new engine, so its pseudonym and scrub caches start empty each time.
 */
import type { LineOutcome } from '../lambdas/deid/engine';
import { median } from './stats';

export interface JsonBaselineComparison {
  readonly mb: number;
  readonly baselineMBps: number;
  readonly engineMBps: number;
  /** Median over the pairs of baseline time / engine time. */
  readonly ratio: number;
  readonly ratioLow: number;
  readonly ratioHigh: number;
  readonly pairs: number;
  readonly warmupPasses: number;
}

export interface Engine {
  processLine(line: string): LineOutcome;
}

const seconds = (work: () => void): number => {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

export function compareWithJsonBaseline(
  lines: readonly string[],
  newEngine: () => Engine,
  options: { readonly warmupPasses: number; readonly pairs: number },
): JsonBaselineComparison {
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  let sink = 0;
  const baseline = (): void => {
    for (const line of lines) sink += JSON.stringify(JSON.parse(line)).length;
  };
  const engine = (): void => {
    const e = newEngine();
    for (const line of lines) {
      const outcome = e.processLine(line);
      if (outcome.kind === 'kept') sink += outcome.line.length;
    }
  };
  for (let i = 0; i < options.warmupPasses; i++) {
    baseline();
    engine();
  }
  const baselineTimes: number[] = [];
  const engineTimes: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < options.pairs; i++) {
    const b = seconds(baseline);
    const e = seconds(engine);
    baselineTimes.push(b);
    engineTimes.push(e);
    ratios.push(b / e);
  }
  if (sink === 0) throw new Error('The benchmark produced no output.');
  const round3 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    mb: Math.round(bytes / 1e4) / 100,
    baselineMBps: Math.round(bytes / 1e5 / median(baselineTimes)) / 10,
    engineMBps: Math.round(bytes / 1e5 / median(engineTimes)) / 10,
    ratio: round3(median(ratios)),
    ratioLow: round3(Math.min(...ratios)),
    ratioHigh: round3(Math.max(...ratios)),
    pairs: options.pairs,
    warmupPasses: options.warmupPasses,
  };
}
