// One podcast-episodes run in a fresh process, so its throughput is its own:
//   node dist/test/bench/podcast-child.js <episodes> <tier>
// Prints one JSON line: calls, minimum, rows, seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobMessage } from '../../functions/core/runner.js';
import { createServices } from '../../functions/platform/runtime.js';
import { TIER_LIMITS } from '../../functions/sources/spotify/config.js';
import { DATA_HACKERS_ID, installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';
import { catalog } from '../../functions/sources/all.js';

async function main(): Promise<void> {
  const episodes = Number(process.argv[2] ?? 1000);
  const tier = (process.argv[3] ?? 'development') as Tier;
  const sandbox = new SpotifySandbox({ tier, contract: false });
  installPodcasts(sandbox, new PodcastCatalog({ dataHackersEpisodes: episodes }));
  await sandbox.start();
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-'));
  const services = createServices({
    env: { ...sandbox.env(), FANPULSE_DATA_DIR: dir, SPOTIFY_MARKET: 'BR' },
    sink: () => undefined,
  });
  try {
    const started = performance.now();
    const summary = await runJobMessage(
      catalog,
      services,
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
      { runId: 'bench', runTime: new Date() },
    );
    const seconds = (performance.now() - started) / 1000;
    const rows = summary.rows.spotify_episodes ?? 0;
    console.log(
      JSON.stringify({
        episodes,
        tier,
        outcome: summary.outcome,
        calls: sandbox.apiCalls() + sandbox.tokenCalls(),
        // the show lookup (it embeds the first 50 episodes) + the remaining episode pages at
        // the tier's cap + one token
        minimum: Math.ceil(Math.max(0, episodes - 50) / TIER_LIMITS[tier].showEpisodes) + 2,
        rows,
        seconds,
        rowsPerSecond: rows / seconds,
      }),
    );
  } finally {
    await services.close();
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
