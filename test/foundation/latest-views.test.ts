// latest_* views never let a newer simplified observation hide an older full one: the
// columns only full objects carry are their latest non-null values, and a tie on
// collected_at goes to the fuller row (deterministically).
import { expect } from 'chai';
import type { TableDef } from '../../schemas/define.js';
import { spotifyAlbums, spotifyTracks } from '../../functions/sources/spotify/catalogue-tables.js';
import { insertIdFor, type Warehouse } from '../../functions/platform/warehouse.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';

function row(table: TableDef, values: Record<string, unknown>) {
  const data: Record<string, unknown> = {};
  for (const name of Object.keys(table.allColumns)) data[name] = values[name] ?? null;
  return { ...data, insert_id: insertIdFor(table, data) } as Record<string, unknown> & {
    insert_id: string;
    run_id: string;
    collected_at: string;
  };
}

describe('latest_* views and simplified objects', () => {
  let w: Warehouse;
  beforeEach(async () => {
    w = await openDuckDbWarehouse(':memory:', catalog.schema);
    await w.ensureSchema();
  });
  afterEach(async () => w.close());

  it('a newer simplified track keeps the older full one’s popularity and ISRC', async () => {
    await w.insert(spotifyTracks, [
      row(spotifyTracks, {
        track_id: 't1',
        name: 'Old name',
        popularity: 71,
        isrc: 'KRA0001',
        endpoint: 'top_tracks',
        collected_at: '2026-11-20T10:00:00.000Z',
        run_id: 'r1',
      }),
      row(spotifyTracks, {
        track_id: 't1',
        name: 'New name',
        endpoint: 'album_tracks',
        collected_at: '2026-11-20T11:00:00.000Z',
        run_id: 'r2',
      }),
    ]);
    const [t] = await w.query('SELECT name, popularity, isrc, endpoint FROM latest_spotify_tracks');
    expect(t).to.deep.equal({
      name: 'New name',
      popularity: 71,
      isrc: 'KRA0001',
      endpoint: 'album_tracks',
    });
  });

  it('on equal timestamps the fuller album row wins, whatever the run ids say', async () => {
    const at = '2026-11-20T10:00:00.000Z';
    for (const [full, simple] of [
      ['a-run', 'z-run'],
      ['z-run', 'a-run'],
    ] as const) {
      const id = `alb-${full}`;
      await w.insert(spotifyAlbums, [
        row(spotifyAlbums, {
          album_id: id,
          label: 'HYBE',
          upc: '880',
          endpoint: 'album',
          collected_at: at,
          run_id: full,
        }),
        row(spotifyAlbums, {
          album_id: id,
          album_group: 'album',
          endpoint: 'artist_albums',
          collected_at: at,
          run_id: simple,
        }),
      ]);
    }
    const rows = await w.query(
      'SELECT album_id, label, upc, endpoint FROM latest_spotify_albums ORDER BY album_id',
    );
    expect(rows.map((r) => [r.label, r.upc, r.endpoint])).to.deep.equal([
      ['HYBE', '880', 'album'],
      ['HYBE', '880', 'album'],
    ]);
  });
});
