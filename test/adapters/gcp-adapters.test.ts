// The Cloud Storage, BigQuery and Secret Manager adapters through their real client
// libraries, against stubs that answer with the documented shapes.
import { expect } from 'chai';
import { z } from 'zod';
import { FakeClock } from '../../functions/platform/clock.js';
import { PermanentError, TransientError } from '../../functions/platform/errors.js';
import { Redactor } from '../../functions/platform/logger.js';
import { optionalSecret } from '../../functions/platform/secrets.js';
import {
  SecretManagerSecrets,
  type SecretVersionAccessor,
} from '../../functions/platform/secrets-gcp.js';
import { StateConflictError, updateState } from '../../functions/platform/state.js';
import { insertIdFor, type StoredRow } from '../../functions/platform/warehouse.js';
import { DEDUP_WINDOW_MS } from '../sandbox/bigquery-stub.js';
import { startGcpStubs, type GcpStubs } from './gcp-stubs.js';
import { catalog } from '../../functions/sources/all.js';

const episodes = catalog.tableByName('spotify_episodes');

function episodeRow(i: number, extra: Record<string, unknown> = {}): StoredRow {
  const row: Record<string, unknown> = {
    collected_at: '2026-11-20T10:00:00.000Z',
    run_id: 'run-1',
    episode_id: `ep${i}`,
    show_id: 'show1',
    name: `Episódio ${i} — ${'x'.repeat(i % 7)}`,
    ...extra,
  };
  return { ...row, insert_id: insertIdFor(episodes, row) } as StoredRow;
}

describe('GCP adapters through the real client libraries', () => {
  let stubs: GcpStubs;
  beforeEach(async () => {
    stubs = await startGcpStubs();
  });
  afterEach(async () => stubs.close());

  describe('BigQuery warehouse (insertAll)', () => {
    it('sends insertIds and JSON rows in batches of at most 500', async () => {
      const rows = Array.from({ length: 1234 }, (_, i) => episodeRow(i));
      const outcome = await stubs.warehouse.insert(episodes, rows);
      expect(outcome).to.deep.equal({ inserted: 1234, rejected: [], requests: 3 });
      expect(stubs.bigquery.inserts.map((c) => c.rows)).to.deep.equal([500, 500, 234]);
      const sent = stubs.bigquery.inserts.flatMap((c) => c.insertIds);
      expect(sent).to.deep.equal(rows.map((r) => r.insert_id));
      expect(stubs.bigquery.inserts.every((c) => c.skipInvalidRows)).to.equal(true);
      const stored = stubs.bigquery.stored.get('spotify_episodes')!;
      expect(stored.get(rows[7]!.insert_id)?.json).to.include({
        episode_id: 'ep7',
        show_id: 'show1',
      });
    });

    it('is deduplicated by insertId only within the window, as BigQuery streaming is', async () => {
      const clock = new FakeClock();
      const windowed = await startGcpStubs(() => clock.now().getTime());
      try {
        const rows = [episodeRow(1), episodeRow(2)];
        await windowed.warehouse.insert(episodes, rows);
        clock.advance(DEDUP_WINDOW_MS - 1000);
        await windowed.warehouse.insert(episodes, rows);
        expect(windowed.bigquery.accepted.get('spotify_episodes')).to.equal(2);
        clock.advance(2000);
        await windowed.warehouse.insert(episodes, [rows[0]!]);
        // Past the window the same insertId is a second row in the base table.
        expect(windowed.bigquery.accepted.get('spotify_episodes')).to.equal(3);
        const [count] = await windowed.warehouse.query(
          "SELECT count(*) AS n FROM spotify_episodes WHERE episode_id = 'ep1'",
        );
        expect(count).to.deep.equal({ n: 2 });
      } finally {
        await windowed.close();
      }
    });

    it('splits batches by size under 10 MB', async () => {
      const big = 'é'.repeat(1_000_000); // 2 MB of UTF-8 per row
      const rows = Array.from({ length: 12 }, (_, i) => episodeRow(i, { description: big }));
      const outcome = await stubs.warehouse.insert(episodes, rows);
      expect(outcome.inserted).to.equal(12);
      expect(outcome.requests).to.be.greaterThan(2);
      for (const call of stubs.bigquery.inserts) expect(call.bytes).to.be.below(10 * 1024 * 1024);
    });

    it('reports rows BigQuery rejects one by one and keeps the others', async () => {
      const rows = [
        episodeRow(1),
        episodeRow(2, { duration_ms: 'not a number' }),
        episodeRow(3),
        episodeRow(4, { explicit: 'maybe' }),
      ];
      const outcome = await stubs.warehouse.insert(episodes, rows);
      expect(outcome.inserted).to.equal(2);
      expect(outcome.rejected.map((r) => r.insertId)).to.deep.equal([
        rows[1]!.insert_id,
        rows[3]!.insert_id,
      ]);
      expect(outcome.rejected[0]!.reason).to.match(/^invalid: Cannot convert value to int64/);
      expect([...stubs.bigquery.stored.get('spotify_episodes')!.keys()]).to.deep.equal([
        rows[0]!.insert_id,
        rows[2]!.insert_id,
      ]);
    });

    it('serialises JSON columns as JSON text and queries with named parameters', async () => {
      const runs = catalog.tableByName('job_runs');
      const row: Record<string, unknown> = {
        collected_at: '2026-11-20T10:00:00.000Z',
        run_id: 'run-9',
        job: 'spotify.podcast_shows',
        source: 'spotify',
        outcome: 'succeeded',
        rows: { nested: ['ok', 1] },
      };
      const stored = { ...row, insert_id: insertIdFor(runs, row) } as StoredRow;
      const outcome = await stubs.warehouse.insert(runs, [stored]);
      expect(outcome.rejected).to.deep.equal([]);
      const sent = stubs.bigquery.stored.get('job_runs')!.get(stored.insert_id)!.json;
      expect(sent.rows).to.equal('{"nested":["ok",1]}');
      const result = await stubs.warehouse.query(
        'SELECT job, count(*) AS n FROM job_runs WHERE run_id = @run GROUP BY job',
        { run: 'run-9' },
      );
      expect(result).to.deep.equal([{ job: 'spotify.podcast_shows', n: 1 }]);
      expect(stubs.bigquery.queries[0]!.defaultDataset).to.deep.include({ datasetId: 'fanpulse' });
    });

    it('turns a missing table into a permanent error', async () => {
      stubs.bigquery.inject({
        path: /insertAll$/,
        answer: { status: 404, body: { error: { code: 404, message: 'Not found: Table' } } },
      });
      const error = await stubs.warehouse
        .insert(episodes, [episodeRow(1)])
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PermanentError);
    });
  });

  describe('Cloud Storage raw store', () => {
    it('uploads an object whole on close, reads it back, lists by prefix across pages', async () => {
      const names = [
        'raw/spotify/show/dt=2026-11-20/a.ndjson',
        'raw/spotify/show/dt=2026-11-20/b.ndjson',
      ];
      for (const name of [
        ...names,
        'raw/spotify/episode/x.ndjson',
        'raw/spotify/show/dt=2026-11-21/c.ndjson',
      ]) {
        const writer = await stubs.rawStore.openWriter(name);
        await writer.writeLine('{"n":1,"text":"Boticário"}');
        await writer.writeLine('{"n":2}');
        expect(stubs.gcs.objects.has(name)).to.equal(false);
        expect(await writer.close()).to.deep.equal({ path: name, lines: 2 });
      }
      expect(await stubs.rawStore.read(names[0]!)).to.equal(
        '{"n":1,"text":"Boticário"}\n{"n":2}\n',
      );
      expect(await stubs.rawStore.list('raw/spotify/show/')).to.deep.equal([
        ...names,
        'raw/spotify/show/dt=2026-11-21/c.ndjson',
      ]);
      expect(stubs.rawStore.describe(names[0]!)).to.equal(`gs://fanpulse-raw-test/${names[0]}`);
    });

    it('gzips .gz objects and reads them back as text', async () => {
      const writer = await stubs.rawStore.openWriter('raw/x.ndjson.gz');
      for (let i = 0; i < 1000; i++) await writer.writeLine(JSON.stringify({ i }));
      await writer.close();
      const stored = stubs.gcs.objects.get('raw/x.ndjson.gz')!;
      expect(stored.data.subarray(0, 2)).to.deep.equal(Buffer.from([0x1f, 0x8b]));
      expect((await stubs.rawStore.read('raw/x.ndjson.gz')).split('\n')).to.have.length(1001);
    });

    it('an aborted or failed upload leaves no object', async () => {
      const aborted = await stubs.rawStore.openWriter('raw/aborted.ndjson');
      await aborted.writeLine('{"partial":true}');
      await aborted.abort();
      stubs.gcs.inject({
        path: /\/upload\//,
        answer: { status: 503, body: { error: { code: 503, message: 'backend' } } },
      });
      const failing = await stubs.rawStore.openWriter('raw/failing.ndjson');
      await failing.writeLine('{"n":1}');
      const error = await failing.close().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TransientError);
      expect(String((error as Error).message)).to.include(
        'gs://fanpulse-raw-test/raw/failing.ndjson',
      );
      expect([...stubs.gcs.objects.keys()]).to.deep.equal([]);
    });
  });

  describe('Cloud Storage state store', () => {
    const schema = z.object({ n: z.number() });
    it('versions documents by generation and refuses a stale write', async () => {
      expect(await stubs.state.get('cursor/a', schema)).to.equal(null);
      const v1 = await stubs.state.put('cursor/a', { n: 1 }, { ifVersion: null });
      expect(await stubs.state.get('cursor/a', schema)).to.deep.equal({
        value: { n: 1 },
        version: v1,
      });
      const stale = await stubs.state
        .put('cursor/a', { n: 5 }, { ifVersion: null })
        .catch((e: unknown) => e);
      expect(stale).to.be.instanceOf(StateConflictError);
      const v2 = await stubs.state.put('cursor/a', { n: 2 }, { ifVersion: v1 });
      expect(v2).to.not.equal(v1);
      expect(stubs.gcs.text('state/cursor/a.json')).to.equal('{"n":2}');
    });

    it('updateState retries a read-modify-write that lost a race', async () => {
      await stubs.state.put('budget', { n: 0 }, { ifVersion: null });
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          updateState(stubs.state, 'budget', schema, (c) => ({ n: (c?.n ?? 0) + 1 }), 10),
        ),
      );
      expect(results.map((r) => r.n).sort()).to.deep.equal([1, 2, 3, 4]);
      expect((await stubs.state.get('budget', schema))?.value).to.deep.equal({ n: 4 });
    });
  });
});

describe('Secret Manager secrets', () => {
  function fakeClient(values: Record<string, string>) {
    const calls: string[] = [];
    const client: SecretVersionAccessor = {
      accessSecretVersion: async ({ name }) => {
        calls.push(name);
        const id = /secrets\/([^/]+)\//.exec(name)?.[1] ?? '';
        if (!(id in values))
          throw Object.assign(new Error(`5 NOT_FOUND: Secret [${name}] not found`), { code: 5 });
        if (values[id] === 'UNAVAILABLE')
          throw Object.assign(new Error('14 UNAVAILABLE'), { code: 14 });
        return [{ payload: { data: Buffer.from(values[id]!) } }];
      },
    };
    return { client, calls };
  }

  it('reads the configured version, caches it, and redacts the value', async () => {
    const clock = new FakeClock('2026-11-20T10:00:00Z');
    const redactor = new Redactor();
    const { client, calls } = fakeClient({ 'spotify-client-secret': 's3cr3t-value\n' });
    const secrets = new SecretManagerSecrets({
      projectId: 'p1',
      version: '7',
      cacheSeconds: 300,
      redactor,
      clock,
      client,
    });
    const [a, b] = await Promise.all([
      secrets.get('spotify-client-secret'),
      secrets.get('spotify-client-secret'),
    ]);
    expect([a, b]).to.deep.equal(['s3cr3t-value', 's3cr3t-value']);
    expect(calls).to.deep.equal(['projects/p1/secrets/spotify-client-secret/versions/7']);
    expect(redactor.redact('token s3cr3t-value here')).to.not.include('s3cr3t-value');
    clock.advance(301_000);
    await secrets.get('spotify-client-secret');
    expect(calls).to.have.length(2);
  });

  it('names the secret, never a value, when it cannot be read', async () => {
    const clock = new FakeClock('2026-11-20T10:00:00Z');
    const { client } = fakeClient({ flaky: 'UNAVAILABLE' });
    const secrets = new SecretManagerSecrets({
      projectId: 'p1',
      version: 'latest',
      cacheSeconds: 300,
      redactor: new Redactor(),
      clock,
      client,
    });
    const missing = await secrets.get('instagram-access-token').catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(PermanentError);
    expect((missing as Error).message)
      .to.include('instagram-access-token')
      .and.include('NOT_FOUND');
    expect(await secrets.get('flaky').catch((e: unknown) => e)).to.be.instanceOf(TransientError);
    // An optional secret that does not exist (or has no version) is simply not set…
    expect(await optionalSecret(secrets, 'instagram-app-secret')).to.equal(null);
    // …but any other failure is still an error.
    expect(await optionalSecret(secrets, 'flaky').catch((e: unknown) => e)).to.be.instanceOf(
      TransientError,
    );
  });
});
