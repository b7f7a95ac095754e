// spotify.artist_albums: every album of one artist, paged to the end at the tier's cap; with
// fanOut it publishes one spotify.album_tracks job per album (per batch of 20 in the
// extended tier).
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
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
import { albumSignature, unchangedAlbums } from './known-albums.js';
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
  full: boolParam
    .default(false)
    .describe(
      'With fanOut: publish album jobs for every album, not only new or changed ones (the periodic full refresh).',
    ),
});

/** Where the listing got to: albums before `offset` are listed (`done`: all of them). */
const listingPosition = z.object({
  offset: z.number().int().nonnegative(),
  ids: z.array(z.string()),
  signatures: z.record(z.string(), z.string()),
  done: z.boolean().default(false),
});

/**
 * Pages an artist's albums to the end (or maxAlbums, counted when it cuts) at the tier's cap.
 * Saves its position before each page, so a redelivered run (deferred at its deadline, or
 * killed) goes on from the page it had not landed.
 */
async function listArtistAlbums(
  ctx: JobContext,
  client: SpotifyClient,
  artistId: string,
  includeGroups: string,
  market: string,
  maxAlbums: number,
  /** Filled with each listed album's signature (known-albums.ts). */
  signatures: Map<string, string> = new Map(),
): Promise<string[]> {
  const checkpoint = await openCheckpoint(ctx, 'albums', listingPosition);
  const resumed = checkpoint.resumed;
  const ids: string[] = [...(resumed?.ids ?? [])];
  for (const [id, signature] of Object.entries(resumed?.signatures ?? {}))
    signatures.set(id, signature);
  const position = (offset: number, done = false) => ({
    offset,
    ids: [...ids],
    signatures: Object.fromEntries(signatures),
    done,
  });
  const start = resumed?.offset ?? 0;
  if (!resumed?.done) {
    const walk = await walkOffsetPages({
      pageSize: client.limits.artistAlbums,
      startOffset: start,
      maxItems: Math.max(1, maxAlbums - start),
      // Everything before `offset` is landed: where a redelivery starts.
      beforePage: (offset) => checkpoint.save(position(offset)),
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
        for (const item of items) {
          if (isRecord(item) && typeof item.id === 'string' && SPOTIFY_ID.test(item.id)) {
            ids.push(item.id);
            const signature = albumSignature(item);
            if (signature !== null) signatures.set(item.id, signature);
          }
        }
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
    // Listed: a redelivery (killed while publishing) goes straight to the fan-out.
    await checkpoint.save(position(start + walk.items, true));
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
      const signatures = new Map<string, string>();
      const albumIds = await listArtistAlbums(
        ctx,
        client,
        params.artistId,
        params.includeGroups,
        market,
        params.maxAlbums,
        signatures,
      );
      ctx.addItems(albumIds.length);
      const details: Record<string, unknown> = {
        artist_id: params.artistId,
        albums: albumIds.length,
      };
      if (params.fanOut) {
        const perJob = params.albumsPerJob ?? (client.limits.batchGets ? BATCH.albums : 1);
        // Incremental: albums collected as they look now need no lookup (unless full).
        const unchanged = params.full
          ? new Set<string>()
          : await unchangedAlbums(await ctx.services.state(), market, signatures);
        const toCollect = albumIds.filter((id) => !unchanged.has(id));
        details.unchanged_albums = unchanged.size;
        const children: ChildJob[] = chunk(toCollect, perJob).map((ids) =>
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
