// spotify.artist_catalog, the planner: resolves the watch list (cached name → id), then
// publishes profile jobs, one spotify.artist_albums job per artist (which fans out one
// spotify.album_tracks job per album) and, in the extended tier, top tracks.
import { defineJob } from '../../core/job.js';
import { PermanentError } from '../../platform/errors.js';
import { alreadyPlanned, childJob, publishChildren, type ChildJob } from '../../core/fan-out.js';
import { artistAlbumsJob } from './artist-albums-job.js';
import { artistCatalogRef } from './artist-catalog-ref.js';
import { artistJob, artistTopTracksJob, TOP_TRACKS_UNAVAILABLE } from './artist-jobs.js';
import { resolveWatchList } from './artist-resolution.js';
import { withSpotify } from './context.js';
import { BATCH, chunk, unique } from './job-params.js';
import { configuredWatchList, dedupeWatchList, parseWatchEntry } from './watchlist.js';

export const artistCatalogJob = defineJob({
  ...artistCatalogRef,
  source: 'spotify',
  description:
    'Planner: resolves the watch list (cached name → id), then publishes spotify.artist profile jobs (50 ids each), one spotify.artist_albums job per artist (which fans out one spotify.album_tracks job per album) and, in the extended tier, spotify.artist_top_tracks. Bounded by maxArtists; idempotent per run id.',
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
        children.push(childJob(artistJob, { artistIds: part }));
      for (const artistId of artistIds) {
        children.push(
          childJob(artistAlbumsJob, {
            artistId,
            includeGroups: params.includeGroups,
            market,
            maxAlbums: params.maxAlbumsPerArtist,
            fanOut: true,
            planId: ctx.run.runId,
          }),
        );
      }
      const topTracks = params.topTracks && client.limits.topTracks;
      if (topTracks) {
        for (const part of chunk(artistIds, BATCH.artists))
          children.push(childJob(artistTopTracksJob, { artistIds: part, market }));
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
