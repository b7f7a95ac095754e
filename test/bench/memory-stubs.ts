// Everything the collector talks to, in a process of its own so that the collector's peak
// RSS is only the collector's: the Spotify sandbox (one show of N episodes, development
// tier), the Cloud Storage and BigQuery stubs. `node dist/test/bench/memory-stubs.js
// <episodes>` prints one JSON line of endpoints and stops when stdin closes.
import { startGcpStubs } from '../adapters/gcp-stubs.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';

export interface StubEndpoints {
  spotifyEnv: Record<string, string>;
  gcs: string;
  bigquery: string;
}

async function main(): Promise<void> {
  const episodes = Number(process.argv[2] ?? 1000);
  const spotify = new SpotifySandbox({ tier: 'development', contract: false });
  installPodcasts(spotify, new PodcastCatalog({ dataHackersEpisodes: episodes }));
  await spotify.start();
  const stubs = await startGcpStubs();
  // Listing pages as Cloud Storage serves them (up to 1000 objects), not the tests' 3.
  stubs.gcs.pageSize = 1000;
  const endpoints: StubEndpoints = {
    spotifyEnv: spotify.env(),
    gcs: stubs.gcs.url,
    bigquery: stubs.bigquery.url,
  };
  process.stdout.write(JSON.stringify(endpoints) + '\n');
  process.stdin.resume();
  await new Promise((done) => process.stdin.once('end', done));
  await Promise.all([spotify.stop(), stubs.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
