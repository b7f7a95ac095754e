// The hashtag budget's edges: one ALERT when a hashtag starts waiting for a slot and one when
// it is admitted (WARNINGs in between, not a permanent failure every 5 minutes); unknown
// hashtags remembered for a day without holding a slot; the daily reconciliation with
// recently_searched_hashtags.
import { expect } from 'chai';
import { startInstagramHarness, type InstagramHarness } from '../instagram/support.js';

const severities = (h: InstagramHarness, from: number) =>
  h.logs
    .entries()
    .slice(from)
    .map((l) => String(l.severity));

describe('hashtag budget edges', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('alerts once when a tag starts waiting and once when it is admitted, warns in between', async () => {
    h = await startInstagramHarness({ env: { INSTAGRAM_HASHTAG_BUDGET: '2' } });
    const run = (hashtags: string[]) => h.run({ job: 'instagram.hashtags', params: { hashtags } });
    expect((await run(['dior', 'gucci'])).outcome).to.equal('succeeded');

    h.clock.advance(3600_000);
    let from = h.logs.entries().length;
    const waiting = await run(['dior', 'prada']);
    expect(waiting.outcome, waiting.error ?? '').to.equal('succeeded');
    expect(waiting.details.budget_waiting).to.deep.equal(['prada']);
    expect(severities(h, from).filter((s) => s === 'ALERT')).to.have.length(1);

    for (let i = 0; i < 3; i++) {
      h.clock.advance(5 * 60_000);
      from = h.logs.entries().length;
      await run(['dior', 'prada']);
      expect(severities(h, from)).to.not.include('ALERT');
      expect(severities(h, from)).to.include('WARNING');
    }
    expect(h.apiLog().filter((r) => r.query.q === 'prada')).to.have.length(0);

    // gucci's slot frees 7 days after it was counted: prada gets in, with one ALERT.
    h.clock.advance(7 * 24 * 3600_000);
    from = h.logs.entries().length;
    const admitted = await run(['dior', 'prada']);
    expect(admitted.details.budget_waiting).to.equal(undefined);
    const alerts = h.logs
      .entries()
      .slice(from)
      .filter((l) => l.severity === 'ALERT');
    expect(alerts.map((l) => l.message)).to.deep.equal([
      'hashtags admitted after waiting for a slot of the 7-day budget',
    ]);
  });

  it('remembers an unknown hashtag for a day and gives its slot back', async () => {
    h = await startInstagramHarness({ env: { INSTAGRAM_HASHTAG_BUDGET: '3' } });
    const first = await h.run({
      job: 'instagram.hashtags',
      params: { hashtags: ['nosuchtag', 'dior'] },
    });
    expect(first.outcome, first.error ?? '').to.equal('succeeded');
    expect(h.sandbox.hashtagSearches()).to.equal(2);

    // Within the day it is not searched again, and it holds no slot (2 used of 3, not 3).
    const params = { hashtags: ['nosuchtag', 'dior', 'gucci'] };
    h.clock.advance(5 * 60_000);
    const second = await h.run({ job: 'instagram.hashtags', params });
    expect(second.details.unknown_hashtags).to.deep.equal(['nosuchtag']);
    expect(second.details.budget_used).to.equal(2);
    expect(second.details.budget_waiting).to.equal(undefined);
    expect(h.sandbox.hashtagSearches(), 'only gucci was searched').to.equal(3);

    // After a day it is tried again (a hashtag can come into use).
    h.clock.advance(25 * 3600_000);
    await h.run({ job: 'instagram.hashtags', params });
    expect(h.sandbox.hashtagSearches(), 'searched again after a day').to.equal(4);
  });

  it('reconciles the estimate daily with recently_searched_hashtags', async () => {
    h = await startInstagramHarness({ env: { INSTAGRAM_HASHTAG_BUDGET: '3' } });
    const foreign = '17843999999999999';
    let listed: string[] = [];
    // recently_searched_hashtags of the account: what Instagram counts, here dior (the
    // collector searched it) and a tag another tool of the same account searched.
    h.sandbox.route('GET', '/:version/:id/recently_searched_hashtags', () => ({
      status: 200,
      body: { data: listed.map((id) => ({ id })) },
    }));
    await h.run({ job: 'instagram.hashtags', params: { hashtags: ['dior', 'gucci'] } });
    const ids = Object.fromEntries(h.sandbox.feeds.map((f) => [f.tag, f.id]));
    listed = [ids.dior!, foreign];

    const reconciled = await h.run({ job: 'instagram.hashtag_budget', params: {} });
    expect(reconciled.outcome, reconciled.error ?? '').to.equal('succeeded');
    expect(reconciled.details).to.deep.include({ released: ['gucci'], added: [], foreign: 1 });
    expect(reconciled.apiCalls.instagram).to.equal(1);

    // 3 slots: dior and the other tool's tag hold two; one is left for prada, fendi waits.
    h.clock.advance(5 * 60_000);
    const next = await h.run({
      job: 'instagram.hashtags',
      params: { hashtags: ['dior', 'prada', 'fendi'] },
    });
    expect(next.details.budget_used).to.equal(3);
    expect(next.details.budget_waiting).to.deep.equal(['fendi']);
  });
});
