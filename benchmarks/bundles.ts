/**
 * Lambda bundles: each entry built with esbuild using SecureFunction's own bundling settings
 * (SECURE_FUNCTION_BUNDLING, mapped to esbuild options as aws-cdk-lib's NodejsFunction maps them),
 * its minified and gzip sizes, and its module-initialization time: the median of fresh imports,
 * each in a new `node` process, next to a minimal handler built the same way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { PROJECT_ROOT, SECURE_FUNCTION_BUNDLING } from '../lib/constructs/secure-function';
import { RUNTIME_ENV } from '../lib/contracts';
import { median, round } from './stats';

export const MINIMAL_HANDLER = 'benchmarks/fixtures/minimal-handler.ts';

export interface BundleFigures {
  readonly entry: string;
  readonly minifiedBytes?: number;
  readonly gzipBytes?: number;
  /** Median milliseconds to import the bundle in a fresh process. */
  readonly initMedianMs?: number;
  /** initMedianMs over the minimal handler's. */
  readonly initRatio?: number;
  readonly initRuns?: number;
  /** Why the entry could not be built or initialized (error class and first line only). */
  readonly error?: string;
}

/** The function entries the stacks deploy: API handlers, the Cognito trigger, pipeline tasks. */
export function lambdaEntries(): string[] {
  const entries: string[] = [];
  const handlersDir = join(PROJECT_ROOT, 'lambdas/handlers');
  for (const file of readdirSync(handlersDir).sort())
    if (file.endsWith('.ts')) entries.push(`lambdas/handlers/${file}`);
  if (existsSync(join(PROJECT_ROOT, 'lambdas/identity/pre-token-generation.ts'))) {
    entries.push('lambdas/identity/pre-token-generation.ts');
  }
  const pipelineDir = join(PROJECT_ROOT, 'lambdas/pipeline');
  if (existsSync(pipelineDir)) {
    for (const file of readdirSync(pipelineDir).sort()) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      // A task entry exports a Lambda handler; contracts and helpers do not.
      const source = readFileSync(join(pipelineDir, file), 'utf8');
      if (/export (async function|const) handler\b/.test(source)) entries.push(`lambdas/pipeline/${file}`);
    }
  }
  return entries;
}

/** What NodejsFunction passes to esbuild for SECURE_FUNCTION_BUNDLING (aws-lambda-nodejs/lib/bundling.js). */
export function esbuildOptionsFor(entry: string, outfile: string): BuildOptions {
  const settings = SECURE_FUNCTION_BUNDLING;
  return {
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    outfile,
    platform: 'node',
    format: settings.format === 'esm' ? 'esm' : 'cjs',
    target: settings.target,
    minify: settings.minify,
    sourcemap: settings.sourceMap,
    sourcesContent: settings.sourcesContent,
    mainFields: [...settings.mainFields],
    external: [...settings.externalModules],
    banner: { js: settings.banner },
    logLevel: 'silent',
  };
}

/** Cold-start configuration pointing nowhere: adapters are built, nothing is called. */
export function coldStartEnvironment(): Record<string, string> {
  const values: Record<string, string> = {
    [RUNTIME_ENV.fhirEndpoint]:
      'https://healthlake.us-east-1.amazonaws.com/datastore/00000000000000000000000000000000/r4/',
    [RUNTIME_ENV.appStateTable]: 'bench-app-state',
    [RUNTIME_ENV.idempotencyTable]: 'bench-idempotency',
    [RUNTIME_ENV.auditTable]: 'bench-audit',
    [RUNTIME_ENV.auditStream]: 'bench-audit-stream',
    [RUNTIME_ENV.bedrockModelId]: 'anthropic.claude-3-haiku-20240307-v1:0',
    [RUNTIME_ENV.guardrailId]: 'benchguardrail',
    [RUNTIME_ENV.guardrailVersion]: '1',
    [RUNTIME_ENV.userPoolId]: 'us-east-1_BenchPool',
    [RUNTIME_ENV.trainingStateMachineArn]: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
    [RUNTIME_ENV.corsOrigins]: 'https://app.clinic.example',
    [RUNTIME_ENV.conversationDays]: '30',
    [RUNTIME_ENV.auditFallbackQueueUrl]:
      'https://sqs.us-east-1.amazonaws.com/000000000000/bench-audit-fallback',
  };
  return {
    ...values,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/**
 * Imports the bundle in a fresh node process and prints the milliseconds it took. Sockets are
 * disabled first: module initialization must not reach the network, and if it tries, the run fails.
 */
const IMPORT_SCRIPT = `
import net from 'node:net';
net.Socket.prototype.connect = function () { throw new Error('network call during init'); };
const started = process.hrtime.bigint();
await import(process.env.BENCH_BUNDLE_URL);
process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6));
`;

function timeImports(bundle: string, runs: number): { medianMs: number } | { error: string } {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ...coldStartEnvironment(),
        BENCH_BUNDLE_URL: pathToFileURL(bundle).href,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const value = Number(child.stdout.trim());
    if (child.status !== 0 || !Number.isFinite(value)) {
      const firstLine =
        child.stderr.split('\n').find((line) => /Error|error/.test(line)) ?? `exit ${child.status}`;
      return { error: firstLine.trim().slice(0, 200) };
    }
    samples.push(value);
  }
  return { medianMs: median(samples) };
}

export async function benchmarkBundles(options: { outDir: string; runs: number }): Promise<{
  readonly baseline: BundleFigures;
  readonly bundles: BundleFigures[];
}> {
  mkdirSync(options.outDir, { recursive: true });
  const measure = async (entry: string): Promise<BundleFigures & { bundle?: string }> => {
    const name = relative('lambdas', entry).replace(/[\\/]/g, '_').replace(/\.ts$/, '');
    const outfile = join(options.outDir, name, 'index.mjs');
    try {
      await build(esbuildOptionsFor(entry, outfile));
    } catch (error) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : 'build failed';
      return { entry, error: `build: ${message.slice(0, 200)}` };
    }
    const bytes = readFileSync(outfile);
    const sizes = { minifiedBytes: statSync(outfile).size, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    const timing = timeImports(outfile, options.runs);
    if ('error' in timing) return { entry, ...sizes, error: `init: ${timing.error}` };
    return { entry, ...sizes, initMedianMs: round(timing.medianMs), initRuns: options.runs, bundle: outfile };
  };

  const baseline = await measure(MINIMAL_HANDLER);
  const bundles: BundleFigures[] = [];
  for (const entry of lambdaEntries()) {
    const figures = await measure(entry);
    const { bundle: _bundle, ...rest } = figures;
    bundles.push(
      rest.initMedianMs !== undefined && baseline.initMedianMs
        ? { ...rest, initRatio: round(rest.initMedianMs / baseline.initMedianMs, 1) }
        : rest,
    );
  }
  const { bundle: _bundle, ...baselineFigures } = baseline;
  return { baseline: baselineFigures, bundles };
}
