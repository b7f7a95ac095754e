// One paging module for every collector loop, so that each source pages by its published
// rules and every loop stops for the same reasons:
// - offset paging (Spotify): stop on a missing `next`, an empty page or a short page (fewer
//   items than asked for; `null` items count as items); never on `total` arithmetic alone,
//   because a search's `total` moves between pages of one walk;
// - Graph cursor paging (Instagram): follow until there is no `paging.next`; the `after`
//   value may be the same on every page and still advance, so a repeated cursor is normal.
// Stop rules are arguments: what the caller wants (items, depth, a high-water mark through
// `visit`), caps (pages, items, the API's offset ceiling) and a deadline hook. A cap that
// cuts a walk short while the source has more is always counted in data quality.
import { DeferredError } from '../platform/errors.js';
import type { QualityCounters } from '../platform/quality.js';

/** Where a walk that a cap cut short is counted. */
export interface CapReport {
  quality: QualityCounters;
  /** Table of the data that was left behind. */
  table: string;
  /** What was walked (e.g. `show X episodes`), for the sample. */
  what: string;
}

export interface StopRules {
  /** Most pages to fetch; more pages left behind count `page_cap_reached`. */
  maxPages?: number;
  /**
   * Asked before every page after the first: a reason to stop (run deadline, budget), or
   * null to go on. The walk ends with `stopped` and the reason; the caller defers the rest.
   */
  shouldStop?: () => string | null;
}

export type WalkEnd =
  | 'end' // the source has no more pages
  | 'visitor' // the caller had what it needed (found, high-water mark)
  | 'wanted' // the wanted number of items or pages was reached
  | 'page_cap' // maxPages, maxItems or the offset ceiling cut the walk short (counted)
  | 'stopped'; // shouldStop said so

export interface WalkResult {
  pages: number;
  /** Items seen, `null` ones included. */
  items: number;
  /** Items that are not `null` (content available in the market). */
  available: number;
  ended: WalkEnd;
  stopReason: string | null;
}

/** A Spotify-style paging object (or the part of one the walk needs). */
export interface OffsetPage {
  items: readonly unknown[];
  next: string | null;
}

export interface OffsetWalk {
  /** Largest page the API allows (tier cap). */
  pageSize: number;
  /** A first page already in hand (embedded in a show or album answer): not fetched again. */
  first?: OffsetPage;
  /** Where the walk starts (a run resumed from its checkpoint); default 0. */
  startOffset?: number;
  /**
   * Called before each page is fetched, before the stop rules are asked: everything before
   * `offset` is landed. A checkpoint saves here, so a walk the deadline stops leaves its
   * position exactly where its landed answers end (core/checkpoint.ts).
   */
  beforePage?: (offset: number) => Promise<void>;
  /** Fetches (and lands) the page at `offset` of at most `limit` items. */
  fetch: (offset: number, limit: number) => Promise<OffsetPage>;
  /** Sees each page's items; true stops the walk (the caller has what it needs). */
  visit?: (items: readonly unknown[], offset: number) => boolean | void;
  /** Available (non-null) items the caller wants; reaching it ends the walk normally. */
  wanted?: number;
  /** Cap on items fetched: stopping on it with more left is counted. */
  maxItems?: number;
  /** The API's offset ceiling (search: 1000): stopping on it with more left is counted. */
  maxOffset?: number;
  stop?: StopRules;
  report: CapReport;
}

function capped(report: CapReport, why: string): void {
  report.quality.count(report.table, 'page_cap_reached', `${report.what}: ${why}`);
}

const availableIn = (items: readonly unknown[]) => items.filter((i) => i !== null).length;

/** Walks offset pages by the rules above. */
export async function walkOffsetPages(w: OffsetWalk): Promise<WalkResult> {
  const r: WalkResult = { pages: 0, items: 0, available: 0, ended: 'end', stopReason: null };
  let offset = w.startOffset ?? 0;
  let page: OffsetPage | undefined = w.first;
  let asked = w.first ? Math.max(w.first.items.length, 1) : 0;
  for (;;) {
    if (!page) {
      await w.beforePage?.(offset);
      if (r.pages > 0) {
        const reason = w.stop?.shouldStop?.() ?? null;
        if (reason !== null) return { ...r, ended: 'stopped', stopReason: reason };
      }
      asked = w.pageSize;
      if (w.wanted !== undefined) asked = Math.min(asked, Math.max(1, w.wanted - r.available));
      if (w.maxItems !== undefined) asked = Math.min(asked, w.maxItems - r.items);
      page = await w.fetch(offset, asked);
    }
    const items = page.items;
    r.pages += 1;
    r.items += items.length;
    r.available += availableIn(items);
    const done = w.visit?.(items, offset) === true;
    const more = page.next !== null && items.length > 0 && items.length >= asked;
    offset += items.length;
    page = undefined;
    if (done) return { ...r, ended: 'visitor' };
    if (!more) return { ...r, ended: 'end' };
    if (w.wanted !== undefined && r.available >= w.wanted) return { ...r, ended: 'wanted' };
    if (w.maxItems !== undefined && r.items >= w.maxItems) {
      capped(w.report, `stopped at ${r.items} items (cap ${w.maxItems})`);
      return { ...r, ended: 'page_cap' };
    }
    if (w.maxOffset !== undefined && offset > w.maxOffset) {
      capped(w.report, `offset ${offset} is past the API's ceiling of ${w.maxOffset}`);
      return { ...r, ended: 'page_cap' };
    }
    if (w.stop?.maxPages !== undefined && r.pages >= w.stop.maxPages) {
      capped(w.report, `${r.pages} pages (cap ${w.stop.maxPages})`);
      return { ...r, ended: 'page_cap' };
    }
  }
}

/** What the walk needs of one Graph page. */
export interface CursorPage {
  items: readonly unknown[];
  /** `paging.next` is present: there is a next page. */
  hasNext: boolean;
  /** `paging.cursors.after`: the value to ask the next page with. */
  after: string | null;
}

export interface CursorWalk {
  /** Fetches (and lands) the page after `after` (null: the first page). */
  fetch: (after: string | null) => Promise<CursorPage>;
  /** Sees each page's items; true stops the walk (e.g. the page is wholly older than a mark). */
  visit?: (items: readonly unknown[], page: number) => boolean | void;
  /** Pages the caller wants (a depth, such as "the latest 2 pages"): not a loss. */
  wantedPages?: number;
  stop?: StopRules;
  report: CapReport;
}

/** Walks Graph cursor pages: until there is no `paging.next`; a repeated cursor is normal. */
export async function walkCursorPages(w: CursorWalk): Promise<WalkResult> {
  const r: WalkResult = { pages: 0, items: 0, available: 0, ended: 'end', stopReason: null };
  let after: string | null = null;
  for (;;) {
    if (r.pages > 0) {
      const reason = w.stop?.shouldStop?.() ?? null;
      if (reason !== null) return { ...r, ended: 'stopped', stopReason: reason };
    }
    const page = await w.fetch(after);
    r.pages += 1;
    r.items += page.items.length;
    r.available += availableIn(page.items);
    if (w.visit?.(page.items, r.pages - 1) === true) return { ...r, ended: 'visitor' };
    // An empty page cannot lead anywhere new, whatever its paging says.
    if (!page.hasNext || page.after === null || page.items.length === 0) return { ...r };
    if (w.wantedPages !== undefined && r.pages >= w.wantedPages) return { ...r, ended: 'wanted' };
    if (w.stop?.maxPages !== undefined && r.pages >= w.stop.maxPages) {
      capped(w.report, `${r.pages} pages (cap ${w.stop.maxPages})`);
      return { ...r, ended: 'page_cap' };
    }
    after = page.after;
  }
}

/**
 * The run-deadline stop rule: past `deadline` the walk stops before its next page. (#14's
 * HTTP-level deadline and checkpoints plug in through the same `shouldStop` hook.)
 */
export function deadlineRule(now: () => Date, deadline: Date | undefined): StopRules['shouldStop'] {
  if (!deadline) return undefined;
  return () =>
    now() >= deadline ? `the run reached its deadline ${deadline.toISOString()}` : null;
}

/** A walk that `shouldStop` ended defers the rest of the run's work (retried later). */
export function deferIfStopped(result: WalkResult, what: string): WalkResult {
  if (result.ended === 'stopped')
    throw new DeferredError(
      `${what}: ${result.stopReason ?? 'stopped'}; deferring the rest of the work`,
      'run-deadline',
      60,
    );
  return result;
}

/** The stop rules every run gets: its deadline (and, given, a page cap). */
export function runStopRules(
  run: { clock: { now(): Date }; deadline?: Date },
  maxPages?: number,
): StopRules {
  const shouldStop = deadlineRule(() => run.clock.now(), run.deadline);
  return { ...(shouldStop ? { shouldStop } : {}), ...(maxPages ? { maxPages } : {}) };
}
