// instagram.hashtags: recent media of the watched hashtags every 5 minutes. Hashtag ids are
// looked up once and kept; the 30-unique-hashtags-per-7-days budget is checked and recorded
// before any call; recent_media is paged (50 a page) back to the previous run's high-water
// mark (minus an overlap, because pages are not strictly in time order) or to the end.
import { z } from 'zod';
import { instagramHashtagMedia, instagramHashtags } from './tables.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { PermanentError } from '../../platform/errors.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import {
  deferIfStopped,
  runStopRules,
  walkCursorPages,
  type CursorPage,
} from '../../core/paging.js';
import type { InstagramClient } from './client.js';
import { HASHTAG, normalizeHashtag } from './config.js';
import {
  afterCursor,
  failIfAllSkipped,
  itemErrorText,
  skipItem,
  withInstagram,
} from './context.js';
import {
  advanceWatermarks,
  knownHashtagIds,
  readWatermarks,
  rememberHashtagId,
  reserveHashtags,
  watermarkFor,
  type Admission,
} from './hashtag-state.js';
import { hashtagMediaMapper, hashtagSearchMapper } from './mappers.js';

export const HASHTAG_MEDIA_FIELDS =
  'id,timestamp,caption,media_type,media_url,permalink,like_count,comments_count';
export const RECENT_MEDIA_LIMIT = 50;

export const hashtagsParams = z.strictObject({
  hashtags: z
    .array(
      z
        .string()
        .transform(normalizeHashtag)
        .pipe(z.string().regex(HASHTAG, 'a hashtag (letters, digits, underscores)')),
    )
    .min(1)
    .max(30)
    .optional()
    .describe('Hashtags to collect; defaults to INSTAGRAM_HASHTAGS'),
  maxPages: z.coerce.number().int().min(1).max(200).optional(),
});

/** Refused before calling: the budget of 30 unique hashtags per rolling 7 days is used up. */
class HashtagBudgetError extends PermanentError {}

function budgetMessage(a: Admission, limit: number): string {
  const frees = a.freesAt
    ? `the earliest slot frees at ${a.freesAt.toISOString()}`
    : 'no slot frees while every counted hashtag stays on the watch list';
  return (
    `Instagram hashtag budget: ${a.used} of ${limit} unique hashtags per rolling 7 days are in use; ` +
    `not queried, waiting: ${a.waiting.join(', ')} (${frees}). Remove hashtags from INSTAGRAM_HASHTAGS to make room.`
  );
}

async function resolveId(
  ctx: JobContext,
  client: InstagramClient,
  me: string,
  tag: string,
): Promise<string | null> {
  const answer = await client.get('ig_hashtag_search', { user_id: me, q: tag }, ctx.deadline);
  const [mapped] = await ingest(ctx, hashtagSearchMapper, answer, { hashtag: tag });
  const id = mapped?.rows[0]?.hashtag_id;
  if (typeof id !== 'string') {
    ctx.log.warn('Instagram knows no such hashtag; skipped', { hashtag: tag });
    ctx.quality.count(instagramHashtags.name, 'unknown_hashtag', tag);
    return null;
  }
  await rememberHashtagId(await ctx.services.state(), tag, id);
  return id;
}

/** A Graph page as the cursor walk reads it: `data`, `paging.next`, `paging.cursors.after`. */
function graphPage(body: unknown): CursorPage {
  const items = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  const paging = isRecord(body) && isRecord(body.paging) ? body.paging : null;
  return { items, hasNext: typeof paging?.next === 'string', after: afterCursor(body) };
}

/**
 * Pages a tag's recent media back to the previous run's mark: the walk stops only when a
 * whole page is older than the mark minus the overlap (pages are not in time order, so one
 * old post says nothing about the next page), when the pages end, or at the page cap
 * (counted). The same `after` value on every page is normal and still advances.
 */
async function collectTag(
  ctx: JobContext,
  client: InstagramClient,
  me: string,
  tag: string,
  id: string,
  maxPages: number,
  previous: string | null,
): Promise<{ media: number; pages: number; newest: string | null }> {
  const stopBefore = previous
    ? new Date(Date.parse(previous) - client.config.hashtagOverlapSeconds * 1000).toISOString()
    : null;
  let newest = previous;
  const ids = new Set<string>();
  let wholePageOld = false;
  const walk = await walkCursorPages({
    fetch: async (after) => {
      const answer = await client.get(
        `${id}/recent_media`,
        {
          user_id: me,
          fields: HASHTAG_MEDIA_FIELDS,
          limit: RECENT_MEDIA_LIMIT,
          ...(after ? { after } : {}),
        },
        ctx.deadline,
      );
      const [mapped] = await ingest(ctx, hashtagMediaMapper, answer, {
        hashtag: tag,
        hashtag_id: id,
      });
      const rows = mapped?.rows ?? [];
      for (const r of rows) ids.add(String(r.media_id));
      const stamps = rows.map((r) => r.timestamp).filter((t): t is string => typeof t === 'string');
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
  return { media: ids.size, pages: walk.pages, newest };
}

export const hashtagsJob = defineJob({
  name: 'instagram.hashtags',
  source: 'instagram',
  description:
    'Recent public media (last 24 h) under the watched hashtags, paged back to the previous run; hashtag ids looked up once; 30 unique hashtags per rolling 7 days.',
  params: hashtagsParams,
  schedules: [
    {
      id: 'instagram-hashtags-5min',
      cron: '*/5 * * * *',
      timeZone: 'UTC',
      params: {},
      description: 'Every 5 minutes: recent media of the watched hashtags (INSTAGRAM_HASHTAGS).',
    },
  ],
  run: (ctx, params) =>
    withInstagram(ctx, async (client) => {
      const me = await client.userId();
      const state = await ctx.services.state();
      const wanted = [...new Set(params.hashtags ?? client.config.hashtags)];
      const limit = client.config.hashtagBudget;
      const admission = await reserveHashtags(state, me, wanted, ctx.clock.now(), limit);
      if (admission.waiting.length > 0)
        ctx.log.warn('hashtags over the 7-day budget are not queried', {
          waiting: admission.waiting,
          used: admission.used,
        });
      const ids = await knownHashtagIds(state);
      const marks = await readWatermarks(state);
      const maxPages = params.maxPages ?? client.config.hashtagMaxPages;
      const perTag: Record<string, number> = {};
      const newMarks: Record<string, string> = {};
      let lookups = 0;
      const skipped = new Map<string, string>();
      try {
        for (const [i, tag] of admission.admitted.entries()) {
          try {
            let id: string | null = ids[tag] ?? null;
            if (id === null) {
              lookups += 1;
              id = await resolveId(ctx, client, me, tag);
            }
            if (id !== null) {
              const previous = watermarkFor(marks, tag, ctx.run.runId);
              const got = await collectTag(ctx, client, me, tag, id, maxPages, previous);
              perTag[tag] = got.media;
              if (got.newest !== null) newMarks[tag] = got.newest;
            }
          } catch (error) {
            if (!skipItem(ctx, error, instagramHashtagMedia.name, `hashtag ${tag}`)) throw error;
            skipped.set(tag, itemErrorText(error));
          }
          ctx.progress('hashtags', i + 1, admission.admitted.length);
        }
      } finally {
        // One write for the whole run; marks of the tags done so far survive a later failure.
        await advanceWatermarks(state, ctx.run.runId, newMarks);
      }
      failIfAllSkipped('hashtag', admission.admitted.length, skipped);
      const media = Object.values(perTag).reduce((a, b) => a + b, 0);
      ctx.addItems(media);
      if (admission.waiting.length > 0)
        throw new HashtagBudgetError(budgetMessage(admission, limit));
      return { details: { hashtags: perTag, id_lookups: lookups, budget_used: admission.used } };
    }),
});
