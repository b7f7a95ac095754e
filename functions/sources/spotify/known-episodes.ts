// Incremental podcast episodes: what the last complete run of a show saw at the head of its
// listing (newest first), one StateStore document per show and market. An incremental run
// pages until it meets those episodes and checks that the listing still adds up (the newest
// known episode comes first among the known ones, they follow in the same order, and the
// listing's `total` grew by exactly the new episodes); anything else makes it walk the whole
// listing. The document keeps the snapshot before the current one too, so a rerun or a
// redelivery of the run that wrote the current snapshot compares with the same baseline as
// its first delivery (same walk, same raw objects, same rows).
import { z } from 'zod';
import { isRecord } from '../../platform/fields.js';
import { updateState, type StateStore } from '../../platform/state.js';

/** Non-null episode ids kept from the head of the listing. */
const HEAD_SIZE = 50;

export const listingSnapshotSchema = z.object({
  /** Run that saw this head, and its run time. */
  runId: z.string(),
  at: z.string(),
  /** The listing's `total` (null items included) on the run's first page. */
  total: z.number().int().nonnegative(),
  /** Listing position of `newest[0]` (null items may come before it). */
  firstAt: z.number().int().nonnegative(),
  /** The first non-null episode ids of the listing, newest first. */
  newest: z.array(z.string()).max(HEAD_SIZE),
  /** Mention terms every collected episode has rows for (the run's terms). */
  terms: z.array(z.string()),
  /** Run time of the latest run that walked the whole listing, if known. */
  fullAt: z.string().nullable(),
});
export type ListingSnapshot = z.infer<typeof listingSnapshotSchema>;

const docSchema = z.object({
  current: listingSnapshotSchema,
  previous: listingSnapshotSchema.nullable(),
});

function knownEpisodesKey(market: string, showId: string): string {
  return `spotify/podcasts/${market}/${showId}`;
}

/** The snapshot a run compares with: the current one, unless this very run wrote it. */
export async function loadBaseline(
  state: StateStore,
  market: string,
  showId: string,
  runId: string,
): Promise<ListingSnapshot | null> {
  const doc = await state.get(knownEpisodesKey(market, showId), docSchema);
  if (!doc) return null;
  return doc.value.current.runId === runId ? doc.value.previous : doc.value.current;
}

/**
 * Records what a run saw, once its rows are durable. A newer run's snapshot is kept; the
 * same run id replaces its own (the previous snapshot stays its baseline).
 */
export async function rememberListing(
  state: StateStore,
  market: string,
  showId: string,
  snapshot: ListingSnapshot,
): Promise<void> {
  await updateState(state, knownEpisodesKey(market, showId), docSchema, (doc) => {
    if (!doc) return { current: snapshot, previous: null };
    if (doc.current.runId === snapshot.runId) return { ...doc, current: snapshot };
    if (doc.current.at > snapshot.at) return doc;
    return { current: snapshot, previous: doc.current };
  });
}

/** Why a run walks the whole listing, or null when it may stop at known episodes. */
export function fullPassReason(
  baseline: ListingSnapshot | null,
  full: boolean,
  terms: readonly string[],
): string | null {
  if (full) return 'a full pass was asked for (param full)';
  if (!baseline) return 'no earlier complete run of this show is known';
  if (baseline.newest.length === 0) return 'the last run saw no available episode';
  const missing = terms.filter((t) => !baseline.terms.includes(t));
  if (missing.length > 0)
    return `mention terms ${missing.map((t) => `"${t}"`).join(', ')} are new: every episode needs them`;
  return null;
}

/** The head of the listing a run sees, gathered page by page from offset 0. */
export class ListingHead {
  total: number | null;
  firstAt: number | null;
  newest: string[];
  constructor(from?: { total: number | null; firstAt: number | null; newest: string[] }) {
    this.total = from?.total ?? null;
    this.firstAt = from?.firstAt ?? null;
    this.newest = [...(from?.newest ?? [])];
  }
  see(items: readonly unknown[], offset: number): void {
    items.forEach((item, i) => {
      const id = episodeId(item);
      if (id === null || this.newest.length >= HEAD_SIZE) return;
      if (this.newest.length === 0) this.firstAt = offset + i;
      this.newest.push(id);
    });
  }
  toJSON(): { total: number | null; firstAt: number | null; newest: string[] } {
    return { total: this.total, firstAt: this.firstAt, newest: this.newest };
  }
}

function episodeId(item: unknown): string | null {
  return isRecord(item) && typeof item.id === 'string' ? item.id : null;
}

type PageVerdict =
  | { kind: 'new' } // no known episode on this page: go on
  | { kind: 'known' } // met the known head, and the listing adds up: stop after this page
  | { kind: 'suspicious'; why: string }; // walk the whole listing

/**
 * Judges one page of an incremental walk against the baseline: `total` is the listing's
 * total on this run's first page.
 */
export function judgePage(
  items: readonly unknown[],
  offset: number,
  baseline: ListingSnapshot,
  total: number | null,
): PageVerdict {
  const known = new Set(baseline.newest);
  const at = items.findIndex((item) => known.has(episodeId(item) ?? ''));
  if (at < 0) return { kind: 'new' };
  const ids = items
    .slice(at)
    .map(episodeId)
    .filter((id): id is string => id !== null);
  const expected = baseline.newest.slice(0, ids.length);
  const overlap = ids.slice(0, expected.length);
  if (overlap.join(',') !== expected.join(','))
    return {
      kind: 'suspicious',
      why: `the episodes collected before do not follow in the same order (expected ${expected[0]} first, found ${overlap[0]}): some were removed or moved`,
    };
  const added = offset + at - baseline.firstAt;
  if (total === null || total !== baseline.total + added)
    return {
      kind: 'suspicious',
      why: `the listing's total is ${total ?? 'unknown'} where ${baseline.total} known + ${added} new = ${baseline.total + added}: episodes were removed or the head moved`,
    };
  return { kind: 'known' };
}
