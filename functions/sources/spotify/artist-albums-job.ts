// spotify.artist_albums: every album of one artist, paged to the end at the tier's cap; with
// fanOut it publishes one spotify.album_tracks job per album (per batch of 20 in the
// extended tier).
import { z } from 'zod';
import { defineJob, type JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import { artistAlbumsMapper } from './catalogue-mappers.js';
import { readPage, type SpotifyClient } from './client.js';
import { spotifyArtistAlbums } from './catalogue-tables.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { withSpotify } from './context.js';
import { alreadyPlanned, childJob, publishChildren, type ChildJob } from '../../core/fan-out.js';
import { albumTracksJob } from './album-tracks-job.js';
import {
  artistIdParam,
  BATCH,
  boolParam,
  chunk,
  includeGroupsParam,
  marketParam,
  planIdParam,
  unique,
} from './job-params.js';
import { SPOTIFY_ID } from './watchlist.js';

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

/** Pages an artist's albums to the end (or maxAlbums, counted when it cuts) at the tier's cap. */
async function listArtistAlbums(
  ctx: JobContext,
  client: SpotifyClient,
  artistId: string,
  includeGroups: string,
  market: string,
  maxAlbums: number,
): Promise<string[]> {
  const ids: string[] = [];
  const walk = await walkOffsetPages({
    pageSize: client.limits.artistAlbums,
    maxItems: maxAlbums,
    fetch: async (offset, limit) => {
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
      return readPage(answer);
    },
    visit: (items) => {
      for (const item of items)
        if (isRecord(item) && typeof item.id === 'string' && SPOTIFY_ID.test(item.id))
          ids.push(item.id);
      ctx.progress(`albums of ${artistId}`, ids.length);
    },
    stop: runStopRules(ctx),
    report: {
      quality: ctx.quality,
      table: spotifyArtistAlbums.name,
      what: `albums of artist ${artistId}`,
    },
  });
  deferIfStopped(walk, `albums of artist ${artistId}`);
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
        const children: ChildJob[] = chunk(albumIds, perJob).map((ids) =>
          childJob(albumTracksJob, { albumIds: ids, market }),
        );
        const result = await publishChildren(ctx, children, params.planId ?? ctx.run.runId);
        details.album_jobs = result.runIds.length;
        details.published = result.published;
      }
      return { details };
    });
  },
});
