// Artist names → Spotify artists: search page by page until an exact normalised match (else
// the best-ranked hit), land the pages and the decision, and remember resolved names per
// market in the StateStore so later runs do not search again.
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
import type { JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import { updateState } from '../../platform/state.js';
import { normalizeText } from '../../platform/text.js';
import { chooseArtist, type ArtistChoice, type MarkedCandidate } from './artist-match.js';
import {
  artistResolutionMapper,
  artistSearchMapper,
  type ArtistResolutionRecord,
} from './artist-resolution-mapper.js';
import { readPage, type SpotifyClient } from './client.js';
import { spotifyArtistSearch } from './catalogue-tables.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { SEARCH_MAX_OFFSET } from './config.js';
import { SPOTIFY_ID, type WatchEntry } from './watchlist.js';

/**
 * Searches artists for `query` page by page (tier cap) until an exact normalised match
 * appears or `depth` hits were seen, lands every page and the decision record, and
 * returns the choice.
 */
export async function resolveArtist(
  ctx: JobContext,
  client: SpotifyClient,
  query: string,
  market: string,
  depth: number,
): Promise<ArtistChoice> {
  const wanted = normalizeText(query);
  const candidates: MarkedCandidate[] = [];
  let total: number | null = null;
  const walk = await walkOffsetPages({
    pageSize: client.limits.search,
    wanted: depth,
    maxOffset: SEARCH_MAX_OFFSET,
    fetch: async (offset, limit) => {
      const answer = await client.getInMarket(
        'search',
        { q: query, type: 'artist', limit, offset },
        market,
      );
      await ingest(ctx, artistSearchMapper, answer, { query, offset, market });
      const page = readPage(answer, 'artists');
      total = page.total;
      return page;
    },
    visit: (items, offset) => {
      let exact = false;
      items.forEach((item, i) => {
        if (!isRecord(item) || typeof item.id !== 'string' || !SPOTIFY_ID.test(item.id)) return;
        const name = typeof item.name === 'string' ? item.name : '';
        // Compared once here; chooseArtist reuses the flag instead of normalising again.
        const isExact = normalizeText(name) === wanted;
        candidates.push({ rank: offset + i + 1, artistId: item.id, name, exact: isExact });
        if (isExact) exact = true;
      });
      return exact;
    },
    stop: runStopRules(ctx),
    report: {
      quality: ctx.quality,
      table: spotifyArtistSearch.name,
      what: `artist search "${query}"`,
    },
  });
  deferIfStopped(walk, `artist search "${query}"`);
  const choice = chooseArtist(query, candidates);
  const record: ArtistResolutionRecord = {
    query,
    normalized_query: choice.normalizedQuery,
    market,
    match_kind: choice.matchKind,
    artist_id: choice.chosen?.artistId ?? null,
    artist_name: choice.chosen?.name ?? null,
    rank: choice.chosen?.rank ?? null,
    reason: choice.reason,
    candidates: choice.candidates.map((c) => ({
      rank: c.rank,
      artist_id: c.artistId,
      name: c.name,
      exact: c.exact,
    })),
    total_results: total,
  };
  await ingest(
    ctx,
    artistResolutionMapper,
    { url: 'fanpulse:spotify/artist_resolution', method: 'DERIVED', status: 200, body: record },
    { market },
  );
  ctx.log.info('artist name resolved', {
    query,
    market,
    match_kind: choice.matchKind,
    artist_id: record.artist_id,
    artist_name: record.artist_name,
    rank: record.rank,
    reason: choice.reason,
  });
  return choice;
}

const cacheSchema = z.record(
  z.string(),
  z.object({
    artistId: z.string(),
    name: z.string(),
    matchKind: z.enum(['exact', 'best_ranked']),
    resolvedAt: z.string(),
  }),
);
export type ResolutionCache = z.infer<typeof cacheSchema>;

function resolutionCacheKey(market: string): string {
  return `spotify/artist-resolutions/${market}`;
}

/** Resolved names of a market, as remembered by earlier runs (ids are stable). */
async function readResolutionCache(ctx: JobContext, market: string): Promise<ResolutionCache> {
  const state = await ctx.services.state();
  return (await state.get(resolutionCacheKey(market), cacheSchema))?.value ?? {};
}

/** A resolved name as a checkpoint keeps it and the resolution cache needs it. */
const resolvedNameSchema = z.object({
  query: z.string(),
  normalizedQuery: z.string(),
  matchKind: z.enum(['exact', 'best_ranked', 'none']),
  artistId: z.string().nullable(),
  name: z.string().nullable(),
});
export type ResolvedName = z.infer<typeof resolvedNameSchema>;

export function resolvedName(choice: ArtistChoice): ResolvedName {
  return {
    query: choice.query,
    normalizedQuery: choice.normalizedQuery,
    matchKind: choice.matchKind,
    artistId: choice.chosen?.artistId ?? null,
    name: choice.chosen?.name ?? null,
  };
}

export async function rememberResolutions(
  ctx: JobContext,
  market: string,
  resolved: readonly ResolvedName[],
): Promise<void> {
  const found = resolved.filter((c) => c.artistId !== null && c.matchKind !== 'none');
  if (found.length === 0) return;
  const now = ctx.clock.now().toISOString();
  await updateState(
    await ctx.services.state(),
    resolutionCacheKey(market),
    cacheSchema,
    (current) => {
      const next = { ...current };
      for (const c of found) {
        next[c.normalizedQuery] = {
          artistId: c.artistId!,
          name: c.name ?? '',
          matchKind: c.matchKind as 'exact' | 'best_ranked',
          resolvedAt: now,
        };
      }
      return next;
    },
  );
}

/** Names searched so far by this run (a redelivery does not search them again). */
export const resolvedSoFar = z.object({ resolved: z.array(resolvedNameSchema) });

/** Each watch-list entry's artist id: given, cached from an earlier run, or searched now. */
export async function resolveWatchList(
  ctx: JobContext,
  client: SpotifyClient,
  entries: readonly WatchEntry[],
  market: string,
  params: { refreshResolutions: boolean; searchDepth: number },
): Promise<Array<{ entry: WatchEntry; id: string | null }>> {
  const cache = params.refreshResolutions ? {} : await readResolutionCache(ctx, market);
  // Names an earlier delivery of this run searched already (core/checkpoint.ts).
  const checkpoint = await openCheckpoint(ctx, 'resolutions', resolvedSoFar);
  const fresh: ResolvedName[] = [...(checkpoint.resumed?.resolved ?? [])];
  const searched = new Map(fresh.map((r) => [r.normalizedQuery, r]));
  const out: Array<{ entry: WatchEntry; id: string | null }> = [];
  for (const entry of entries) {
    if (entry.id !== null) {
      out.push({ entry, id: entry.id });
      continue;
    }
    const name = entry.name ?? '';
    const cached = cache[normalizeText(name)];
    if (cached) {
      out.push({ entry, id: cached.artistId });
      continue;
    }
    const before = searched.get(normalizeText(name));
    if (before) {
      out.push({ entry, id: before.artistId });
      continue;
    }
    await checkpoint.save({ resolved: fresh });
    const choice = resolvedName(await resolveArtist(ctx, client, name, market, params.searchDepth));
    fresh.push(choice);
    searched.set(choice.normalizedQuery, choice);
    out.push({ entry, id: choice.artistId });
  }
  await rememberResolutions(ctx, market, fresh);
  return out;
}
