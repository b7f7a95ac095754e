// The BigQuery adapter's judgement of what BigQuery answers: which errors are permanent,
// how partially refused inserts are reported, how query parameters are typed, and what
// each value type of a query result becomes.
import { expect } from 'chai';
import { PermanentError, TransientError } from '../../functions/platform/errors.js';
import { insertIdFor, type StoredRow } from '../../functions/platform/warehouse.js';
import { plainValue } from '../../functions/platform/warehouse-bigquery.js';
import { catalog } from '../../functions/sources/all.js';
import { startGcpStubs, type GcpStubs } from './gcp-stubs.js';

const episodes = catalog.tableByName('spotify_episodes');

function episodeRow(i: number): StoredRow {
  const row: Record<string, unknown> = {
    collected_at: '2026-11-20T10:00:00.000Z',
    run_id: 'run-1',
    episode_id: `ep${i}`,
    show_id: 'show1',
  };
  return { ...row, insert_id: insertIdFor(episodes, row) } as StoredRow;
}

const bqError = (status: number) => ({
  status,
  body: { error: { code: status, message: `HTTP ${status} here`, errors: [{ reason: 'x' }] } },
});

describe('BigQuery adapter: errors, partial failures, parameters and values', () => {
  let stubs: GcpStubs;
  beforeEach(async () => (stubs = await startGcpStubs()));
  afterEach(async () => stubs.close());

  it('calls 4xx permanent except 408 and 429, and 5xx transient, naming what failed', async () => {
    const cases: Array<[number, typeof PermanentError | typeof TransientError]> = [
      [400, PermanentError],
      [403, PermanentError],
      [499, PermanentError],
      [408, TransientError],
      [429, TransientError],
      [500, TransientError],
      [503, TransientError],
    ];
    for (const [status, kind] of cases) {
      stubs.bigquery.inject({ path: /insertAll$/, answer: bqError(status) });
      const error = await stubs.warehouse
        .insert(episodes, [episodeRow(1)])
        .catch((e: unknown) => e);
      expect(error, String(status)).to.be.instanceOf(kind);
      expect((error as Error).message).to.match(/^BigQuery spotify_episodes: /);
      expect((error as Error).cause, String(status)).to.not.equal(undefined);
    }
    stubs.bigquery.inject({ path: /\/queries$/, answer: bqError(400) });
    const bad = await stubs.warehouse.query('SELECT 1').catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(PermanentError);
    expect((bad as Error).message).to.match(/^BigQuery query: /);
    stubs.bigquery.inject({ path: /\/queries$/, answer: bqError(503) });
    expect(await stubs.warehouse.query('SELECT 1').catch((e: unknown) => e)).to.be.instanceOf(
      TransientError,
    );
  });

  it('reports refused rows with their reasons (or "rejected") and counts the rest inserted', async () => {
    const rows = [episodeRow(1), episodeRow(2), episodeRow(3)];
    stubs.bigquery.inject({
      path: /insertAll$/,
      answer: {
        status: 200,
        body: {
          kind: 'bigquery#tableDataInsertAllResponse',
          insertErrors: [
            { index: 0, errors: [{ reason: 'invalid', message: 'bad value' }, { message: 'm2' }] },
            { index: 2, errors: [] },
          ],
        },
      },
    });
    const outcome = await stubs.warehouse.insert(episodes, rows);
    expect(outcome).to.deep.equal({
      inserted: 1,
      requests: 1,
      rejected: [
        { insertId: rows[0]!.insert_id, reason: 'invalid: bad value; error: m2' },
        { insertId: rows[2]!.insert_id, reason: 'rejected' },
      ],
    });
  });

  it('types null query parameters as STRING and leaves the others to the client', async () => {
    await stubs.warehouse.query('SELECT @a AS a, @n AS n', { a: null, n: 5 });
    const sent = stubs.bigquery.queries[0]!.parameters as Array<{
      name: string;
      parameterType: { type: string };
    }>;
    expect(sent.map((p) => [p.name, p.parameterType.type])).to.deep.equal([
      ['a', 'STRING'],
      ['n', 'INT64'],
    ]);
  });

  it('turns wrapped dates, timestamps, buffers, arrays and records into plain values', () => {
    const when = new Date('2026-11-20T10:00:00.000Z');
    expect(plainValue(null)).to.equal(null);
    expect(plainValue(7)).to.equal(7);
    expect(plainValue(when)).to.equal('2026-11-20T10:00:00.000Z');
    expect(plainValue(Buffer.from('hi'))).to.equal('aGk=');
    expect(plainValue({ value: '2026-11-20' })).to.equal('2026-11-20');
    expect(plainValue({ value: 5 })).to.deep.equal({ value: 5 });
    expect(plainValue({ value: 'x', other: 'y' })).to.deep.equal({ value: 'x', other: 'y' });
    expect(plainValue([when, { value: 'd' }, [1]])).to.deep.equal([
      '2026-11-20T10:00:00.000Z',
      'd',
      [1],
    ]);
    expect(plainValue({ at: when, nested: { value: 't' } })).to.deep.equal({
      at: '2026-11-20T10:00:00.000Z',
      nested: 't',
    });
  });
});
