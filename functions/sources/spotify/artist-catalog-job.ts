// spotify.artist_catalog, the planner: resolves the watch list (cached name → id), then
// publishes profile jobs, one spotify.artist_albums job per artist (which fans out one
// spotify.album_tracks job per album) and, in the extended tier, top tracks.
import { z } from 'zod';
import { defineJob } from '../../core/job.js';
import { PermanentError } from '../../platform/errors.js';
import { TOP_TRACKS_UNAVAILABLE } from './artist-jobs.js';
import { resolveWatchList } from './artist-resolution.js';
import { withSpotify } from './context.js';
import { alreadyPlanned, publishChildren, type ChildJob } from '../../core/fan-out.js';
import {
  artistIdParam,
  BATCH,
  boolParam,
  chunk,
  includeGroupsParam,
  marketParam,
  unique,
} from './job-params.js';
import { configuredWatchList, dedupeWatchList, parseWatchEntry } from './watchlist.js';

const watchEntryParam = z.union([
  z.string().trim().min(1).max(200),
  z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    id: artistIdParam.optional(),
  }),
]);

const MAX_PLANNED_ARTISTS = 500;

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
