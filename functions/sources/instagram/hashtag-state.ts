// What the hashtag collector remembers between runs, in the StateStore: hashtag ids (static
// and global, looked up once), the 30-unique-hashtags-per-rolling-7-days budget of the
// app's IG account, and which run last searched each id. Each hashtag's mark and the posts
// already written are in hashtag-seen.ts.
import { z } from 'zod';
import { updateState, type StateStore } from '../../platform/state.js';
import { GRAPH_ID } from './client.js';

const WEEK_MS = 7 * 24 * 3600_000;

const idsSchema = z.record(z.string(), z.string().regex(GRAPH_ID));
const budgetSchema = z.object({
  lastQueried: z.record(z.string(), z.string()),
  /** Tags waiting for a slot, and since when (one alert when they start and stop waiting). */
  waiting: z.record(z.string(), z.string()).default({}),
  /** Tags Instagram does not know, and until when they are not searched again. */
  unknown: z.record(z.string(), z.string()).default({}),
  /** Hashtag ids other tools of the same account counted (from recently_searched_hashtags). */
  foreign: z.array(z.string()).default([]),
  reconciledAt: z.string().nullable().default(null),
});
type Budget = z.output<typeof budgetSchema>;
const watermarkSchema = z.record(
  z.string(),
  z.object({ hwm: z.string(), setBy: z.string(), before: z.string().nullable() }),
);

const IDS_KEY = 'instagram/hashtag-ids';
const budgetKey = (userId: string) => `instagram/hashtag-budget/${userId}`;
const WATERMARKS_KEY = 'instagram/hashtag-watermarks';
const LOOKUPS_KEY = 'instagram/hashtag-id-lookups';
const lookupsSchema = z.record(z.string(), z.string());

export async function knownHashtagIds(state: StateStore): Promise<Record<string, string>> {
  return (await state.get(IDS_KEY, idsSchema))?.value ?? {};
}

export async function rememberHashtagId(state: StateStore, tag: string, id: string): Promise<void> {
  await updateState(state, IDS_KEY, idsSchema, (current) => ({ ...current, [tag]: id }));
}

export interface Admission {
  admitted: string[];
  waiting: string[];
  /** Waiting since this run (alert once), and admitted after waiting (alert once). */
  startedWaiting: string[];
  admittedAfterWaiting: string[];
  /** Wanted tags skipped because Instagram did not know them recently. */
  unknown: string[];
  /** Hashtags counted in the window right now (after this admission). */
  used: number;
  /** When the earliest counted hashtag that is not wanted any more leaves the window. */
  freesAt: Date | null;
}

/** Pure budget rule: counted tags may be queried again; new ones only while slots are free. */
function admit(
  lastQueried: Record<string, string>,
  wanted: readonly string[],
  now: Date,
  limit: number,
): Omit<Admission, 'startedWaiting' | 'admittedAfterWaiting' | 'unknown'> {
  const windowStart = now.getTime() - WEEK_MS;
  const active = new Map(
    Object.entries(lastQueried).filter(([, at]) => Date.parse(at) > windowStart),
  );
  const admitted: string[] = [];
  const waiting: string[] = [];
  let free = limit - active.size;
  for (const tag of wanted) {
    if (active.has(tag)) admitted.push(tag);
    else if (free > 0) {
      admitted.push(tag);
      free -= 1;
    } else waiting.push(tag);
  }
  const unwanted = [...active].filter(([tag]) => !wanted.includes(tag));
  const earliest = unwanted.map(([, at]) => Date.parse(at) + WEEK_MS).sort((a, b) => a - b)[0];
  return {
    admitted,
    waiting,
    used: limit - Math.max(0, free),
    freesAt: earliest === undefined ? null : new Date(earliest),
  };
}

/**
 * Decides and records the admission in one optimistic update, before any call, so two
 * concurrent runs cannot both take the last slot. Entries older than 7 days are dropped.
 */
export async function reserveHashtags(
  state: StateStore,
  userId: string,
  wanted: readonly string[],
  now: Date,
  limit: number,
): Promise<Admission> {
  let admission: Admission | null = null;
  await updateState(state, budgetKey(userId), budgetSchema, (current) => {
    const budget = current ?? budgetSchema.parse({ lastQueried: {} });
    const last = budget.lastQueried;
    const unknownUntil = Object.fromEntries(
      Object.entries(budget.unknown).filter(([, until]) => Date.parse(until) > now.getTime()),
    );
    const unknown = wanted.filter((tag) => tag in unknownUntil);
    const decided = admit(
      last,
      wanted.filter((tag) => !(tag in unknownUntil)),
      now,
      limit - budget.foreign.length,
    );
    admission = {
      ...decided,
      used: decided.used + budget.foreign.length,
      startedWaiting: decided.waiting.filter((tag) => !(tag in budget.waiting)),
      admittedAfterWaiting: decided.admitted.filter((tag) => tag in budget.waiting),
      unknown,
    };
    const windowStart = now.getTime() - WEEK_MS;
    const kept = Object.entries(last).filter(([, at]) => Date.parse(at) > windowStart);
    const next = Object.fromEntries(kept);
    for (const tag of admission.admitted) next[tag] ??= now.toISOString();
    return {
      ...budget,
      lastQueried: next,
      waiting: Object.fromEntries(
        decided.waiting.map((tag) => [tag, budget.waiting[tag] ?? now.toISOString()]),
      ),
      unknown: unknownUntil,
    };
  });
  return admission!;
}

/**
 * A tag Instagram does not know is remembered until `until` (not searched again before) and
 * gives its slot back: a search that found nothing is not a counted hashtag query.
 */
export async function forgetUnknownHashtag(
  state: StateStore,
  userId: string,
  tag: string,
  until: Date,
): Promise<void> {
  await updateState(state, budgetKey(userId), budgetSchema, (current) => {
    const budget = current ?? budgetSchema.parse({ lastQueried: {} });
    const lastQueried = { ...budget.lastQueried };
    delete lastQueried[tag];
    return { ...budget, lastQueried, unknown: { ...budget.unknown, [tag]: until.toISOString() } };
  });
}

export interface Reconciliation {
  /** Tags the local estimate counted that Instagram does not (slots given back). */
  released: string[];
  /** Tags Instagram counts that the local estimate missed. */
  added: string[];
  /** Ids counted by other tools of the same account. */
  foreign: number;
}

/**
 * Makes the local estimate agree with recently_searched_hashtags (the truth: the budget is
 * shared with every tool using the account). `searchedIds` are the hashtag ids it listed.
 */
export async function reconcileBudget(
  state: StateStore,
  userId: string,
  searchedIds: readonly string[],
  now: Date,
): Promise<Reconciliation> {
  const ids = await knownHashtagIds(state);
  const tagOfId = new Map(Object.entries(ids).map(([tag, id]) => [id, tag]));
  const counted = new Set(searchedIds.map((id) => tagOfId.get(id)).filter((t) => t !== undefined));
  const foreign = searchedIds.filter((id) => !tagOfId.has(id));
  let result: Reconciliation = { released: [], added: [], foreign: foreign.length };
  await updateState(state, budgetKey(userId), budgetSchema, (current): Budget => {
    const budget = current ?? budgetSchema.parse({ lastQueried: {} });
    const lastQueried: Record<string, string> = {};
    const released: string[] = [];
    for (const [tag, at] of Object.entries(budget.lastQueried)) {
      if (counted.has(tag)) lastQueried[tag] = at;
      else released.push(tag);
    }
    // When Instagram counted it is not said: "now" keeps the slot the longest (the safe side).
    const added = [...counted].filter((tag) => !(tag in budget.lastQueried));
    for (const tag of added) lastQueried[tag] = now.toISOString();
    result = { released, added, foreign: foreign.length };
    return { ...budget, lastQueried, foreign, reconciledAt: now.toISOString() };
  });
  return result;
}

type Watermarks = z.output<typeof watermarkSchema>;

/**
 * The older shared document of every hashtag's mark (before each tag had its own document
 * in hashtag-seen.ts), read once per run so a tag's first run on the new layout still pages
 * back only to where the last run on the old one got.
 */
export async function readLegacyWatermarks(state: StateStore): Promise<Watermarks> {
  return (await state.get(WATERMARKS_KEY, watermarkSchema))?.value ?? {};
}

export function legacyMark(marks: Watermarks, tag: string): string | null {
  return marks[tag]?.hwm ?? null;
}

/** Which run last searched each hashtag's id (tag → run id). */
export async function hashtagLookups(state: StateStore): Promise<Record<string, string>> {
  return (await state.get(LOOKUPS_KEY, lookupsSchema))?.value ?? {};
}

/**
 * Notes that `runId` searches `tag` (before the search): a redelivery of that run searches
 * again, because its first attempt's answer may not have been landed durably, and a raw
 * object must hold every answer an undisturbed run holds.
 */
export async function noteHashtagLookup(
  state: StateStore,
  tag: string,
  runId: string,
): Promise<void> {
  await updateState(state, LOOKUPS_KEY, lookupsSchema, (current) => ({
    ...current,
    [tag]: runId,
  }));
}
