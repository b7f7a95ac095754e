// One Spotify client per process (per Services), so its token is reused across runs of a
// warm function instance instead of being fetched per run or per call.
import type { JobContext } from '../../core/job.js';
import type { Services } from '../../platform/runtime.js';
import { SpotifyClient } from './client.js';
import { loadSpotifyConfig } from './config.js';

const clients = new WeakMap<Services, Promise<SpotifyClient>>();

export function spotifyClientFor(services: Services): Promise<SpotifyClient> {
  let client = clients.get(services);
  if (!client) {
    client = services.secrets().then(
      (secrets) =>
        new SpotifyClient({
          config: loadSpotifyConfig(services.env),
          policy: services.config.http,
          clock: services.clock,
          secrets,
          redactor: services.redactor,
        }),
    );
    clients.set(services, client);
  }
  return client;
}

/** Runs `work` with the client and adds the requests it sent to the run's API-call count. */
export async function withSpotify<T>(
  ctx: JobContext,
  work: (client: SpotifyClient) => Promise<T>,
): Promise<T> {
  const client = await spotifyClientFor(ctx.services);
  const before = client.calls;
  try {
    return await work(client);
  } finally {
    ctx.countCalls('spotify', client.calls - before);
  }
}
