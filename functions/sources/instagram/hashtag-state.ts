// What the hashtag collector remembers between runs, in the StateStore: hashtag ids (static
// and global, looked up once), the 30-unique-hashtags-per-rolling-7-days budget of the
// app's IG account, and each hashtag's high-water mark of media already seen.
import { z } from 'zod';
import { updateState, type StateStore } from '../../platform/state.js';
import { GRAPH_ID } from './client.js';

const WEEK_MS = 7 * 24 * 3600_000;

const idsSchema = z.record(z.string(), z.string().regex(GRAPH_ID));
const budgetSchema = z.object({ lastQueried: z.record(z.string(), z.string()) });
const watermarkSchema = z.record(
  z.string(),
  z.object({ hwm: z.string(), setBy: z.string(), before: z.string().nullable() }),
);

const IDS_KEY = 'instagram/hashtag-ids';
const budgetKey = (userId: string) => `instagram/hashtag-budget/${userId}`;
const WATERMARKS_KEY = 'instagram/hashtag-watermarks';

export async function knownHashtagIds(state: StateStore): Promise<Record<string, string>> {
  return (await state.get(IDS_KEY, idsSchema))?.value ?? {};
}

export async function rememberHashtagId(state: StateStore, tag: string, id: string): Promise<void> {
  await updateState(state, IDS_KEY, idsSchema, (current) => ({ ...current, [tag]: id }));
}

export interface Admission {
  admitted: string[];
  waiting: string[];
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
): Admission {
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
    const last = current?.lastQueried ?? {};
    admission = admit(last, wanted, now, limit);
    const windowStart = now.getTime() - WEEK_MS;
    const kept = Object.entries(last).filter(([, at]) => Date.parse(at) > windowStart);
    const next = Object.fromEntries(kept);
    for (const tag of admission.admitted) next[tag] = now.toISOString();
    return { lastQueried: next };
  });
  return admission!;
}

type Watermarks = z.output<typeof watermarkSchema>;

/** Every hashtag's mark, read once per run. */
export async function readWatermarks(state: StateStore): Promise<Watermarks> {
  return (await state.get(WATERMARKS_KEY, watermarkSchema))?.value ?? {};
}

/**
 * The mark a run pages back to. A rerun of the same run id (a redelivery after a failure)
 * uses the mark from before its own first attempt, so it fetches the same window again.
 */
export function watermarkFor(marks: Watermarks, tag: string, runId: string): string | null {
  const entry = marks[tag];
  if (!entry) return null;
  return entry.setBy === runId ? entry.before : entry.hwm;
}

/** Writes the new marks of one run (tag → newest timestamp seen) in one update. */
export async function advanceWatermarks(
  state: StateStore,
  runId: string,
  hwms: Readonly<Record<string, string>>,
): Promise<void> {
  if (Object.keys(hwms).length === 0) return;
  await updateState(state, WATERMARKS_KEY, watermarkSchema, (current) => {
    const next = { ...current };
    for (const [tag, hwm] of Object.entries(hwms)) {
      const entry = current?.[tag];
      const before = entry ? (entry.setBy === runId ? entry.before : entry.hwm) : null;
      const best = entry && entry.hwm > hwm ? entry.hwm : hwm; // never moves back
      next[tag] = { hwm: best, setBy: runId, before };
    }
    return next;
  });
}
