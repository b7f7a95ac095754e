// Which hashtags a scheduled run visits. recent_media keeps a post for 24 hours, so a tag
// need not be visited every 5 minutes to be complete: every visit costs its new pages plus
// one page that proves the walk reached the mark, and visiting all 11 default tags every 5
// minutes cost about 276 calls an hour (23 a run) against the platform's 200 per user. A tag is due when
// about `postsPerVisit` new posts are expected (its observed rate × time since its last
// visit) or `maxIntervalMinutes` passed, whichever comes first: busy tags stay fresh, quiet
// ones cost one or two calls an hour, and no post gets near the end of its 24 hours.
import { z } from 'zod';
import { updateState, type StateStore } from '../../platform/state.js';

const visitSchema = z.object({
  at: z.string(),
  perHour: z.number().nonnegative(),
  /** The visit's walk hit the page cap: the next run catches up, whatever the rate. */
  behind: z.boolean().default(false),
});
const visitsSchema = z.record(
  z.string(),
  visitSchema.extend({ setBy: z.string(), before: visitSchema.nullable() }),
);
type Visit = z.output<typeof visitSchema>;
export type Visits = z.output<typeof visitsSchema>;

const VISITS_KEY = 'instagram/hashtag-visits';
const HOUR_MS = 3600_000;
/** Spans shorter than this say little about a tag's rate (clock skew, back-to-back runs). */
const MIN_SPAN_MS = 5 * 60_000;

export interface PacingPolicy {
  maxIntervalMinutes: number;
  postsPerVisit: number;
}

export async function readVisits(state: StateStore): Promise<Visits> {
  return (await state.get(VISITS_KEY, visitsSchema))?.value ?? {};
}

/** The visit a run plans from: a redelivery of the run that wrote it plans as it did then. */
function lastVisit(visits: Visits, tag: string, runId: string): Visit | null {
  const entry = visits[tag];
  if (!entry) return null;
  return entry.setBy === runId ? entry.before : entry;
}

/** Splits `tags` into those due now and those that can wait for a later run. */
export function planVisits(
  visits: Visits,
  tags: readonly string[],
  now: Date,
  policy: PacingPolicy,
  runId: string,
): { due: string[]; notDue: string[] } {
  const due: string[] = [];
  const notDue: string[] = [];
  for (const tag of tags) {
    const last = lastVisit(visits, tag, runId);
    const elapsedMs = last ? now.getTime() - Date.parse(last.at) : Infinity;
    const expected = last ? (last.perHour * elapsedMs) / HOUR_MS : Infinity;
    const isDue =
      !(elapsedMs < policy.maxIntervalMinutes * 60_000) ||
      expected >= policy.postsPerVisit ||
      last?.behind === true;
    (isDue ? due : notDue).push(tag);
  }
  return { due, notDue };
}

/** What one visit of a tag saw: posts newer than its mark and the oldest of them. */
export interface VisitObservation {
  fresh: number;
  oldestFresh: string | null;
  behind?: boolean;
}

/**
 * A tag's new-post rate: posts since the last visit over the time since it; on a first
 * visit, over the span the posts cover (recent_media holds up to 24 hours). Smoothed so one
 * quiet or busy interval does not swing the plan.
 */
function observedRate(previous: Visit | null, seen: VisitObservation, now: Date): number {
  const since = previous
    ? Date.parse(previous.at)
    : seen.oldestFresh
      ? Date.parse(seen.oldestFresh)
      : now.getTime() - 24 * HOUR_MS;
  const span = Math.max(MIN_SPAN_MS, now.getTime() - since);
  const rate = (seen.fresh * HOUR_MS) / span;
  return previous ? (previous.perHour + rate) / 2 : rate;
}

/** Records the visits one run completed, in one update (after its rows are written). */
export async function recordVisits(
  state: StateStore,
  runId: string,
  now: Date,
  seen: Readonly<Record<string, VisitObservation>>,
): Promise<void> {
  if (Object.keys(seen).length === 0) return;
  await updateState(state, VISITS_KEY, visitsSchema, (current) => {
    const next = { ...current };
    for (const [tag, observation] of Object.entries(seen)) {
      const before = current ? lastVisit(current, tag, runId) : null;
      const perHour = observedRate(before, observation, now);
      const behind = observation.behind ?? false;
      next[tag] = { at: now.toISOString(), perHour, behind, setBy: runId, before };
    }
    return next;
  });
}
