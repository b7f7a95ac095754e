// One Instagram client per process (per Services): its usage readings and any block a
// throttling code started survive across runs of a warm instance, so a deferred run's
// successor does not spend a call just to learn it is still blocked.
import type { JobContext } from '../jobs/types.js';
import type { Services } from '../platform/runtime.js';
import { InstagramClient } from './client.js';
import { loadInstagramConfig } from './config.js';

const clients = new WeakMap<Services, Promise<InstagramClient>>();

export function instagramClientFor(services: Services): Promise<InstagramClient> {
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
