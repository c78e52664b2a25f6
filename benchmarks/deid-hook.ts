/**
 * The de-identification section's hook: `benchmarks/deid.ts` exporting `runDeidBenchmark(options)`
 * (structured NDJSON rate against a JSON.parse + JSON.stringify pass on the same lines, in memory
 * and file to file; free-text MB/s; memory at 1×, 4×, 16×). In a tree without the engine or the
 * PHI module the section records why it is empty; it never invents figures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../lib/constructs/secure-function';

export const DEID_BENCHMARK_MODULE = 'benchmarks/deid.ts';
export const DEID_BENCHMARK_EXPORT = 'runDeidBenchmark';

export type DeidSection = Record<string, unknown> | { readonly skipped: string };

export async function runDeidHook(options: { readonly quick: boolean }): Promise<DeidSection> {
  const file = join(PROJECT_ROOT, DEID_BENCHMARK_MODULE);
  if (
    !existsSync(file) ||
    !existsSync(join(PROJECT_ROOT, 'lambdas/deid')) ||
    !existsSync(join(PROJECT_ROOT, 'lambdas/phi'))
  ) {
    return { skipped: 'module not present' };
  }
  // A computed specifier: the module is optional, so the type checker must not require it.
  const loaded: Record<string, unknown> = await import(pathToFileURL(file).href);
  const entry = loaded[DEID_BENCHMARK_EXPORT];
  if (typeof entry !== 'function')
    return { skipped: `${DEID_BENCHMARK_MODULE} has no ${DEID_BENCHMARK_EXPORT} export` };
  const result: unknown = await (entry as (o: { quick: boolean }) => Promise<unknown>)(options);
  return typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : { result };
}
