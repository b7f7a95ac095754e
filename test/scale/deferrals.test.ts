// Deferred work comes back spread over a window after the penalty, and deferred runs of the
// same job and params coalesce: the newest supersedes, so a block of 30 minutes that deferred
// six 5-minute runs brings back one run, not six.
import { expect } from 'chai';
import { MemoryQueue } from '../../functions/platform/queue.js';
import {
  handleDelivery,
  RUN_ID_ATTRIBUTE,
  RUN_TIME_ATTRIBUTE,
} from '../../functions/faces/pubsub/subscriber.js';
import { catalog } from '../../functions/sources/all.js';
import { gen2Event, subscriberConfig, SHOWS_JOB } from '../pubsub/events.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

const config = subscriberConfig({ deferSpreadSeconds: 600 });

describe('deferrals: spread over a window, coalesced per job and params', () => {
  let h: Harness;
  let ids = 0;
  afterEach(async () => h?.close());

  const deliver = (data: unknown, attributes: Record<string, string> = {}) =>
    handleDelivery(
      h.services,
      { source: 'spotify', catalog },
      gen2Event({
        messageId: `9100${String(++ids).padStart(6, '0')}`,
        publishTime: h.clock.now().toISOString(),
        data,
        attributes,
      }),
      { config },
    );

  it('six runs deferred during a 30-minute block come back as one, spread after the block', async () => {
    h = await startHarness({ env: { FANPULSE_HTTP_RETRIES: '1' } });
    h.sandbox.inject({
      path: '/v1/search',
      answer: {
        status: 429,
        headers: { 'retry-after': '1800' },
        body: { error: { status: 429, message: 'API rate limit exceeded' } },
      },
    });
    const blockEnds = h.clock.now().getTime() + 1800_000;
    const queue = (await h.services.queue()) as MemoryQueue;
    const deferred = [];
    for (let run = 0; run < 6; run++) {
      const runTime = h.clock.now().toISOString();
      const r = await deliver(SHOWS_JOB);
      expect(r.disposition, r.reason ?? '').to.equal('deferred');
      deferred.push({ result: r, runTime, copy: queue.take()[0]! });
      h.clock.advance(300_000);
    }
    // One API call in all: the first 429 went to the penalty box, the others did not call.
    expect(h.sandbox.calls((r) => r.path.startsWith('/v1/'))).to.equal(1);
    const due = deferred.map((d) => Date.parse(d.copy.message.notBefore!));
    for (const t of due) expect(t).to.be.within(blockEnds, blockEnds + 600_000);
    expect(new Set(due).size, 'not all at the same moment').to.be.greaterThan(1);

    h.clock.advance(Math.max(...due) - h.clock.now().getTime());
    const outcomes = [];
    for (const d of deferred) {
      const again = await deliver(d.copy.message, {
        [RUN_ID_ATTRIBUTE]: d.result.runId!,
        [RUN_TIME_ATTRIBUTE]: d.runTime,
      });
      outcomes.push(again.disposition);
    }
    expect(outcomes).to.deep.equal([
      'superseded',
      'superseded',
      'superseded',
      'superseded',
      'superseded',
      'ran',
    ]);
    expect(h.sandbox.calls((r) => r.path === '/v1/search')).to.equal(2);
  });
});

describe('deferrals: a run continued after its deadline', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('is re-published without counting towards maxDeferrals', async () => {
    h = await startHarness({ env: { FANPULSE_RUN_BUDGET_SECONDS: '1' } });
    // Each request takes 2 s of the fake clock: the run reaches its deadline after one page.
    const push = h.sandbox.log.push;
    h.sandbox.log.push = (...entries: LoggedRequest[]) => {
      h.clock.advance(2000);
      return push.apply(h.sandbox.log, entries);
    };
    const message = {
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
      attempt: 3,
    };
    const r = await handleDelivery(
      h.services,
      { source: 'spotify', catalog },
      gen2Event({
        messageId: '9300000001',
        publishTime: h.clock.now().toISOString(),
        data: message,
      }),
      { config },
    );
    expect(r.disposition, r.reason ?? '').to.equal('deferred');
    expect(r.summary?.deferReason).to.equal('run-deadline');
    const [again] = ((await h.services.queue()) as MemoryQueue).take();
    expect(again?.message.attempt).to.equal(3);
  });
});
