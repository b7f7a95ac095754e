// Fan-out through the JobQueue port with deterministic child run ids: a child's run id is
// a stable hash of (seed run id, job, params), so re-planning the same run publishes the
// same children (MemoryQueue drops repeats; Pub/Sub redeliveries of a completed child are
// acknowledged without running). A StateStore marker per planning run id makes a
// redelivered or rerun planner publish nothing a second time.
import { z } from 'zod';
import type { JobContext, JobRef } from './job.js';
import { describeIssues, PermanentError } from '../platform/errors.js';
import { canonicalJson, stableId } from '../platform/hash.js';
import { StateConflictError } from '../platform/state.js';

/** A child job to publish; made by `childJob`, which checks its params. */
export interface ChildJob {
  readonly job: string;
  readonly params: Record<string, unknown>;
}

/**
 * A child job named by a typed reference: `params` must be what the child's schema accepts
 * (checked by the compiler, and here at run time), so a wrong param fails the parent where
 * it is made instead of the child when it runs. The params are published as given (not
 * with defaults filled in), so child run ids do not change when a default does.
 */
export function childJob<P extends z.ZodType>(ref: JobRef<P>, params: z.input<P>): ChildJob {
  const checked = ref.params.safeParse(params);
  if (!checked.success) {
    throw new PermanentError(
      `invalid params for child job ${ref.name}: ${describeIssues(checked.error, '(params)')}`,
    );
  }
  // Job params are JSON objects (jobMessageSchema); the schema has just accepted these.
  return { job: ref.name, params: params as Record<string, unknown> };
}

export interface FanOutResult {
  /** Children published by this call. */
  published: number;
  /** The run ids of every child this run plans, in order. */
  runIds: string[];
}

/** Deterministic child run id (fits the job message's runId pattern). */
export function childRunId(seed: string, job: string, params: Record<string, unknown>): string {
  return `fp-${stableId(seed, job, canonicalJson(params))}`;
}

const markerSchema = z.object({
  job: z.string(),
  children: z.number().int(),
  plannedAt: z.string(),
});

function fanOutMarkerKey(runId: string): string {
  return `fanout/${runId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** True when this run id has planned its children already. */
export async function alreadyPlanned(ctx: JobContext): Promise<boolean> {
  const state = await ctx.services.state();
  return (await state.get(fanOutMarkerKey(ctx.run.runId), markerSchema)) !== null;
}

/**
 * Publishes `children` and records that this run id planned them (callers check
 * alreadyPlanned first). `seed` (default: this run's id) is what child run
 * ids derive from; pass a plan-wide id to let two parents share a child (e.g. an album
 * that two watched artists both list).
 */
export async function publishChildren(
  ctx: JobContext,
  children: readonly ChildJob[],
  seed: string = ctx.run.runId,
): Promise<FanOutResult> {
  // The callers check alreadyPlanned before their work; a concurrent delivery that gets
  // past that check publishes the same child run ids, and the marker put below tolerates it.
  const runIds = children.map((c) => childRunId(seed, c.job, c.params));
  const queue = await ctx.services.queue();
  const requestedAt = ctx.clock.now().toISOString();
  for (const [i, child] of children.entries()) {
    await queue.publish({ job: child.job, params: child.params, runId: runIds[i]!, requestedAt });
  }
  await queue.flush();
  const state = await ctx.services.state();
  try {
    await state.put(
      fanOutMarkerKey(ctx.run.runId),
      { job: ctx.run.job, children: children.length, plannedAt: requestedAt },
      { ifVersion: null },
    );
  } catch (error) {
    // Another delivery of the same run planned concurrently: same children, same ids.
    if (!(error instanceof StateConflictError)) throw error;
  }
  return { published: children.length, runIds };
}
