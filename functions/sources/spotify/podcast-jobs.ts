// The podcast slice of the source design: (a) the first N shows for a search term,
// (b) every episode of a show chosen by id or by exact normalised name, (c) episodes
// mentioning a term (spotify_episode_mentions + the spotify_episodes_mentioning_terms view).
import { z } from 'zod';
import { defineJob, type JobContext } from '../../core/job.js';
import { PermanentError } from '../../platform/errors.js';
import { ingest } from '../../core/ingest.js';
import { normalizeText } from '../../platform/text.js';
import { readPage, type SpotifyClient } from './client.js';
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

/** Pages a show search; `visit` sees each page's items and may stop early by returning true. */
async function searchShows(
  ctx: JobContext,
  client: SpotifyClient,
  term: string,
  limit: number,
  marketCode: string,
  visit: (items: unknown[], offset: number) => boolean,
): Promise<number> {
  const cap = client.limits.search;
  let offset = 0;
  let seen = 0;
  while (seen < limit && offset < SEARCH_MAX_OFFSET) {
    const pageSize = Math.min(cap, limit - seen);
    const answer = await client.getInMarket(
      'search',
      { q: term, type: 'show', limit: pageSize, offset },
      marketCode,
    );
    await ingest(ctx, showSearchMapper, answer, { term, offset, market: marketCode });
    const page = readPage(answer, 'shows');
    seen += page.items.length;
    ctx.progress(`shows for "${term}"`, seen, Math.min(limit, page.total));
    if (visit(page.items, offset)) break;
    if (
      page.items.length < pageSize ||
      page.next === null ||
      offset + page.items.length >= page.total
    )
      break;
    offset += page.items.length;
  }
  return seen;
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
      if (params.showId) {
        const show = await client.getInMarket(`shows/${showId}`, {}, marketCode);
        await ingest(ctx, showMapper, show, { market: marketCode });
      }
      const cap = client.limits.showEpisodes;
      let offset = 0;
      let fetched = 0;
      for (;;) {
        const answer = await client.getInMarket(
          `shows/${showId}/episodes`,
          { limit: cap, offset },
          marketCode,
        );
        await ingest(ctx, showEpisodesMapper, answer, {
          show_id: showId,
          market: marketCode,
          terms: params.terms,
        });
        const page = readPage(answer);
        fetched += page.items.length;
        ctx.progress('episodes', fetched, page.total);
        if (page.next === null || page.items.length === 0 || fetched >= params.maxEpisodes) break;
        offset += page.items.length;
      }
      ctx.addItems(fetched);
      return { details: { show_id: showId, episodes: fetched } };
    }),
});

export const podcastJobs = [podcastShowsJob, podcastEpisodesJob];
