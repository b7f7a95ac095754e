// instagram.hashtags: recent media of the watched hashtags every 5 minutes. Hashtag ids are
// looked up once and kept; the 30-unique-hashtags-per-7-days budget is checked and recorded
// before any call; recent_media is paged (50 a page) back to the previous run's high-water
// mark (minus an overlap, because pages are not strictly in time order) or to the end.
import { z } from 'zod';
import { instagramHashtagMedia, instagramHashtags } from './tables.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { boolParam } from '../../core/params.js';
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
import { reportAdmission, UNKNOWN_HASHTAG_TTL_MS } from './hashtag-budget.js';
import {
  advanceWatermarks,
  forgetUnknownHashtag,
  knownHashtagIds,
  readWatermarks,
  rememberHashtagId,
  reserveHashtags,
  watermarkFor,
} from './hashtag-state.js';
import { hashtagMediaMapper, hashtagSearchMapper } from './mappers.js';
import { planVisits, readVisits, recordVisits, type VisitObservation } from './hashtag-pacing.js';

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
  paced: boolParam
    .default(false)
    .describe(
      'Visit only the hashtags that are due (enough new posts expected, or INSTAGRAM_HASHTAG_MAX_INTERVAL_MINUTES passed); the schedule sets it',
    ),
});

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
    // Remembered for a while (not searched every 5 minutes) and its budget slot given back.
    const until = new Date(ctx.clock.now().getTime() + UNKNOWN_HASHTAG_TTL_MS);
    await forgetUnknownHashtag(await ctx.services.state(), me, tag, until);
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
): Promise<{ media: number; pages: number; newest: string | null; seen: VisitObservation }> {
  const stopBefore = previous
    ? new Date(Date.parse(previous) - client.config.hashtagOverlapSeconds * 1000).toISOString()
    : null;
  let newest = previous;
  const ids = new Set<string>();
  // Posts newer than the mark, for the tag's rate (hashtag-pacing.ts).
  const fresh = new Map<string, string>();
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
      for (const r of rows) {
        ids.add(String(r.media_id));
        if (typeof r.timestamp === 'string' && (previous === null || r.timestamp > previous))
          fresh.set(String(r.media_id), r.timestamp);
      }
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
  const stamps = [...fresh.values()].sort();
  return {
    media: ids.size,
    pages: walk.pages,
    newest,
    seen: { fresh: fresh.size, oldestFresh: stamps[0] ?? null },
  };
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
      params: { paced: true },
      description:
        'Every 5 minutes: recent media of the watched hashtags that are due (INSTAGRAM_HASHTAGS; busy tags every run, quiet ones at least hourly).',
    },
  ],
  run: (ctx, params) =>
    withInstagram(ctx, async (client) => {
      const me = await client.userId();
      const state = await ctx.services.state();
      const wanted = [...new Set(params.hashtags ?? client.config.hashtags)];
      const limit = client.config.hashtagBudget;
      const admission = await reserveHashtags(state, me, wanted, ctx.clock.now(), limit);
      reportAdmission(ctx, admission, limit);
      const ids = await knownHashtagIds(state);
      const marks = await readWatermarks(state);
      const now = ctx.clock.now();
      const plan = params.paced
        ? planVisits(
            await readVisits(state),
            admission.admitted,
            now,
            client.config.hashtagPacing,
            ctx.run.runId,
          )
        : { due: admission.admitted, notDue: [] };
      const visits: Record<string, VisitObservation> = {};
      const maxPages = params.maxPages ?? client.config.hashtagMaxPages;
      const perTag: Record<string, number> = {};
      const newMarks: Record<string, string> = {};
      let lookups = 0;
      const skipped = new Map<string, string>();
      try {
        for (const [i, tag] of plan.due.entries()) {
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
              visits[tag] = got.seen;
              if (got.newest !== null) newMarks[tag] = got.newest;
            }
          } catch (error) {
            if (!skipItem(ctx, error, instagramHashtagMedia.name, `hashtag ${tag}`)) throw error;
            skipped.set(tag, itemErrorText(error));
          }
          ctx.progress('hashtags', i + 1, plan.due.length);
        }
      } finally {
        // One write for the whole run; marks of the tags done so far survive a later failure.
        await advanceWatermarks(state, ctx.run.runId, newMarks);
        await recordVisits(state, ctx.run.runId, now, visits);
      }
      failIfAllSkipped('hashtag', plan.due.length, skipped);
      const media = Object.values(perTag).reduce((a, b) => a + b, 0);
      ctx.addItems(media);
      // Waiting tags do not fail the run (that alerted every 5 minutes): the alerts at the
      // budget's edges (reportAdmission) and these details say it.
      return {
        details: {
          hashtags: perTag,
          id_lookups: lookups,
          ...(plan.notDue.length > 0 ? { not_due: plan.notDue } : {}),
          budget_used: admission.used,
          ...(admission.waiting.length > 0 ? { budget_waiting: admission.waiting } : {}),
          ...(admission.unknown.length > 0 ? { unknown_hashtags: admission.unknown } : {}),
        },
      };
    }),
});
