// spotify.tracks: full track objects by id (popularity, ISRC). The extended tier asks
// /tracks?ids= in batches of 50 (also used by spotify.album_tracks' trackDetails);
// development mode has only GET /tracks/{id}.
import { z } from 'zod';
import { openCheckpoint, type Checkpoint } from '../../core/checkpoint.js';
import { spotifyTracks } from './catalogue-tables.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { ingest } from '../../core/ingest.js';
import { trackMapper, tracksBatchMapper } from './catalogue-mappers.js';
import type { SpotifyClient } from './client.js';
import { withSpotify } from './context.js';
import { eachPart, eachPosition, fetchEach, type EachPosition } from './fetch-each.js';
import { BATCH, chunk, idList, marketParam, unique } from './job-params.js';
import { SPOTIFY_ID } from './watchlist.js';

/**
 * Extended tier: the full tracks in /tracks?ids= batches of 50, from the batch `checkpoint`
 * says an earlier delivery had not fetched.
 */
export async function fetchTrackBatches(
  ctx: JobContext,
  client: SpotifyClient,
  ids: readonly string[],
  market: string,
  checkpoint: Checkpoint<EachPosition>,
): Promise<void> {
  await eachPart(chunk(ids, BATCH.tracks), checkpoint, async (part) => {
    const answer = await client.getInMarket('tracks', { ids: part.join(',') }, market);
    await ingest(ctx, tracksBatchMapper, answer, { ids: part, market });
  });
}

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
      // A redelivered run starts at the track (or batch) it had not fetched.
      const checkpoint = await openCheckpoint(ctx, 'tracks', eachPosition);
      if (client.limits.batchGets) {
        await fetchTrackBatches(ctx, client, ids, market, checkpoint);
      } else {
        await fetchEach(
          ctx,
          ids,
          { table: spotifyTracks.name, kind: 'track' },
          async (id) => {
            const answer = await client.getInMarket(`tracks/${id}`, {}, market);
            await ingest(ctx, trackMapper, answer, { market });
          },
          (done) => ctx.progress('tracks', done, ids.length),
          checkpoint,
        );
      }
      ctx.addItems(ids.length);
      return { details: { tracks: ids.length } };
    }),
});
