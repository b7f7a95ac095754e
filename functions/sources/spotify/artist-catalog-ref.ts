// spotify.artist_catalog as others name it (core/job.ts JobRef): its name and parameter
// schema, apart from the planner, so the chatbot can publish it with checked params
// without loading the planner and its client.
import { z } from 'zod';
import { jobRef } from '../../core/job.js';
import { artistIdParam, boolParam, includeGroupsParam, marketParam } from './job-params.js';

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

export const artistCatalogRef = jobRef('spotify.artist_catalog', artistCatalogParams);
