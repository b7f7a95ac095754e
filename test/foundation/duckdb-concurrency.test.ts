// The job functions take several deliveries at once; locally they share one DuckDB
// connection and one staging table per table, so concurrent writes must not interleave.
import { expect } from 'chai';
import { col, defineTable, required } from '../../schemas/define.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';

const things = defineTable({
  name: 'concurrent_things',
  description: 'Rows written by concurrent runs.',
  key: ['thing_id'],
  columns: { thing_id: required(col.string('Id of the thing.')) },
});

describe('DuckDB warehouse under concurrent runs', () => {
  it('keeps every row of concurrent inserts and queries into one table', async () => {
    const warehouse = await openDuckDbWarehouse(':memory:', { tables: [things], views: [] });
    try {
      const runs = Array.from({ length: 8 }, (_, run) =>
        Array.from({ length: 300 }, (_, i) => ({
          insert_id: `r${run}-${i}`,
          run_id: `r${run}`,
          collected_at: '2026-12-01T00:00:00Z',
          thing_id: `t${run}-${i}`,
        })),
      );
      // Each run writes, then reads, as a collector does between pages.
      const inserted = await Promise.all(
        runs.map(async (rows) => {
          const outcome = await warehouse.insert(things, rows);
          await warehouse.query('SELECT count(*) AS n FROM concurrent_things');
          return outcome.inserted;
        }),
      );
      expect(inserted).to.deep.equal(runs.map(() => 300));
      const [row] = await warehouse.query(
        'SELECT count(DISTINCT insert_id) AS n FROM concurrent_things',
      );
      expect(row?.n).to.equal(2400);
    } finally {
      await warehouse.close();
    }
  });
});
