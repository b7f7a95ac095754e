// Artist jobs: name → artist resolution (spotify.artist_search), artist profiles
// (spotify.artist: one GET per artist in development mode, /artists?ids= batches of 50 in
// the extended tier) and top tracks (spotify.artist_top_tracks: extended tier only).
import { z } from 'zod';
import { defineJob, type JobContext } from '../jobs/types.js';
import { SourceHttpError } from '../platform/errors.js';
import { ingest } from '../platform/ingest.js';
import { updateState } from '../platform/state.js';
import { normalizeText } from '../platform/text.js';
import { chooseArtist, type ArtistCandidate, type ArtistChoice } from './artist-match.js';
import {
  artistMapper,
  artistResolutionMapper,
  artistSearchMapper,
  artistsBatchMapper,
  artistTopTracksMapper,
  type ArtistResolutionRecord,
} from './catalogue-mappers.js';
import { readPage, type SpotifyClient } from './client.js';
import { SEARCH_MAX_OFFSET } from './config.js';
import { withSpotify } from './context.js';
import { isRecord } from '../platform/fields.js';
import { SPOTIFY_ID } from './watchlist.js';

/** Batch sizes of the extended tier's multi-id GETs. */
export const BATCH = { artists: 50, albums: 20, tracks: 50 } as const;

export const marketParam = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .optional()
  .describe('Market (country code); defaults to SPOTIFY_MARKET');

export const artistIdParam = z.string().regex(SPOTIFY_ID, 'a Spotify artist id (base-62)');

/** A boolean that also accepts "true"/"false" (CLI arguments arrive as strings). */
export const boolParam = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((v) => v === 'true'),
]);

/** A list of ids: a JSON array, or one comma-separated string (CLI convenience). */
export function idList(item: z.ZodString, max: number) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(max),
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** A 404 of one item in a multi-item job is counted and skipped, not fatal to the run. */
export function isNotFound(error: unknown): boolean {
  return error instanceof SourceHttpError && error.status === 404;
}

/**
 * Searches artists for `query` page by page (tier cap) until an exact normalised match
 * appears or `depth` hits were seen, lands every page and the decision record, and
 * returns the choice.
 */
export async function resolveArtist(
  ctx: JobContext,
  client: SpotifyClient,
  query: string,
  market: string,
  depth: number,
): Promise<ArtistChoice> {
  const wanted = normalizeText(query);
  const candidates: ArtistCandidate[] = [];
  let total: number | null = null;
  let offset = 0;
  while (candidates.length < depth && offset < SEARCH_MAX_OFFSET) {
    const limit = Math.min(client.limits.search, depth - candidates.length);
    const answer = await client.getInMarket(
      'search',
      { q: query, type: 'artist', limit, offset },
      market,
    );
    await ingest(ctx, artistSearchMapper, answer, { query, offset, market });
    const page = readPage(answer, 'artists');
    total = page.total;
    let exact = false;
    page.items.forEach((item, i) => {
      if (!isRecord(item) || typeof item.id !== 'string' || !SPOTIFY_ID.test(item.id)) return;
      const name = typeof item.name === 'string' ? item.name : '';
      candidates.push({ rank: offset + i + 1, artistId: item.id, name });
      if (normalizeText(name) === wanted) exact = true;
    });
    if (exact || page.items.length < limit || page.next === null) break;
    offset += page.items.length;
  }
  const choice = chooseArtist(query, candidates);
  const record: ArtistResolutionRecord = {
    query,
    normalized_query: choice.normalizedQuery,
    market,
    match_kind: choice.matchKind,
    artist_id: choice.chosen?.artistId ?? null,
    artist_name: choice.chosen?.name ?? null,
    rank: choice.chosen?.rank ?? null,
    reason: choice.reason,
    candidates: choice.candidates.map((c) => ({
      rank: c.rank,
      artist_id: c.artistId,
      name: c.name,
      exact: c.exact,
    })),
    total_results: total,
  };
  await ingest(
    ctx,
    artistResolutionMapper,
    { url: 'fanpulse:spotify/artist_resolution', method: 'DERIVED', status: 200, body: record },
    { market },
  );
  ctx.log.info('artist name resolved', {
    query,
    market,
    match_kind: choice.matchKind,
    artist_id: record.artist_id,
    artist_name: record.artist_name,
    rank: record.rank,
    reason: choice.reason,
  });
  return choice;
}

const cacheSchema = z.record(
  z.string(),
  z.object({
    artistId: z.string(),
    name: z.string(),
    matchKind: z.enum(['exact', 'best_ranked']),
    resolvedAt: z.string(),
  }),
);
export type ResolutionCache = z.infer<typeof cacheSchema>;

export function resolutionCacheKey(market: string): string {
  return `spotify/artist-resolutions/${market}`;
}

/** Resolved names of a market, as remembered by earlier runs (ids are stable). */
export async function readResolutionCache(
  ctx: JobContext,
  market: string,
): Promise<ResolutionCache> {
  const state = await ctx.services.state();
  return (await state.get(resolutionCacheKey(market), cacheSchema))?.value ?? {};
}

export async function rememberResolutions(
  ctx: JobContext,
  market: string,
  choices: readonly ArtistChoice[],
): Promise<void> {
  const found = choices.filter((c) => c.chosen !== null && c.matchKind !== 'none');
  if (found.length === 0) return;
  const now = ctx.clock.now().toISOString();
  await updateState(
    await ctx.services.state(),
    resolutionCacheKey(market),
    cacheSchema,
    (current) => {
      const next = { ...current };
      for (const c of found) {
        next[c.normalizedQuery] = {
          artistId: c.chosen!.artistId,
          name: c.chosen!.name,
          matchKind: c.matchKind as 'exact' | 'best_ranked',
          resolvedAt: now,
        };
      }
      return next;
    },
  );
}

export const artistSearchParams = z.strictObject({
  names: z.array(z.string().trim().min(1).max(200)).min(1).max(50),
  market: marketParam,
  depth: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .describe('Hits examined per name (pages at the tier cap until an exact match).'),
});

export const artistSearchJob = defineJob({
  name: 'spotify.artist_search',
  source: 'spotify',
  description:
    'Resolves artist names (any script) to Spotify artists: exact normalised match first, else the best-ranked hit; records asked, chosen and why in spotify_artist_search.',
  params: artistSearchParams,
  schedules: [],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const market = params.market ?? client.config.market;
      const choices: ArtistChoice[] = [];
      for (const name of params.names) {
        choices.push(await resolveArtist(ctx, client, name, market, params.depth));
        ctx.progress('artist names', choices.length, params.names.length);
      }
      await rememberResolutions(ctx, market, choices);
      ctx.addItems(choices.length);
      return {
        details: {
          resolved: choices.map((c) => ({
            query: c.query,
            artist_id: c.chosen?.artistId ?? null,
            match_kind: c.matchKind,
          })),
        },
      };
    }),
});

export const artistParams = z.strictObject({
  artistIds: idList(artistIdParam, 500),
});

export const artistJob = defineJob({
  name: 'spotify.artist',
  source: 'spotify',
  description:
    'Artist profiles (name, genres, followers, popularity, images, url; the deprecated fields NULL when absent): GET /artists/{id} per artist in development mode, /artists?ids= batches of 50 in the extended tier.',
  params: artistParams,
  schedules: [],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const ids = unique(params.artistIds);
      let done = 0;
      let missing = 0;
      if (client.limits.batchGets) {
        for (const part of chunk(ids, BATCH.artists)) {
          const answer = await client.get('artists', { ids: part.join(',') });
          await ingest(ctx, artistsBatchMapper, answer, { ids: part });
          done += part.length;
          ctx.progress('artists', done, ids.length);
        }
      } else {
        for (const id of ids) {
          try {
            const answer = await client.get(`artists/${id}`);
            await ingest(ctx, artistMapper, answer, {});
          } catch (error) {
            if (!isNotFound(error)) throw error;
            missing += 1;
            ctx.quality.count('spotify_artists', 'not_found', `artist ${id}`);
          }
          done += 1;
          ctx.progress('artists', done, ids.length);
        }
      }
      ctx.addItems(ids.length - missing);
      return {
        details: { artists: ids.length, not_found: missing, batched: client.limits.batchGets },
      };
    }),
});

export const TOP_TRACKS_UNAVAILABLE =
  'top tracks are not available in the development tier (GET /artists/{id}/top-tracks was removed for development-mode apps); the spotify_artist_popular_tracks view falls back to the tracks of the newest albums';

export const artistTopTracksParams = z.strictObject({
  artistIds: idList(artistIdParam, 500),
  market: marketParam,
});

export const artistTopTracksJob = defineJob({
  name: 'spotify.artist_top_tracks',
  source: 'spotify',
  description:
    'Top tracks per artist and market (extended tier only). In development mode it calls nothing and says so; popular tracks then come from the newest albums (spotify_artist_popular_tracks).',
  params: artistTopTracksParams,
  schedules: [],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      if (!client.limits.topTracks) {
        ctx.log.warn('spotify.artist_top_tracks unavailable', {
          tier: client.config.tier,
          reason: TOP_TRACKS_UNAVAILABLE,
        });
        return { details: { unavailable: TOP_TRACKS_UNAVAILABLE, tier: client.config.tier } };
      }
      const market = params.market ?? client.config.market;
      const ids = unique(params.artistIds);
      let done = 0;
      for (const id of ids) {
        const answer = await client.getInMarket(`artists/${id}/top-tracks`, {}, market);
        const mapped = await ingest(ctx, artistTopTracksMapper, answer, {
          artist_id: id,
          market,
        });
        ctx.addItems(mapped[0]?.rows.length ?? 0);
        done += 1;
        ctx.progress('artists', done, ids.length);
      }
      return { details: { artists: ids.length, market } };
    }),
});

export const artistJobs = [artistSearchJob, artistJob, artistTopTracksJob];
