// The HTTP policy's pure parts: reading Retry-After, the default verdict per status, and
// the jittered backoff.
import { expect } from 'chai';
import { loadPlatformConfig } from '../../functions/platform/config.js';
import {
  backoffMs,
  defaultVerdict,
  parseRetryAfter,
  redactUrl,
} from '../../functions/platform/http.js';

const now = new Date('2026-11-20T10:00:00Z');
const answer = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: '',
  url: 'https://api.example/x',
});

describe('HTTP policy: Retry-After, verdicts, backoff', () => {
  it('reads Retry-After as seconds or an HTTP date, never negative, null when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).to.equal(null);
    expect(parseRetryAfter('', now)).to.equal(null);
    expect(parseRetryAfter('   ', now)).to.equal(null);
    expect(parseRetryAfter('3', now)).to.equal(3);
    expect(parseRetryAfter(' 3 ', now)).to.equal(3);
    expect(parseRetryAfter('-5', now)).to.equal(0);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:01:00 GMT', now)).to.equal(60);
    expect(
      parseRetryAfter('Fri, 20 Nov 2026 10:00:00 GMT', new Date(now.getTime() - 1500)),
    ).to.equal(2);
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(null);
  });

  it('waits on 429 as asked, retries 408 and 5xx, and fails on every other status', () => {
    expect(defaultVerdict(answer(429, { 'retry-after': '7' }) as never, now)).to.deep.equal({
      action: 'wait',
      seconds: 7,
    });
    expect(defaultVerdict(answer(429) as never, now)).to.deep.equal({
      action: 'wait',
      seconds: null,
    });
    for (const status of [408, 500, 502, 503, 599])
      expect(defaultVerdict(answer(status) as never, now), String(status)).to.deep.equal({
        action: 'retry',
      });
    for (const status of [400, 401, 403, 404, 409, 499])
      expect(defaultVerdict(answer(status) as never, now), String(status)).to.deep.equal({
        action: 'fail',
        kind: 'permanent',
        reason: `HTTP ${status}`,
      });
  });

  it('backs off with full jitter under a capped exponential', () => {
    const policy = { ...loadPlatformConfig({}).http, backoffBaseMs: 100, backoffMaxMs: 1000 };
    expect(backoffMs(1, policy, () => 1)).to.equal(100);
    expect(backoffMs(2, policy, () => 1)).to.equal(200);
    expect(backoffMs(4, policy, () => 1)).to.equal(800);
    expect(backoffMs(5, policy, () => 1)).to.equal(1000);
    expect(backoffMs(0, policy, () => 1)).to.equal(100);
    expect(backoffMs(3, policy, () => 0.5)).to.equal(200);
    expect(backoffMs(3, policy, () => 0)).to.equal(0);
  });

  it('redacts tokens and secrets in URLs, whatever their case, and nothing else', () => {
    expect(
      redactUrl('https://api.example/a?access_token=abc&b=1&client_secret=s&TOKEN=t&token=u'),
    ).to.equal(
      'https://api.example/a?access_token=[REDACTED]&b=1&client_secret=[REDACTED]&TOKEN=[REDACTED]&token=[REDACTED]',
    );
    expect(redactUrl('https://api.example/a?mytoken=1&page_token=2')).to.equal(
      'https://api.example/a?mytoken=1&page_token=2',
    );
    expect(redactUrl('https://api.example/token=x')).to.equal('https://api.example/token=x');
  });
});
