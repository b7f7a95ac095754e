import { expect } from 'chai';
import { graphError, SANDBOX_IG_USER_ID, SANDBOX_TOKEN } from '../sandbox/instagram/server.js';
import { BRANDS, HASHTAGS, startInstagramHarness, type InstagramHarness } from './support.js';

const BD_PATH = `/v24.0/${SANDBOX_IG_USER_ID}`;

describe('instagram: Graph error codes', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  for (const code of [4, 17, 32, 613, 80001, 80002]) {
    it(`code ${code} stops the run cleanly (deferred) without hammering, honouring estimated_time_to_regain_access`, async () => {
      h = await startInstagramHarness();
      h.sandbox.inject({ path: BD_PATH, answer: graphError(code, { regainMinutes: 12 }) });
      const s = await h.run(BRANDS);
      expect(s.outcome).to.equal('deferred');
      expect(s.error).to.match(new RegExp(`Instagram rate limit \\(code ${code}: `));
      expect(s.retryAfterSeconds).to.equal(12 * 60);
      expect(h.apiLog()).to.have.length(1); // no retry, no next account
      // The block is remembered: an immediate redelivery spends no call.
      const again = await h.run(BRANDS);
      expect(again.outcome).to.equal('deferred');
      expect(h.apiLog()).to.have.length(1);
      h.clock.advance(12 * 60_000);
      const later = await h.run(BRANDS);
      expect(later.outcome, later.error ?? '').to.equal('succeeded');
      expect(h.apiLog()).to.have.length(12);
    });
  }

  it('a throttling code without a regain estimate defers for INSTAGRAM_DEFER_SECONDS', async () => {
    h = await startInstagramHarness({ env: { INSTAGRAM_DEFER_SECONDS: '300' } });
    h.sandbox.inject({ path: /\/recent_media$/, answer: graphError(80002) });
    const s = await h.run(HASHTAGS);
    expect(s.outcome).to.equal('deferred');
    expect(s.retryAfterSeconds).to.equal(300);
  });

  for (const code of [1, 2]) {
    it(`code ${code} is transient: retried, and the run succeeds`, async () => {
      h = await startInstagramHarness();
      h.sandbox.inject({ path: BD_PATH, times: 2, answer: graphError(code) });
      const s = await h.run(BRANDS);
      expect(s.outcome, s.error ?? '').to.equal('succeeded');
      expect(h.apiLog()).to.have.length(13);
      expect(h.clock.sleeps.length).to.be.at.least(2);
    });
  }

  it('code 190 fails fast with an alert naming the secret to renew, never its value', async () => {
    h = await startInstagramHarness();
    h.sandbox.token = 'a-newer-token';
    const s = await h.run(BRANDS);
    expect(s.outcome).to.equal('failed');
    expect(s.failureKind).to.equal('permanent');
    expect(s.error).to.match(/code 190\/463.*renew the secret instagram-access-token/);
    expect(h.apiLog()).to.have.length(1);
    const alert = h.logs.entries().find((e) => e.severity === 'ALERT');
    expect(alert?.message).to.equal('job run failed permanently');
    expect(h.logs.lines.join('\n')).to.not.include(SANDBOX_TOKEN);
  });

  for (const [code, option] of [
    [110, 'unknownAccounts'],
    [24, 'nonBusinessAccounts'],
  ] as const) {
    it(`code ${code} skips that account with a warning and collects the others`, async () => {
      h = await startInstagramHarness({ sandbox: { [option]: ['dior'] } });
      const s = await h.run(BRANDS);
      expect(s.outcome, s.error ?? '').to.equal('succeeded');
      expect(s.details.skipped_accounts).to.deep.equal(['dior']);
      expect(s.quality[`instagram_brands.skipped:${code}`]).to.equal(1);
      const [n] = await h.query('SELECT count(*) AS n FROM latest_instagram_brands');
      expect(n?.n).to.equal(10);
      const warning = h.logs.entries().find((e) => e.severity === 'WARNING');
      expect(warning?.message).to.equal('skipping account dior');
    });
  }

  it('other codes (10 permission) fail the run permanently', async () => {
    h = await startInstagramHarness();
    h.sandbox.inject({ path: BD_PATH, answer: graphError(10) });
    const s = await h.run(BRANDS);
    expect(s.failureKind).to.equal('permanent');
    expect(s.error).to.match(/code 10: /);
  });
});
