import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { MemoryQueue } from '../../functions/platform/queue.js';
import { setProcessServices } from '../../functions/faces/process-services.js';
import {
  handleDelivery,
  jobSubscriber,
  RedeliverError,
  RUN_ID_ATTRIBUTE,
  RUN_TIME_ATTRIBUTE,
} from '../../functions/faces/pubsub/subscriber.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';
import {
  gen2Event,
  pushEnvelope,
  PROJECT,
  type MessageSpec,
  subscriberConfig,
  SHOWS_JOB,
} from './events.js';
import { catalog } from '../../functions/sources/all.js';

const config = subscriberConfig();

describe('Pub/Sub subscriber: what a delivery does', () => {
  let h: Harness;
  let ids = 0;
  /** A delivery published "now" on the harness clock, with a fresh message id. */
  const event = (spec: MessageSpec) =>
    gen2Event({
      messageId: `1771${String(++ids).padStart(6, '0')}`,
      publishTime: h.clock.now().toISOString(),
      ...spec,
    });
  const deliver = (spec: MessageSpec | Record<string, unknown>) =>
    handleDelivery(
      h.services,
      { source: 'spotify', catalog },
      'data' in spec && 'specversion' in spec ? spec : event(spec as MessageSpec),
      { config },
    );
  const severities = (from: number) =>
    h.logs
      .entries()
      .slice(from)
      .map((e) => e.severity as string);
  const queue = async () => (await h.services.queue()) as MemoryQueue;

  beforeEach(async () => {
    h = await startHarness({ env: { FANPULSE_HTTP_RETRIES: '1' } });
  });
  afterEach(async () => {
    setProcessServices(undefined);
    await h.close();
  });

  it('runs a podcast job: run id = message id, run time = publish time', async () => {
    const published = h.clock.now();
    h.clock.advance(2500); // delivered a little after publication
    const r = await deliver(
      gen2Event({ data: SHOWS_JOB, messageId: '1771000001', publishTime: published.toISOString() }),
    );
    expect(r).to.include({ action: 'ack', disposition: 'ran', runId: '1771000001' });
    expect(r.summary?.rows.spotify_shows).to.equal(10);
    const [run] = await h.query(
      `SELECT collected_at, outcome FROM job_runs WHERE run_id = '1771000001'`,
    );
    expect(run).to.deep.equal({ collected_at: published.toISOString(), outcome: 'succeeded' });
    expect(r.summary?.rawObjects).to.have.length(1);
    expect(r.summary?.rawObjects[0]).to.match(/_20261120T100000Z_1771000001\.ndjson$/);
  });

  it('acknowledges redeliveries of a completed message without calling Spotify again', async () => {
    const e = event({ data: SHOWS_JOB });
    const first = await deliver(e);
    const calls = h.sandbox.apiCalls();
    const state = await h.query(
      'SELECT insert_id, show_id, collected_at FROM spotify_shows ORDER BY insert_id',
    );
    for (let i = 0; i < 2; i++) {
      h.clock.advance(10_000);
      const again = await deliver(e);
      expect(again).to.include({ action: 'ack', disposition: 'ran', runId: first.runId });
      expect(again.summary?.details.skipped).to.match(/already completed/);
    }
    expect(h.sandbox.apiCalls()).to.equal(calls);
    expect(
      await h.query(
        'SELECT insert_id, show_id, collected_at FROM spotify_shows ORDER BY insert_id',
      ),
    ).to.deep.equal(state);
    expect(state).to.have.length(10);
  });

  const malformed: Array<[string, MessageSpec]> = [
    ['data that is not JSON', { text: 'spotify.podcast_shows term=x' }],
    ['a message without data', { text: '' }],
    ['a message without a job', { data: { params: {} } }],
    ['an unknown job', { data: { job: 'spotify.no_such_job', params: {} } }],
    ['invalid params', { data: { job: 'spotify.podcast_shows', params: { limit: 'many' } } }],
    ['unknown fields', { data: { ...SHOWS_JOB, extra: true } }],
  ];
  for (const [name, spec] of malformed) {
    it(`acknowledges ${name} with exactly one error line and no API call`, async () => {
      const from = h.logs.lines.length;
      const r = await deliver(spec);
      expect(r).to.include({ action: 'ack', disposition: 'rejected' });
      expect(severities(from)).to.deep.equal(['ERROR']);
      expect(h.logs.entries().at(-1)?.outcome).to.equal('rejected');
      expect(h.sandbox.apiCalls()).to.equal(0);
    });
  }

  it('acknowledges an undecodable delivery with one error line', async () => {
    const from = h.logs.lines.length;
    const r = await handleDelivery(
      h.services,
      { source: 'spotify', catalog },
      { subscription: 's', message: {} },
      { config },
    );
    expect(r).to.include({ action: 'ack', disposition: 'undecodable' });
    expect(severities(from)).to.deep.equal(['ERROR']);
  });

  it('acknowledges a job of another source with an error, without running it', async () => {
    const from = h.logs.lines.length;
    const r = await deliver({
      data: { job: 'platform.replay', params: { from: '2026-11-01', to: '2026-11-02' } },
    });
    expect(r).to.include({ action: 'ack', disposition: 'wrong-function' });
    expect(severities(from)).to.deep.equal(['ERROR']);
    expect(await h.query('SELECT count(*) AS n FROM job_runs')).to.deep.equal([{ n: 0 }]);
  });

  it('acknowledges a permanent failure with an ALERT line', async () => {
    const from = h.logs.lines.length;
    const r = await deliver({
      data: {
        job: 'spotify.podcast_episodes',
        params: { showName: 'No Such Show', searchDepth: 10 },
      },
    });
    expect(r).to.include({ action: 'ack', disposition: 'permanent' });
    expect(severities(from)).to.include('ALERT');
    expect(severities(from).filter((s) => s === 'ALERT')).to.have.length(1);
  });

  it('asks for a redelivery on a transient failure, and the redelivery completes the run', async () => {
    setProcessServices(h.services);
    const handler = jobSubscriber('spotify');
    const e = event({
      data: { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
    });
    h.sandbox.inject({
      path: `/v1/shows/${DATA_HACKERS_ID}/episodes`,
      times: 2,
      answer: { status: 503, body: { error: { status: 503, message: 'Service unavailable' } } },
    });
    let thrown: unknown;
    await handler(e as never).catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(RedeliverError);
    expect(String((thrown as Error).message)).to.match(/transient/);
    await handler(e as never); // Pub/Sub's redelivery: same message id, same publish time
    const rows = await h.query(
      'SELECT count(*) AS n, count(DISTINCT episode_id) AS episodes, count(DISTINCT run_id) AS runs FROM spotify_episodes',
    );
    expect(rows).to.deep.equal([{ n: 137, episodes: 137, runs: 1 }]);
    // job_runs keeps one row per run id: the redelivery's success replaced the failure.
    expect(await h.query('SELECT outcome FROM job_runs')).to.deep.equal([{ outcome: 'succeeded' }]);
    const summaries = h.logs
      .entries()
      .filter((e) => e.message === 'job run failed' || e.message === 'job run finished');
    expect(summaries.map((e) => e.outcome)).to.deep.equal(['failed', 'succeeded']);
  });

  it('re-publishes a deferred run for later with the same run id and run time', async () => {
    h.sandbox.inject({
      path: '/v1/search',
      answer: {
        status: 429,
        headers: { 'retry-after': '3600' },
        body: { error: { status: 429, message: 'API rate limit exceeded' } },
      },
    });
    const original = event({ data: SHOWS_JOB });
    const publishTime = (original.data as { message: { publishTime: string } }).message.publishTime;
    const r = await deliver(original);
    expect(r).to.include({ action: 'ack', disposition: 'deferred' });
    const [again] = (await queue()).take();
    expect(again?.id).to.equal(r.republishedId);
    expect(again?.message).to.deep.include({ ...SHOWS_JOB, attempt: 1 });
    expect(again?.message.notBefore).to.equal(
      new Date(h.clock.now().getTime() + 3600_000).toISOString(),
    );
    const published = (await queue()).published;
    expect(published).to.have.length(0);

    // The copy arrives at once: too early, so Pub/Sub is asked to redeliver it later...
    const attributes = {
      [RUN_ID_ATTRIBUTE]: r.runId!,
      [RUN_TIME_ATTRIBUTE]: new Date(publishTime).toISOString(),
    };
    const copy = event({ data: again!.message, attributes });
    const early = await deliver(copy);
    expect(early).to.include({ action: 'retry', disposition: 'not-due-redeliver' });
    // ...until it has waited a nack window, then it is re-published fresh (new attempts).
    h.clock.advance(config.nackWindowSeconds * 1000);
    const hop = await deliver(copy);
    expect(hop).to.include({ action: 'ack', disposition: 'not-due-republished' });
    const [fresh] = (await queue()).take();
    expect(fresh?.message).to.deep.equal(again?.message);

    h.clock.advance(3600_000);
    const due = await deliver(event({ data: fresh!.message, attributes }));
    expect(due).to.include({ action: 'ack', disposition: 'ran', runId: r.runId });
    expect(due.summary?.rawObjects[0]).to.include(`_20261120T100000Z_${r.runId}.ndjson`);
    const runs = await h.query(`SELECT DISTINCT collected_at FROM spotify_shows`);
    expect(runs).to.deep.equal([{ collected_at: new Date(publishTime).toISOString() }]);
  });

  it('holds a message due within the hold time, then runs it', async () => {
    const notBefore = new Date(h.clock.now().getTime() + 15_000).toISOString();
    const r = await deliver({ data: { ...SHOWS_JOB, notBefore } });
    expect(r).to.include({ action: 'ack', disposition: 'ran' });
    expect(h.clock.sleeps[0]).to.equal(15_000);
  });

  it('gives a run up with an ALERT after too many deferrals', async () => {
    h.sandbox.inject({
      path: '/v1/search',
      answer: {
        status: 429,
        headers: { 'retry-after': '7200' },
        body: { error: { status: 429, message: 'x' } },
      },
    });
    const from = h.logs.lines.length;
    const r = await deliver({ data: { ...SHOWS_JOB, attempt: config.maxDeferrals } });
    expect(r).to.include({ action: 'ack', disposition: 'gave-up' });
    expect(severities(from)).to.include('ALERT');
    expect((await queue()).published).to.have.length(0);
  });
});

describe('Pub/Sub subscriber served by functions-framework (in process)', () => {
  let h: Harness;
  let server: Server;
  let url: string;

  before(async () => {
    await import('../../functions/index.js');
  });
  beforeEach(async () => {
    h = await startHarness({ env: { FANPULSE_HTTP_RETRIES: '0' } });
    setProcessServices(h.services);
    const require = createRequire(import.meta.url);
    const { getTestServer } = require('@google-cloud/functions-framework/testing') as {
      getTestServer(name: string): Server;
    };
    server = getTestServer('spotifyJobs');
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${PROJECT}/topics/fanpulse-spotify-jobs`;
  });
  afterEach(async () => {
    setProcessServices(undefined);
    await new Promise((ok) => server.close(ok));
    await h.close();
  });

  const post = (body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('registers the four job entry points', async () => {
    const require = createRequire(import.meta.url);
    const { getFunction } = require('@google-cloud/functions-framework/testing') as {
      getFunction(name: string): unknown;
    };
    for (const name of ['spotifyJobs', 'instagramJobs', 'eventsJobs', 'platformJobs'])
      expect(getFunction(name), name).to.be.a('function');
  });

  it('runs a job from the push envelope the emulator sends, answering 204', async () => {
    const answer = await post(pushEnvelope({ data: SHOWS_JOB, messageId: '3' }));
    expect(answer.status).to.equal(204);
    const [run] = await h.query(`SELECT run_id, outcome, collected_at FROM job_runs`);
    expect(run).to.deep.equal({
      run_id: '3',
      outcome: 'succeeded',
      collected_at: '2026-11-20T09:59:58.457Z',
    });
  });

  it('answers 500 on a transient failure so Pub/Sub redelivers', async () => {
    h.sandbox.inject({
      path: '/v1/search',
      answer: { status: 503, body: { error: { status: 503, message: 'x' } } },
    });
    const answer = await post(pushEnvelope({ data: SHOWS_JOB, messageId: '4' }));
    expect(answer.status).to.equal(500);
    expect(await answer.text()).to.match(/redeliver message 4/);
  });

  it('acknowledges an envelope without data (not converted by functions-framework) once', async () => {
    const from = h.logs.lines.length;
    const answer = await post(pushEnvelope({ text: '', messageId: '5' }));
    expect(answer.status).to.equal(204);
    const errors = h.logs
      .entries()
      .slice(from)
      .filter((e) => e.severity === 'ERROR');
    expect(errors).to.have.length(1);
    expect(errors[0]?.reason).to.equal('the message has no data');
  });
});
