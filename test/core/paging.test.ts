// The paging rules every collector shares (functions/core/paging.ts).
import { expect } from 'chai';
import {
  deferIfStopped,
  walkCursorPages,
  walkOffsetPages,
  type CursorPage,
  type OffsetPage,
} from '../../functions/core/paging.js';
import { DeferredError } from '../../functions/platform/errors.js';
import { QualityCounters } from '../../functions/platform/quality.js';

/** An offset source over `n` items (null where `nulls` says), with a `total` that lies. */
function offsetSource(n: number, nulls: readonly number[] = [], total = n) {
  const asked: Array<[number, number]> = [];
  const fetch = async (offset: number, limit: number): Promise<OffsetPage & { total: number }> => {
    asked.push([offset, limit]);
    const items = Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) =>
      nulls.includes(offset + i) ? null : { id: offset + i },
    );
    return { items, next: offset + limit < n ? `next?offset=${offset + limit}` : null, total };
  };
  return { fetch, asked };
}

const report = () => ({ quality: new QualityCounters(), table: 't', what: 'walk' });

describe('paging: offset walks', () => {
  it('stops on a missing next and never on total arithmetic alone', async () => {
    const src = offsetSource(35, [], 12); // total says 12, there are 35
    const r = await walkOffsetPages({ pageSize: 10, fetch: src.fetch, report: report() });
    expect(r).to.include({ items: 35, pages: 4, ended: 'end' });
  });

  it('stops on a short page even when next is still given', async () => {
    const fetch = async (offset: number): Promise<OffsetPage> => ({
      items: offset === 0 ? new Array(10).fill({}) : new Array(3).fill({}),
      next: 'always',
    });
    const r = await walkOffsetPages({ pageSize: 10, fetch, report: report() });
    expect(r).to.include({ items: 13, pages: 2, ended: 'end' });
  });

  it('counts null items as items of the page but not as wanted ones', async () => {
    const src = offsetSource(100, [3, 4, 15]);
    const r = await walkOffsetPages({
      pageSize: 10,
      wanted: 20,
      fetch: src.fetch,
      report: report(),
    });
    expect(r.available).to.equal(20);
    expect(src.asked).to.deep.equal([
      [0, 10],
      [10, 10],
      [20, 3],
    ]);
  });

  it('uses an embedded first page instead of fetching it', async () => {
    const src = offsetSource(137);
    const first = await src.fetch(0, 50);
    src.asked.length = 0;
    const r = await walkOffsetPages({ pageSize: 50, first, fetch: src.fetch, report: report() });
    expect(r.items).to.equal(137);
    expect(src.asked.map(([o]) => o)).to.deep.equal([50, 100]);
  });

  it('counts a cap that cuts the walk short, and not one the walk ends at', async () => {
    const cut = report();
    const r = await walkOffsetPages({
      pageSize: 10,
      maxItems: 25,
      fetch: offsetSource(40).fetch,
      report: cut,
    });
    expect(r).to.include({ items: 25, ended: 'page_cap' });
    expect(cut.quality.summary()).to.deep.equal({ 't.page_cap_reached': 1 });
    const exact = report();
    await walkOffsetPages({
      pageSize: 10,
      maxItems: 40,
      fetch: offsetSource(40).fetch,
      report: exact,
    });
    expect(exact.quality.summary()).to.deep.equal({});
    const pages = report();
    const p = await walkOffsetPages({
      pageSize: 10,
      stop: { maxPages: 2 },
      fetch: offsetSource(40).fetch,
      report: pages,
    });
    expect(p.pages).to.equal(2);
    expect(pages.quality.summary()).to.deep.equal({ 't.page_cap_reached': 1 });
  });

  it('stops before the next page when shouldStop says so, and the run defers', async () => {
    let calls = 0;
    const r = await walkOffsetPages({
      pageSize: 10,
      fetch: async (o, l) => {
        calls += 1;
        return offsetSource(100).fetch(o, l);
      },
      stop: { shouldStop: () => (calls >= 2 ? 'deadline' : null) },
      report: report(),
    });
    expect(r).to.include({ pages: 2, ended: 'stopped', stopReason: 'deadline' });
    expect(() => deferIfStopped(r, 'walk')).to.throw(DeferredError, /deadline/);
  });
});

describe('paging: Graph cursor walks', () => {
  /** Meta's documented hashtag paging: the same `after` on every page; no paging at the end. */
  function sameCursorSource(pages: number) {
    let served = 0;
    return async (after: string | null): Promise<CursorPage> => {
      expect(after === null).to.equal(served === 0);
      served += 1;
      const last = served === pages;
      return { items: [{ n: served }], hasNext: !last, after: last ? null : 'QVFIU' };
    };
  }

  it('follows a repeated cursor until there is no paging.next', async () => {
    const r = await walkCursorPages({ fetch: sameCursorSource(7), report: report() });
    expect(r).to.include({ pages: 7, ended: 'end' });
  });

  it('stops when the visitor has what it needs, or at a counted page cap', async () => {
    const v = await walkCursorPages({
      fetch: sameCursorSource(7),
      visit: (_items, page) => page === 2,
      report: report(),
    });
    expect(v).to.include({ pages: 3, ended: 'visitor' });
    const capped = report();
    const c = await walkCursorPages({
      fetch: sameCursorSource(7),
      stop: { maxPages: 4 },
      report: capped,
    });
    expect(c).to.include({ pages: 4, ended: 'page_cap' });
    expect(capped.quality.summary()).to.deep.equal({ 't.page_cap_reached': 1 });
    const depth = report();
    const d = await walkCursorPages({ fetch: sameCursorSource(7), wantedPages: 2, report: depth });
    expect(d).to.include({ pages: 2, ended: 'wanted' });
    expect(depth.quality.summary()).to.deep.equal({});
  });
});
