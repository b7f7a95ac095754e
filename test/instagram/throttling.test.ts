import { expect } from 'chai';
import { readUsage, UsageTracker } from '../../functions/sources/instagram/usage.js';
import { BRANDS, HASHTAGS, startInstagramHarness, type InstagramHarness } from './support.js';

describe('instagram: usage budgets', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('reads X-App-Usage and X-Business-Use-Case-Usage; absence is unknown, not zero', () => {
    expect(readUsage(new Headers())).to.equal(null);
    const reading = readUsage(
      new Headers({
        'x-app-usage': '{"call_count":12,"total_cputime":3,"total_time":5}',
        'x-business-use-case-usage':
          '{"178":[{"type":"instagram","call_count":40,"total_cputime":81,"total_time":7,"estimated_time_to_regain_access":0}]}',
      }),
    );
    expect(reading).to.deep.equal({
      percent: 81,
      regainSeconds: 0,
      source: 'X-Business-Use-Case-Usage[178].total_cputime',
    });
    expect(readUsage(new Headers({ 'x-app-usage': 'not json' }))).to.equal(null);
  });

  it('slows down linearly between the thresholds and stops at the stop threshold', () => {
    const tracker = new UsageTracker({
      slowdownPercent: 75,
      stopPercent: 95,
      maxDelayMs: 4000,
      deferSeconds: 600,
    });
    const now = new Date('2026-11-20T10:00:00Z');
    const at = (p: number) => new Headers({ 'x-app-usage': JSON.stringify({ call_count: p }) });
    tracker.record(at(50), now);
    expect(tracker.decide(now)).to.deep.equal({ action: 'go' });
    tracker.record(at(85), now);
    expect(tracker.decide(now)).to.include({ action: 'wait', ms: 2000 });
    tracker.record(at(96), now);
    expect(tracker.decide(now)).to.deep.include({ action: 'defer', seconds: 600 });
    // Once the block passes, the stale reading is forgotten.
    expect(tracker.decide(new Date(now.getTime() + 601_000))).to.deep.equal({ action: 'go' });
  });

  it('throttles as usage climbs, defers the rest before the limit, and finishes the work later', async () => {
    // 30 calls an hour make 100 %: the 11 accounts plus 11 hashtags would pass 75 % and 95 %.
    h = await startInstagramHarness({ sandbox: { callsPerHour: 30 } });
    const brands = await h.run(BRANDS);
    expect(brands.outcome, brands.error ?? '').to.equal('succeeded');
    expect(brands.details.throttled_ms).to.equal(0);
    const tags = await h.run(HASHTAGS, 'tags-1');
    expect(tags.outcome).to.equal('deferred');
    expect(tags.error).to.match(/usage budget: usage 9\d% .* reached the stop threshold 95%/);
    expect(h.clock.sleeps.length).to.be.greaterThan(0); // it slowed down before stopping
    expect(h.sandbox.usagePercent()).to.be.below(100); // and never hit the limit
    expect(h.sandbox.calls((r) => r.status === 400)).to.equal(0);
    const collected = await h.query(
      'SELECT count(DISTINCT hashtag) AS n FROM instagram_hashtag_media',
    );
    expect(Number(collected[0]?.n)).to.be.within(1, 10);
    // Pub/Sub brings the deferred run back after retryAfterSeconds, with the same run id.
    h.clock.advance((tags.retryAfterSeconds ?? 0) * 1000 + 3600_000);
    const resumed = await h.run(HASHTAGS, 'tags-1');
    expect(resumed.outcome, resumed.error ?? '').to.equal('succeeded');
    const [all] = await h.query(
      'SELECT count(DISTINCT hashtag) AS n FROM latest_instagram_hashtag_media',
    );
    expect(all?.n).to.equal(11);
  });

  it('stops the run when the run budget (deadline) is spent', async () => {
    h = await startInstagramHarness({
      sandbox: { callsPerHour: 30 },
      env: {
        FANPULSE_RUN_BUDGET_SECONDS: '1',
        INSTAGRAM_USAGE_SLOWDOWN_PERCENT: '10',
        INSTAGRAM_THROTTLE_MAX_DELAY_MS: '5000',
      },
    });
    const started = h.clock.now().getTime();
    const s = await h.run(BRANDS);
    expect(s.outcome).to.equal('deferred');
    expect(s.error).to.match(/time budget|would pass the run's deadline/);
    // No pacing wait ran past the deadline: the waits slept fit in the 1 s budget.
    expect(h.clock.now().getTime() - started).to.be.at.most(1000);
  });
});
