// Deferred runs of the same job and parameters coalesce: the newest deferral supersedes the
// older ones, so six 5-minute runs deferred during a 30-minute block come back as one run,
// not six. One StateStore document per (job, params) names the newest deferred run.
import { z } from 'zod';
import { canonicalJson, stableId } from '../../platform/hash.js';
import type { JobMessage } from '../../platform/queue.js';
import { StateConflictError, type StateStore } from '../../platform/state.js';

/** The run a delivery belongs to (its run id and run time). */
interface RunIdentity {
  runId: string;
  runTime: Date;
}

const newestSchema = z.object({ runId: z.string(), runTime: z.string(), job: z.string() });

export function coalesceKey(message: Pick<JobMessage, 'job' | 'params'>): string {
  return `deferred/${stableId(message.job, canonicalJson(message.params))}`;
}

/** Records `identity` as the newest deferred run of its job and params (older runs lose). */
export async function markNewestDeferral(
  state: StateStore,
  message: JobMessage,
  identity: RunIdentity,
): Promise<void> {
  const key = coalesceKey(message);
  for (let attempt = 1; ; attempt++) {
    const current = await state.get(key, newestSchema);
    if (current && Date.parse(current.value.runTime) > identity.runTime.getTime()) return;
    if (current?.value.runId === identity.runId) return;
    try {
      await state.put(
        key,
        { runId: identity.runId, runTime: identity.runTime.toISOString(), job: message.job },
        { ifVersion: current?.version ?? null },
      );
      return;
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= 5) throw error;
    }
  }
}

/** The run id that supersedes this re-published deferral, or null when it is still the newest. */
export async function supersededBy(
  state: StateStore,
  message: JobMessage,
  identity: RunIdentity,
): Promise<string | null> {
  const current = await state.get(coalesceKey(message), newestSchema);
  if (!current || current.value.runId === identity.runId) return null;
  return Date.parse(current.value.runTime) > identity.runTime.getTime()
    ? current.value.runId
    : null;
}
