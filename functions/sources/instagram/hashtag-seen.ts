// What one hashtag's runs remember between runs, one StateStore document per hashtag
// (`instagram/hashtag-seen/<tag>`), read when the run reaches the tag and written once after
// the tag's rows are flushed: the high-water mark the next run pages back to, and a short
// fingerprint of every post a walk can still meet (inside the 24-hour window, and among the
// newest page cap × 50), so a run writes a row only for a post it sees for the first time or
// whose stored values changed.
//
// Redelivery: the document says which run wrote it last (`setBy`) and what that run replaced
// (`before` for the mark, `prior` for the fingerprints it wrote). A delivery of that same run
// id works from the state as it was before its first attempt, so it fetches the same window,
// writes the same rows (same insert ids) and lands the same raw lines.
import { z } from 'zod';
import { updateState, type StateStore } from '../../platform/state.js';

/** Posts older than the 24-hour recent_media window plus this margin are forgotten. */
const SEEN_MARGIN_MS = 2 * 3600_000;
const WINDOW_MS = 24 * 3600_000;

/** Hex characters of a row's content_hash kept as its fingerprint (64 bits). */
const FINGERPRINT_LENGTH = 16;

export const fingerprintOf = (contentHash: string): string =>
  contentHash.slice(0, FINGERPRINT_LENGTH);

const fingerprint = z.string().regex(/^[0-9a-f]{16}$/);
/** Post id → [fingerprint, publication time in epoch seconds] (compact: 14,400 posts a day). */
const postsSchema = z.record(z.string(), z.tuple([fingerprint, z.number().int()]));

/** Posts newer than `to` (null: the window's start) that a capped walk did not reach. */
const behindSchema = z.object({ to: z.string().nullable() });
export type Behind = z.output<typeof behindSchema>;

const seenSchema = z.object({
  hwm: z.string().nullable(),
  before: z.string().nullable(),
  setBy: z.string(),
  posts: postsSchema,
  /** Fingerprints the `setBy` run replaced (null: the post was new to it). */
  prior: z.record(z.string(), fingerprint.nullable()),
  /** The last walk stopped at the page cap above this mark: the next run catches up. */
  behind: behindSchema.nullable().default(null),
  behindBefore: behindSchema.nullable().default(null),
});
type SeenDoc = z.output<typeof seenSchema>;
type Posts = z.output<typeof postsSchema>;

const seenKey = (tag: string) => `instagram/hashtag-seen/${tag}`;

/** A tag's state as a run sees it: from before that run's own earlier attempts. */
export interface TagMemory {
  /** The mark to page back to (null: never collected). */
  hwm: string | null;
  posts: Posts;
  /** Set when the last walk was cut short by the page cap before reaching its mark. */
  behind: Behind | null;
}

/** The state before `runId` touched it (the document itself when another run wrote it). */
function baseFor(doc: SeenDoc | null, runId: string): TagMemory {
  if (doc === null) return { hwm: null, posts: {}, behind: null };
  if (doc.setBy !== runId) return { hwm: doc.hwm, posts: doc.posts, behind: doc.behind };
  const posts = { ...doc.posts };
  for (const [id, fp] of Object.entries(doc.prior)) {
    const entry = posts[id];
    if (fp === null) delete posts[id];
    else if (entry) posts[id] = [fp, entry[1]];
  }
  return { hwm: doc.before, posts, behind: doc.behindBefore };
}

/**
 * A tag's memory for this run. `legacyMark` is the mark of the older shared watermark
 * document, used once when the tag has no document of its own yet.
 */
export async function readTagMemory(
  state: StateStore,
  tag: string,
  runId: string,
  legacyMark: string | null,
): Promise<TagMemory> {
  const doc = (await state.get(seenKey(tag), seenSchema))?.value ?? null;
  if (doc === null) return { hwm: legacyMark, posts: {}, behind: null };
  return baseFor(doc, runId);
}

/** A post this run wrote a row for. */
export interface WrittenPost {
  fingerprint: string;
  /** Publication time (ISO), or null when Instagram sent none that could be read. */
  timestamp: string | null;
}

/**
 * The `keep` newest posts. A walk sees at most its page cap × 50 posts, the newest ones, so
 * an older fingerprint would never be compared again; keeping only these bounds the document
 * (a tag of 600 posts an hour holds 14,400 posts in its window, a capped walk sees 1,000).
 * Were an older post seen after all, it would get a row that repeats its last one: a
 * duplicate snapshot, never a lost change.
 */
function newestPosts(posts: Posts, keep: number): Posts {
  const entries = Object.entries(posts);
  if (entries.length <= keep) return posts;
  entries.sort(([a, x], [b, y]) => y[1] - x[1] || (a < b ? 1 : a > b ? -1 : 0));
  return Object.fromEntries(entries.slice(0, keep));
}

/**
 * Records one run's outcome for a tag (call it only once the tag's rows are flushed): the
 * posts it wrote rows for, the newest timestamp it saw; posts that left the window go.
 */
export async function rememberTag(
  state: StateStore,
  tag: string,
  run: { runId: string; now: Date; legacyMark: string | null; keep: number },
  written: ReadonlyMap<string, WrittenPost>,
  newest: string | null,
  behind: Behind | null,
): Promise<void> {
  const oldest = Math.floor((run.now.getTime() - WINDOW_MS - SEEN_MARGIN_MS) / 1000);
  const nowSeconds = Math.floor(run.now.getTime() / 1000);
  await updateState(state, seenKey(tag), seenSchema, (current): SeenDoc => {
    // Merged into what is stored now: a concurrent run of the same tag keeps its posts.
    const base =
      current === null
        ? { hwm: run.legacyMark, posts: {}, behind: null }
        : baseFor(current, run.runId);
    const posts: Posts = {};
    for (const [id, entry] of Object.entries(base.posts)) if (entry[1] >= oldest) posts[id] = entry;
    const prior: Record<string, string | null> = {};
    for (const [id, post] of written) {
      prior[id] = base.posts[id]?.[0] ?? null;
      const at = post.timestamp === null ? NaN : Date.parse(post.timestamp);
      // A post without a readable time is kept as if published now (it expires a day on).
      posts[id] = [post.fingerprint, Number.isNaN(at) ? nowSeconds : Math.floor(at / 1000)];
    }
    const kept = newestPosts(posts, run.keep);
    const hwm = base.hwm !== null && (newest === null || base.hwm > newest) ? base.hwm : newest;
    // What a redelivery must undo, for the posts still kept.
    const undo = Object.fromEntries(Object.entries(prior).filter(([id]) => id in kept));
    return {
      hwm,
      before: base.hwm,
      setBy: run.runId,
      posts: kept,
      prior: undo,
      behind,
      behindBefore: base.behind,
    };
  });
}
