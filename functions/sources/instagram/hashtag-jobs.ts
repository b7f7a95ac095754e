// instagram.hashtags: recent media of the watched hashtags every 5 minutes. Hashtag ids are
// looked up once and kept; the 30-unique-hashtags-per-7-days budget is checked and recorded
// before any call; recent_media is paged (50 a page) back to the tag's high-water mark
// (minus an overlap, because pages are not strictly in time order) or to the end, and a row
// is written only for a post that is new or changed (hashtag-collect.ts, hashtag-seen.ts).
// A checkpoint per hashtag lets a deferred or killed run resume at the next hashtag.
import { z } from 'zod';
import { instagramHashtagMedia } from './tables.js';
import { openCheckpoint } from '../../core/checkpoint.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { boolParam } from '../../core/params.js';
import { deadlineReached } from '../../platform/run-scope.js';
import { HASHTAG, normalizeHashtag } from './config.js';
import { failIfAllSkipped, itemErrorText, skipItem, withInstagram } from './context.js';
import { reportAdmission } from './hashtag-budget.js';
import { collectTag, RECENT_MEDIA_LIMIT } from './hashtag-collect.js';
import { planVisits, readVisits, recordVisits, type VisitObservation } from './hashtag-pacing.js';
import { readTagMemory, rememberTag, type Behind, type TagMemory } from './hashtag-seen.js';
import {
  hashtagLookups,
  knownHashtagIds,
  legacyMark,
  readLegacyWatermarks,
  reserveHashtags,
} from './hashtag-state.js';

export { HASHTAG_MEDIA_FIELDS, RECENT_MEDIA_LIMIT } from './hashtag-collect.js';

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

const tagsPosition = z.object({
  /** Hashtags finished (landed, rows flushed, state written) or skipped, in run order. */
  done: z.array(z.string()),
  media: z.record(z.string(), z.number().int().nonnegative()),
  rows: z.number().int().nonnegative(),
  lookups: z.number().int().nonnegative(),
  skipped: z.record(z.string(), z.string()),
});

/**
 * A walk the cap cut short leaves the tag behind the floor it paged back to (the mark, or
 * the window's start on a first walk): the next run catches up. A catch-up walk cut short
 * again gives the rest up (the cap is counted in data quality), so a tag is never walked
 * deeper than the cap for more than one run in a row.
 */
function behindAfter(
  ctx: JobContext,
  tag: string,
  memory: TagMemory,
  capped: boolean,
): Behind | null {
  if (!capped) return null;
  if (memory.behind === null) return { to: memory.hwm };
  ctx.log.warn('a catch-up walk reached its page cap too; older posts of the tag are given up', {
    hashtag: tag,
    since: memory.behind.to,
  });
  return null;
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
      const lookedUp = await hashtagLookups(state);
      const legacy = await readLegacyWatermarks(state);
      const maxPages = params.maxPages ?? client.config.hashtagMaxPages;
      const runId = ctx.run.runId;
      // Fingerprints kept per tag: as many posts as the deepest walk of this or a scheduled run.
      const keep = Math.max(maxPages, client.config.hashtagMaxPages) * RECENT_MEDIA_LIMIT;
      // A redelivered run goes on with the next hashtag (see core/checkpoint.ts).
      const checkpoint = await openCheckpoint(ctx, 'hashtags', tagsPosition);
      const at = checkpoint.resumed ?? { done: [], media: {}, rows: 0, lookups: 0, skipped: {} };
      // A redelivery plans from the visits before its first attempt (hashtag-pacing.ts).
      const now = ctx.clock.now();
      const plan = params.paced
        ? planVisits(
            await readVisits(state),
            admission.admitted,
            now,
            client.config.hashtagPacing,
            runId,
          )
        : { due: admission.admitted, notDue: [] };
      // A tag this run found unknown in an earlier delivery is searched again (it holds no
      // budget slot), as that delivery did, so the raw object holds the answer.
      const tags = [...plan.due, ...admission.unknown.filter((tag) => lookedUp[tag] === runId)];
      const visits: Record<string, VisitObservation> = {};
      const done = new Set(at.done);
      const perTag: Record<string, number> = { ...at.media };
      const skipped = new Map<string, string>(Object.entries(at.skipped));
      let rows = at.rows;
      let lookups = at.lookups;
      try {
        for (const [i, tag] of tags.entries()) {
          if (done.has(tag)) continue;
          // Stop starting tags at the deadline; what is done stays done (the checkpoint).
          if (ctx.clock.now() >= ctx.deadline) throw deadlineReached(`before #${tag}`);
          try {
            const mark = legacyMark(legacy, tag);
            const memory = await readTagMemory(state, tag, runId, mark);
            const knownId = ids[tag] ?? null;
            const searchAgain = knownId !== null && lookedUp[tag] === runId;
            if (knownId === null || searchAgain) lookups += 1;
            const got = await collectTag(ctx, client, me, {
              tag,
              knownId,
              searchAgain,
              memory,
              maxPages,
            });
            if (got !== null) {
              perTag[tag] = got.media;
              rows += got.written.size;
              // The state may say "written" only once the rows are durable: flushed, none refused.
              const refusedBefore = ctx.rows.warehouseRejected;
              await ctx.rows.flush();
              if (ctx.rows.warehouseRejected === refusedBefore) {
                const behind = behindAfter(ctx, tag, memory, got.capped);
                await rememberTag(
                  state,
                  tag,
                  { runId, now: ctx.clock.now(), legacyMark: mark, keep },
                  got.written,
                  got.newest,
                  behind,
                );
                // A tag left behind is due again at once, paced or not.
                visits[tag] = { ...got.seen, behind: behind !== null };
              }
            }
          } catch (error) {
            if (!skipItem(ctx, error, instagramHashtagMedia.name, `hashtag ${tag}`)) throw error;
            skipped.set(tag, itemErrorText(error));
          }
          done.add(tag);
          ctx.progress('hashtags', i + 1, tags.length);
          await checkpoint.save({
            done: [...done],
            media: perTag,
            rows,
            lookups,
            skipped: Object.fromEntries(skipped),
          });
        }
      } finally {
        // One write for the tags this delivery visited, after their rows are written.
        await recordVisits(state, runId, now, visits);
      }
      failIfAllSkipped('hashtag', tags.length, skipped);
      const media = Object.values(perTag).reduce((a, b) => a + b, 0);
      ctx.addItems(media);
      // Waiting tags do not fail the run (that alerted every 5 minutes): the alerts at the
      // budget's edges (reportAdmission) and these details say it.
      return {
        details: {
          hashtags: perTag,
          new_or_changed: rows,
          id_lookups: lookups,
          ...(plan.notDue.length > 0 ? { not_due: plan.notDue } : {}),
          budget_used: admission.used,
          ...(admission.waiting.length > 0 ? { budget_waiting: admission.waiting } : {}),
          ...(admission.unknown.length > 0 ? { unknown_hashtags: admission.unknown } : {}),
        },
      };
    }),
});
