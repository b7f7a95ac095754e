// Runs a job on this machine the way the cloud would: the job, then every job it fans
// out through the in-process queue, until nothing is left (bounded).
import { randomUUID } from 'node:crypto';
import type { JobCatalog } from './catalog.js';
import { runJobMessage, type RunOptions, type RunSummary } from './runner.js';
import { MemoryQueue, type JobMessage } from '../platform/queue.js';
import type { Services } from '../platform/runtime.js';

export function newLocalRunId(now: Date): string {
  return `local-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

export interface LocalRunOptions {
  runId?: string;
  /** Run what the job publishes too (in-process queue only). */
  drain?: boolean;
  /** Upper bound on jobs run in one drain, against runaway fan-out. */
  maxJobs?: number;
  onProgress?: RunOptions['onProgress'];
  onSummary?: (summary: RunSummary) => void;
  /** Run the first job even if its run id already completed (an explicit rerun). */
  rerun?: boolean;
  /** Run time of the first job (a rerun keeps the original's, so raw object names match). */
  runTime?: Date;
}

export async function runLocally(
  catalog: JobCatalog,
  services: Services,
  message: JobMessage,
  options: LocalRunOptions = {},
): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  const queue = await services.queue();
  const pending: Array<{ message: JobMessage; runId: string }> = [
    { message, runId: options.runId ?? message.runId ?? newLocalRunId(services.clock.now()) },
  ];
  const maxJobs = options.maxJobs ?? 10_000;
  while (pending.length > 0 && summaries.length < maxJobs) {
    const next = pending.shift()!;
    const summary = await runJobMessage(catalog, services, next.message, {
      runId: next.runId,
      runTime: (summaries.length === 0 ? options.runTime : undefined) ?? services.clock.now(),
      rerun: summaries.length === 0 && options.rerun === true,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    summaries.push(summary);
    options.onSummary?.(summary);
    if (options.drain !== false && queue instanceof MemoryQueue) {
      for (const child of queue.take()) {
        pending.push({
          message: child.message,
          runId: child.message.runId ?? `${child.id}-${newLocalRunId(services.clock.now())}`,
        });
      }
    }
  }
  return summaries;
}
