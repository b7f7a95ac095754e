// Delivery without false dead letters, with the real Pub/Sub emulator: a planner fans out
// 320 album jobs (published concurrently through the batching client) into a push
// subscriber that is slower than the publisher and, like a function whose instances are all
// busy, refuses what it cannot take with 429. With the delivery settings (redelivery
// backoff, a dead-letter threshold a busy function never reaches) nothing is dead-lettered
// and every child runs exactly once.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { runJobMessage } from '../../functions/core/runner.js';
import type { JobContext } from '../../functions/core/job.js';
import { memorySink } from '../../functions/platform/logger.js';
import type { JobMessage, JobQueue } from '../../functions/platform/queue.js';
import { createServices, type Services } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import {
  deadLetterSubscriptionFor,
  ensurePushSubscriptions,
} from '../../functions/faces/pubsub/push-setup.js';
import { handleDelivery } from '../../functions/faces/pubsub/subscriber.js';
import { publishChildren } from '../../functions/core/fan-out.js';
import { catalog } from '../../functions/sources/all.js';
import { Catalogue, type CatalogueAlbum } from '../sandbox/spotify/catalogue-model.js';
import { installCatalogue } from '../sandbox/spotify/catalogue.js';
import { sandboxId } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { waitFor } from '../support/function-process.js';
import {
  endEmulatorTest,
  freeLoopbackPort,
  startPubSubEmulator,
} from '../support/pubsub-emulator.js';

const PREFIX = 'fpf-';
const TOPIC = `${PREFIX}spotify-jobs`;
const DEAD_LETTER = `${PREFIX}dead-letter`;
const ALBUMS = 320;
/** Deliveries the subscriber runs at once (instances x concurrency, scaled down). */
const SLOTS = 4;
/**
 * Every 8th child finds the function busy on its first delivery (429, as Cloud Run
 * answers when no instance is free); each refusal counts as a delivery attempt.
 */
const BUSY_EVERY = 8;
const BUSY_ATTEMPTS = 1;
/** Extra time each delivery takes: the subscriber is slower than the publisher. */
const SLOW_MS = 40;

function oneArtistCatalogue(): { artistId: string; catalogue: Catalogue } {
  const artistId = sandboxId('artist', 'prolific');
  const albums: CatalogueAlbum[] = Array.from({ length: ALBUMS }, (_, i) => ({
    id: sandboxId('album', 'prolific', String(i)),
    name: `Single ${i}`,
    albumType: 'single',
    releaseDate: `20${String(10 + (i % 15))}-01-01`,
    precision: 'day',
    artistIds: [artistId],
    label: 'Label',
    popularity: 10,
    upc: String(100000000000 + i),
    trackCount: 1,
    featured: [],
  }));
  const catalogue = new Catalogue(
    [{ id: artistId, name: 'Prolific', aliases: [], genres: [], followers: 1, popularity: 1 }],
    albums,
    (album) => [
      {
        id: sandboxId('track', album.id),
        albumId: album.id,
        name: `${album.name} (track)`,
        trackNumber: 1,
        discNumber: 1,
        durationMs: 180_000,
        explicit: false,
        artistIds: album.artistIds,
        popularity: 1,
        isrc: `XX${album.upc}`,
        previewUrl: null,
      },
    ],
  );
  return { artistId, catalogue };
}

describe('fan-out of 320 children into a slow, busy subscriber (Pub/Sub emulator)', function () {
  this.timeout(180_000);
  let emulator: Awaited<ReturnType<typeof startPubSubEmulator>>;
  let sandbox: SpotifySandbox;
  let services: Services;
  let server: Server;
  let pubsub: PubSub;
  let dataDir: string;
  const deadLetters: Message[] = [];

  const saved = {
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
    GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT,
  };
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    server?.closeAllConnections();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    await pubsub?.close();
    await (await services?.queue())?.flush();
    await services?.close();
    await endEmulatorTest({ sandbox, emulator, dataDir });
  });

  it('dead-letters nothing and runs every child exactly once', async () => {
    emulator = await startPubSubEmulator();
    // The Pub/Sub client library finds the emulator through the process environment.
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    process.env.GOOGLE_CLOUD_PROJECT = emulator.projectId; // no metadata-server lookup
    const { artistId, catalogue } = oneArtistCatalogue();
    sandbox = new SpotifySandbox({ tier: 'development' });
    installCatalogue(sandbox, catalogue);
    await sandbox.start();
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-fanout-'));
    services = createServices({
      env: {
        ...sandbox.env(),
        FANPULSE_DATA_DIR: dataDir,
        PUBSUB_EMULATOR_HOST: emulator.host,
        GOOGLE_CLOUD_PROJECT: emulator.projectId,
        FANPULSE_QUEUE: 'pubsub',
        FANPULSE_TOPIC_PREFIX: PREFIX,
        FANPULSE_HTTP_RETRIES: '1',
      },
      sink: memorySink().sink,
      overrides: { warehouse: await openDuckDbWarehouse(':memory:', catalog.schema) },
    });

    // The subscriber: SLOTS deliveries at a time, 429 for the rest (no instance available).
    let busy = 0;
    let refused = 0;
    const attempts = new Map<number, number>();
    const ran = new Map<string, number>();
    const port = await freeLoopbackPort();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const push = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          message?: { messageId?: string; message_id?: string };
        };
        const id = Number(push.message?.messageId ?? push.message?.message_id ?? 0);
        // The emulator does not send deliveryAttempt: count deliveries per message here.
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        if (busy >= SLOTS || (id % BUSY_EVERY === 0 && attempt <= BUSY_ATTEMPTS)) {
          refused += 1;
          res.writeHead(429).end();
          return;
        }
        busy += 1;
        void (async () => {
          try {
            const result = await handleDelivery(services, { source: 'spotify', catalog }, push);
            await new Promise((ok) => setTimeout(ok, SLOW_MS));
            if (result.disposition === 'ran' && result.summary && !result.summary.details.skipped)
              ran.set(result.runId!, (ran.get(result.runId!) ?? 0) + 1);
            res.writeHead(result.action === 'ack' ? 204 : 500).end();
          } finally {
            busy -= 1;
          }
        })();
      });
    });
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    // Delivery settings of terraform/variables.tf, with the backoff scaled from 30..600 s to
    // 1..10 s so the test takes seconds, not hours.
    await ensurePushSubscriptions([{ topic: TOPIC, url: `http://127.0.0.1:${port}` }], {
      projectId: emulator.projectId,
      apiEndpoint: emulator.host,
      deadLetterTopic: DEAD_LETTER,
      maxDeliveryAttempts: 50,
      minimumBackoffSeconds: 1,
      maximumBackoffSeconds: 10,
      ackDeadlineSeconds: 10,
    });
    pubsub = new PubSub({
      projectId: emulator.projectId,
      apiEndpoint: emulator.host,
      emulatorMode: true,
    });
    pubsub.subscription(deadLetterSubscriptionFor(DEAD_LETTER)).on('message', (m: Message) => {
      deadLetters.push(m);
      m.ack();
    });

    const planner = await runJobMessage(
      catalog,
      services,
      {
        job: 'spotify.artist_albums',
        params: { artistId, fanOut: true, maxAlbums: 1000 },
      },
      { runId: 'fanout-planner-1', runTime: new Date() },
    );
    expect(planner.outcome, planner.error ?? '').to.equal('succeeded');
    expect(planner.details.album_jobs).to.equal(ALBUMS);

    await waitFor('every child to run', () => ran.size >= ALBUMS, 150_000, 200);
    // Redeliveries still in flight would show up as doubles: give them a moment.
    await new Promise((ok) => setTimeout(ok, 1500));
    expect(refused, 'the subscriber was busy and refused deliveries').to.be.greaterThan(0);
    expect(deadLetters.length, 'dead-lettered').to.equal(0);
    expect(ran.size).to.equal(ALBUMS);
    expect([...ran.values()].filter((n) => n !== 1)).to.deep.equal([]);
    const [rows] = await (
      await services.warehouse()
    ).query('SELECT count(DISTINCT album_id) AS n FROM spotify_albums');
    expect(Number(rows?.n)).to.equal(ALBUMS);
    console.log(
      `    fan-out: ${ALBUMS} children, ${refused} deliveries refused with 429, ${deadLetters.length} dead-lettered, every child ran once`,
    );
  });
});

describe('fan-out publishes concurrently', () => {
  it('has every child publish in flight at once (the batching client can pack them)', async () => {
    let inFlight = 0;
    let most = 0;
    const queue: JobQueue = {
      kind: 'memory',
      publish: async (_m: JobMessage) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((ok) => setImmediate(ok));
        inFlight -= 1;
        return 'id';
      },
      flush: async () => undefined,
    };
    const services = createServices({
      env: { FANPULSE_DATA_DIR: await mkdtemp(join(tmpdir(), 'fanpulse-fanout-unit-')) },
      sink: memorySink().sink,
      overrides: { queue },
    });
    const ctx = {
      run: { runId: 'planner', runTime: new Date(), job: 'spotify.artist_albums', attempt: 1 },
      services,
      clock: services.clock,
    } as unknown as JobContext;
    const children = Array.from({ length: 300 }, (_, i) => ({
      job: 'spotify.album_tracks',
      params: { albumId: `a${i}` },
    }));
    const result = await publishChildren(ctx, children);
    expect(result.published).to.equal(300);
    expect(most).to.equal(300);
    await rm(services.config.dataDir, { recursive: true, force: true });
  });
});
