// The HTTP policy's client end to end against a scripted local server: what each failure
// becomes, when it waits (through a fake clock), the run deadline, and the penalty box.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../functions/platform/clock.js';
import { loadPlatformConfig } from '../../functions/platform/config.js';
import { DeferredError, SourceHttpError, TransientError } from '../../functions/platform/errors.js';
import { createSourceHttp, type SourceHttpOptions } from '../../functions/platform/http.js';
import type { PenaltyBox } from '../../functions/platform/penalty-box.js';
import { withinRun } from '../../functions/platform/run-scope.js';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Scripted => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('HTTP policy: the source client against a scripted server', () => {
  let server: Server;
  let baseUrl: string;
  let script: Scripted[];
  let fallback: Scripted;
  let seen: Seen[];

  beforeEach(async () => {
    script = [];
    fallback = json(200, { ok: true });
    seen = [];
    server = createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
      });
      const answer = script.shift() ?? fallback;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const policy = {
    ...loadPlatformConfig({}).http,
    retries: 2,
    timeoutMs: 5000,
    backoffBaseMs: 200,
    backoffMaxMs: 5000,
    retryAfterBudgetSeconds: 60,
  };
  const make = (clock: FakeClock, extra: Partial<SourceHttpOptions> = {}) =>
    createSourceHttp({ source: 'src', baseUrl, policy, clock, random: () => 0.5, ...extra });
  const failure = async (work: Promise<unknown>): Promise<Error> => {
    try {
      await work;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  };

  it('sends to the path under the base URL, counts every request and returns the parsed body', async () => {
    script.push(json(503, { error: 'busy' }));
    const clock = new FakeClock();
    const http = make(clock);
    const calls = new Map<string, number>();
    const deadline = new Date(clock.now().getTime() + 3600_000);
    const answer = await withinRun({ runId: 'r1', deadline, calls }, () =>
      http.getJson('/x', { a: 1 }),
    );
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ ok: true });
    expect(seen.map((s) => s.path)).to.deep.equal(['/x?a=1', '/x?a=1']);
    expect(http.calls).to.equal(2);
    expect(calls.get('src')).to.equal(2);
    // Backoff of the first retry: half (random 0.5) of the 200 ms base.
    expect(clock.sleeps).to.deep.equal([100]);
  });

  it('returns a body that is not JSON as text, without retrying it', async () => {
    script.push({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const clock = new FakeClock();
    const http = make(clock);
    const answer = await http.getJson('x');
    expect(answer.body).to.equal('hello');
    expect(seen).to.have.length(1);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('retries a form POST on a 5xx like a GET', async () => {
    script.push(json(502, { error: 'gateway' }));
    const clock = new FakeClock();
    const http = make(clock);
    const answer = await http.postForm('/token', { grant: 'x' });
    expect(answer.status).to.equal(200);
    expect(seen.map((s) => s.method)).to.deep.equal(['POST', 'POST']);
  });

  it('names the source, method and URL when retries run out on a 5xx', async () => {
    fallback = json(503, { error: 'busy' });
    const clock = new FakeClock();
    const error = await failure(make(clock).getJson('/x'));
    expect(error).to.be.instanceOf(SourceHttpError);
    expect((error as SourceHttpError).kind).to.equal('transient');
    expect((error as SourceHttpError).status).to.equal(503);
    expect(error.message).to.equal(`src GET ${baseUrl}x failed with HTTP 503 after retries`);
    expect(seen).to.have.length(3);
    expect(clock.sleeps).to.deep.equal([100, 200]);
  });

  it('fails a 4xx permanently at once, with the reason', async () => {
    fallback = json(404, { error: 'nope' });
    const error = await failure(make(new FakeClock()).getJson('/x'));
    expect(error).to.be.instanceOf(SourceHttpError);
    expect((error as SourceHttpError).kind).to.equal('permanent');
    expect(error.message).to.equal(`src GET ${baseUrl}x: HTTP 404`);
    expect(seen).to.have.length(1);
  });

  it('waits a Retry-After of exactly the budget, and says so when the limit persists', async () => {
    fallback = json(429, { error: 'slow down' }, { 'retry-after': '60' });
    const clock = new FakeClock();
    const error = await failure(make(clock).getJson('/x'));
    expect(clock.sleeps).to.deep.equal([60_000, 60_000]);
    expect(seen).to.have.length(3);
    expect(error).to.be.instanceOf(SourceHttpError);
    expect((error as SourceHttpError).kind).to.equal('transient');
    expect(error.message).to.equal(`src GET ${baseUrl}x still rate limited after retries`);
  });

  it('backs off on a 429 without Retry-After', async () => {
    script.push(json(429, { error: 'slow down' }));
    const clock = new FakeClock();
    await make(clock).getJson('/x');
    expect(clock.sleeps).to.deep.equal([100]);
  });

  it('defers a Retry-After past the budget and records it in the penalty box', async () => {
    fallback = json(429, { error: 'slow down' }, { 'retry-after': '120' });
    const checked: Array<{ quotas: readonly string[]; what: string }> = [];
    const recorded: Array<{ quota: string; seconds: number; reason: string }> = [];
    const box = {
      check: async (quotas: readonly string[], what: string) => {
        checked.push({ quotas, what });
      },
      record: async (quota: string, seconds: number, reason: string) => {
        recorded.push({ quota, seconds, reason });
      },
    } as unknown as PenaltyBox;
    const clock = new FakeClock();
    const http = make(clock, { penalty: { box, quotas: ['q-rate'], rateLimitQuota: 'q-rate' } });
    const error = await failure(http.getJson('/x'));
    expect(error).to.be.instanceOf(DeferredError);
    expect((error as DeferredError).reason).to.equal('rate-limited');
    expect((error as DeferredError).retryAfterSeconds).to.equal(120);
    expect(error.message).to.match(/^src GET .*\/x: rate limited \(HTTP 429\), Retry-After 120s/);
    expect(clock.sleeps).to.deep.equal([]);
    expect(checked).to.deep.equal([{ quotas: ['q-rate'], what: 'src /x' }]);
    expect(recorded).to.have.length(1);
    expect(recorded[0]?.quota).to.equal('q-rate');
    expect(recorded[0]?.seconds).to.equal(120);
    expect(recorded[0]?.reason).to.match(/^src: ./);
  });

  it('sends nothing once the run has reached its deadline', async () => {
    const clock = new FakeClock();
    const http = make(clock);
    const scope = { runId: 'r2', deadline: clock.now(), calls: new Map<string, number>() };
    const error = await failure(withinRun(scope, () => http.getJson('/x')));
    expect(error).to.be.instanceOf(DeferredError);
    expect((error as DeferredError).reason).to.equal('run-deadline');
    expect(seen).to.have.length(0);
  });

  it('defers instead of waiting past the run deadline', async () => {
    script.push(json(429, { error: 'slow down' }, { 'retry-after': '30' }));
    const clock = new FakeClock();
    const http = make(clock);
    const deadline = new Date(clock.now().getTime() + 10_000);
    const scope = { runId: 'r3', deadline, calls: new Map<string, number>() };
    const error = await failure(withinRun(scope, () => http.getJson('/x')));
    expect(error).to.be.instanceOf(DeferredError);
    expect((error as DeferredError).reason).to.equal('wait-past-deadline');
    expect(clock.sleeps).to.deep.equal([]);
    expect(seen).to.have.length(1);
  });

  it('gives up on answers that stay unreadable JSON', async () => {
    fallback = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"a": [' };
    const clock = new FakeClock();
    const error = await failure(make(clock).getJson('/x'));
    // Unlike a token refresh, a retry of an unreadable answer waits its backoff.
    expect(clock.sleeps).to.deep.equal([100, 200]);
    expect(error).to.be.instanceOf(TransientError);
    expect(error.message).to.match(
      /^src: answers stayed unreadable after retries \(.*MALFORMED_JSON/,
    );
    expect(seen).to.have.length(3);
  });

  it('refreshes the token on a 401 and retries at once, without a backoff wait', async () => {
    script.push(json(401, { error: 'expired' }));
    const refreshes: boolean[] = [];
    const clock = new FakeClock();
    const http = make(clock, {
      authorize: async (headers, refresh) => {
        refreshes.push(refresh);
        headers.set('authorization', refresh ? 'Bearer new' : 'Bearer old');
      },
    });
    const answer = await http.getJson('/x');
    expect(answer.status).to.equal(200);
    expect(refreshes).to.deep.equal([false, true]);
    expect(seen.map((s) => s.authorization)).to.deep.equal(['Bearer old', 'Bearer new']);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('retries a refused connection with backoff and reports it as transient', async () => {
    const clock = new FakeClock();
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(`http://127.0.0.1:${port}/`));
      });
    });
    const http = createSourceHttp({
      source: 'src',
      baseUrl: closed,
      policy,
      clock,
      random: () => 0.5,
    });
    const error = await failure(http.getJson('/x?token=secret'));
    expect(error).to.be.instanceOf(TransientError);
    expect(error.message).to.match(
      /^src: .+ \(http:\/\/127\.0\.0\.1:\d+\/x\?token=\[REDACTED\]\)$/,
    );
    expect(error.cause).to.be.instanceOf(Error);
    expect(clock.sleeps).to.deep.equal([100, 200]);
    expect(http.calls).to.equal(3);
  });
});
