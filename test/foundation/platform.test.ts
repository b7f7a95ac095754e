import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadPlatformConfig } from '../../functions/platform/config.js';
import { createLogger, memorySink, Redactor } from '../../functions/platform/logger.js';
import { parseRawObjectPath, rawObjectPath } from '../../functions/platform/raw-landing.js';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { EnvSecrets, envNameForSecret } from '../../functions/platform/secrets.js';
import { FileStateStore, StateConflictError, updateState } from '../../functions/platform/state.js';
import { mentions, normalizeText } from '../../functions/platform/text.js';
import { backoffMs, parseRetryAfter } from '../../functions/platform/http.js';
import { batchRows } from '../../functions/platform/warehouse.js';

describe('platform building blocks', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'fanpulse-platform-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('validates configuration and names the variable that is wrong', () => {
    expect(loadPlatformConfig({}).warehouse).to.equal('duckdb');
    expect(
      loadPlatformConfig({
        FANPULSE_BACKEND: 'gcp',
        GOOGLE_CLOUD_PROJECT: 'p',
        FANPULSE_RAW_BUCKET: 'raw-b',
      }).warehouse,
    ).to.equal('bigquery');
    expect(() =>
      loadPlatformConfig({ FANPULSE_BACKEND: 'gcp', GOOGLE_CLOUD_PROJECT: 'p' }),
    ).to.throw(/FANPULSE_RAW_BUCKET: required for the Cloud Storage raw store/);
    expect(() => loadPlatformConfig({ FANPULSE_HTTP_RETRIES: '-1' })).to.throw(
      /FANPULSE_HTTP_RETRIES/,
    );
    expect(() => loadPlatformConfig({ FANPULSE_BQ_DATASET: 'bad-name' })).to.throw(
      /FANPULSE_BQ_DATASET/,
    );
  });

  it('maps secret ids to environment variables by one rule and redacts what it reads', async () => {
    expect(envNameForSecret('spotify-client-secret')).to.equal('SPOTIFY_CLIENT_SECRET');
    const redactor = new Redactor();
    const secrets = new EnvSecrets({ INSTAGRAM_ACCESS_TOKEN: 'EAAG-very-secret' }, redactor);
    expect(await secrets.get('instagram-access-token')).to.equal('EAAG-very-secret');
    await secrets.get('missing-one').then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.match(/export MISSING_ONE/),
    );
    const sink = memorySink();
    createLogger({ redactor, sink: sink.sink }).error('call failed', {
      url: 'https://x/?access_token=abc123&q=1',
      note: 'token EAAG-very-secret leaked',
    });
    expect(sink.lines[0]).to.not.include('EAAG-very-secret');
    expect(sink.lines[0]).to.not.include('abc123');
    const entry = sink.entries()[0]!;
    expect(entry.severity).to.equal('ERROR');
    expect(entry).to.have.property('logging.googleapis.com/labels');
  });

  it('names raw objects after the run and parses them back', () => {
    const run = { runId: '1234567890', runTime: new Date('2026-11-20T10:05:09.123Z') };
    const path = rawObjectPath('spotify', 'show_episodes', run);
    expect(path).to.equal(
      'raw/spotify/show_episodes/dt=2026-11-20/show_episodes_20261120T100509Z_1234567890.ndjson',
    );
    expect(parseRawObjectPath(path)).to.deep.include({
      source: 'spotify',
      entity: 'show_episodes',
      day: '2026-11-20',
      runId: '1234567890',
    });
    expect(parseRawObjectPath(path)?.runTime.toISOString()).to.equal('2026-11-20T10:05:09.000Z');
  });

  it('writes raw objects atomically and replaces them on rewrite', async () => {
    const store = new LocalRawStore(dir);
    const w = await store.openWriter('raw/a/b/x.ndjson');
    await w.writeLine('{"n":1}');
    expect(await store.list('raw/')).to.deep.equal([]);
    await w.close();
    const again = await store.openWriter('raw/a/b/x.ndjson');
    await again.writeLine('{"n":2}');
    await again.close();
    expect(await store.read('raw/a/b/x.ndjson')).to.equal('{"n":2}\n');
    const aborted = await store.openWriter('raw/a/b/y.ndjson.gz');
    await aborted.writeLine('{}');
    await aborted.abort();
    expect(await store.list('raw/')).to.deep.equal(['raw/a/b/x.ndjson']);
    const gz = await store.openWriter('raw/a/b/z.ndjson.gz');
    await gz.writeLine('{"zipped":true}');
    await gz.close();
    expect(await store.read('raw/a/b/z.ndjson.gz')).to.equal('{"zipped":true}\n');
    expect((await readdir(join(dir, 'raw/a/b'))).sort()).to.deep.equal(['x.ndjson', 'z.ndjson.gz']);
  });

  it('updates state with optimistic concurrency', async () => {
    const store = new FileStateStore(dir);
    const schema = z.object({ n: z.number() });
    await updateState(store, 'counters/a', schema, (c) => ({ n: (c?.n ?? 0) + 1 }));
    await updateState(store, 'counters/a', schema, (c) => ({ n: (c?.n ?? 0) + 1 }));
    const current = await store.get('counters/a', schema);
    expect(current?.value).to.deep.equal({ n: 2 });
    await store.put('counters/a', { n: 99 }, { ifVersion: '1' }).then(
      () => expect.fail('stale write accepted'),
      (e: unknown) => expect(e).to.be.instanceOf(StateConflictError),
    );
    await store.put('counters/b', { n: 1 }, { ifVersion: null });
    await store.put('counters/b', { n: 1 }, { ifVersion: null }).then(
      () => expect.fail('create-only write accepted twice'),
      (e: unknown) => expect(e).to.be.instanceOf(StateConflictError),
    );
  });

  it('normalises text for matching: accents, case, width and spaces; Hangul intact', () => {
    expect(normalizeText('  Grupo   BOTICÁRIO ')).to.equal('grupo boticario');
    expect(normalizeText('ＢＴＳ')).to.equal('bts');
    expect(normalizeText('방탄소년단')).to.equal('방탄소년단');
    expect(mentions('Dados no grupo boticario', 'Grupo Boticário')).to.equal(true);
    expect(mentions('Boticas', 'Boticário')).to.equal(false);
    expect(mentions(null, 'x')).to.equal(false);
  });

  it('matches mentions the way people write them; short terms only as whole words', () => {
    for (const written of [
      'Hoje com o #GrupoBoticário!',
      'parceria Grupo-Boticário',
      'o GrupoBoticario cresceu',
      '#grupoboticario',
      'GRUPO BOTICÁRIO.',
    ])
      expect(mentions(written, 'Grupo Boticário'), written).to.equal(true);
    expect(mentions('Grupo de Boticário', 'Grupo Boticário')).to.equal(false);
    expect(mentions('social media', 'IA')).to.equal(false);
    expect(mentions('Dados e IA no varejo', 'IA')).to.equal(true);
    expect(mentions('Dados e I.A. no varejo', 'IA')).to.equal(true);
    expect(mentions('BTS의 새 앨범', '방탄소년단')).to.equal(false);
    expect(mentions('방탄소년단의 새 앨범', '방탄소년단')).to.equal(true);
  });

  it('parses Retry-After in seconds or as a date, and bounds backoff', () => {
    const now = new Date('2026-11-20T10:00:00Z');
    expect(parseRetryAfter('120', now)).to.equal(120);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:01:00 GMT', now)).to.equal(60);
    expect(parseRetryAfter('soon', now)).to.equal(null);
    const policy = {
      timeoutMs: 1,
      retries: 1,
      backoffBaseMs: 500,
      backoffMaxMs: 4000,
      retryAfterBudgetSeconds: 30,
    };
    expect(backoffMs(1, policy, () => 1)).to.equal(500);
    expect(backoffMs(10, policy, () => 1)).to.equal(4000);
    expect(backoffMs(3, policy, () => 0)).to.equal(0);
  });

  it('batches rows under both a row and a byte ceiling', () => {
    const rows = Array.from({ length: 1203 }, (_, i) => i);
    expect(batchRows(rows, 500, Infinity, () => 1).map((b) => b.length)).to.deep.equal([
      500, 500, 203,
    ]);
    expect(batchRows(rows.slice(0, 10), 500, 4, () => 2).map((b) => b.length)).to.deep.equal([
      2, 2, 2, 2, 2,
    ]);
  });
});
