// One Instagram client per process (per Services): its usage readings and any block a
// throttling code started survive across runs of a warm instance, so a deferred run's
// successor does not spend a call just to learn it is still blocked.
import type { JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import type { Services } from '../../platform/runtime.js';
import { describeGraphError, InstagramApiError, InstagramClient } from './client.js';
import { loadInstagramConfig } from './config.js';

const clients = new WeakMap<Services, Promise<InstagramClient>>();

function instagramClientFor(services: Services): Promise<InstagramClient> {
  let client = clients.get(services);
  if (!client) {
    client = services.secrets().then(
      (secrets) =>
        new InstagramClient({
          config: loadInstagramConfig(services.env),
          policy: services.config.http,
          clock: services.clock,
          secrets,
          log: services.log.child({ source: 'instagram' }),
        }),
    );
    clients.set(services, client);
  }
  return client;
}

/** Runs `work` with the client and adds the requests it sent to the run's API-call count. */
export async function withInstagram<T>(
  ctx: JobContext,
  work: (client: InstagramClient) => Promise<T>,
): Promise<T> {
  const client = await instagramClientFor(ctx.services);
  const before = client.calls;
  try {
    return await work(client);
  } finally {
    ctx.countCalls('instagram', client.calls - before);
  }
}

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
