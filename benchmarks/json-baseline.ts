/**
 * The de-identification engine against a plain JSON.parse + JSON.stringify pass over the same NDJSON
 * (issue 5: "no less than half the rate"). Shared by `npm run bench` (synthetic clinic) and
 * `npm run deid -- --bench` (any folder, e.g. the Synthea bundles) so both measure the same way,
 * two ways:
 * - in memory: the lines are already strings and the output is discarded, so only parsing, the
 *   walk and serializing are timed (the stricter figure: nothing else dilutes the engine's cost);
 * - file to file: the same pass the pipeline task and `npm run deid` make, a streamed read split
 *   into lines, then each line transformed, then chunked writes to a file, for both sides.
 * For each: warm-up passes of both first (the baseline is native code from the first call, the
 * engine is JavaScript that V8 compiles while it runs, a cost a task meets once per container, not
 * per file); then pairs of passes, baseline and engine back to back, so both run under the same
 * heap and collector state (timed as two blocks, whichever runs first gets the emptier heap), with
 * the order alternating from pair to pair; the figure is the median of the per-pair ratios, with
 * the lowest and highest beside it. Every engine pass builds a new engine, so its pseudonym,
 * reference and scrub caches start empty; the PHI module's per-word memo stays warm, as it does in
 * a task that has de-identified a file before. Lines the engine leaves out (no research consent)
 * are neither serialized nor written, so the result says how many were kept: the comparison means
 * little when most are left out.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LineOutcome } from '../lambdas/deid/engine';
import { chunked, linesOf } from '../lambdas/deid/ndjson';
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
  readonly linesIn: number;
  readonly linesKept: number;
}

export interface Engine {
  processLine(line: string): LineOutcome;
}

export interface ComparisonOptions {
  readonly warmupPasses: number;
  readonly pairs: number;
}

/** One line through the engine: its output line, or undefined when the line is left out. */
const throughEngine = (engine: Engine, line: string): string | undefined => {
  const outcome = engine.processLine(line);
  return outcome.kind === 'kept' ? outcome.line : undefined;
};
const throughJson = (line: string): string => JSON.stringify(JSON.parse(line));

async function seconds(work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function comparePasses(
  bytes: number,
  lineCounts: { readonly linesIn: number; readonly linesKept: number },
  baseline: () => unknown,
  engine: () => unknown,
  options: ComparisonOptions,
): Promise<JsonBaselineComparison> {
  for (let i = 0; i < options.warmupPasses; i++) {
    await baseline();
    await engine();
  }
  const baselineTimes: number[] = [];
  const engineTimes: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < options.pairs; i++) {
    let b: number;
    let e: number;
    if (i % 2 === 0) {
      b = await seconds(baseline);
      e = await seconds(engine);
    } else {
      e = await seconds(engine);
      b = await seconds(baseline);
    }
    baselineTimes.push(b);
    engineTimes.push(e);
    ratios.push(b / e);
  }
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
    ...lineCounts,
  };
}

/** How many of the lines one engine pass keeps (untimed). */
function countKept(
  lines: readonly string[],
  newEngine: () => Engine,
): { linesIn: number; linesKept: number } {
  const engine = newEngine();
  let linesKept = 0;
  for (const line of lines) if (throughEngine(engine, line) !== undefined) linesKept++;
  return { linesIn: lines.length, linesKept };
}

/** Lines already in memory, output discarded. */
export function compareInMemory(
  lines: readonly string[],
  newEngine: () => Engine,
  options: ComparisonOptions,
): Promise<JsonBaselineComparison> {
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  let sink = 0;
  return comparePasses(
    bytes,
    countKept(lines, newEngine),
    () => {
      for (const line of lines) sink += throughJson(line).length;
    },
    () => {
      const engine = newEngine();
      for (const line of lines) sink += throughEngine(engine, line)?.length ?? 0;
    },
    options,
  ).then((result) => {
    if (sink === 0) throw new Error('The benchmark produced no output.');
    return result;
  });
}

/** The lines written to a file, then streamed from it and to another file by each pass. */
export async function compareFileToFile(
  lines: readonly string[],
  newEngine: () => Engine,
  options: ComparisonOptions,
): Promise<JsonBaselineComparison> {
  const dir = await mkdtemp(join(tmpdir(), 'wellgate-deid-file-bench-'));
  try {
    const input = join(dir, 'in.ndjson');
    const output = join(dir, 'out.ndjson');
    await writeFile(input, `${lines.join('\n')}\n`);
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const pass = (transform: (line: string) => string | undefined): Promise<void> => {
      async function* transformed(): AsyncGenerator<string> {
        for await (const line of linesOf(createReadStream(input))) {
          const out = transform(line);
          if (out !== undefined) yield out;
        }
      }
      return pipeline(Readable.from(chunked(transformed())), createWriteStream(output));
    };
    return await comparePasses(
      bytes,
      countKept(lines, newEngine),
      () => pass(throughJson),
      () => {
        const engine = newEngine();
        return pass((line) => throughEngine(engine, line));
      },
      options,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
