// What a run reports: the summary every caller decides on (acknowledge, retry, print), and
// how it ends: the job_runs and data_quality rows, the completion marker that makes a
// redelivery of a finished run a no-op, and the one summary log line.
import { z } from 'zod';
import { errorMessage, type FailureKind } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { QualityCounters } from '../platform/quality.js';
import { RowWriter } from '../platform/rows.js';
import type { StateStore } from '../platform/state.js';
import type { JobContext } from './job.js';
import { dataQuality, jobRuns } from './tables.js';

export type RunOutcome = 'succeeded' | 'deferred' | 'failed' | 'rejected';

export interface RunSummary {
  job: string;
  runId: string;
  outcome: RunOutcome;
  failureKind: FailureKind | null;
  error: string | null;
  items: number;
  rows: Record<string, number>;
  apiCalls: Record<string, number>;
  rawObjects: string[];
  durationMs: number;
  quality: Record<string, number>;
  details: Record<string, unknown>;
  retryAfterSeconds: number | null;
}

/** A summary that has not run yet, named after the message's job if it has one. */
export function newSummary(input: unknown, runId: string): RunSummary {
  return {
    job:
      typeof input === 'object' && input !== null && 'job' in input
        ? String((input as { job: unknown }).job)
        : 'unknown',
    runId,
    outcome: 'succeeded',
    failureKind: null,
    error: null,
    items: 0,
    rows: {},
    apiCalls: {},
    rawObjects: [],
    durationMs: 0,
    quality: {},
    details: {},
    retryAfterSeconds: null,
  };
}

const completionSchema = z.object({ job: z.string(), completedAt: z.string() });

function completionKey(runId: string): string {
  return `runs/${runId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** When this run id completed, or null (never, or a rerun was asked for). */
export async function completedAt(state: StateStore, runId: string): Promise<string | null> {
  return (await state.get(completionKey(runId), completionSchema))?.value.completedAt ?? null;
}

/** Records that the run completed, so a redelivery is acknowledged without running. */
export async function markCompleted(
  state: StateStore,
  summary: RunSummary,
  now: Date,
  log: Logger,
): Promise<void> {
  const key = completionKey(summary.runId);
  await state
    .put(
      key,
      { job: summary.job, completedAt: now.toISOString() },
      { ifVersion: (await state.get(key, completionSchema))?.version ?? null },
    )
    .catch((error: unknown) =>
      log.warn('could not mark the run completed', { error: errorMessage(error) }),
    );
}

/** The run's job_runs row and its data-quality counters. */
export async function recordRun(
  summary: RunSummary,
  ctx: JobContext,
  params: unknown,
): Promise<void> {
  const common = { collected_at: ctx.run.runTime.toISOString(), run_id: ctx.run.runId };
  const writer = new RowWriter(await ctx.services.warehouse(), new QualityCounters(), ctx.log);
  await writer.add(jobRuns, [
    {
      ...common,
      job: summary.job,
      source: summary.job.split('.')[0] ?? 'platform',
      outcome: summary.outcome,
      error: summary.error,
      items: summary.items,
      rows: summary.rows,
      api_calls: Object.values(summary.apiCalls).reduce((a, b) => a + b, 0),
      duration_ms: summary.durationMs,
      params: params ?? {},
    },
  ]);
  await writer.add(
    dataQuality,
    ctx.quality.list().map((entry) => ({
      ...common,
      job: summary.job,
      table_name: entry.table,
      check_name: entry.check,
      count: entry.count,
      sample: entry.sample,
    })),
  );
  await writer.flush();
}

/** The one line each run ends with; its severity follows the outcome. */
export function logSummary(jobLog: Logger, summary: RunSummary): void {
  const fields = {
    job: summary.job,
    run_id: summary.runId,
    outcome: summary.outcome,
    items: summary.items,
    rows: summary.rows,
    api_calls: summary.apiCalls,
    duration_ms: summary.durationMs,
    quality: summary.quality,
    // One number a log-based metric can sum (quality's keys vary per source).
    quality_total: Object.values(summary.quality).reduce((a, b) => a + b, 0),
    raw_objects: summary.rawObjects,
    ...(summary.error ? { error: summary.error, failure_kind: summary.failureKind } : {}),
    ...summary.details,
  };
  if (summary.outcome === 'succeeded') jobLog.info('job run finished', fields);
  else if (summary.failureKind === 'permanent') jobLog.alert('job run failed permanently', fields);
  else if (summary.outcome === 'deferred') jobLog.warn('job run deferred', fields);
  else jobLog.error('job run failed', fields);
}
