// The podcast slice of the source design: (a) the first N shows for a search term,
// (b) every episode of a show chosen by id or by exact normalised name, (c) episodes
// mentioning a term (spotify_episode_mentions + the spotify_episodes_mentioning_terms view).
import { z } from 'zod';
import { defineJob, type JobContext } from '../../core/job.js';
import { PermanentError } from '../../platform/errors.js';
import { ingest } from '../../core/ingest.js';
import { normalizeText } from '../../platform/text.js';
import { spotifyEpisodes, spotifyShows } from './podcast-tables.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { embeddedPage, readPage, type Page, type SpotifyClient } from './client.js';
import { SEARCH_MAX_OFFSET } from './config.js';
import { withSpotify } from './context.js';
import { marketParam } from './job-params.js';
import { showEpisodesMapper, showMapper, showSearchMapper } from './podcast-mappers.js';
import { isRecord } from '../../platform/fields.js';

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
  })
  .transform((p) => ({ ...p, showName: p.showId ? p.showName : (p.showName ?? 'Data Hackers') }));

/**
 * Pages a show search until `wanted` real shows (null items, unavailable in the market, do
 * not count), the end, or the offset ceiling; `visit` sees each page and may stop early.
 * Returns the number of real shows seen.
 */
async function searchShows(
  ctx: JobContext,
  client: SpotifyClient,
  term: string,
  wanted: number,
  marketCode: string,
  visit: (items: readonly unknown[], offset: number) => boolean,
): Promise<number> {
  const result = await walkOffsetPages({
    pageSize: client.limits.search,
    wanted,
    maxOffset: SEARCH_MAX_OFFSET,
    fetch: async (offset, limit) => {
      const answer = await client.getInMarket(
        'search',
        { q: term, type: 'show', limit, offset },
        marketCode,
      );
      await ingest(ctx, showSearchMapper, answer, { term, offset, market: marketCode });
      return readPage(answer, 'shows');
    },
    visit: (items, offset) => {
      ctx.progress(`shows for "${term}"`, offset + items.length, wanted);
      return visit(items, offset);
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: spotifyShows.name, what: `show search "${term}"` },
  });
  return deferIfStopped(result, `show search "${term}"`).available;
}

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
      const seen = await searchShows(
        ctx,
        client,
        params.term,
        params.limit,
        marketCode,
        () => false,
      );
      ctx.addItems(seen);
      return { details: { term: params.term, shows: seen } };
    }),
});

async function resolveShowByName(
  ctx: JobContext,
  client: SpotifyClient,
  name: string,
  depth: number,
  marketCode: string,
): Promise<string> {
  const wanted = normalizeText(name);
  const candidates: string[] = [];
  let found: string | null = null;
  await searchShows(ctx, client, name, depth, marketCode, (items) => {
    for (const item of items) {
      if (!isRecord(item) || typeof item.name !== 'string' || typeof item.id !== 'string') continue;
      if (normalizeText(item.name) === wanted) {
        found = item.id;
        return true;
      }
      if (candidates.length < 5) candidates.push(item.name);
    }
    return false;
  });
  if (found === null) {
    throw new PermanentError(
      `no show named "${name}" among the first ${depth} search results in market ${marketCode}` +
        (candidates.length
          ? ` (closest: ${candidates.map((c) => `"${c}"`).join(', ')}); pass showId to choose one`
          : ''),
    );
  }
  return found;
}

export const podcastEpisodesJob = defineJob({
  name: 'spotify.podcast_episodes',
  source: 'spotify',
  description:
    'Every episode of one show (by showId, or by exact normalised showName), and which episodes mention the watched terms (source design tables 6 and 7).',
  params: podcastEpisodesParams,
  schedules: [
    {
      id: 'spotify-podcast-episodes-daily',
      cron: '30 6 * * *',
      timeZone: 'America/Sao_Paulo',
      params: { showName: 'Data Hackers', terms: ['Grupo Boticário'] },
      description: 'Daily snapshot of every Data Hackers episode and its Grupo Boticário mentions.',
    },
  ],
  run: (ctx, params) =>
    withSpotify(ctx, async (client) => {
      const marketCode = params.market ?? client.config.market;
      const showId =
        params.showId ??
        (await resolveShowByName(
          ctx,
          client,
          params.showName ?? '',
          params.searchDepth,
          marketCode,
        ));
      const context = { show_id: showId, market: marketCode, terms: params.terms };
      // GET /shows/{id} embeds the first page of episodes: by id, that page is not fetched again.
      let first: Page | undefined;
      if (params.showId) {
        const show = await client.getInMarket(`shows/${showId}`, {}, marketCode);
        await ingest(ctx, showMapper, show, context);
        first = embeddedPage(show.body, 'episodes');
      }
      const walk = await walkOffsetPages({
        pageSize: client.limits.showEpisodes,
        ...(first ? { first } : {}),
        maxItems: params.maxEpisodes,
        fetch: async (offset, limit) => {
          const answer = await client.getInMarket(
            `shows/${showId}/episodes`,
            { limit, offset },
            marketCode,
          );
          await ingest(ctx, showEpisodesMapper, answer, context);
          return readPage(answer);
        },
        visit: (items, offset) => ctx.progress('episodes', offset + items.length),
        stop: runStopRules(ctx),
        report: { quality: ctx.quality, table: spotifyEpisodes.name, what: `show ${showId}` },
      });
      deferIfStopped(walk, `episodes of show ${showId}`);
      const fetched = walk.available;
      ctx.addItems(fetched);
      return { details: { show_id: showId, episodes: fetched } };
    }),
});

export const podcastJobs = [podcastShowsJob, podcastEpisodesJob];
