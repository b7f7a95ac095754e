// The episode walk of spotify.podcast_episodes. Show listings are newest first, so an
// incremental pass pages only until it meets episodes a complete run already collected
// (known-episodes.ts); a full pass (param `full`, the weekly schedule, a show without
// knowledge, new mention terms, or a listing that does not add up) walks every page. The
// walk checkpoints before each page (core/checkpoint.ts) with its pass and baseline, so a
// redelivered run goes on exactly as its first delivery would have.
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
import type { JobContext } from '../../core/job.js';
import { ingest } from '../../core/ingest.js';
import { deferIfStopped, runStopRules, walkOffsetPages } from '../../core/paging.js';
import { embeddedPage, readPage, type Page, type SpotifyClient } from './client.js';
import {
  fullPassReason,
  judgePage,
  ListingHead,
  listingSnapshotSchema,
  loadBaseline,
  rememberListing,
} from './known-episodes.js';
import { showEpisodesMapper, showMapper } from './podcast-mappers.js';
import { resolveShowByName } from './podcast-search.js';
import { spotifyEpisodes } from './podcast-tables.js';

interface EpisodeWalkParams {
  showId?: string | undefined;
  showName?: string | undefined;
  terms: string[];
  searchDepth: number;
  maxEpisodes: number;
  full: boolean;
}

const episodesPosition = z.object({
  showId: z.string(),
  offset: z.number().int().nonnegative(),
  fetched: z.number().int().nonnegative(),
  /** null: a full pass (with why); else the baseline the incremental pass compares with. */
  baseline: listingSnapshotSchema.nullable(),
  fullReason: z.string().nullable(),
  head: z.object({
    total: z.number().int().nonnegative().nullable(),
    firstAt: z.number().int().nonnegative().nullable(),
    newest: z.array(z.string()),
  }),
});

/** Collects the episodes of one show; returns the run's details. */
export async function collectShowEpisodes(
  ctx: JobContext,
  client: SpotifyClient,
  params: EpisodeWalkParams,
  market: string,
): Promise<Record<string, unknown>> {
  // A redelivered run goes on from the page it got to (see core/checkpoint.ts).
  const checkpoint = await openCheckpoint(ctx, 'episodes', episodesPosition);
  const resumed = checkpoint.resumed;
  const showId =
    resumed?.showId ??
    params.showId ??
    (await resolveShowByName(ctx, client, params.showName ?? '', params.searchDepth, market));
  const state = await ctx.services.state();
  let baseline = resumed
    ? resumed.baseline
    : await loadBaseline(state, market, showId, ctx.run.runId);
  let fullReason = resumed
    ? resumed.fullReason
    : fullPassReason(baseline, params.full, params.terms);
  if (fullReason !== null) baseline = null;
  const head = new ListingHead(resumed?.head);
  const context = { show_id: showId, market, terms: params.terms };
  // GET /shows/{id} embeds the first page of episodes: by id, that page is not fetched again.
  // A resumed run landed the show already and starts at its checkpoint's offset.
  let first: Page | undefined;
  if (params.showId && !resumed) {
    const show = await client.getInMarket(`shows/${showId}`, {}, market);
    await ingest(ctx, showMapper, show, context);
    first = embeddedPage(show.body, 'episodes');
    if (first) head.total = first.total;
  }
  const start = resumed?.offset ?? 0;
  let fetchedBefore = resumed?.fetched ?? 0;
  const position = (offset: number): z.infer<typeof episodesPosition> => ({
    showId,
    offset,
    fetched: fetchedBefore,
    baseline,
    fullReason,
    head: head.toJSON(),
  });
  const walk = await walkOffsetPages({
    pageSize: client.limits.showEpisodes,
    ...(first ? { first } : {}),
    startOffset: start,
    maxItems: Math.max(1, params.maxEpisodes - start),
    // Everything before `offset` is landed: the place a redelivery starts from. Saved before
    // the deadline rule is asked, so a stopped walk keeps exactly what it landed.
    beforePage: (offset) => checkpoint.save(position(offset)),
    fetch: async (offset, limit) => {
      const answer = await client.getInMarket(
        `shows/${showId}/episodes`,
        { limit, offset },
        market,
      );
      await ingest(ctx, showEpisodesMapper, answer, context);
      const page = readPage(answer);
      if (offset === 0) head.total = page.total;
      return page;
    },
    visit: (items, offset) => {
      fetchedBefore += items.filter((i) => i !== null).length;
      ctx.progress('episodes', offset + items.length);
      head.see(items, offset);
      if (baseline === null) return false;
      const verdict = judgePage(items, offset, baseline, head.total);
      if (verdict.kind === 'known') return true;
      if (verdict.kind === 'suspicious') {
        ctx.log.warn('the show listing does not add up; walking all of it', {
          show_id: showId,
          reason: verdict.why,
        });
        fullReason = verdict.why;
        baseline = null;
      }
      return false;
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: spotifyEpisodes.name, what: `show ${showId}` },
  });
  deferIfStopped(walk, `episodes of show ${showId}`);
  ctx.addItems(walk.available);
  const complete = walk.ended === 'end';
  const details: Record<string, unknown> = {
    show_id: showId,
    episodes: fetchedBefore,
    pass: fullReason === null ? 'incremental' : 'full',
    ...(fullReason !== null ? { full_reason: fullReason } : {}),
    walked_to_end: complete,
  };
  // A walk a cap cut short, or one that never saw the head, teaches nothing reliable.
  if ((complete || walk.ended === 'visitor') && head.total !== null && head.firstAt !== null) {
    // Only what is durable may be skipped next time: a crash before this line means the next
    // run (or this run's redelivery, which keeps its baseline) walks these pages again.
    await ctx.rows.flush();
    if (ctx.rows.warehouseRejected > 0) {
      details.knowledge = 'not updated: the warehouse refused rows';
      return details;
    }
    const now = ctx.run.runTime.toISOString();
    await rememberListing(state, market, showId, {
      runId: ctx.run.runId,
      at: now,
      total: head.total,
      firstAt: head.firstAt,
      newest: head.newest,
      terms: params.terms,
      fullAt: complete ? now : (baseline?.fullAt ?? null),
    });
  }
  return details;
}
