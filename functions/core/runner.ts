// Runs one job message: validate, dispatch, land raw answers and rows, record the run.
// Returns an outcome instead of throwing so each caller (Pub/Sub function, CLI, tests)
// decides between acknowledging and retrying by the failure kind.
import { z } from 'zod';
import { dataQuality, jobRuns } from './tables.js';
import {
  errorMessage,
  failureKindOf,
  InvalidInputError,
  type FailureKind,
} from '../platform/errors.js';
import { QualityCounters } from '../platform/quality.js';
import { jobMessageSchema, type JobMessage } from '../platform/queue.js';
import { RawLanding } from '../platform/raw-landing.js';
import { RowWriter } from '../platform/rows.js';
import type { Services } from '../platform/runtime.js';
import type { JobCatalog } from './catalog.js';
import type { JobContext, JobDefinition } from './job.js';

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

export interface RunOptions {
  runId: string;
  runTime: Date;
  attempt?: number;
  /** Milliseconds this run may take before it must stop starting new work. */
  budgetMs?: number;
  onProgress?: (what: string, done: number, total?: number) => void;
  /**
   * Run even if this run id already completed. Pub/Sub redeliveries of a finished run are
   * acknowledged without calling the source again (API budgets); reruns on request are not.
   */
  rerun?: boolean;
}

const completionSchema = z.object({ job: z.string(), completedAt: z.string() });

function completionKey(runId: string): string {
  return `runs/${runId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Validates a job message from outside; an unreadable one is an InvalidInputError. */
export function parseJobMessage(
  catalog: Pick<JobCatalog, 'findJob'>,
  input: unknown,
): {
  message: JobMessage;
  job: JobDefinition;
  params: unknown;
} {
  const parsed = jobMessageSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      `malformed job message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')}`,
    );
  }
  const job = catalog.findJob(parsed.data.job);
  if (!job) throw new InvalidInputError(`unknown job ${parsed.data.job}`);
  const params = job.params.safeParse(parsed.data.params);
  if (!params.success) {
    throw new InvalidInputError(
      `invalid params for ${job.name}: ${params.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`,
    );
  }
  return { message: parsed.data, job, params: params.data };
}

export async function runJobMessage(
  catalog: JobCatalog,
  services: Services,
  input: unknown,
  options: RunOptions,
): Promise<RunSummary> {
  const started = services.clock.now().getTime();
  const log = services.log.child({ run_id: options.runId });
  const summary: RunSummary = {
    job:
      typeof input === 'object' && input !== null && 'job' in input
        ? String((input as { job: unknown }).job)
        : 'unknown',
    runId: options.runId,
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

  let parsed: ReturnType<typeof parseJobMessage>;
  try {
    parsed = parseJobMessage(catalog, input);
  } catch (error) {
    summary.outcome = 'rejected';
    summary.failureKind = 'invalid-input';
    summary.error = errorMessage(error);
    log.error('job message rejected', {
      job: summary.job,
      reason: summary.error,
      outcome: 'rejected',
    });
    return summary;
  }
  const { job, params } = parsed;
  summary.job = job.name;
  const jobLog = log.child({ job: job.name });

  const state = await services.state();
  const done = options.rerun
    ? null
    : await state.get(completionKey(options.runId), completionSchema);
  if (done) {
    summary.details = { skipped: `run already completed at ${done.value.completedAt}` };
    jobLog.info('run already completed; redelivery acknowledged without running again', {
      job: job.name,
      run_id: options.runId,
      outcome: 'succeeded',
      completed_at: done.value.completedAt,
    });
    return summary;
  }

  const warehouse = await services.warehouse();
  const quality = new QualityCounters();
  const rows = new RowWriter(warehouse, quality, jobLog);
  const landing = new RawLanding(
    await services.rawStore(),
    options,
    services.config.rawGzip,
    () => services.clock.now(),
    services.redactor,
  );
  const budgetMs = options.budgetMs ?? services.config.runBudgetSeconds * 1000;

  const ctx: JobContext = {
    run: {
      runId: options.runId,
      runTime: options.runTime,
      job: job.name,
      attempt: options.attempt ?? 1,
    },
    services,
    log: jobLog,
    clock: services.clock,
    landing,
    rows,
    quality,
    deadline: new Date(started + budgetMs),
    countCalls: (source, calls) => {
      summary.apiCalls[source] = (summary.apiCalls[source] ?? 0) + calls;
    },
    progress: (what, done, total) => {
      options.onProgress?.(what, done, total);
      jobLog.debug('progress', { what, done, total });
    },
    addItems: (count) => {
      summary.items += count;
    },
    findMapper: (source, entity) => catalog.findMapper(source, entity),
  };

  try {
    const result = await job.run(ctx, params as never);
    summary.details = result?.details ?? {};
  } catch (error) {
    summary.failureKind = failureKindOf(error);
    summary.outcome = summary.failureKind === 'deferred' ? 'deferred' : 'failed';
    summary.error = errorMessage(error);
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    summary.retryAfterSeconds = typeof retryAfter === 'number' ? retryAfter : null;
  }

  // What was fetched before a failure is kept: a retry of the same run id rewrites it.
  try {
    await rows.flush();
    summary.rawObjects = await landing.close();
    // Refused rows would be lost if the run counted as done; failing it transiently lets
    // Pub/Sub redeliver, and the stable insertIds keep the rows that did land single.
    if (rows.warehouseRejected > 0 && summary.outcome === 'succeeded') {
      summary.outcome = 'failed';
      summary.failureKind = 'transient';
      summary.error = `the warehouse rejected ${rows.warehouseRejected} row(s), e.g. ${rows.firstRejection}; the run will be retried`;
    }
  } catch (error) {
    await landing.abort();
    if (summary.outcome === 'succeeded') {
      summary.outcome = 'failed';
      summary.failureKind = failureKindOf(error);
      summary.error = `storing the results failed: ${errorMessage(error)}`;
    }
  }

  summary.rows = rows.rowsPerTable();
  summary.quality = quality.summary();
  summary.durationMs = services.clock.now().getTime() - started;
  // Error messages quote what sources answered, and sources may echo credentials.
  if (summary.error) summary.error = services.redactor.redact(summary.error);
  await recordRun(summary, ctx, params).catch((error: unknown) =>
    jobLog.error('could not record the run in job_runs', { error: errorMessage(error) }),
  );
  if (summary.outcome === 'succeeded') {
    await state
      .put(
        completionKey(options.runId),
        { job: job.name, completedAt: services.clock.now().toISOString() },
        {
          ifVersion:
            (await state.get(completionKey(options.runId), completionSchema))?.version ?? null,
        },
      )
      .catch((error: unknown) =>
        jobLog.warn('could not mark the run completed', { error: errorMessage(error) }),
      );
  }

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
  return summary;
}

async function recordRun(summary: RunSummary, ctx: JobContext, params: unknown): Promise<void> {
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
