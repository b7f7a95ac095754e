// What a job is: a name, a zod schema for its parameters, a runner, and the schedules the
// Cloud Scheduler jobs are generated from. Each source module lists its own.
import type { z } from 'zod';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { QualityCounters } from '../platform/quality.js';
import type { RawLanding, RunIdentity } from '../platform/raw-landing.js';
import type { RowWriter } from '../platform/rows.js';
import type { Services } from '../platform/runtime.js';
import type { EntityMapper } from './mapper.js';

export interface Schedule {
  /** Stable id; becomes the Cloud Scheduler job name. */
  id: string;
  cron: string;
  timeZone: string;
  params: Record<string, unknown>;
  description: string;
}

export interface JobRun extends RunIdentity {
  job: string;
  attempt: number;
}

/** Everything a runner may use. Sources build their clients from `services` lazily. */
export interface JobContext {
  readonly run: JobRun;
  readonly services: Services;
  readonly log: Logger;
  readonly clock: Clock;
  readonly landing: RawLanding;
  readonly rows: RowWriter;
  readonly quality: QualityCounters;
  /** When the run must stop starting new work (function timeout minus a margin). */
  readonly deadline: Date;
  /** Adds to the run's API-call count for a source. */
  countCalls(source: string, calls: number): void;
  /** Progress for long runs (the CLI prints it; functions log it at DEBUG). */
  progress(what: string, done: number, total?: number): void;
  /** Items processed, for the run summary. */
  addItems(count: number): void;
  /** The mapper of an entity of any source (replay); loads that source if needed. */
  findMapper(source: string, entity: string): Promise<EntityMapper | undefined>;
}

export interface JobResult {
  /** Extra facts for the summary line, e.g. {"show_id": "..."}. */
  details?: Record<string, unknown>;
}

/**
 * A job as another job (or a face) names it: its name and its parameter schema. Fan-out
 * takes a reference, so the child's params are checked where they are made
 * (core/fan-out.ts `childJob`). A JobDefinition is one; `jobRef` makes a light one that a
 * job's module and the code that publishes it can share without loading the job.
 */
export interface JobRef<P extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: P;
}

export function jobRef<P extends z.ZodType>(name: string, params: P): JobRef<P> {
  return { name, params };
}

export interface JobDefinition<P extends z.ZodType = z.ZodType> extends JobRef<P> {
  /** The source module that lists it (the part of the name before the dot). */
  readonly source: string;
  readonly description: string;
  readonly schedules: readonly Schedule[];
  run(ctx: JobContext, params: z.output<P>): Promise<JobResult | void>;
}

export function defineJob<P extends z.ZodType>(job: JobDefinition<P>): JobDefinition<P> {
  return job;
}
