// spotify.album_tracks: every track of one album (or of up to 20 albums) with every credited
// artist. The album lookup carries the first 50 tracks; the rest is paged from
// /albums/{id}/tracks. An album Spotify does not know is counted, not fatal.
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
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
import { rememberAlbums } from './known-albums.js';
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

/** An album looked up: what the tracks walk and the incremental record need of it. */
const lookedUpAlbum = z.object({
  id: z.string(),
  total_tracks: z.number().optional(),
  release_date: z.string().optional(),
  /** Offset of the next tracks page to fetch; null when the album's tracks are all in. */
  next: z.number().int().nonnegative().nullable(),
});
type LookedUpAlbum = z.infer<typeof lookedUpAlbum>;

/**
 * Where a run got to: `looked` ids looked up (the albums found among them in `albums`, each
 * with the offset its tracks walk got to), the track ids seen, and the /tracks?ids= batches
 * fetched. Saved before every request, so a redelivered run resumes at the request it had
 * not landed, with nothing fetched twice.
 */
const albumsPosition = z.object({
  looked: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  albums: z.array(lookedUpAlbum),
  trackIds: z.array(z.string()),
  details: z.number().int().nonnegative().default(0),
});
type AlbumsPosition = z.infer<typeof albumsPosition>;

const trackIdsOf = (items: readonly unknown[]) =>
  items.flatMap((t) =>
    isRecord(t) && typeof t.id === 'string' && SPOTIFY_ID.test(t.id) ? [t.id] : [],
  );

/**
 * What a looked-up album contributes before its tracks walk: the embedded first page's track
 * ids and where the walk goes on (the rules walkOffsetPages applies to a first page in hand:
 * on only after a full page with `next`, and not past maxTracks, which is counted).
 */
function lookedUp(
  ctx: JobContext,
  album: unknown,
  id: string,
  maxTracks: number,
): { album: LookedUpAlbum; trackIds: string[] } {
  const first = embeddedPage(album, 'tracks');
  const body = isRecord(album) ? album : {};
  const info = {
    id,
    ...(typeof body.total_tracks === 'number' ? { total_tracks: body.total_tracks } : {}),
    ...(typeof body.release_date === 'string' ? { release_date: body.release_date } : {}),
  };
  if (!first) return { album: { ...info, next: null }, trackIds: [] };
  const ids = trackIdsOf(first.items);
  ctx.progress(`tracks of ${id}`, first.items.length);
  const more = first.next !== null && first.items.length > 0;
  if (more && first.items.length >= maxTracks) {
    ctx.quality.count(
      spotifyTracks.name,
      'page_cap_reached',
      `album ${id} tracks: stopped at ${first.items.length} items (cap ${maxTracks})`,
    );
    return { album: { ...info, next: null }, trackIds: ids };
  }
  return { album: { ...info, next: more ? first.items.length : null }, trackIds: ids };
}

/** Pages /albums/{id}/tracks from `album.next` (the first page came with the lookup). */
async function remainingTracks(
  ctx: JobContext,
  client: SpotifyClient,
  album: LookedUpAlbum,
  market: string,
  maxTracks: number,
  save: (offset: number) => Promise<void>,
  found: (ids: readonly string[]) => void,
): Promise<void> {
  if (album.next === null) return;
  const walk = await walkOffsetPages({
    pageSize: client.limits.albumTracks,
    startOffset: album.next,
    maxItems: maxTracks - album.next,
    beforePage: save,
    fetch: async (offset, limit) => {
      const answer = await client.getInMarket(
        `albums/${album.id}/tracks`,
        { limit, offset },
        market,
      );
      await ingest(ctx, albumTracksMapper, answer, { album_id: album.id, market, offset });
      return readPage(answer);
    },
    visit: (items, offset) => {
      found(trackIdsOf(items));
      ctx.progress(`tracks of ${album.id}`, offset + items.length);
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: spotifyTracks.name, what: `album ${album.id} tracks` },
  });
  deferIfStopped(walk, `tracks of album ${album.id}`);
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
      const max = params.maxTracksPerAlbum;
      // A redelivered run resumes at the request it had not landed (core/checkpoint.ts).
      const checkpoint = await openCheckpoint(ctx, 'albums', albumsPosition);
      const at: AlbumsPosition = checkpoint.resumed ?? {
        looked: 0,
        missing: 0,
        albums: [],
        trackIds: [],
        details: 0,
      };
      // A copy: `at` goes on changing after the save.
      const save = () => checkpoint.save(structuredClone(at));
      const add = (album: unknown, id: string) => {
        const { album: info, trackIds } = lookedUp(ctx, album, id, max);
        at.albums.push(info);
        at.trackIds.push(...trackIds);
      };
      if (client.limits.batchGets && ids.length > 1) {
        if (at.looked === 0) {
          await save();
          const answer = await client.getInMarket('albums', { ids: ids.join(',') }, market);
          await ingest(ctx, albumsBatchMapper, answer, { ids, market });
          const list =
            isRecord(answer.body) && Array.isArray(answer.body.albums) ? answer.body.albums : [];
          for (const album of list) {
            if (isRecord(album) && typeof album.id === 'string') add(album, album.id);
            else at.missing += 1;
          }
          at.looked = ids.length;
        }
      } else {
        at.missing = await fetchEach(
          ctx,
          ids,
          { table: spotifyAlbums.name, kind: 'album' },
          async (id) => {
            const answer = await client.getInMarket(`albums/${id}`, {}, market);
            await ingest(ctx, albumMapper, answer, { market });
            add(answer.body, id);
          },
          (done) => {
            at.looked = done;
          },
          {
            resumed: { next: at.looked, missing: at.missing },
            save: async ({ missing }) => {
              at.missing = missing;
              await save();
            },
          },
        );
      }
      for (const album of at.albums) {
        await remainingTracks(
          ctx,
          client,
          album,
          market,
          max,
          async (offset) => {
            album.next = offset;
            await save();
          },
          (found) => at.trackIds.push(...found),
        );
        album.next = null;
      }
      if (params.trackDetails && client.limits.batchGets) {
        await fetchTrackBatches(ctx, client, unique(at.trackIds), market, {
          resumed: { next: at.details, missing: 0 },
          save: async ({ next }) => {
            at.details = next;
            await save();
          },
        });
      } else if (params.trackDetails) {
        ctx.log.warn('trackDetails ignored: /tracks?ids= is not available in development mode', {
          tier: client.config.tier,
        });
      }
      ctx.addItems(at.trackIds.length);
      // Every track of these albums is collected: the next incremental plan may skip them.
      await rememberAlbums(await ctx.services.state(), market, at.albums, ctx.clock.now());
      return {
        details: { albums: at.albums.length, not_found: at.missing, tracks: at.trackIds.length },
      };
    }),
});
