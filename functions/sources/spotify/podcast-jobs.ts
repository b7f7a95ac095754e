// The podcast slice of the source design: (a) the first N shows for a search term,
// (b) every episode of a show chosen by id or by exact normalised name, collected
// incrementally with a weekly full pass (podcast-episodes.ts), (c) episodes mentioning a
// term (spotify_episode_mentions + the spotify_episodes_mentioning_terms view).
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
import { defineJob } from '../../core/job.js';
import { SEARCH_MAX_OFFSET } from './config.js';
import { withSpotify } from './context.js';
import { boolParam, marketParam } from './job-params.js';
import { collectShowEpisodes } from './podcast-episodes.js';
import { searchPosition, searchShows } from './podcast-search.js';

const market = marketParam;

export const podcastShowsParams = z.strictObject({
  term: z.string().trim().min(1).max(200).default('data hackers'),
  limit: z.coerce.number().int().min(1).max(SEARCH_MAX_OFFSET).default(50),
  market,
});

export const podcastEpisodesParams = z
  .strictObject({
    showId: z
      .string()
      .regex(/^[0-9A-Za-z]{1,64}$/)
      .optional(),
    showName: z.string().trim().min(1).max(200).optional(),
    terms: z.array(z.string().trim().min(1).max(200)).max(20).default(['Grupo Boticário']),
    searchDepth: z.coerce.number().int().min(1).max(SEARCH_MAX_OFFSET).default(50),
    maxEpisodes: z.coerce.number().int().positive().default(100_000),
    market,
    full: boolParam
      .default(false)
      .describe(
        'Walk every page of the show (the weekly full pass); otherwise stop at the first page holding episodes a complete run already collected.',
      ),
  })
  .transform((p) => ({ ...p, showName: p.showId ? p.showName : (p.showName ?? 'Data Hackers') }));

export const podcastShowsJob = defineJob({
  name: 'spotify.podcast_shows',
  source: 'spotify',
  description: 'The first `limit` podcast shows Spotify finds for `term` (source design table 5).',
  params: podcastShowsParams,
  schedules: [
    {
      id: 'spotify-podcast-shows-daily',
      cron: '0 6 * * *',
      timeZone: 'America/Sao_Paulo',
      params: { term: 'data hackers', limit: 50 },
      description: 'Daily snapshot of the "data hackers" show search.',
    },
  ],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const marketCode = params.market ?? client.config.market;
      // A run deferred at its deadline (or killed) resumes at the search page it got to.
      const checkpoint = await openCheckpoint(ctx, 'shows', searchPosition);
      const seen = await searchShows(
        ctx,
        client,
        params.term,
        params.limit,
        marketCode,
        () => false,
        checkpoint,
      );
      ctx.addItems(seen);
      return { details: { term: params.term, shows: seen } };
    }),
});

const EPISODES_DAILY = { showName: 'Data Hackers', terms: ['Grupo Boticário'] };

export const podcastEpisodesJob = defineJob({
  name: 'spotify.podcast_episodes',
  source: 'spotify',
  description:
    'Every episode of one show (by showId, or by exact normalised showName), and which episodes mention the watched terms (source design tables 6 and 7). Incremental: pages only until episodes a complete run collected; full walks every page (weekly schedule).',
  params: podcastEpisodesParams,
  schedules: [
    {
      id: 'spotify-podcast-episodes-daily',
      cron: '30 6 * * 1-6',
      timeZone: 'America/Sao_Paulo',
      params: EPISODES_DAILY,
      description:
        'Daily (Monday to Saturday) incremental collection of new Data Hackers episodes and their Grupo Boticário mentions.',
    },
    {
      id: 'spotify-podcast-episodes-full-weekly',
      cron: '30 6 * * 0',
      timeZone: 'America/Sao_Paulo',
      params: { ...EPISODES_DAILY, full: true },
      description:
        'Weekly full pass over every Data Hackers episode: refreshes every row and finds removed episodes.',
    },
  ],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => ({
      details: await collectShowEpisodes(
        ctx,
        client,
        params,
        params.market ?? client.config.market,
      ),
    })),
});

export const podcastJobs = [podcastShowsJob, podcastEpisodesJob];
