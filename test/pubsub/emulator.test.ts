// The whole loop with the real pieces: the gcloud Pub/Sub emulator pushes job messages to
// functions-framework serving `spotifyJobs` in its own process, which calls the Spotify
// sandbox and writes a DuckDB file that this test reads once the process has stopped.
// No skip: if the emulator (gcloud, Java) is missing, this suite fails.
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub, type Message } from '@google-cloud/pubsub';
import {
  deadLetterSubscriptionFor,
  ensurePushSubscriptions,
} from '../../functions/faces/pubsub/push-setup.js';
import { RUN_ID_ATTRIBUTE } from '../../functions/faces/pubsub/subscriber.js';
import {
  DATA_HACKERS_ID,
  installPodcasts,
  PodcastCatalog,
  sandboxId,
} from '../sandbox/spotify/podcasts.js';
import { installCatalogue, KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { rawFiles, readWarehouse } from '../support/data-folder.js';
import {
  ofMessage,
  startFunction,
  summaries,
  waitFor,
  type FunctionProcess,
} from '../support/function-process.js';
import {
  endEmulatorTest,
  freeLoopbackPort,
  startPubSubEmulator,
} from '../support/pubsub-emulator.js';

const PREFIX = 'fpt-';
const TOPIC = `${PREFIX}spotify-jobs`;
const DEAD_LETTER = `${PREFIX}dead-letter`;

describe('Pub/Sub emulator → functions-framework → warehouse (integration)', function () {
  this.timeout(120_000);

  let emulator: Awaited<ReturnType<typeof startPubSubEmulator>>;
  let sandbox: SpotifySandbox;
  let pubsub: PubSub;
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let fn: FunctionProcess | null = null;
  const deadLetters: Message[] = [];
  const catalogue = knownCatalogue();

  const publish = async (data: string | object, attributes: Record<string, string> = {}) =>
    pubsub.topic(TOPIC).publishMessage({
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)),
      attributes,
    });

  before(async () => {
    emulator = await startPubSubEmulator();
    sandbox = new SpotifySandbox();
    installPodcasts(sandbox, new PodcastCatalog({ otherShows: 20 }));
    installCatalogue(sandbox, catalogue);
    await sandbox.start();
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-emulator-'));
    port = await freeLoopbackPort();
    env = {
      ...sandbox.env(),
      SPOTIFY_MARKET: 'BR',
      FANPULSE_DATA_DIR: dataDir,
      PUBSUB_EMULATOR_HOST: emulator.host,
      GOOGLE_CLOUD_PROJECT: emulator.projectId,
      FANPULSE_QUEUE: 'pubsub',
      FANPULSE_TOPIC_PREFIX: PREFIX,
      FANPULSE_HTTP_RETRIES: '1',
      FANPULSE_HTTP_BACKOFF_BASE_MS: '10',
      FANPULSE_RETRY_AFTER_BUDGET_SECONDS: '1',
      // Deferred runs come back within a second of their wait, not spread over 2 minutes.
      FANPULSE_DEFER_SPREAD_SECONDS: '1',
      NODE_ENV: 'test',
    };
    pubsub = new PubSub({
      projectId: emulator.projectId,
      apiEndpoint: emulator.host,
      emulatorMode: true,
    });
    await ensurePushSubscriptions([{ topic: TOPIC, url: `http://127.0.0.1:${port}` }], {
      projectId: emulator.projectId,
      apiEndpoint: emulator.host,
      deadLetterTopic: DEAD_LETTER,
      maxDeliveryAttempts: 5,
      minimumBackoffSeconds: 1,
      maximumBackoffSeconds: 2,
      ackDeadlineSeconds: 60,
    });
    pubsub.subscription(deadLetterSubscriptionFor(DEAD_LETTER)).on('message', (m: Message) => {
      deadLetters.push(m);
      m.ack();
    });
  });

  after(async () => {
    await fn?.stop();
    await pubsub?.close();
    await endEmulatorTest({ sandbox, emulator, dataDir });
  });

  it('runs what the emulator pushes: end to end, redeliveries, malformed, transient, deferral, dead letter, fan-out', async () => {
    fn = await startFunction('spotifyJobs', port, env);
    const logs = fn.logs;
    const other = (i: number) => sandboxId('show', 'other', String(i));
    const episodesOf = (i: number) => 3 + (i % 5);
    const shows = { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 20 } };
    // The fan-out plan: two artists who both appear on one compilation.
    const artists = [KNOWN.aespa, KNOWN.jungkook];
    const listings = artists.map((id) => catalogue.artistAlbums(id).map((l) => l.album));
    const albums = new Map(listings.flat().map((album) => [album.id, album]));
    const albumJobs = listings.reduce((n, l) => n + l.length, 0);
    const plan = {
      job: 'spotify.artist_catalog',
      params: { artists: artists.map((id) => ({ id })), topTracks: false },
    };

    // a: a podcast job end to end
    const a = await publish({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    // b: the first of three messages that carry the same run id
    const b1 = await publish(shows, { [RUN_ID_ATTRIBUTE]: 'triple-1' });
    // c: every request of the first attempt answers 503; Pub/Sub redelivers (the show lookup
    // embeds these short shows' episodes, so it is the request that fails)
    sandbox.inject({
      path: `/v1/shows/${other(10)}`,
      times: 2,
      answer: { status: 503, body: { error: { status: 503, message: 'unavailable' } } },
    });
    const c = await publish({ job: 'spotify.podcast_episodes', params: { showId: other(10) } });
    // d: malformed messages
    const d1 = await publish('this is not JSON');
    const d2 = await publish({ job: 'spotify.no_such_job', params: {} });
    const d3 = await pubsub
      .topic(TOPIC)
      .publishMessage({ data: Buffer.alloc(0), attributes: { only: 'attributes' } });
    // f: Spotify says "wait 3 s", longer than this function may wait: re-published for later
    sandbox.inject({
      path: `/v1/shows/${other(11)}`,
      answer: {
        status: 429,
        headers: { 'retry-after': '3' },
        body: { error: { status: 429, message: 'API rate limit exceeded' } },
      },
    });
    const f = await publish({ job: 'spotify.podcast_episodes', params: { showId: other(11) } });
    // g: fails every time: dead-lettered after 5 deliveries
    sandbox.inject({
      path: `/v1/shows/${other(12)}`,
      times: 1000,
      answer: { status: 502, body: { error: { status: 502, message: 'bad gateway' } } },
    });
    const g = await publish({ job: 'spotify.podcast_episodes', params: { showId: other(12) } });
    // p: a planner fanning out through PubSubQueue: artists → album listings → album tracks
    await publish(plan, { [RUN_ID_ATTRIBUTE]: 'plan-1' });

    const outcomes = (id: string) => summaries(logs, ofMessage(id)).map((e) => e.outcome);
    // A plan delivery that meets f's penalty (the shared penalty box) is deferred without
    // calling and runs again later: only the runs that did their work count here.
    const ofJob = (job: string) =>
      summaries(logs, (e) => e.job === job && e.outcome !== 'deferred');
    await waitFor('a podcast run', () => outcomes(a).includes('succeeded'));
    await waitFor('the triple run', () => summaries(logs, ofMessage('triple-1')).length === 1);
    await waitFor('the transient run to succeed on redelivery', () =>
      outcomes(c).includes('succeeded'),
    );
    await waitFor('the deferred run to run later', () => outcomes(f).includes('succeeded'));
    const albumRepeats = () =>
      logs.filter(
        (e) => e.job === 'spotify.album_tracks' && /already completed/.test(String(e.message)),
      );
    await waitFor(
      'every album job of the plan',
      () => ofJob('spotify.album_tracks').length + albumRepeats().length === albumJobs,
    );
    await waitFor(
      'the dead letter',
      () => deadLetters.find((m) => m.data.toString().includes(other(12))),
      40_000,
    );

    // a: run id = the message id (qualified under the emulator)
    const aRun = summaries(logs, ofMessage(a))[0]!;
    expect(aRun.rows).to.deep.include({ spotify_episodes: 137 });
    expect(aRun.run_id).to.match(new RegExp(`^emu-\\d{8}T\\d{6}Z-${a}$`));
    // c: one failed attempt, then the redelivery of the same message succeeded
    // (a delivery that meets f's penalty is deferred without calling: not counted here)
    expect(outcomes(c).filter((o) => o !== 'deferred')).to.deep.equal(['failed', 'succeeded']);
    expect(sandbox.calls((r) => r.path === `/v1/shows/${other(10)}` && r.faulted)).to.equal(2);
    // f: deferred, re-published under the same run id, then run once due
    expect(outcomes(f)).to.deep.equal(['deferred', 'succeeded']);
    const republished = logs.find(
      (e) => e.message === 'deferred job run re-published for later' && ofMessage(f)(e),
    );
    expect(republished?.republished_id).to.be.a('string').and.not.equal(f);
    // g: five deliveries, each a failed run, then the dead-letter topic (a delivery that meets
    // f's 3 s penalty in the shared penalty box is deferred without calling, and comes back)
    expect(outcomes(g).filter((o) => o !== 'deferred')).to.deep.equal([
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    const dead = deadLetters.find((m) => m.data.toString().includes(other(12)))!;
    expect(dead.attributes.CloudPubSubDeadLetterSourceDeliveryCount).to.equal('5');
    // d: each malformed message logged once as an error and acknowledged (never redelivered,
    // never dead-lettered), although several redelivery intervals have passed by now
    for (const id of [d1, d2, d3]) {
      const errors = logs.filter((e) => e.severity === 'ERROR' && ofMessage(id)(e));
      expect(errors, `message ${id}`).to.have.length(1);
      expect(errors[0]?.outcome).to.equal('rejected');
    }
    expect(deadLetters).to.have.length(1);
    // p: one profile job and one album listing per artist; one album job per listed album;
    // the album both artists list has one child run id, so it was collected once and its
    // second message acknowledged without work
    const [planner] = ofJob('spotify.artist_catalog');
    expect(planner).to.include({ run_id: 'plan-1', outcome: 'succeeded', published: 3 });
    expect(ofJob('spotify.artist').map((e) => e.outcome)).to.deep.equal(['succeeded']);
    expect(ofJob('spotify.artist_albums').map((e) => e.albums)).to.have.members(
      listings.map((l) => l.length),
    );
    const albumRuns = ofJob('spotify.album_tracks');
    expect(albumRuns.map((e) => e.outcome)).to.deep.equal(albumRuns.map(() => 'succeeded'));
    expect(albumRuns.every((e) => /^fp-/.test(String(e.run_id)))).to.equal(true);
    expect(new Set(albumRuns.map((e) => e.run_id)).size).to.equal(albums.size);
    expect(albumRuns).to.have.length(albums.size);
    expect(albumRepeats()).to.have.length(albumJobs - albums.size);
    expect(albumJobs - albums.size).to.be.greaterThan(0);

    await fn.stop();
    fn = null;
    const db = join(dataDir, 'warehouse.duckdb');
    const perRun = await readWarehouse(
      db,
      `SELECT run_id, count(*) AS n, count(DISTINCT episode_id) AS episodes FROM spotify_episodes GROUP BY run_id ORDER BY n DESC`,
    );
    expect(perRun.map((r) => [r.n, r.episodes])).to.deep.equal([
      [137, 137],
      [episodesOf(11), episodesOf(11)],
      [episodesOf(10), episodesOf(10)],
    ]);
    const tracks = await readWarehouse(
      db,
      `SELECT count(DISTINCT track_id) AS tracks, count(*) AS n, count(DISTINCT run_id) AS runs FROM spotify_tracks`,
    );
    const expectedTracks = new Set(
      [...albums.values()].flatMap((album) => catalogue.tracks(album).map((t) => t.id)),
    ).size;
    expect(tracks).to.deep.equal([
      { tracks: expectedTracks, n: expectedTracks, runs: albums.size },
    ]);
    const snapshot = async () => ({
      shows: await readWarehouse(
        db,
        `SELECT insert_id, show_id, name, collected_at FROM spotify_shows WHERE run_id = 'triple-1' ORDER BY insert_id`,
      ),
      runs: await readWarehouse(db, `SELECT * FROM job_runs WHERE run_id = 'triple-1'`),
      raw: [...(await rawFiles(dataDir))].filter(([path]) => path.includes('triple-1')),
      tracks: await readWarehouse(db, `SELECT * FROM spotify_tracks ORDER BY insert_id`),
    });
    const first = await snapshot();
    expect(first.shows).to.have.length(20);
    expect(first.runs).to.have.length(1);
    expect(first.raw).to.have.length(1);

    // b and p again, to a fresh instance (a cold start): the same run id delivered twice
    // more, and the planner's run once more; nothing runs, nothing is published again
    const searches = sandbox.calls((r) => r.path === '/v1/search');
    const apiCalls = sandbox.apiCalls();
    fn = await startFunction('spotifyJobs', port, env);
    const b2 = await publish(shows, { [RUN_ID_ATTRIBUTE]: 'triple-1' });
    const b3 = await publish(shows, { [RUN_ID_ATTRIBUTE]: 'triple-1' });
    await publish(plan, { [RUN_ID_ATTRIBUTE]: 'plan-1' });
    expect(new Set([b1, b2, b3]).size).to.equal(3);
    const repeats = (runId: string) =>
      fn!.logs.filter((e) => ofMessage(runId)(e) && /already completed/.test(String(e.message)))
        .length;
    await waitFor(
      'two acknowledged repeats and the planner',
      () => repeats('triple-1') === 2 && repeats('plan-1') === 1,
    );
    await new Promise((r) => setTimeout(r, 1500)); // children would have arrived by now
    expect(summaries(fn.logs, () => true)).to.deep.equal([]);
    await fn.stop();
    fn = null;
    expect(sandbox.calls((r) => r.path === '/v1/search')).to.equal(searches);
    expect(sandbox.apiCalls()).to.equal(apiCalls);
    expect(await snapshot()).to.deep.equal(first);
  });
});
