// One Spotify client per process (per Services), so its token is reused across runs of a
// warm function instance instead of being fetched per run or per call.
import { sourceClient } from '../../core/source-client.js';
import { SpotifyClient } from './client.js';
import { loadSpotifyConfig } from './config.js';

const spotify = sourceClient(
  'spotify',
  async (services) =>
    new SpotifyClient({
      config: loadSpotifyConfig(services.env),
      policy: services.config.http,
      clock: services.clock,
      secrets: await services.secrets(),
      redactor: services.redactor,
    }),
);

/** Runs `work` with the client and adds the requests it sent to the run's API-call count. */
export const withSpotify = spotify.withClient;
