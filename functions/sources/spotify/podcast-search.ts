// Show search for the podcast jobs: "the first N shows for a term" (spotify.podcast_shows,
// resumable from a checkpoint) and "the show with exactly this name" (spotify.podcast_episodes).
import { z } from 'zod';
import type { Checkpoint } from '../../core/checkpoint.js';
import type { JobContext } from '../../core/job.js';
import { ingest } from '../../core/ingest.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { PermanentError } from '../../platform/errors.js';
import { isRecord } from '../../platform/fields.js';
import { normalizeText } from '../../platform/text.js';
import { readPage, type SpotifyClient } from './client.js';
import { SEARCH_MAX_OFFSET } from './config.js';
import { showSearchMapper } from './podcast-mappers.js';
import { spotifyShows } from './podcast-tables.js';

/** Where a show search got to: the next offset, and the real shows before it. */
export const searchPosition = z.object({
  offset: z.number().int().nonnegative(),
  seen: z.number().int().nonnegative(),
});
type SearchPosition = z.infer<typeof searchPosition>;

/**
 * Pages a show search until `wanted` real shows (null items, unavailable in the market, do
 * not count), the end, or the offset ceiling; `visit` sees each page and may stop early.
 * With a checkpoint it saves its position before each page and starts from a resumed one.
 * Returns the number of real shows seen (those of earlier deliveries included).
 */
export async function searchShows(
  ctx: JobContext,
  client: SpotifyClient,
  term: string,
  wanted: number,
  marketCode: string,
  visit: (items: readonly unknown[], offset: number) => boolean,
  checkpoint?: Checkpoint<SearchPosition>,
): Promise<number> {
  const resumed = checkpoint?.resumed ?? null;
  let seen = resumed?.seen ?? 0;
  const result = await walkOffsetPages({
    pageSize: client.limits.search,
    wanted: Math.max(1, wanted - seen),
    startOffset: resumed?.offset ?? 0,
    maxOffset: SEARCH_MAX_OFFSET,
    // Everything before `offset` is landed: the place a redelivery starts from (at 0 there is
    // nothing to keep: a run deferred before its first page starts afresh). Saved before the
    // deadline rule is asked, so a stopped walk keeps exactly what it landed.
    beforePage: async (offset) => {
      if (offset > 0) await checkpoint?.save({ offset, seen });
    },
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
      seen += items.filter((i) => i !== null).length;
      ctx.progress(`shows for "${term}"`, offset + items.length, wanted);
      return visit(items, offset);
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: spotifyShows.name, what: `show search "${term}"` },
  });
  deferIfStopped(result, `show search "${term}"`);
  return seen;
}

/** The id of the show named `name` (exact after normalizeText) among the first `depth` hits. */
export async function resolveShowByName(
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
