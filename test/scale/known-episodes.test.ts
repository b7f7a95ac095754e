// The rules an incremental podcast pass stops by (known-episodes.ts), case by case.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../functions/platform/state.js';
import {
  fullPassReason,
  judgePage,
  ListingHead,
  loadBaseline,
  rememberListing,
  type ListingSnapshot,
} from '../../functions/sources/spotify/known-episodes.js';

const ep = (id: string) => ({ id, name: id });
const snapshot = (over: Partial<ListingSnapshot> = {}): ListingSnapshot => ({
  runId: 'r1',
  at: '2026-11-20T09:30:00.000Z',
  total: 100,
  firstAt: 0,
  newest: ['e100', 'e99', 'e98', 'e97'],
  terms: ['Grupo Boticário'],
  fullAt: '2026-11-20T09:30:00.000Z',
  ...over,
});

describe('incremental podcast rules', () => {
  it('stops where the known head follows the new episodes and the total adds up', () => {
    const page = [ep('e102'), ep('e101'), ep('e100'), ep('e99'), ep('e98')];
    expect(judgePage(page, 0, snapshot(), 102)).to.deep.equal({ kind: 'known' });
    // Only new episodes on the page: go on.
    expect(judgePage([ep('e103'), ep('e102')], 0, snapshot(), 103)).to.deep.equal({ kind: 'new' });
    // Known ones on a later page: the new episodes are counted from the page's offset.
    expect(judgePage([ep('e100'), ep('e99')], 50, snapshot(), 150)).to.deep.equal({
      kind: 'known',
    });
  });

  it('counts unavailable (null) items before the head as they were', () => {
    const base = snapshot({ firstAt: 1, total: 100 });
    expect(judgePage([null, ep('e100'), ep('e99')], 0, base, 100).kind).to.equal('known');
    expect(judgePage([ep('e101'), null, ep('e100')], 0, base, 101).kind).to.equal('known');
  });

  it('walks everything when the head was removed, reordered or the total does not add up', () => {
    const gone = judgePage([ep('e101'), ep('e99'), ep('e98')], 0, snapshot(), 100);
    expect(gone.kind).to.equal('suspicious');
    const inserted = judgePage([ep('e100'), ep('x'), ep('e99')], 0, snapshot(), 101);
    expect(inserted.kind).to.equal('suspicious');
    const unavailable = judgePage([ep('e100'), null, ep('e98')], 0, snapshot(), 100);
    expect(unavailable.kind).to.equal('suspicious');
    const total = judgePage([ep('e101'), ep('e100')], 0, snapshot(), 100);
    expect(total).to.deep.include({ kind: 'suspicious' });
    expect(total.kind === 'suspicious' && total.why).to.match(/total is 100 where 100 known \+ 1/);
  });

  it('asks for a full pass without knowledge, on request and for new terms only', () => {
    expect(fullPassReason(null, false, ['a'])).to.match(/no earlier complete run/);
    expect(fullPassReason(snapshot(), true, ['Grupo Boticário'])).to.match(/param full/);
    expect(fullPassReason(snapshot(), false, ['Grupo Boticário', 'Natura'])).to.match(
      /"Natura" are new/,
    );
    expect(fullPassReason(snapshot(), false, [])).to.equal(null);
    expect(fullPassReason(snapshot({ newest: [] }), false, [])).to.match(/no available/);
  });

  it('keeps the first 50 available ids of the head, with where the first one stood', () => {
    const head = new ListingHead();
    head.see([null, ...Array.from({ length: 49 }, (_, i) => ep(`a${i}`))], 0);
    head.see(
      Array.from({ length: 50 }, (_, i) => ep(`b${i}`)),
      50,
    );
    expect(head.firstAt).to.equal(1);
    expect(head.newest).to.have.length(50);
    expect(head.newest.at(-1)).to.equal('b0');
  });

  it('a rerun of the run that wrote the knowledge compares with the snapshot before it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-known-'));
    try {
      const state = new FileStateStore(dir);
      const day1 = snapshot({ runId: 'day-1', at: '2026-11-20T09:30:00.000Z' });
      const day2 = snapshot({ runId: 'day-2', at: '2026-11-21T09:30:00.000Z', total: 101 });
      expect(await loadBaseline(state, 'BR', 'show', 'day-1')).to.equal(null);
      await rememberListing(state, 'BR', 'show', day1);
      await rememberListing(state, 'BR', 'show', day2);
      expect(await loadBaseline(state, 'BR', 'show', 'day-3')).to.deep.equal(day2);
      expect(await loadBaseline(state, 'BR', 'show', 'day-2')).to.deep.equal(day1);
      // A late redelivery of an older run does not move the knowledge back.
      await rememberListing(state, 'BR', 'show', { ...day1, runId: 'day-0', at: '2026-11-19' });
      expect(await loadBaseline(state, 'BR', 'show', 'day-3')).to.deep.equal(day2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
