// One job run in a fresh process, so that its peak RSS is the collector's alone (the APIs and
// the cloud stubs run in memory-stubs.ts). `node [flags] dist/test/bench/memory-child.js
// <gcp|local> <job message JSON>` with FANPULSE_BENCH_ENDPOINTS (memory-stubs' JSON line)
// and FANPULSE_DATA_DIR in the environment. gcp: the real Cloud Storage and BigQuery client
// adapters against the stubs; local: the local folder and a DuckDB file. Prints one JSON line.
import { getHeapStatistics } from 'node:v8';
import { runJobMessage } from '../../functions/core/runner.js';
import { createServices, type ServiceOverrides } from '../../functions/platform/runtime.js';
import { catalog } from '../../functions/sources/all.js';
import { gcpAdapters } from '../adapters/gcp-stubs.js';
import type { StubEndpoints } from './memory-stubs.js';

export interface ChildResult {
  outcome: string;
  items: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** User + system CPU time of the process: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  heapLimitMiB: number;
}

function summaryJob(message: unknown): string {
  const job = (message as { job?: unknown }).job;
  return typeof job === 'string' ? job.replace(/[^a-z_]/g, '-') : 'unknown';
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const message = JSON.parse(process.argv[3] ?? '{}') as unknown;
  const endpoints = JSON.parse(process.env.FANPULSE_BENCH_ENDPOINTS ?? '{}') as StubEndpoints;
  const overrides: ServiceOverrides = mode === 'gcp' ? gcpAdapters(endpoints) : {};
  const services = createServices({
    env: { ...process.env, ...endpoints.spotifyEnv, SPOTIFY_MARKET: 'BR' },
    sink: () => undefined,
    overrides,
    schema: catalog.schema,
  });
  try {
    // FANPULSE_BENCH_RUNS runs side by side (default 1), as one function instance serves
    // `concurrency` deliveries at once.
    const copies = Number(process.env.FANPULSE_BENCH_RUNS ?? 1);
    const started = performance.now();
    const summaries = await Promise.all(
      Array.from({ length: copies }, (_, i) =>
        runJobMessage(catalog, services, message, {
          // Its own run id per job: a completed run id is a redelivery and does nothing.
          runId: `bench-${summaryJob(message)}${copies > 1 ? `-${i}` : ''}`,
          runTime: new Date('2026-11-20T10:00:00Z'),
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage();
    let rows = 0;
    let items = 0;
    for (const summary of summaries) {
      if (summary.outcome !== 'succeeded')
        throw new Error(`${summary.job} ${summary.outcome}: ${summary.error ?? ''}`);
      rows += Object.values(summary.rows).reduce((a, b) => a + b, 0);
      items += summary.items;
    }
    const result: ChildResult = {
      outcome: 'succeeded',
      items,
      rows,
      seconds,
      rowsPerSecond: rows / seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      heapLimitMiB: getHeapStatistics().heap_size_limit / 2 ** 20,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await services.close();
    if (mode === 'gcp') await overrides.warehouse?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
