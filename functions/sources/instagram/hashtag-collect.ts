// One hashtag of an instagram.hashtags run: its id (searched when unknown, or again when
// this run searched it before), then recent_media paged back to the tag's mark. A tag is a
// unit of work: its answers are held (at most the page cap, 50 posts a page) and landed only
// once the walk is complete, so a run stopped inside a tag (deadline, throttling, a failed
// page) leaves nothing of it behind and its redelivery does the whole tag again, landing
// every answer exactly once. Rows go only to posts that are new or changed since the row
// the tag's state remembers (context.seen of each landed page, which the mapper honours).
// A walk the page cap cut short leaves the tag behind: the next run walks back to the same
// floor with twice the cap, once (then what is still missing is given up, counted).
import { isRecord } from '../../platform/fields.js';
import { QualityCounters } from '../../platform/quality.js';
import type { JsonAnswer } from '../../platform/http.js';
import type { RawLine } from '../../platform/raw-landing.js';
import { ingest, type EntityMapper } from '../../core/ingest.js';
import type { JobContext } from '../../core/job.js';
import {
  deferIfStopped,
  runStopRules,
  walkCursorPages,
  type CursorPage,
} from '../../core/paging.js';
import { InstagramApiError, isItemError, type InstagramClient } from './client.js';
import { afterCursor } from './context.js';
import { UNKNOWN_HASHTAG_TTL_MS } from './hashtag-budget.js';
import type { VisitObservation } from './hashtag-pacing.js';
import { fingerprintOf, type TagMemory, type WrittenPost } from './hashtag-seen.js';
import { forgetUnknownHashtag, noteHashtagLookup, rememberHashtagId } from './hashtag-state.js';
import { hashtagMediaMapper, hashtagSearchMapper } from './mappers.js';
import { instagramHashtagMedia, instagramHashtags } from './tables.js';

export const HASHTAG_MEDIA_FIELDS =
  'id,timestamp,caption,media_type,media_url,permalink,like_count,comments_count';
export const RECENT_MEDIA_LIMIT = 50;

interface TagCollected {
  id: string;
  /** Distinct posts the pages held. */
  media: number;
  /** Rows written: posts new to the tag's state or changed since. */
  written: ReadonlyMap<string, WrittenPost>;
  /** Newest publication time seen (the next mark), or the previous mark. */
  newest: string | null;
  /** The walk stopped at the page cap before the mark (or the end of the pages). */
  capped: boolean;
  /** Posts newer than the mark, for the tag's rate (hashtag-pacing.ts). */
  seen: VisitObservation;
}

/** A walk catching up after a capped one may go this many times deeper than the cap. */
const CATCH_UP_FACTOR = 2;

/** What the tag's pages are mapped to before they are landed (to find timestamps). */
function preview(mapper: EntityMapper, ctx: JobContext, answer: JsonAnswer, context: object) {
  const line: RawLine = {
    source: mapper.source,
    entity: mapper.entity,
    run_id: ctx.run.runId,
    fetched_at: ctx.clock.now().toISOString(),
    request: { method: 'GET', url: answer.url },
    status: answer.status,
    context: { ...context },
    body: answer.body,
  };
  // Data-quality counts come from the real mapping at landing time, not from this one.
  return mapper.map(line, ctx.run, new QualityCounters()).flatMap((t) => t.rows);
}

/** A Graph page as the cursor walk reads it: `data`, `paging.next`, `paging.cursors.after`. */
function graphPage(body: unknown): CursorPage {
  const items = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  const paging = isRecord(body) && isRecord(body.paging) ? body.paging : null;
  return { items, hasNext: typeof paging?.next === 'string', after: afterCursor(body) };
}

/** Ids of a page's posts, in page order (what context.seen is built from). */
function pageIds(body: unknown): string[] {
  const items = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  return items.flatMap((item) => (isRecord(item) && typeof item.id === 'string' ? [item.id] : []));
}

interface TagJob {
  tag: string;
  /** The id kept in state, or null. */
  knownId: string | null;
  /** This run searched the id before (a redelivery): search again, as its first attempt did. */
  searchAgain: boolean;
  memory: TagMemory;
  maxPages: number;
}

/**
 * Collects one tag; null when Instagram knows no such hashtag (remembered for a day, its
 * budget slot given back). Pages are walked back to the mark minus the overlap: the walk
 * stops only at a page wholly older than that (pages are not in time order), at the end of
 * the pages, or at the page cap (counted).
 */
export async function collectTag(
  ctx: JobContext,
  client: InstagramClient,
  me: string,
  job: TagJob,
): Promise<TagCollected | null> {
  const { tag } = job;
  const state = await ctx.services.state();
  let id = job.knownId;
  let search: JsonAnswer | null = null;
  if (id === null || job.searchAgain) {
    await noteHashtagLookup(state, tag, ctx.run.runId);
    search = await client.get('ig_hashtag_search', { user_id: me, q: tag }, ctx.deadline);
    const found = preview(hashtagSearchMapper, ctx, search, { hashtag: tag })[0]?.hashtag_id;
    if (typeof found !== 'string') {
      await ingest(ctx, hashtagSearchMapper, search, { hashtag: tag });
      ctx.log.warn('Instagram knows no such hashtag; skipped', { hashtag: tag });
      ctx.quality.count(instagramHashtags.name, 'unknown_hashtag', tag);
      const until = new Date(ctx.clock.now().getTime() + UNKNOWN_HASHTAG_TTL_MS);
      await forgetUnknownHashtag(state, me, tag, until);
      return null;
    }
    id = found;
    await rememberHashtagId(state, tag, id);
  }
  const hashtagId = id;
  // Behind after a capped walk: page back to where that walk meant to go, deeper than the cap.
  const behind = job.memory.behind;
  const floor = behind ? behind.to : job.memory.hwm;
  const maxPages = behind ? job.maxPages * CATCH_UP_FACTOR : job.maxPages;
  const stopBefore = floor
    ? new Date(Date.parse(floor) - client.config.hashtagOverlapSeconds * 1000).toISOString()
    : null;
  let capped: boolean;
  let newest = job.memory.hwm;
  const media = new Set<string>();
  const fresh = new Map<string, string>();
  const pages: JsonAnswer[] = [];
  let wholePageOld = false;
  try {
    const walk = await walkCursorPages({
      fetch: async (after) => {
        const answer = await client.get(
          `${hashtagId}/recent_media`,
          {
            user_id: me,
            fields: HASHTAG_MEDIA_FIELDS,
            limit: RECENT_MEDIA_LIMIT,
            ...(after ? { after } : {}),
          },
          ctx.deadline,
        );
        pages.push(answer);
        const rows = preview(hashtagMediaMapper, ctx, answer, {
          hashtag: tag,
          hashtag_id: hashtagId,
        });
        for (const r of rows) {
          media.add(String(r.media_id));
          const t = r.timestamp;
          if (typeof t === 'string' && (job.memory.hwm === null || t > job.memory.hwm))
            fresh.set(String(r.media_id), t);
        }
        const stamps = rows
          .map((r) => r.timestamp)
          .filter((t): t is string => typeof t === 'string');
        for (const t of stamps) if (newest === null || t > newest) newest = t;
        wholePageOld =
          stopBefore !== null && stamps.length > 0 && stamps.every((t) => t < stopBefore);
        return graphPage(answer.body);
      },
      visit: () => wholePageOld,
      stop: runStopRules(ctx, maxPages),
      report: { quality: ctx.quality, table: instagramHashtagMedia.name, what: `#${tag}` },
    });
    deferIfStopped(walk, `#${tag}`);
    capped = walk.ended === 'page_cap';
  } catch (error) {
    // A tag skipped for good (code 100 "does not exist") keeps the id its search found.
    if (search && error instanceof InstagramApiError && isItemError(error.graph))
      await ingest(ctx, hashtagSearchMapper, search, { hashtag: tag });
    throw error;
  }
  if (search) await ingest(ctx, hashtagSearchMapper, search, { hashtag: tag });
  const written = await landPages(ctx, tag, hashtagId, pages, job.memory);
  const freshStamps = [...fresh.values()].sort();
  const seen = { fresh: fresh.size, oldestFresh: freshStamps[0] ?? null };
  return { id: hashtagId, media: media.size, written, newest, capped, seen };
}

/** Lands the tag's pages in order, each with the fingerprints known when it is mapped. */
async function landPages(
  ctx: JobContext,
  tag: string,
  hashtagId: string,
  pages: readonly JsonAnswer[],
  memory: TagMemory,
): Promise<Map<string, WrittenPost>> {
  const known = new Map(Object.entries(memory.posts).map(([id, [fp]]) => [id, fp]));
  const written = new Map<string, WrittenPost>();
  for (const answer of pages) {
    const seen: Record<string, string> = {};
    for (const mediaId of pageIds(answer.body)) {
      const fp = known.get(mediaId);
      if (fp !== undefined) seen[mediaId] = fp;
    }
    const mapped = await ingest(ctx, hashtagMediaMapper, answer, {
      hashtag: tag,
      hashtag_id: hashtagId,
      seen,
    });
    for (const row of mapped.flatMap((t) => t.rows)) {
      if (typeof row.content_hash !== 'string') continue;
      const fp = fingerprintOf(row.content_hash);
      const mediaId = String(row.media_id);
      known.set(mediaId, fp);
      const timestamp = typeof row.timestamp === 'string' ? row.timestamp : null;
      written.set(mediaId, { fingerprint: fp, timestamp });
    }
  }
  return written;
}
