// One Instagram client per process (per Services): its usage readings and any block a
// throttling code started survive across runs of a warm instance, so a deferred run's
// successor does not spend a call just to learn it is still blocked.
import type { JobContext } from '../../core/job.js';
import { sourceClient } from '../../core/source-client.js';
import { isRecord } from '../../platform/fields.js';
import { PermanentError } from '../../platform/errors.js';
import { describeGraphError, InstagramApiError, InstagramClient, isItemError } from './client.js';
import { loadInstagramConfig } from './config.js';

const instagram = sourceClient(
  'instagram',
  async (services) =>
    new InstagramClient({
      config: loadInstagramConfig(services.env),
      policy: services.config.http,
      clock: services.clock,
      secrets: await services.secrets(),
      log: services.log.child({ source: 'instagram' }),
    }),
);

/** Runs `work` with the client and adds the requests it sent to the run's API-call count. */
export function withInstagram<T>(
  ctx: JobContext,
  work: (client: InstagramClient) => Promise<T>,
): Promise<T> {
  return instagram.withClient(ctx, (client) => {
    // The optional app secret is read once per run (a new value is used from the next run).
    client.beginRun();
    return work(client);
  });
}

/**
 * A Graph error that concerns one item (an unknown or non-business account, an unknown
 * hashtag): warn, count, go on. Any other error (code 100 for a wrong field, a missing
 * permission or appsecret_proof) is not skipped: it fails the run with Meta's message.
 */
export function skipItem(ctx: JobContext, error: unknown, table: string, what: string): boolean {
  if (!(error instanceof InstagramApiError) || !isItemError(error.graph)) return false;
  ctx.log.warn(`skipping ${what}`, { reason: describeGraphError(error.graph) });
  ctx.quality.count(
    table,
    `skipped:${error.graph.code}`,
    `${what}: ${describeGraphError(error.graph)}`,
  );
  return true;
}

/** The non-empty `paging.cursors.after` of a Graph page, or null. */
export function afterCursor(page: unknown): string | null {
  const paging = isRecord(page) && isRecord(page.paging) ? page.paging : null;
  const cursors = paging && isRecord(paging.cursors) ? paging.cursors : null;
  const after = cursors?.after;
  return typeof after === 'string' && after !== '' ? after : null;
}

/**
 * A run in which every item failed with the same error has failed, not "succeeded with
 * skips": `skipped` maps each skipped item to its error.
 */
export function failIfAllSkipped(what: string, total: number, skipped: Map<string, string>): void {
  if (total === 0 || skipped.size < total) return;
  const reasons = new Set(skipped.values());
  if (reasons.size !== 1) return;
  throw new PermanentError(
    `every ${what} (${total}) failed with the same Instagram error: ${[...reasons][0]}`,
  );
}

/** The Graph error text of a skipped item. */
export function itemErrorText(error: unknown): string {
  return error instanceof InstagramApiError ? describeGraphError(error.graph) : String(error);
}
