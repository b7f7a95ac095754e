// One Instagram client per process (per Services): its usage readings and any block a
// throttling code started survive across runs of a warm instance, so a deferred run's
// successor does not spend a call just to learn it is still blocked.
import type { JobContext } from '../../core/job.js';
import { sourceClient } from '../../core/source-client.js';
import { isRecord } from '../../platform/fields.js';
import { describeGraphError, InstagramApiError, InstagramClient } from './client.js';
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
export const withInstagram = instagram.withClient;

/** A Graph error that concerns one item (account, hashtag): warn, count, go on. */
export function skipItem(
  ctx: JobContext,
  error: unknown,
  table: string,
  what: string,
  codes: ReadonlySet<number>,
): boolean {
  if (!(error instanceof InstagramApiError) || error.graph.code === null) return false;
  if (!codes.has(error.graph.code)) return false;
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
