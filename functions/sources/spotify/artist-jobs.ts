// Artist jobs: name → artist resolution (spotify.artist_search), artist profiles
// (spotify.artist: one GET per artist in development mode, /artists?ids= batches of 50 in
// the extended tier) and top tracks (spotify.artist_top_tracks: extended tier only).
import { z } from 'zod';
import { spotifyArtists } from './catalogue-tables.js';
import { openCheckpoint } from '../../core/checkpoint.js';
import { defineJob } from '../../core/job.js';
import { ingest } from '../../core/ingest.js';
import {
  rememberResolutions,
  resolveArtist,
  resolvedName,
  resolvedSoFar,
} from './artist-resolution.js';
import { artistMapper, artistsBatchMapper, artistTopTracksMapper } from './catalogue-mappers.js';
import { withSpotify } from './context.js';
import { eachPart, eachPosition, fetchEach } from './fetch-each.js';
import { artistIdParam, BATCH, chunk, idList, marketParam, unique } from './job-params.js';

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
      // A redelivered run goes on with the first name it had not resolved (core/checkpoint.ts).
      const checkpoint = await openCheckpoint(ctx, 'names', resolvedSoFar);
      const choices = [...(checkpoint.resumed?.resolved ?? [])];
      for (const name of params.names.slice(choices.length)) {
        await checkpoint.save({ resolved: choices });
        choices.push(resolvedName(await resolveArtist(ctx, client, name, market, params.depth)));
        ctx.progress('artist names', choices.length, params.names.length);
      }
      await rememberResolutions(ctx, market, choices);
      ctx.addItems(choices.length);
      return {
        details: {
          resolved: choices.map((c) => ({
            query: c.query,
            artist_id: c.artistId,
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
      // A redelivered run starts at the artist (or batch) it had not fetched.
      const checkpoint = await openCheckpoint(ctx, 'artists', eachPosition);
      let missing = 0;
      if (client.limits.batchGets) {
        await eachPart(chunk(ids, BATCH.artists), checkpoint, async (part, i) => {
          const answer = await client.get('artists', { ids: part.join(',') });
          await ingest(ctx, artistsBatchMapper, answer, { ids: part });
          ctx.progress('artists', Math.min(ids.length, (i + 1) * BATCH.artists), ids.length);
        });
      } else {
        missing = await fetchEach(
          ctx,
          ids,
          { table: spotifyArtists.name, kind: 'artist' },
          async (id) => {
            const answer = await client.get(`artists/${id}`);
            await ingest(ctx, artistMapper, answer, {});
          },
          (done) => ctx.progress('artists', done, ids.length),
          checkpoint,
        );
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
      // A redelivered run starts at the artist it had not fetched.
      const checkpoint = await openCheckpoint(ctx, 'artists', eachPosition);
      await eachPart(ids, checkpoint, async (id, i) => {
        const answer = await client.getInMarket(`artists/${id}/top-tracks`, {}, market);
        const mapped = await ingest(ctx, artistTopTracksMapper, answer, {
          artist_id: id,
          market,
        });
        ctx.addItems(mapped[0]?.rows.length ?? 0);
        ctx.progress('artists', i + 1, ids.length);
      });
      return { details: { artists: ids.length, market } };
    }),
});

export const artistJobs = [artistSearchJob, artistJob, artistTopTracksJob];
