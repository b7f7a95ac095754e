// RowWriter, the per-run row sink: validation into quality counters, insert_id stamping,
// batching at 500 rows, and what it records of the warehouse's answers.
import { expect } from 'chai';
import type { TableDef } from '../../schemas/define.js';
import { catalog } from '../../functions/sources/all.js';
import { createLogger, memorySink } from '../../functions/platform/logger.js';
import { QualityCounters } from '../../functions/platform/quality.js';
import { RowWriter } from '../../functions/platform/rows.js';
import {
  insertIdFor,
  type InsertOutcome,
  type StoredRow,
  type Warehouse,
} from '../../functions/platform/warehouse.js';

const episodes = catalog.tableByName('spotify_episodes');
const shows = catalog.tableByName('spotify_shows');

/** Every column present (NULL where not given), as mappers produce rows. */
const nulls = (table: TableDef) =>
  Object.fromEntries(Object.keys(table.allColumns).map((name) => [name, null]));

const episode = (i: number, extra: Record<string, unknown> = {}) =>
  ({
    ...nulls(episodes),
    collected_at: '2026-11-20T10:00:00.000Z',
    run_id: 'run-1',
    episode_id: `ep${i}`,
    show_id: 'show1',
    name: `Episode ${i}`,
    ...extra,
  }) as never;

/** A warehouse that records every insert and answers what `answer` says. */
function recordingWarehouse(
  answer: (rows: readonly StoredRow[]) => InsertOutcome = (rows) => ({
    inserted: rows.length,
    rejected: [],
    requests: 1,
  }),
) {
  const calls: Array<{ table: string; rows: StoredRow[] }> = [];
  const warehouse: Warehouse = {
    kind: 'duckdb',
    ensureSchema: async () => undefined,
    query: async () => [],
    close: async () => undefined,
    insert: async (def: TableDef, rows: readonly StoredRow[]) => {
      calls.push({ table: def.name, rows: [...rows] });
      return answer(rows);
    },
  };
  return { warehouse, calls };
}

function writer(warehouse: Warehouse) {
  const quality = new QualityCounters();
  const logs = memorySink();
  const rows = new RowWriter(warehouse, quality, createLogger({ sink: logs.sink }));
  return { rows, quality, logs };
}

describe('RowWriter', () => {
  it('stamps insert_id, counts invalid rows as rejected_row with the reason, writes the rest', async () => {
    const { warehouse, calls } = recordingWarehouse();
    const { rows, quality } = writer(warehouse);
    await rows.add(episodes, [episode(1), episode(2, { episode_id: 7 }), episode(3)]);
    expect(calls).to.deep.equal([]);
    await rows.flush();
    expect(calls).to.have.length(1);
    expect(calls[0]!.table).to.equal('spotify_episodes');
    expect(calls[0]!.rows.map((r) => r.episode_id)).to.deep.equal(['ep1', 'ep3']);
    for (const r of calls[0]!.rows) expect(r.insert_id).to.equal(insertIdFor(episodes, r));
    const [rejected] = quality.list();
    expect(rejected).to.include({ table: 'spotify_episodes', check: 'rejected_row', count: 1 });
    expect(rejected!.sample).to.match(/^episode_id: /);
    expect(rows.rowsPerTable()).to.deep.equal({ spotify_episodes: 2 });
  });

  it('flushes a table when it holds 500 rows, not before, and flush() writes the rest', async () => {
    const { warehouse, calls } = recordingWarehouse();
    const { rows } = writer(warehouse);
    await rows.add(
      episodes,
      Array.from({ length: 499 }, (_, i) => episode(i)),
    );
    expect(calls).to.have.length(0);
    await rows.add(episodes, [episode(499)]);
    expect(calls.map((c) => c.rows.length)).to.deep.equal([500]);
    await rows.add(episodes, [episode(500)]);
    await rows.flush();
    expect(calls.map((c) => c.rows.length)).to.deep.equal([500, 1]);
    // Nothing buffered: no empty insert.
    await rows.flush();
    expect(calls).to.have.length(2);
    expect(rows.rowsPerTable()).to.deep.equal({ spotify_episodes: 501 });
  });

  it('adds up requests and inserted rows per table across flushes', async () => {
    const { warehouse } = recordingWarehouse((r) => ({
      inserted: r.length,
      rejected: [],
      requests: 2,
    }));
    const { rows } = writer(warehouse);
    await rows.add(episodes, [episode(1), episode(2)]);
    await rows.flush();
    await rows.add(episodes, [episode(3)]);
    await rows.add(shows, [
      {
        ...nulls(shows),
        collected_at: '2026-11-20T10:00:00.000Z',
        run_id: 'run-1',
        show_id: 'show1',
        name: 'Show',
      } as never,
    ]);
    await rows.flush();
    expect(rows.insertRequests).to.equal(6);
    expect(rows.rowsPerTable()).to.deep.equal({ spotify_episodes: 3, spotify_shows: 1 });
    expect(rows.warehouseRejected).to.equal(0);
    expect(rows.firstRejection).to.equal(null);
  });

  it('records rows the warehouse refused: counts, the first reason, one error line with a sample', async () => {
    const { warehouse } = recordingWarehouse((r) => ({
      inserted: r.length - 4,
      rejected: r.slice(0, 4).map((row, i) => ({ insertId: row.insert_id, reason: `bad ${i}` })),
      requests: 1,
    }));
    const { rows, quality, logs } = writer(warehouse);
    await rows.add(
      episodes,
      Array.from({ length: 6 }, (_, i) => episode(i)),
    );
    await rows.flush();
    expect(rows.warehouseRejected).to.equal(4);
    expect(rows.firstRejection).to.equal('spotify_episodes: bad 0');
    expect(quality.summary()).to.deep.equal({ 'spotify_episodes.warehouse_rejected_row': 4 });
    expect(rows.rowsPerTable()).to.deep.equal({ spotify_episodes: 2 });
    const errors = logs.entries().filter((e) => e.message === 'warehouse rejected rows');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ table: 'spotify_episodes', rejected: 4, severity: 'ERROR' });
    expect(errors[0]!.sample).to.have.length(3);
  });

  it('logs nothing when the warehouse refuses nothing', async () => {
    const { warehouse } = recordingWarehouse();
    const { rows, logs } = writer(warehouse);
    await rows.add(episodes, [episode(1)]);
    await rows.flush();
    expect(logs.entries().filter((e) => e.severity === 'ERROR')).to.deep.equal([]);
  });
});
