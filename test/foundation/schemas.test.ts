import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { generatedFiles, bigQuerySchema } from '../../schemas/generate.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';

describe('schemas: one definition, every artefact', () => {
  it('checked-in generated files are in sync with the definitions (run `npm run schemas`)', async () => {
    const stale: string[] = [];
    for (const [path, content] of generatedFiles(catalog.schema)) {
      const current = await readFile(path, 'utf8').catch(() => null);
      if (current !== content) stale.push(path);
    }
    expect(stale, `stale generated files: ${stale.join(', ')}`).to.deep.equal([]);
  });

  it('every table carries collected_at, run_id and insert_id as REQUIRED columns', () => {
    for (const table of catalog.tables) {
      const fields = bigQuerySchema(table);
      for (const name of ['collected_at', 'run_id', 'insert_id']) {
        expect(fields.find((f) => f.name === name)?.mode, `${table.name}.${name}`).to.equal(
          'REQUIRED',
        );
      }
      expect(table.clustering.length).to.be.within(1, 4);
      for (const key of table.key) expect(Object.keys(table.allColumns)).to.include(key);
    }
  });

  it('every table has a latest_* view, and every view is created in DuckDB', async () => {
    const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
    try {
      await warehouse.ensureSchema();
      const names = (
        await warehouse.query(`SELECT view_name FROM duckdb_views() WHERE NOT internal`)
      ).map((r) => r.view_name);
      for (const table of catalog.tables) expect(names).to.include(table.latestView);
      for (const view of catalog.views) expect(names).to.include(view.name);
    } finally {
      await warehouse.close();
    }
  });

  it('rejects rows of the wrong shape before they reach the warehouse', () => {
    const shows = catalog.tables.find((t) => t.name === 'spotify_shows')!;
    const ok = {
      show_id: 'a',
      name: null,
      description: null,
      publisher: null,
      total_episodes: 3,
      languages: null,
      explicit: null,
      media_type: null,
      spotify_url: null,
      image_url: null,
      market: 'BR',
      search_term: null,
      search_rank: null,
      collected_at: '2026-11-20T10:00:00.000Z',
      run_id: 'r',
    };
    expect(shows.rowSchema.safeParse(ok).success).to.equal(true);
    expect(shows.rowSchema.safeParse({ ...ok, total_episodes: '3' }).success).to.equal(false);
    expect(shows.rowSchema.safeParse({ ...ok, show_id: null }).success).to.equal(false);
    expect(shows.rowSchema.safeParse({ ...ok, collected_at: 'yesterday' }).success).to.equal(false);
  });
});
