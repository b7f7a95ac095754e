// The edges of the 30-unique-hashtags-per-rolling-7-days budget, told once instead of every
// 5 minutes: one ALERT when a hashtag starts waiting for a slot and one when it is admitted,
// WARNINGs in between. And instagram.hashtag_budget, the daily reconciliation of the local
// estimate with recently_searched_hashtags (the truth: other tools share the account).
import { z } from 'zod';
import { defineJob, type JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { GRAPH_ID } from './client.js';
import { afterCursor, withInstagram } from './context.js';
import { reconcileBudget, type Admission } from './hashtag-state.js';

/** How long a hashtag Instagram did not know is not searched again. */
export const UNKNOWN_HASHTAG_TTL_MS = 24 * 3600_000;

export function budgetMessage(a: Admission, limit: number): string {
  const frees = a.freesAt
    ? `the earliest slot frees at ${a.freesAt.toISOString()}`
    : 'no slot frees while every counted hashtag stays on the watch list';
  return (
    `Instagram hashtag budget: ${a.used} of ${limit} unique hashtags per rolling 7 days are in use; ` +
    `not queried, waiting: ${a.waiting.join(', ')} (${frees}). Remove hashtags from INSTAGRAM_HASHTAGS to make room.`
  );
}

/** Logs what changed at the budget's edge this run: alerts at the edges, warnings between. */
export function reportAdmission(ctx: JobContext, admission: Admission, limit: number): void {
  const fields = { waiting: admission.waiting, used: admission.used, limit };
  if (admission.startedWaiting.length > 0) {
    ctx.log.alert(budgetMessage(admission, limit), {
      ...fields,
      started_waiting: admission.startedWaiting,
    });
  } else if (admission.waiting.length > 0) {
    ctx.log.warn('hashtags over the 7-day budget are still waiting; not queried', fields);
  }
  if (admission.admittedAfterWaiting.length > 0) {
    ctx.log.alert('hashtags admitted after waiting for a slot of the 7-day budget', {
      ...fields,
      admitted: admission.admittedAfterWaiting,
    });
  }
  if (admission.unknown.length > 0) {
    ctx.log.info('hashtags Instagram did not know recently are not searched again yet', {
      unknown: admission.unknown,
    });
  }
}

const searchedPage = z.object({ data: z.array(z.object({ id: z.string().regex(GRAPH_ID) })) });
const MAX_PAGES = 5;

export const hashtagBudgetJob = defineJob({
  name: 'instagram.hashtag_budget',
  source: 'instagram',
  description:
    "Reconciles the local estimate of the 30-unique-hashtags-per-7-days budget with the account's recently_searched_hashtags (other tools share the budget): slots Instagram no longer counts are given back, tags it counts are added, other tools' tags are held.",
  params: z.strictObject({}),
  schedules: [
    {
      id: 'instagram-hashtag-budget-daily',
      cron: '15 3 * * *',
      timeZone: 'UTC',
      params: {},
      description: 'Daily reconciliation of the hashtag budget with recently_searched_hashtags.',
    },
  ],
  run: (ctx) =>
    withInstagram(ctx, async (client) => {
      const me = await client.userId();
      const ids: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await client.get(`${me}/recently_searched_hashtags`, {
          limit: 50,
          ...(after ? { after } : {}),
        });
        const parsed = searchedPage.safeParse(answer.body);
        if (!parsed.success) throw new Error('recently_searched_hashtags answered without data');
        ids.push(...parsed.data.data.map((d) => d.id));
        const hasNext = isRecord(answer.body) && isRecord(answer.body.paging);
        after = hasNext ? afterCursor(answer.body) : null;
        if (after === null || parsed.data.data.length === 0) break;
      }
      const result = await reconcileBudget(await ctx.services.state(), me, ids, ctx.clock.now());
      if (result.released.length > 0 || result.added.length > 0)
        ctx.log.notice('hashtag budget estimate corrected from recently_searched_hashtags', {
          ...result,
        });
      ctx.addItems(ids.length);
      return { details: { counted: ids.length, ...result } };
    }),
});
