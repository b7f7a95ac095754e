// Everything the collector talks to, in a process of its own so that the collector's peak
// RSS is only the collector's: the Spotify sandbox (one show of N episodes), the Cloud
// Storage and BigQuery stubs. `node dist/test/bench/memory-stubs.js <episodes> <tier>`
// prints one JSON line of endpoints, answers `stats` on stdin with the sandbox's call count
// and the rows the BigQuery stub accepted, and stops when stdin closes.
import { createInterface } from 'node:readline';
import { DATASET, PROJECT, BUCKET } from '../adapters/gcp-stubs.js';
import { BigQueryStub } from '../sandbox/bigquery-stub.js';
import { GcsStub } from '../sandbox/gcs-stub.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';

export interface StubEndpoints {
  spotifyEnv: Record<string, string>;
  gcs: string;
  bigquery: string;
}

export interface StubStats {
  calls: number;
  bigqueryRows: number;
}

async function main(): Promise<void> {
  const episodes = Number(process.argv[2] ?? 1000);
  const tier = (process.argv[3] ?? 'development') as Tier;
  const spotify = new SpotifySandbox({ tier, contract: false });
  installPodcasts(spotify, new PodcastCatalog({ dataHackersEpisodes: episodes }));
  const gcs = new GcsStub(BUCKET);
  // Listing pages as Cloud Storage serves them (up to 1000 objects), not the tests' 3.
  gcs.pageSize = 1000;
  const bigquery = new BigQueryStub(PROJECT, DATASET);
  await Promise.all([spotify.start(), gcs.start(), bigquery.start()]);
  const endpoints: StubEndpoints = {
    spotifyEnv: spotify.env(),
    gcs: gcs.url,
    bigquery: bigquery.url,
  };
  process.stdout.write(JSON.stringify(endpoints) + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== 'stats') continue;
    const stats: StubStats = {
      calls: spotify.apiCalls() + spotify.tokenCalls(),
      bigqueryRows: [...bigquery.accepted.values()].reduce((a, b) => a + b, 0),
    };
    process.stdout.write(JSON.stringify(stats) + '\n');
  }
  await Promise.all([spotify.stop(), gcs.stop(), bigquery.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
