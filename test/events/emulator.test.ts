// The events path with the real pieces: functions-framework's CLI serves the `events` HTTP
// function and the `eventsJobs` Pub/Sub function in two processes; the gcloud Pub/Sub
// emulator pushes the job messages the first publishes to the second, which writes a DuckDB
// file read here once it has stopped. Every delivery is posted three times.
// No skip: if the emulator (gcloud, Java) is missing, this suite fails.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePushSubscriptions } from '../../functions/faces/pubsub/push-setup.js';
import { readWarehouse } from '../support/data-folder.js';
import { startFunction, waitFor } from '../support/function-process.js';
import { freeLoopbackPort, startPubSubEmulator } from '../support/pubsub-emulator.js';
import {
  appsflyerEvent,
  parseJsonColumns,
  SECRET_ENV,
  send,
  signCalltracking,
  TOKENS,
} from './support.js';

const PREFIX = 'fpe-';

describe('events over HTTP → Pub/Sub emulator → eventsJobs → warehouse (integration)', function () {
  this.timeout(180_000);
  let emulator: Awaited<ReturnType<typeof startPubSubEmulator>>;
  let dataDir: string;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    emulator = await startPubSubEmulator();
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-events-emulator-'));
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    await emulator?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stores each event exactly once although every delivery is posted three times', async () => {
    const env = {
      ...SECRET_ENV,
      FANPULSE_DATA_DIR: dataDir,
      PUBSUB_EMULATOR_HOST: emulator.host,
      GOOGLE_CLOUD_PROJECT: emulator.projectId,
      FANPULSE_QUEUE: 'pubsub',
      FANPULSE_TOPIC_PREFIX: PREFIX,
      EVENTS_TRUSTED_PROXY_HOPS: '0',
      NODE_ENV: 'test',
    };
    const [jobsPort, httpPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    await ensurePushSubscriptions(
      [{ topic: `${PREFIX}events-jobs`, url: `http://127.0.0.1:${jobsPort}` }],
      {
        projectId: emulator.projectId,
        apiEndpoint: emulator.host,
        minimumBackoffSeconds: 1,
        maximumBackoffSeconds: 2,
        ackDeadlineSeconds: 60,
      },
    );
    const jobs = await startFunction('eventsJobs', jobsPort, env);
    stops.push(jobs.stop);
    const http = await startFunction('events', httpPort, env, 'http');
    stops.push(http.stop);
    const base = `http://127.0.0.1:${httpPort}`;

    const af = `/appsflyer/${TOKENS.appsflyer}`;
    const form = new URLSearchParams({
      call_id: 'CA-77',
      event: 'call_completed',
      duration: '61',
      city: 'São Paulo',
    }).toString();
    const deliveries = [
      () =>
        send(base, af, { body: JSON.stringify(appsflyerEvent()), contentType: 'application/json' }),
      () =>
        send(
          base,
          `${af}?${new URLSearchParams(appsflyerEvent({ appsflyer_id: 'via-get', event_value: '{broken' })).toString()}`,
        ),
      () =>
        send(base, '/calltracking', {
          body: form,
          contentType: 'application/x-www-form-urlencoded',
          headers: {
            'x-fanpulse-token': TOKENS.calltracking,
            'x-signature': signCalltracking(form),
          },
        }),
      () =>
        send(base, af, {
          body: JSON.stringify(
            ['b1', 'b2', 'b3'].map((id) =>
              appsflyerEvent({ appsflyer_id: id, event_name: '이벤트 🎧' }),
            ),
          ),
          contentType: 'application/json',
        }),
    ];
    const statuses: number[] = [];
    for (let round = 0; round < 3; round += 1)
      for (const deliver of deliveries) statuses.push((await deliver()).status);
    expect(statuses).to.deep.equal(Array(12).fill(200));
    const refused = await send(base, af, { body: '{"a":', contentType: 'application/vnd.x+json' });
    expect(refused.status).to.equal(400);
    expect(
      (await send(base, '/appsflyer/wrong', { body: '{"a":"1"}', contentType: 'application/json' }))
        .status,
    ).to.equal(401);

    // 12 job messages: 4 runs, and 8 repeats acknowledged as already completed
    const handled = () =>
      jobs.logs.filter(
        (e) =>
          e.job === 'events.ingest' &&
          (e.message === 'job run finished' || /already completed/.test(String(e.message))),
      );
    await waitFor('all 12 job messages', () => handled().length >= 12, 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // a stray redelivery would arrive by now
    const runs = jobs.logs.filter(
      (e) => e.message === 'job run finished' && e.job === 'events.ingest',
    );
    expect(runs.map((e) => e.outcome)).to.deep.equal([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(handled()).to.have.length(12);
    const accepted = http.logs.filter((e) => e.message === 'events accepted');
    expect(accepted).to.have.length(12);
    expect(
      http.logs.filter((e) => e.message === 'event delivery rejected').map((e) => e.status),
    ).to.deep.equal([400, 401]);
    for (const e of [...http.logs, ...jobs.logs])
      expect(JSON.stringify(e)).not.to.include(TOKENS.appsflyer);

    await jobs.stop();
    await http.stop();
    const db = join(dataDir, 'warehouse.duckdb');
    const rows = (await readWarehouse(db, 'SELECT * FROM events ORDER BY source, event_key')).map(
      parseJsonColumns,
    );
    expect(rows).to.have.length(6);
    expect(await readWarehouse(db, 'SELECT count(*) AS n FROM latest_events')).to.deep.equal([
      { n: 6 },
    ]);
    expect(
      rows.map((r) => (r.raw_payload as Record<string, string>).appsflyer_id ?? r.event_key).sort(),
    ).to.deep.equal(['1732100000000-1234567', 'CA-77', 'b1', 'b2', 'b3', 'via-get'].sort());
    const call = rows.find((r) => r.source === 'calltracking')!;
    expect(call.attributes).to.deep.include({ duration: 61, city: 'São Paulo' });
    const viaGet = rows.find(
      (r) => (r.raw_payload as Record<string, string>).appsflyer_id === 'via-get',
    )!;
    expect(viaGet).to.include({ transport: 'query' });
    expect((viaGet.attributes as Record<string, unknown>).event_value).to.equal('{broken');
    expect(
      await readWarehouse(db, `SELECT count(*) AS n FROM job_runs WHERE job = 'events.ingest'`),
    ).to.deep.equal([{ n: 4 }]);
  });
});
