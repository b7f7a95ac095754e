// Development mode has no batch GETs: multi-id jobs request one id at a time. One unknown id
// must not fail the run for the others, so a 404 is counted as not_found and skipped. The
// loop can go on from where an earlier delivery of the run got to (core/checkpoint.ts).
import { z } from 'zod';
import type { Checkpoint } from '../../core/checkpoint.js';
import type { JobContext } from '../../core/job.js';
import { SourceHttpError } from '../../platform/errors.js';

/** Where a per-id (or per-batch) loop got to: everything before `next` is done. */
export const eachPosition = z.object({
  next: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative().default(0),
});
export type EachPosition = z.infer<typeof eachPosition>;

/**
 * Calls `fetch` for each id in turn. A 404 is counted in `notFound.table` as not_found
 * ("<kind> <id>") and skipped; any other error ends the run. `afterEach` sees how many ids
 * were handled so far (found or not). With a checkpoint, the loop starts at its resumed
 * position and saves the position before each request (a run deferred there resumes at
 * that id). Returns the number of ids not found (those of earlier deliveries included).
 */
export async function fetchEach(
  ctx: JobContext,
  ids: readonly string[],
  notFound: { table: string; kind: string },
  fetch: (id: string) => Promise<void>,
  afterEach: (done: number) => void = () => undefined,
  checkpoint?: Checkpoint<EachPosition>,
): Promise<number> {
  let missing = checkpoint?.resumed?.missing ?? 0;
  const start = checkpoint?.resumed?.next ?? 0;
  for (const [i, id] of ids.entries()) {
    if (i < start) continue;
    await checkpoint?.save({ next: i, missing });
    try {
      await fetch(id);
    } catch (error) {
      if (!(error instanceof SourceHttpError && error.status === 404)) throw error;
      missing += 1;
      ctx.quality.count(notFound.table, 'not_found', `${notFound.kind} ${id}`);
    }
    afterEach(i + 1);
  }
  return missing;
}

/**
 * Runs `work` for each part in turn (batch GETs), saving the position before each one so a
 * redelivered run starts at the part it had not finished.
 */
export async function eachPart<T>(
  parts: readonly T[],
  checkpoint: Checkpoint<EachPosition>,
  work: (part: T, index: number) => Promise<void>,
): Promise<void> {
  for (const [i, part] of parts.entries()) {
    if (i < (checkpoint.resumed?.next ?? 0)) continue;
    await checkpoint.save({ next: i, missing: 0 });
    await work(part, i);
  }
}
