// Runs job messages against a source's sandbox as the scheduler would send them: in one
// local state folder and warehouse, each at its own run time with a new run id, every
// fan-out child run in-process through the local queue. Counts the sandbox's requests per
// job, so a planner and each kind of child it publishes get their own numbers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocally } from '../../functions/core/local-runner.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { MemoryQueue, type JobMessage } from '../../functions/platform/queue.js';
import { createServices } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';
import type { Tier } from '../sandbox/spotify/server.js';
import { BENCH_SANDBOXES } from './calls-sources.js';

/** One job name's share of a run (the run's own job, or a kind of child it fanned out). */
interface JobCalls {
  jobs: number;
  calls: number;
}

export interface RunCalls {
  /** API requests of the run and everything it fanned out (token requests excluded). */
  calls: number;
  tokens: number;
  /** What the runs themselves counted (RunSummary.apiCalls, recorded in job_runs). */
  reported: number;
  /** Per job name, in the order they first ran (the message's own job first). */
  byJob: Record<string, JobCalls>;
  seconds: number;
}

export interface PlannedRun {
  message: JobMessage;
  runId: string;
  at: Date;
}

/**
 * Runs each message in turn (a fresh instance each: new services, no in-memory caches) over
 * the same state folder and warehouse, and returns what each cost. A run that does not
 * succeed makes the numbers meaningless, so it is an error.
 */
export async function measureRuns(
  source: string,
  tier: Tier,
  runs: readonly PlannedRun[],
): Promise<RunCalls[]> {
  const open = BENCH_SANDBOXES[source];
  if (!open) throw new Error(`calls bench: no sandbox for source ${source}`);
  if (runs.length === 0) return [];
  const clock = new FakeClock(runs[0]!.at);
  const sandbox = await open({
    tier,
    now: () => clock.now().getTime(),
    frozenAt: runs[0]!.at.getTime(),
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-calls-'));
  const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
  const results: RunCalls[] = [];
  try {
    for (const run of runs) {
      const lag = run.at.getTime() - clock.now().getTime();
      if (lag < 0) throw new Error(`calls bench: run ${run.runId} is before the previous one`);
      clock.advance(lag);
      const services = createServices({
        env: { ...sandbox.env, FANPULSE_DATA_DIR: dataDir },
        clock,
        sink: () => undefined,
        overrides: { warehouse, queue: new MemoryQueue() },
      });
      const result: RunCalls = { calls: 0, tokens: 0, reported: 0, byJob: {}, seconds: 0 };
      const started = performance.now();
      const tokensBefore = sandbox.tokenCalls();
      let mark = sandbox.apiCalls();
      try {
        const summaries = await runLocally(catalog, services, run.message, {
          runId: run.runId,
          runTime: run.at,
          // Jobs run one after another, so the requests since the last one are this job's.
          onSummary: (summary) => {
            const now = sandbox.apiCalls();
            const entry = (result.byJob[summary.job] ??= { jobs: 0, calls: 0 });
            entry.jobs += 1;
            entry.calls += now - mark;
            mark = now;
            result.reported += Object.values(summary.apiCalls).reduce((a, b) => a + b, 0);
          },
        });
        const bad = summaries.find((s) => s.outcome !== 'succeeded');
        if (bad)
          throw new Error(
            `calls bench: ${bad.job} (run ${bad.runId}) ${bad.outcome}: ${bad.error ?? bad.deferReason ?? ''}`,
          );
      } finally {
        await services.close().catch(() => undefined);
      }
      result.calls = Object.values(result.byJob).reduce((n, j) => n + j.calls, 0);
      result.tokens = sandbox.tokenCalls() - tokensBefore;
      result.seconds = (performance.now() - started) / 1000;
      results.push(result);
    }
    return results;
  } finally {
    await warehouse.close().catch(() => undefined);
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
