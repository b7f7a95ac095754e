// spotify.album_tracks: every track of one album (or of up to 20 albums) with every credited
// artist. The album lookup carries the first 50 tracks; the rest is paged from
// /albums/{id}/tracks. An album Spotify does not know is counted, not fatal.
import { z } from 'zod';
import { spotifyAlbums, spotifyTracks } from './catalogue-tables.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import { albumMapper, albumsBatchMapper, albumTracksMapper } from './catalogue-mappers.js';
import { embeddedPage, readPage, type SpotifyClient } from './client.js';
import { withSpotify } from './context.js';
import { fetchEach } from './fetch-each.js';
import { albumIdParam, BATCH, boolParam, idList, marketParam, unique } from './job-params.js';
import { fetchTrackBatches } from './tracks-job.js';
import { SPOTIFY_ID } from './watchlist.js';

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
  album: unknown,
  market: string,
  maxTracks: number,
): Promise<string[]> {
  const ids: string[] = [];
  const first = embeddedPage(album, 'tracks');
  if (!first) return ids;
  const walk = await walkOffsetPages({
    pageSize: client.limits.albumTracks,
    first,
    maxItems: maxTracks,
    fetch: async (offset, limit) => {
      const answer = await client.getInMarket(
        `albums/${albumId}/tracks`,
        { limit, offset },
        market,
      );
      await ingest(ctx, albumTracksMapper, answer, { album_id: albumId, market, offset });
      return readPage(answer);
    },
    visit: (items, offset) => {
      for (const t of items)
        if (isRecord(t) && typeof t.id === 'string' && SPOTIFY_ID.test(t.id)) ids.push(t.id);
      ctx.progress(`tracks of ${albumId}`, offset + items.length);
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: spotifyTracks.name, what: `album ${albumId} tracks` },
  });
  deferIfStopped(walk, `tracks of album ${albumId}`);
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
            albums.push({ id: album.id, tracks: album });
          else missing += 1;
        }
      } else {
        missing = await fetchEach(
          ctx,
          ids,
          { table: spotifyAlbums.name, kind: 'album' },
          async (id) => {
            const answer = await client.getInMarket(`albums/${id}`, {}, market);
            await ingest(ctx, albumMapper, answer, { market });
            albums.push({ id, tracks: answer.body });
          },
        );
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
        await fetchTrackBatches(ctx, client, unique(trackIds), market);
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
