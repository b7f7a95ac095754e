// Runs one job message: validate, dispatch, land raw answers and rows, record the run.
// Returns an outcome instead of throwing so each caller (Pub/Sub function, CLI, tests)
// decides between acknowledging and retrying by the failure kind.
import {
  describeIssues,
  errorMessage,
  failureKindOf,
  InvalidInputError,
} from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { QualityCounters } from '../platform/quality.js';
import { jobMessageSchema, type JobMessage } from '../platform/queue.js';
import { RawLanding } from '../platform/raw-landing.js';
import { RowWriter } from '../platform/rows.js';
import type { Services } from '../platform/runtime.js';
import type { JobCatalog } from './catalog.js';
import type { JobContext, JobDefinition } from './job.js';
import {
  completedAt,
  logSummary,
  markCompleted,
  newSummary,
  recordRun,
  type RunSummary,
} from './run-summary.js';

export type { RunOutcome, RunSummary } from './run-summary.js';

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
      `malformed job message: ${describeIssues(parsed.error, '(message)')}`,
    );
  }
  const job = catalog.findJob(parsed.data.job);
  if (!job) throw new InvalidInputError(`unknown job ${parsed.data.job}`);
  const params = job.params.safeParse(parsed.data.params);
  if (!params.success) {
    throw new InvalidInputError(
      `invalid params for ${job.name}: ${describeIssues(params.error, '(params)')}`,
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
  const summary = newSummary(input, options.runId);
  let parsed: ReturnType<typeof parseJobMessage>;
  try {
    parsed = parseJobMessage(catalog, input);
  } catch (error) {
    return rejected(summary, error, log);
  }
  const { job, params } = parsed;
  summary.job = job.name;
  const jobLog = log.child({ job: job.name });

  const state = await services.state();
  const done = options.rerun ? null : await completedAt(state, options.runId);
  if (done) {
    summary.details = { skipped: `run already completed at ${done}` };
    jobLog.info('run already completed; redelivery acknowledged without running again', {
      job: job.name,
      run_id: options.runId,
      outcome: 'succeeded',
      completed_at: done,
    });
    return summary;
  }

  const run = await openRun(catalog, services, job, options, started, summary, jobLog);
  await execute(job, run.ctx, params, summary);
  await store(run, summary);
  summary.rows = run.rows.rowsPerTable();
  summary.quality = run.ctx.quality.summary();
  summary.durationMs = services.clock.now().getTime() - started;
  // Error messages quote what sources answered, and sources may echo credentials.
  if (summary.error) summary.error = services.redactor.redact(summary.error);
  await recordRun(summary, run.ctx, params).catch((error: unknown) =>
    jobLog.error('could not record the run in job_runs', { error: errorMessage(error) }),
  );
  if (summary.outcome === 'succeeded')
    await markCompleted(state, summary, services.clock.now(), jobLog);
  logSummary(jobLog, summary);
  return summary;
}

function rejected(summary: RunSummary, error: unknown, log: Logger): RunSummary {
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

interface OpenRun {
  ctx: JobContext;
  rows: RowWriter;
  landing: RawLanding;
}

/** The job's context: where its raw answers land and its rows go, its deadline, counters. */
async function openRun(
  catalog: JobCatalog,
  services: Services,
  job: JobDefinition,
  options: RunOptions,
  started: number,
  summary: RunSummary,
  jobLog: Logger,
): Promise<OpenRun> {
  const quality = new QualityCounters();
  const rows = new RowWriter(await services.warehouse(), quality, jobLog);
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
  return { ctx, rows, landing };
}

/** Runs the job; its failure goes into the summary (kind, message, Retry-After). */
async function execute(
  job: JobDefinition,
  ctx: JobContext,
  params: unknown,
  summary: RunSummary,
): Promise<void> {
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
}

/** Writes the rows and closes the raw objects, also after a failure. */
async function store({ rows, landing }: OpenRun, summary: RunSummary): Promise<void> {
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
}
