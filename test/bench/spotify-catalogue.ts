// Spotify artist catalogue: API calls per collected artist catalogue (profile, every album,
// every track with credits) against the theoretical minimum in each tier, for 20 watched
// artists of the synthetic catalogue, collected by the spotify.artist_catalog fan-out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocally } from '../../functions/core/local-runner.js';
import { MemoryQueue } from '../../functions/platform/queue.js';
import { createServices } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { TIER_LIMITS } from '../../functions/sources/spotify/config.js';
import { BATCH } from '../../functions/sources/spotify/job-params.js';
import { DEFAULT_WATCHLIST } from '../../functions/sources/spotify/watchlist.js';
import { installCatalogue, type Catalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';
import type { BenchModule } from './types.js';
import { catalog } from '../../functions/sources/all.js';

const ARTISTS = 20;
const MAX_ALBUMS = 100;

interface Measured {
  tier: Tier;
  calls: Record<string, number>;
  total: number;
  minimum: Record<string, number>;
  minimumTotal: number;
  jobs: number;
  albums: number;
  tracks: number;
  credits: number;
  seconds: number;
}

function category(path: string): string {
  if (path === '/api/token') return 'token';
  if (path === '/v1/search') return 'search';
  if (path === '/v1/artists') return 'artists (batch)';
  if (/^\/v1\/artists\/[^/]+$/.test(path)) return 'artist';
  if (path === '/v1/albums') return 'albums (batch)';
  if (path.endsWith('/albums')) return 'artist albums pages';
  if (path.endsWith('/top-tracks')) return 'top tracks';
  if (/^\/v1\/albums\/[^/]+$/.test(path)) return 'album';
  if (path.endsWith('/tracks') && path.startsWith('/v1/albums/')) return 'album tracks pages';
  return path;
}

/** The fewest requests that can collect the same data in a tier. */
function minimum(catalogue: Catalogue, tier: Tier): Record<string, number> {
  const artists = DEFAULT_WATCHLIST.slice(0, ARTISTS).map((name) =>
    catalogue.searchArtists(name).find((a) => a.name === name)!,
  );
  const listings = artists.map((a) => catalogue.artistAlbums(a.id).slice(0, MAX_ALBUMS));
  const albums = new Map(listings.flat().map((l) => [l.album.id, l.album]));
  const limits = TIER_LIMITS[tier];
  // The album lookup carries the first page of tracks; further pages come from /tracks.
  const extraPages = (trackCount: number) =>
    Math.max(0, Math.ceil(trackCount / limits.albumTracks) - 1);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const dev = !limits.batchGets;
  const cap = limits.artistAlbums;
  return {
    token: 1,
    search: ARTISTS,
    ...(dev ? { artist: ARTISTS } : { 'artists (batch)': Math.ceil(ARTISTS / BATCH.artists) }),
    'artist albums pages': sum(listings.map((l) => Math.max(1, Math.ceil(l.length / cap)))),
    ...(dev
      ? { album: albums.size }
      : {
          'albums (batch)': Math.ceil(albums.size / BATCH.albums),
          ...(limits.topTracks ? { 'top tracks': ARTISTS } : {}),
        }),
    'album tracks pages': sum([...albums.values()].map((a) => extraPages(a.trackCount))),
  };
}

async function measure(catalogue: Catalogue, tier: Tier): Promise<Measured> {
  const sandbox = new SpotifySandbox({ tier, contract: false });
  installCatalogue(sandbox, catalogue);
  await sandbox.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-catalogue-'));
  const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
  const services = createServices({
    env: { ...sandbox.env(), SPOTIFY_MARKET: 'KR', FANPULSE_DATA_DIR: dataDir },
    sink: () => undefined,
    overrides: { warehouse, queue: new MemoryQueue() },
  });
  try {
    const started = performance.now();
    const summaries = await runLocally(catalog, services, {
      job: 'spotify.artist_catalog',
      params: {
        artists: DEFAULT_WATCHLIST.slice(0, ARTISTS),
        maxAlbumsPerArtist: MAX_ALBUMS,
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const failed = summaries.filter((s) => s.outcome !== 'succeeded');
    if (failed.length > 0)
      throw new Error(`catalogue bench: ${failed[0]!.job}: ${failed[0]!.error}`);
    const calls: Record<string, number> = {};
    for (const r of sandbox.log) calls[category(r.path)] = (calls[category(r.path)] ?? 0) + 1;
    const [counts] = await warehouse.query(
      `SELECT (SELECT count(*) FROM latest_spotify_albums) AS albums,
              (SELECT count(*) FROM latest_spotify_tracks) AS tracks,
              (SELECT count(*) FROM latest_spotify_track_artists) AS credits`,
    );
    const min = minimum(catalogue, tier);
    return {
      tier,
      calls,
      total: sandbox.log.length,
      minimum: min,
      minimumTotal: Object.values(min).reduce((a, b) => a + b, 0),
      jobs: summaries.length,
      albums: Number(counts?.albums),
      tracks: Number(counts?.tracks),
      credits: Number(counts?.credits),
      seconds,
    };
  } finally {
    await services.close().catch(() => undefined);
    await warehouse.close().catch(() => undefined);
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Whether a tier reached its minimum and, if not, which request kinds went over and by how much. */
function verdict(r: Measured): string {
  if (r.total === r.minimumTotal) return `- ${r.tier}: reaches its minimum (${r.total} requests).`;
  const kinds = new Set([...Object.keys(r.calls), ...Object.keys(r.minimum)]);
  const over = [...kinds]
    .map((k) => ({ k, excess: (r.calls[k] ?? 0) - (r.minimum[k] ?? 0) }))
    .filter((o) => o.excess > 0)
    .map((o) => `${o.k} +${o.excess}`);
  const sign = r.total > r.minimumTotal ? '+' : '';
  return `- ${r.tier}: ${r.total} requests against a minimum of ${r.minimumTotal} (${sign}${r.total - r.minimumTotal}); over the minimum: ${over.length > 0 ? over.join(', ') : 'none'}.`;
}

export const bench: BenchModule = {
  async run() {
    const catalogue = syntheticCatalogue({ artists: 2000 });
    const results = [await measure(catalogue, 'development'), await measure(catalogue, 'extended')];
    const categories = [
      ...new Set(results.flatMap((r) => [...Object.keys(r.calls), ...Object.keys(r.minimum)])),
    ];
    const lines = [
      `| requests | ${results.map((r) => `${r.tier} measured | ${r.tier} minimum`).join(' | ')} |`,
      `|---|${results.map(() => '---|---').join('|')}|`,
      ...categories.map(
        (c) =>
          `| ${c} | ${results.map((r) => `${r.calls[c] ?? 0} | ${r.minimum[c] ?? 0}`).join(' | ')} |`,
      ),
      `| **total** | ${results.map((r) => `**${r.total}** | **${r.minimumTotal}**`).join(' | ')} |`,
      `| per artist catalogue | ${results.map((r) => `${(r.total / ARTISTS).toFixed(1)} | ${(r.minimumTotal / ARTISTS).toFixed(1)}`).join(' | ')} |`,
    ];
    const facts = results.map(
      (r) =>
        `- ${r.tier}: ${r.jobs} jobs run (planner, profiles, ${ARTISTS} artist jobs, album jobs${r.tier === 'extended' ? ', top tracks' : ''}), ${r.albums} albums, ${r.tracks} tracks, ${r.credits} credits in ${r.seconds.toFixed(1)} s (${Math.round(r.tracks / r.seconds)} tracks/s, loopback sandbox, DuckDB in memory).`,
    );
    return {
      title: 'Spotify artist catalogue (fan-out)',
      command: 'npm run bench -- spotify-catalogue',
      markdown:
        `\`spotify.artist_catalog\` for the first ${ARTISTS} artists of the default watch list (by name) on the synthetic catalogue (2000 artists), every album group, at most ${MAX_ALBUMS} albums per artist, drained locally through the in-process queue.\n\n` +
        lines.join('\n') +
        '\n\n' +
        facts.join('\n') +
        `\n\nMinimum: one token; one search per name (the resolution is cached afterwards, so later runs skip it); profiles one GET each (development) or one \`/artists?ids=\` per ${BATCH.artists} (extended); artist album pages ceil(albums / ${TIER_LIMITS.development.artistAlbums} or ${TIER_LIMITS.extended.artistAlbums}); in development one \`GET /albums/{id}\` per distinct album (it carries the first ${TIER_LIMITS.development.albumTracks} tracks), in extended one \`/albums?ids=\` per ${BATCH.albums} distinct albums pooled over all artists; one \`/albums/{id}/tracks\` page per further ${TIER_LIMITS.extended.albumTracks} tracks; in extended one top-tracks call per artist.\n\n` +
        results.map(verdict).join('\n'),
    };
  },
};
