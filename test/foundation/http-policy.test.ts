import { expect } from 'chai';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

const EPISODES = `/v1/shows/${DATA_HACKERS_ID}/episodes`;
const params = { showId: DATA_HACKERS_ID };
const job = 'spotify.podcast_episodes';

describe('shared HTTP policy (Spotify client on ky)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('waits out a short Retry-After through the clock and retries', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      answer: {
        status: 429,
        headers: { 'retry-after': '7' },
        body: { error: { status: 429, message: 'API rate limit exceeded' } },
      },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('succeeded');
    expect(h.clock.sleeps).to.deep.equal([7000]);
    // The 429, then the pages at 50 and 100 (the show embedded the first).
    expect(h.sandbox.calls((r) => r.path === EPISODES)).to.equal(3);
  });

  it('defers instead of sleeping when Retry-After exceeds the budget', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      answer: {
        status: 429,
        headers: { 'retry-after': '12118' },
        body: { error: { status: 429, message: 'API rate limit exceeded' } },
      },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('deferred');
    expect(summary.retryAfterSeconds).to.equal(12118);
    expect(summary.error).to.match(/Retry-After 12118s exceeds the wait budget; deferring/);
    expect(h.clock.sleeps).to.deep.equal([]);
    expect(h.sandbox.calls((r) => r.path === EPISODES)).to.equal(1);
  });

  it('tells a quota hit (QUOTA_EXCEEDED) from a rate limit and does not hammer', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      times: 5,
      answer: {
        status: 429,
        headers: { 'retry-after': '5' },
        body: { error: { status: 429, message: 'Quota exceeded', reason: 'QUOTA_EXCEEDED' } },
      },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('deferred');
    expect(summary.error).to.match(/QUOTA_EXCEEDED/);
    expect(h.sandbox.calls((r) => r.path === EPISODES)).to.equal(1);
  });

  it('retries 5xx with capped, jittered exponential backoff', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      times: 3,
      answer: { status: 503, body: { error: { status: 503, message: 'Service unavailable' } } },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('succeeded');
    expect(h.clock.sleeps).to.have.length(3);
    h.clock.sleeps.forEach((ms, i) => expect(ms).to.be.within(0, 200 * 2 ** i));
  });

  it('gives up after the retry limit with a transient failure', async () => {
    h = await startHarness({ env: { FANPULSE_HTTP_RETRIES: '2' } });
    h.sandbox.inject({ path: EPISODES, times: 10, answer: { status: 502, body: 'bad gateway' } });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('failed');
    expect(summary.failureKind).to.equal('transient');
    expect(h.sandbox.calls((r) => r.path === EPISODES)).to.equal(3);
  });

  it('retries connection resets and timeouts', async () => {
    h = await startHarness({ env: { FANPULSE_HTTP_TIMEOUT_MS: '300' } });
    h.sandbox.inject({ path: EPISODES, reset: true });
    h.sandbox.inject({ path: EPISODES, delayMs: 800, answer: { status: 200, body: {} } });
    const summary = await h.run({ job, params });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    expect(summary.rows.spotify_episodes).to.equal(137);
  });

  it('retries a truncated JSON answer', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      answer: { status: 200, rawBody: '{"items": [{"id": "abc", "na' },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('succeeded');
    expect(summary.rows.spotify_episodes).to.equal(137);
  });

  it('refreshes an expired token once on 401 and carries on', async () => {
    h = await startHarness();
    await h.run({ job: 'spotify.podcast_shows', params: { limit: 10 } });
    expect(h.sandbox.tokenCalls()).to.equal(1);
    h.sandbox.expireTokens();
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('succeeded');
    expect(h.sandbox.tokenCalls()).to.equal(2);
    expect(h.sandbox.calls((r) => r.status === 401)).to.equal(1);
  });

  it('renews the token shortly before expiry without a 401', async () => {
    h = await startHarness({ tokenTtlSeconds: 3600 });
    await h.run({ job: 'spotify.podcast_shows', params: { limit: 10 } });
    h.clock.advance(3600_000 - 30_000);
    await h.run({ job: 'spotify.podcast_shows', params: { limit: 10 } });
    expect(h.sandbox.tokenCalls()).to.equal(2);
    expect(h.sandbox.calls((r) => r.status === 401)).to.equal(0);
  });

  it('fails permanently, without looping, when a fresh token is refused too', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: EPISODES,
      times: 10,
      answer: { status: 401, body: { error: { status: 401, message: 'Invalid access token' } } },
    });
    const summary = await h.run({ job, params });
    expect(summary.outcome).to.equal('failed');
    expect(summary.failureKind).to.equal('permanent');
    expect(h.sandbox.calls((r) => r.path === EPISODES)).to.equal(2);
    expect(h.logs.entries().some((e) => e.severity === 'ALERT')).to.equal(true);
  });

  it('reports bad client credentials as a permanent failure naming the secret, not its value', async () => {
    h = await startHarness({ env: { SPOTIFY_CLIENT_SECRET: 'wrong-secret-value-123' } });
    const summary = await h.run({ job, params });
    expect(summary.failureKind).to.equal('permanent');
    expect(summary.error).to.match(/spotify-client-secret/);
    expect(h.logs.lines.join('\n')).to.not.include('wrong-secret-value-123');
  });

  it('always sends a market for shows and episodes', async () => {
    h = await startHarness();
    await h.run({ job, params });
    const showCalls = h.sandbox.log.filter((r) => r.path.startsWith('/v1/shows'));
    expect(showCalls.length).to.be.greaterThan(0);
    expect(showCalls.every((r) => r.query.market === 'BR')).to.equal(true);
  });
});
