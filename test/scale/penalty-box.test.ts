// Deadlines and the shared penalty box: a rate-limited Spotify run ends at its budget with
// `deferred` instead of sleeping through Retry-After, and a following run of another job in
// a fresh process-level context (same state folder) calls nothing until the penalty ends.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spotifyLiveSearch } from '../../functions/faces/chatbot/live.js';
import { DeferredError } from '../../functions/platform/errors.js';
import { PenaltyBox } from '../../functions/platform/penalty-box.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { FileStateStore } from '../../functions/platform/state.js';
import { catalog } from '../../functions/sources/all.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

const EVERY_API_CALL = /^\/v1\//;
const rateLimited = (seconds: number) => ({
  path: EVERY_API_CALL,
  times: 10_000,
  answer: {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: { error: { status: 429, message: 'API rate limit exceeded' } },
  },
});

describe('deadlines and the shared penalty box', () => {
  let dataDir: string;
  const harnesses: Harness[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-penalty-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string> = {}) => {
    const h = await startHarness({ env: { FANPULSE_DATA_DIR: dataDir, ...env } });
    harnesses.push(h);
    return h;
  };

  it('429 Retry-After 25 on every call: a 20 s run defers within budget + one request; another process calls nothing until the penalty ends', async () => {
    const first = await start({ FANPULSE_RUN_BUDGET_SECONDS: '20' });
    first.sandbox.inject(rateLimited(25));
    const began = first.clock.now().getTime();
    const summary = await first.run({
      job: 'spotify.podcast_shows',
      params: { term: 'data hackers', limit: 50 },
    });
    expect(summary.outcome, summary.error ?? '').to.equal('deferred');
    expect(first.clock.now().getTime() - began).to.be.at.most(20_000);
    expect(first.clock.sleeps.filter((ms) => ms > 0)).to.deep.equal([]); // never slept
    expect(first.sandbox.calls((r) => r.path.startsWith('/v1/'))).to.equal(1);
    expect(summary.retryAfterSeconds).to.equal(25);

    // Another job, another process-level context (fresh services, client, cache), same state.
    const second = await start();
    second.clock.advance(10_000); // 10 s into the 25 s penalty
    const blocked = await second.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(blocked.outcome, blocked.error ?? '').to.equal('deferred');
    expect(blocked.error).to.match(/penalty box/);
    expect(blocked.retryAfterSeconds).to.equal(15);
    expect(second.sandbox.calls(), 'requests while penalized').to.equal(0);

    // The chatbot's live search reads the same box and does not call either.
    const live = spotifyLiveSearch(second.services, 1000);
    const refused = await live('Coldplay').then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(DeferredError);
    expect(second.sandbox.calls()).to.equal(0);

    second.clock.advance(15_000); // the penalty is over
    const after = await second.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(after.outcome, after.error ?? '').to.equal('succeeded');
    // 137 episodes: 50 embedded in GET /shows/{id}, then two pages of /episodes.
    expect(second.sandbox.calls((r) => r.path.endsWith('/episodes'))).to.equal(2);
  });

  it('a run whose deadline has passed starts nothing; a Retry-After that fits the budget is waited', async () => {
    const h = await start({ FANPULSE_RUN_BUDGET_SECONDS: '20' });
    h.sandbox.inject({ ...rateLimited(5), times: 1 });
    const ok = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(ok.outcome, ok.error ?? '').to.equal('succeeded');
    expect(h.clock.sleeps).to.include(5000);

    const late = await h.services.state().then(() =>
      // budgetMs 0: the deadline is the start of the run.
      import('../../functions/core/runner.js').then(({ runJobMessage }) =>
        runJobMessage(
          catalog,
          h.services,
          { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
          { runId: 'late-run', runTime: h.clock.now(), budgetMs: 0 },
        ),
      ),
    );
    const before = h.sandbox.calls();
    expect(late.outcome).to.equal('deferred');
    expect(late.error).to.match(/deadline/);
    expect(h.sandbox.calls()).to.equal(before);
  });

  it('records a penalty once: a shorter or equal one from another instance writes nothing', async () => {
    const clock = new FakeClock();
    const store = new FileStateStore(join(dataDir, 'state'));
    const a = new PenaltyBox(async () => store, clock);
    const b = new PenaltyBox(async () => store, clock);
    await a.record('spotify-rate-limit', 60, 'first');
    await b.record('spotify-rate-limit', 30, 'shorter');
    await b.record('spotify-rate-limit', 60, 'same');
    expect(a.recorded + b.recorded).to.equal(1);
    expect((await b.current('spotify-rate-limit'))?.reason).to.equal('first');
    clock.advance(61_000);
    expect(await a.current('spotify-rate-limit')).to.equal(null);
  });
});
