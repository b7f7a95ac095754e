// Catalogue jobs: an artist's albums (paged at the tier cap), every track of albums with
// their credits, single/batch track lookups, and the fan-out planner spotify.artist_catalog
// (watch list → one job per artist → one job per album).
import { z } from 'zod';
import { defineJob, type JobContext } from '../jobs/types.js';
import { PermanentError } from '../platform/errors.js';
import { isRecord } from '../platform/fields.js';
import { ingest } from '../platform/ingest.js';
import {
  artistIdParam,
  BATCH,
  boolParam,
  idList,
  chunk,
  isNotFound,
  marketParam,
  readResolutionCache,
  rememberResolutions,
  resolveArtist,
  unique,
  TOP_TRACKS_UNAVAILABLE,
} from './artist-jobs.js';
import type { ArtistChoice } from './artist-match.js';
import {
  albumMapper,
  albumsBatchMapper,
  albumTracksMapper,
  artistAlbumsMapper,
  trackMapper,
  tracksBatchMapper,
} from './catalogue-mappers.js';
import { readPage, type SpotifyClient } from './client.js';
import { withSpotify } from './context.js';
import { alreadyPlanned, publishChildren, type ChildJob } from './fan-out.js';
import { normalizeText } from '../platform/text.js';
import {
  configuredWatchList,
  dedupeWatchList,
  parseWatchEntry,
  SPOTIFY_ID,
  type WatchEntry,
} from './watchlist.js';

export const ALBUM_GROUPS = ['album', 'single', 'compilation', 'appears_on'] as const;
export const DEFAULT_INCLUDE_GROUPS = ALBUM_GROUPS.join(',');

const includeGroupsParam = z
  .string()
  .trim()
  .default(DEFAULT_INCLUDE_GROUPS)
  .refine(
    (s) =>
      s.length > 0 &&
      s.split(',').every((g) => (ALBUM_GROUPS as readonly string[]).includes(g.trim())),
    { message: `a comma-separated subset of ${DEFAULT_INCLUDE_GROUPS}` },
  )
  .transform((s) =>
    unique(
      s
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    ).join(','),
  );

const albumIdParam = z.string().regex(SPOTIFY_ID, 'a Spotify album id (base-62)');
const planIdParam = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/)
  .optional()
  .describe('Run id of the planner that started this fan-out (child run ids derive from it).');

// ---------------------------------------------------------------------------------------
// spotify.artist_albums

export const artistAlbumsParams = z.strictObject({
  artistId: artistIdParam,
  includeGroups: includeGroupsParam,
  market: marketParam,
  maxAlbums: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(200)
    .describe('Most albums listed (and, with fanOut, planned) per run.'),
  fanOut: boolParam
    .default(false)
    .describe('Publish spotify.album_tracks jobs for the listed albums.'),
  albumsPerJob: z.coerce
    .number()
    .int()
    .min(1)
    .max(BATCH.albums)
    .optional()
    .describe(
      'Albums per published job: default 1 in development mode, 20 (one batch GET) in extended.',
    ),
  planId: planIdParam,
});

/** Pages an artist's albums to the end (or maxAlbums) at the tier's page cap. */
export async function listArtistAlbums(
  ctx: JobContext,
  client: SpotifyClient,
  artistId: string,
  includeGroups: string,
  market: string,
  maxAlbums: number,
): Promise<string[]> {
  const cap = client.limits.artistAlbums;
  const ids: string[] = [];
  let offset = 0;
  for (;;) {
    const limit = Math.min(cap, maxAlbums - ids.length);
    const answer = await client.getInMarket(
      `artists/${artistId}/albums`,
      { include_groups: includeGroups, limit, offset },
      market,
    );
    await ingest(ctx, artistAlbumsMapper, answer, {
      artist_id: artistId,
      include_groups: includeGroups,
      market,
      offset,
    });
    const page = readPage(answer);
    for (const item of page.items) {
      if (isRecord(item) && typeof item.id === 'string' && SPOTIFY_ID.test(item.id))
        ids.push(item.id);
    }
    ctx.progress(`albums of ${artistId}`, ids.length, Math.min(page.total, maxAlbums));
    if (
      page.items.length === 0 ||
      page.next === null ||
      offset + page.items.length >= page.total ||
      ids.length >= maxAlbums
    )
      break;
    offset += page.items.length;
  }
  return unique(ids).slice(0, maxAlbums);
}

export const artistAlbumsJob = defineJob({
  name: 'spotify.artist_albums',
  source: 'spotify',
  description:
    "Every album of one artist (include_groups configurable), paged to the end at the tier's cap (10 in development mode, 50 extended); with fanOut it publishes one spotify.album_tracks job per album (per batch of 20 in the extended tier).",
  params: artistAlbumsParams,
  schedules: [],
  run: async (ctx, params) => {
    if (params.fanOut && (await alreadyPlanned(ctx))) {
      return { details: { skipped: 'this run planned its album jobs already' } };
    }
    return withSpotify(ctx, async (client) => {
      const market = params.market ?? client.config.market;
      const albumIds = await listArtistAlbums(
        ctx,
        client,
        params.artistId,
        params.includeGroups,
        market,
        params.maxAlbums,
      );
      ctx.addItems(albumIds.length);
      const details: Record<string, unknown> = {
        artist_id: params.artistId,
        albums: albumIds.length,
      };
      if (params.fanOut) {
        const perJob = params.albumsPerJob ?? (client.limits.batchGets ? BATCH.albums : 1);
        const children: ChildJob[] = chunk(albumIds, perJob).map((ids) => ({
          job: 'spotify.album_tracks',
          params: { albumIds: ids, market },
        }));
        const result = await publishChildren(ctx, children, params.planId ?? ctx.run.runId);
        details.album_jobs = result.runIds.length;
        details.published = result.published;
      }
      return { details };
    });
  },
});

// ---------------------------------------------------------------------------------------
// spotify.album_tracks

export const albumTracksParams = z
  .strictObject({
    albumId: albumIdParam.optional(),
    albumIds: idList(albumIdParam, BATCH.albums).optional(),
    market: marketParam,
    maxTracksPerAlbum: z.coerce.number().int().min(1).max(100_000).default(10_000),
    trackDetails: boolParam
      .default(false)
      .describe(
        'Extended tier: also fetch full tracks (popularity, ISRC) with /tracks?ids= batches of 50.',
      ),
  })
  .refine((p) => p.albumId !== undefined || p.albumIds !== undefined, {
    message: 'albumId or albumIds is required',
  })
  .transform((p) => ({
    ...p,
    albumIds: unique([...(p.albumId ? [p.albumId] : []), ...(p.albumIds ?? [])]).slice(
      0,
      BATCH.albums,
    ),
  }));

/** Pages /albums/{id}/tracks after the first page the album lookup already returned. */
async function remainingTracks(
  ctx: JobContext,
  client: SpotifyClient,
  albumId: string,
  firstPage: unknown,
  market: string,
  maxTracks: number,
): Promise<string[]> {
  const ids: string[] = [];
  const collect = (items: unknown[]) => {
    for (const t of items)
      if (isRecord(t) && typeof t.id === 'string' && SPOTIFY_ID.test(t.id)) ids.push(t.id);
  };
  if (!isRecord(firstPage) || !Array.isArray(firstPage.items)) return ids;
  collect(firstPage.items);
  let offset = firstPage.items.length;
  let next = typeof firstPage.next === 'string' ? firstPage.next : null;
  const total = typeof firstPage.total === 'number' ? firstPage.total : offset;
  const cap = client.limits.albumTracks;
  while (next !== null && offset < total && offset < maxTracks) {
    const answer = await client.getInMarket(
      `albums/${albumId}/tracks`,
      { limit: cap, offset },
      market,
    );
    await ingest(ctx, albumTracksMapper, answer, { album_id: albumId, market, offset });
    const page = readPage(answer);
    collect(page.items);
    ctx.progress(`tracks of ${albumId}`, offset + page.items.length, page.total);
    if (page.items.length === 0) break;
    offset += page.items.length;
    next = page.next;
  }
  return ids;
}

export const albumTracksJob = defineJob({
  name: 'spotify.album_tracks',
  source: 'spotify',
  description:
    'Every track of one album (or of up to 20 albums) with every credited artist: the album lookup carries the first 50 tracks (GET /albums/{id}, or /albums?ids= batches of 20 in the extended tier), the rest is paged from /albums/{id}/tracks at 50.',
  params: albumTracksParams,
  schedules: [],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const market = params.market ?? client.config.market;
      const ids = params.albumIds;
      const albums: Array<{ id: string; tracks: unknown }> = [];
      let missing = 0;
      if (client.limits.batchGets && ids.length > 1) {
        const answer = await client.getInMarket('albums', { ids: ids.join(',') }, market);
        await ingest(ctx, albumsBatchMapper, answer, { ids, market });
        const list =
          isRecord(answer.body) && Array.isArray(answer.body.albums) ? answer.body.albums : [];
        for (const album of list) {
          if (isRecord(album) && typeof album.id === 'string')
            albums.push({ id: album.id, tracks: album.tracks });
          else missing += 1;
        }
      } else {
        for (const id of ids) {
          try {
            const answer = await client.getInMarket(`albums/${id}`, {}, market);
            await ingest(ctx, albumMapper, answer, { market });
            albums.push({ id, tracks: isRecord(answer.body) ? answer.body.tracks : undefined });
          } catch (error) {
            if (!isNotFound(error)) throw error;
            missing += 1;
            ctx.quality.count('spotify_albums', 'not_found', `album ${id}`);
          }
        }
      }
      const trackIds: string[] = [];
      for (const album of albums) {
        trackIds.push(
          ...(await remainingTracks(
            ctx,
            client,
            album.id,
            album.tracks,
            market,
            params.maxTracksPerAlbum,
          )),
        );
      }
      if (params.trackDetails && client.limits.batchGets) {
        for (const part of chunk(unique(trackIds), BATCH.tracks)) {
          const answer = await client.getInMarket('tracks', { ids: part.join(',') }, market);
          await ingest(ctx, tracksBatchMapper, answer, { ids: part, market });
        }
      } else if (params.trackDetails) {
        ctx.log.warn('trackDetails ignored: /tracks?ids= is not available in development mode', {
          tier: client.config.tier,
        });
      }
      ctx.addItems(trackIds.length);
      return {
        details: { albums: albums.length, not_found: missing, tracks: trackIds.length },
      };
    }),
});

// ---------------------------------------------------------------------------------------
// spotify.tracks

export const tracksParams = z.strictObject({
  trackIds: idList(z.string().regex(SPOTIFY_ID), 500),
  market: marketParam,
});

export const tracksJob = defineJob({
  name: 'spotify.tracks',
  source: 'spotify',
  description:
    'Full track objects by id: GET /tracks/{id} per track in development mode, /tracks?ids= batches of 50 in the extended tier.',
  params: tracksParams,
  schedules: [],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const market = params.market ?? client.config.market;
      const ids = unique(params.trackIds);
      if (client.limits.batchGets) {
        for (const part of chunk(ids, BATCH.tracks)) {
          const answer = await client.getInMarket('tracks', { ids: part.join(',') }, market);
          await ingest(ctx, tracksBatchMapper, answer, { ids: part, market });
        }
      } else {
        for (const id of ids) {
          try {
            const answer = await client.getInMarket(`tracks/${id}`, {}, market);
            await ingest(ctx, trackMapper, answer, { market });
          } catch (error) {
            if (!isNotFound(error)) throw error;
            ctx.quality.count('spotify_tracks', 'not_found', `track ${id}`);
          }
        }
      }
      ctx.addItems(ids.length);
      return { details: { tracks: ids.length } };
    }),
});

// ---------------------------------------------------------------------------------------
// spotify.artist_catalog (planner)

const watchEntryParam = z.union([
  z.string().trim().min(1).max(200),
  z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    id: artistIdParam.optional(),
  }),
]);

export const MAX_PLANNED_ARTISTS = 500;

export const artistCatalogParams = z.strictObject({
  artists: z
    .array(watchEntryParam)
    .min(1)
    .max(MAX_PLANNED_ARTISTS * 2)
    .optional()
    .describe(
      'Watch list for this run ("Name", "spotify:artist:<id>", "Name|<id>" or {name, id}); default SPOTIFY_ARTIST_WATCHLIST, else the built-in list.',
    ),
  market: marketParam,
  maxArtists: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PLANNED_ARTISTS)
    .default(50)
    .describe('Most artists one run plans; the rest of the watch list is reported, not planned.'),
  maxAlbumsPerArtist: z.coerce.number().int().min(1).max(1000).default(100),
  includeGroups: includeGroupsParam,
  topTracks: boolParam
    .default(true)
    .describe('Extended tier: also plan spotify.artist_top_tracks.'),
  searchDepth: z.coerce.number().int().min(1).max(50).default(10),
  refreshResolutions: boolParam
    .default(false)
    .describe('Search names again even if an earlier run resolved them.'),
});

export const artistCatalogJob = defineJob({
  name: 'spotify.artist_catalog',
  source: 'spotify',
  description:
    'Planner: resolves the watch list (cached name → id), then publishes spotify.artist profile jobs (50 ids each), one spotify.artist_albums job per artist (which fans out one spotify.album_tracks job per album) and, in the extended tier, spotify.artist_top_tracks. Bounded by maxArtists; idempotent per run id.',
  params: artistCatalogParams,
  schedules: [
    {
      id: 'spotify-artist-catalog-daily',
      cron: '0 4 * * *',
      timeZone: 'Asia/Seoul',
      params: {},
      description: 'Daily catalogue of the configured artist watch list (default ~30 artists).',
    },
  ],
  run: async (ctx, params) => {
    if (await alreadyPlanned(ctx)) {
      return { details: { skipped: 'this run planned its jobs already' } };
    }
    const entries = dedupeWatchList(
      params.artists
        ? params.artists.map((a) => parseWatchEntry(a))
        : configuredWatchList(ctx.services.env),
    );
    const planned = entries.slice(0, params.maxArtists);
    const notPlanned = entries.length - planned.length;
    if (notPlanned > 0) {
      ctx.log.warn('watch list longer than maxArtists; the rest is not planned this run', {
        watch_list: entries.length,
        max_artists: params.maxArtists,
        not_planned: notPlanned,
      });
    }
    return withSpotify(ctx, async (client) => {
      const market = params.market ?? client.config.market;
      const ids = await resolveWatchList(ctx, client, planned, market, params);
      const artistIds = unique(ids.map((r) => r.id).filter((id): id is string => id !== null));
      const unresolved = ids.filter((r) => r.id === null).map((r) => r.entry.name);
      if (artistIds.length === 0 && planned.length > 0) {
        throw new PermanentError(
          `no artist of the watch list could be resolved in market ${market}: ${unresolved.join(', ')}`,
        );
      }
      const children: ChildJob[] = [];
      for (const part of chunk(artistIds, BATCH.artists))
        children.push({ job: 'spotify.artist', params: { artistIds: part } });
      for (const artistId of artistIds) {
        children.push({
          job: 'spotify.artist_albums',
          params: {
            artistId,
            includeGroups: params.includeGroups,
            market,
            maxAlbums: params.maxAlbumsPerArtist,
            fanOut: true,
            planId: ctx.run.runId,
          },
        });
      }
      const topTracks = params.topTracks && client.limits.topTracks;
      if (topTracks) {
        for (const part of chunk(artistIds, BATCH.artists))
          children.push({ job: 'spotify.artist_top_tracks', params: { artistIds: part, market } });
      }
      const result = await publishChildren(ctx, children);
      ctx.addItems(artistIds.length);
      return {
        details: {
          watch_list: entries.length,
          planned_artists: artistIds.length,
          not_planned: notPlanned,
          unresolved,
          jobs: result.runIds.length,
          published: result.published,
          ...(params.topTracks && !topTracks ? { top_tracks: TOP_TRACKS_UNAVAILABLE } : {}),
        },
      };
    });
  },
});

async function resolveWatchList(
  ctx: JobContext,
  client: SpotifyClient,
  entries: readonly WatchEntry[],
  market: string,
  params: { refreshResolutions: boolean; searchDepth: number },
): Promise<Array<{ entry: WatchEntry; id: string | null }>> {
  const cache = params.refreshResolutions ? {} : await readResolutionCache(ctx, market);
  const fresh: ArtistChoice[] = [];
  const out: Array<{ entry: WatchEntry; id: string | null }> = [];
  for (const entry of entries) {
    if (entry.id !== null) {
      out.push({ entry, id: entry.id });
      continue;
    }
    const name = entry.name ?? '';
    const cached = cache[normalizeText(name)];
    if (cached) {
      out.push({ entry, id: cached.artistId });
      continue;
    }
    const choice = await resolveArtist(ctx, client, name, market, params.searchDepth);
    fresh.push(choice);
    out.push({ entry, id: choice.chosen?.artistId ?? null });
  }
  await rememberResolutions(ctx, market, fresh);
  return out;
}

export const catalogueJobs = [artistAlbumsJob, albumTracksJob, tracksJob, artistCatalogJob];
