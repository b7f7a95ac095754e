// Rows per BigQuery insertAll request: the BigQuery adapter (real client library) against
// the insertAll stub on loopback, for small rows and for rows with long descriptions, so
// both the row and the byte ceiling show up.
import { insertIdFor, type StoredRow } from '../../functions/platform/warehouse.js';
import {
  MAX_BYTES_PER_INSERT,
  MAX_ROWS_PER_INSERT,
} from '../../functions/platform/warehouse-bigquery.js';
import { startGcpStubs } from '../adapters/gcp-stubs.js';
import type { BenchModule } from './types.js';
import { catalog } from '../../functions/sources/all.js';

const episodes = catalog.tableByName('spotify_episodes');

function rows(count: number, descriptionBytes: number): StoredRow[] {
  const text = 'd'.repeat(descriptionBytes);
  return Array.from({ length: count }, (_, i) => {
    const row: Record<string, unknown> = {
      collected_at: '2026-11-20T10:00:00.000Z',
      run_id: 'bench',
      episode_id: `episode${i}`,
      show_id: 'show',
      name: `Episode ${i}`,
      description: text,
      duration_ms: 1000 + i,
    };
    return { ...row, insert_id: insertIdFor(episodes, row) } as StoredRow;
  });
}

export const bench: BenchModule = {
  async run() {
    const cases = [
      { label: '10,000 rows of ~0.3 kB', count: 10_000, description: 100 },
      { label: '2,000 rows of ~50 kB', count: 2_000, description: 50_000 },
    ];
    const lines = [
      'case | rows | insertAll requests | rows per request (max) | largest request | rows/s',
      '---|---:|---:|---:|---:|---:',
    ];
    for (const c of cases) {
      const stubs = await startGcpStubs();
      try {
        const data = rows(c.count, c.description);
        const started = performance.now();
        const outcome = await stubs.warehouse.insert(episodes, data);
        const seconds = (performance.now() - started) / 1000;
        const calls = stubs.bigquery.inserts;
        const maxRows = Math.max(...calls.map((x) => x.rows));
        const maxBytes = Math.max(...calls.map((x) => x.bytes));
        if (outcome.inserted !== c.count) throw new Error(`inserted ${outcome.inserted}`);
        lines.push(
          `${c.label} | ${c.count} | ${calls.length} | ${(c.count / calls.length).toFixed(0)} (${maxRows}) | ${(maxBytes / 2 ** 20).toFixed(2)} MiB | ${(c.count / seconds).toFixed(0)}`,
        );
      } finally {
        await stubs.close();
      }
    }
    return {
      title: 'BigQuery streaming inserts: rows per insertAll request',
      command: 'npm run bench -- bigquery',
      markdown: [
        ...lines,
        '',
        `Batches close at ${MAX_ROWS_PER_INSERT} rows or ${(MAX_BYTES_PER_INSERT / 1e6).toLocaleString('en')} MB of JSON, whichever comes first (insertAll allows 10 MB per request). rows/s includes the stub writing every row into DuckDB, so it is a floor for the client side.`,
      ].join('\n'),
    };
  },
};
