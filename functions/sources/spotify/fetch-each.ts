// Development mode has no batch GETs: multi-id jobs request one id at a time. One unknown id
// must not fail the run for the others, so a 404 is counted as not_found and skipped.
import type { JobContext } from '../../core/job.js';
import { SourceHttpError } from '../../platform/errors.js';

/**
 * Calls `fetch` for each id in turn. A 404 is counted in `notFound.table` as not_found
 * ("<kind> <id>") and skipped; any other error ends the run. `afterEach` sees how many ids
 * were handled so far (found or not). Returns the number of ids not found.
 */
export async function fetchEach(
  ctx: JobContext,
  ids: readonly string[],
  notFound: { table: string; kind: string },
  fetch: (id: string) => Promise<void>,
  afterEach: (done: number) => void = () => undefined,
): Promise<number> {
  let missing = 0;
  for (const [i, id] of ids.entries()) {
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
