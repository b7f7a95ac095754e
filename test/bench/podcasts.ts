// Podcast collectors: API calls against the theoretical minimum per tier, throughput and
// peak memory of an episodes run with 1k and 100k episodes (each in its own process).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runJobMessage } from '../../functions/core/runner.js';
import { createServices } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { TIER_LIMITS } from '../../functions/sources/spotify/config.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';
import type { BenchModule } from './types.js';
import { catalog } from '../../functions/sources/all.js';

const exec = promisify(execFile);

async function showsCalls(
  tier: Tier,
  limit: number,
): Promise<{ calls: number; minimum: number; rows: number }> {
  const sandbox = new SpotifySandbox({ tier, contract: false });
  installPodcasts(sandbox, new PodcastCatalog());
  await sandbox.start();
  const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
  // A fresh folder: a completed run id in an old one would make the run a no-op redelivery.
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-shows-'));
  const services = createServices({
    env: { ...sandbox.env(), SPOTIFY_MARKET: 'BR', FANPULSE_DATA_DIR: dataDir },
    sink: () => undefined,
    overrides: { warehouse },
  });
  try {
    const summary = await runJobMessage(
      catalog,
      services,
      { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit } },
      { runId: `b-${tier}`, runTime: new Date() },
    );
    const cap = TIER_LIMITS[tier].search;
    return {
      calls: sandbox.apiCalls() + sandbox.tokenCalls(),
      minimum: Math.ceil(limit / cap) + 1,
      rows: summary.rows.spotify_shows ?? 0,
    };
  } finally {
    await warehouse.close();
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface ChildResult {
  episodes: number;
  tier: string;
  calls: number;
  minimum: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

async function episodesRun(episodes: number, tier: Tier): Promise<ChildResult> {
  const node = join(process.cwd(), 'node_modules/.bin/node');
  const { stdout } = await exec(
    node,
    [join(process.cwd(), 'dist/test/bench/podcast-child.js'), String(episodes), tier],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

export const bench: BenchModule = {
  async run() {
    const lines = [
      '| job | tier | items | API calls (incl. token) | theoretical minimum | rows/s |',
      '|---|---|---|---|---|---|',
    ];
    for (const tier of ['development', 'extended'] as const) {
      const shows = await showsCalls(tier, 50);
      lines.push(
        `| spotify.podcast_shows (50 shows) | ${tier} | ${shows.rows} | ${shows.calls} | ${shows.minimum} | – |`,
      );
    }
    for (const [episodes, tier] of [
      [1000, 'development'],
      [1000, 'extended'],
      [100_000, 'development'],
      [100_000, 'extended'],
    ] as const) {
      const r = await episodesRun(episodes, tier);
      lines.push(
        `| spotify.podcast_episodes (by id) | ${tier} | ${r.rows} | ${r.calls} | ${r.minimum} | ${Math.round(r.rowsPerSecond)} |`,
      );
    }
    return {
      title: 'Spotify podcast collectors',
      command: 'npm run bench -- podcasts',
      markdown:
        lines.join('\n') +
        `\n\nMinimum for shows = ceil(items / page cap) + 1 token call (cap ${TIER_LIMITS.development.search} in development, ${TIER_LIMITS.extended.search} in extended); for episodes by id = 1 show lookup, which embeds the first 50 episodes, + ceil((items − 50) / page cap) episode pages (cap ${TIER_LIMITS.development.showEpisodes} in development, ${TIER_LIMITS.extended.showEpisodes} in extended) + 1 token call. ` +
        'Episodes runs fetch from the loopback sandbox, land raw NDJSON and write rows to a DuckDB file, each in a fresh process; these are first (full) runs: later runs of the same show stop at the episodes already collected (see "API calls per collector"). ' +
        'Memory is measured with the collector alone, the sandbox in another process, in the "Memory" section (`npm run bench -- memory`).',
    };
  },
};
