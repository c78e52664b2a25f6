/**
 * `npm run bench`: numbers, not pass/fail. Budgets live here and in the README, never in timed
 * unit tests. Writes one JSON document (default benchmarks/results/latest.json, git-ignored) and
 * prints a readable table.
 *
 *   npm run bench -- --json <file>      where to write the JSON
 *   npm run bench -- --runs 15          fresh-process imports per bundle (median)
 *   npm run bench -- --duration 10      seconds of load per API route
 *   npm run bench -- --connections 10   concurrent connections per API route
 *   npm run bench -- --skip synth,api   leave sections out (bundles, api, synth, deid)
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BundleFigures, benchmarkBundles } from './bundles';
import { runDeidHook } from './deid-hook';
import { benchmarkLocalApi } from './local-api';
import { formatTable, round } from './stats';
import { benchmarkSynth } from './synth';

const SECTIONS = ['bundles', 'api', 'synth', 'deid'] as const;
type Section = (typeof SECTIONS)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'string', default: 'benchmarks/results/latest.json' },
      runs: { type: 'string', default: '15' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      skip: { type: 'string', default: '' },
    },
  });
  const skip = new Set(
    values.skip
      .split(',')
      .map((name) => name.trim())
      .filter((name): name is Section => (SECTIONS as readonly string[]).includes(name)),
  );
  const runs = Math.max(1, Number(values.runs));
  const duration = Math.max(1, Number(values.duration));
  const connections = Math.max(1, Number(values.connections));
  const out = resolve(values.json);

  const document: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${platform()}-${arch()}`,
    },
    settings: { initRuns: runs, loadSeconds: duration, connections },
  };
  const report: string[] = [];

  if (!skip.has('bundles')) {
    const workDir = mkdtempSync(join(tmpdir(), 'wellgate-bundles-'));
    try {
      log('bundles: building and timing fresh imports');
      const { baseline, bundles } = await benchmarkBundles({ outDir: workDir, runs });
      document['bundles'] = { baseline, entries: bundles };
      const row = (figures: BundleFigures) => [
        figures.entry,
        kib(figures.minifiedBytes),
        kib(figures.gzipBytes),
        figures.initMedianMs ?? '-',
        figures.initRatio ?? (figures === baseline ? 1 : '-'),
        figures.error ?? '',
      ];
      report.push(
        formatTable(
          ['bundle', 'min KiB', 'gzip KiB', 'init ms (median)', 'init ×minimal', 'note'],
          [row(baseline), ...bundles.map(row)],
        ),
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  if (!skip.has('api')) {
    log(`api: autocannon, ${connections} connections, ${duration} s per route`);
    const api = await benchmarkLocalApi({ connections, duration });
    document['localApi'] = api;
    report.push(
      formatTable(
        ['route', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'],
        api.routes.map((r) => [
          r.route,
          r.requestsPerSecond,
          r.latencyP50Ms,
          r.latencyP99Ms,
          r.requests,
          r.errors,
          r.non2xx,
        ]),
      ),
      `health/me throughput ratio: ${api.healthToMeThroughputRatio}×; me/health p50 ratio: ${api.meToHealthP50Ratio}×`,
    );
  }

  if (!skip.has('synth')) {
    log('synth: npm run synth');
    const synth = await benchmarkSynth();
    document['synth'] = synth;
    report.push(`npm run synth: ${synth.seconds} s (exit ${synth.exitCode})`);
  }

  if (!skip.has('deid')) {
    const deid = await runDeidHook({ quick: false });
    document['deid'] = deid;
    report.push('skipped' in deid ? `deid: skipped (${String(deid.skipped)})` : deidSummary(deid));
  }

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  const machine = document['machine'] as { cpus: number; node: string; cpuModel: string };
  process.stdout.write(
    `\nWellgate benchmarks: ${machine.cpus} cores (${machine.cpuModel}), node ${machine.node}\n\n${report.join('\n\n')}\n\nJSON: ${out}\n`,
  );
}

function kib(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 1024).toFixed(1);
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

/** The de-identification section as lines of the printed report (the JSON has every figure). */
function deidSummary(deid: Record<string, unknown>): string {
  const ratio = (key: string): string => {
    const c = deid[key] as { ratio?: number; ratioLow?: number; ratioHigh?: number } | undefined;
    return c?.ratio === undefined ? 'n/a' : `${c.ratio}× (range ${c.ratioLow}-${c.ratioHigh})`;
  };
  const freeText = deid['freeText'] as { mbPerSecond?: number } | undefined;
  return [
    `deid structured vs JSON.parse+stringify, file to file: ${ratio('structuredFileToFile')}`,
    `deid structured vs JSON.parse+stringify, in memory:    ${ratio('structured')}`,
    `deid free text: ${freeText?.mbPerSecond ?? 'n/a'} MB/s`,
  ].join('\n');
}
