import { expect } from 'chai';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogueTables } from '../../functions/sources/spotify/catalogue-tables.js';
import { mapFile } from '../../functions/cli/map-file.js';
import { catalogueMappers } from '../../functions/sources/spotify/catalogue-mappers.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';
import { catalog } from '../../functions/sources/all.js';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function snapshot(h: CatalogueHarness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of catalogueTables)
    out[t.name] = await h.query(`SELECT * FROM ${t.name} ORDER BY insert_id`);
  return out;
}

describe('raw landing and replay of every catalogue entity', () => {
  const hs: CatalogueHarness[] = [];
  afterEach(async () => {
    for (const h of hs.splice(0)) await h.close();
  });

  it('every catalogue mapper is registered and found by its entity name', () => {
    for (const m of catalogueMappers) {
      expect(catalog.mappers.find((x) => x.source === 'spotify' && x.entity === m.entity)).to.equal(
        m,
      );
      expect(catalog.findMapperByEntity(`spotify.${m.entity}`)).to.equal(m);
    }
  });

  for (const tier of ['development', 'extended'] as const) {
    it(`replaying the raw answers of a catalogue run rebuilds the same rows (${tier})`, async () => {
      const live = await startCatalogueHarness({ tier, catalogue: knownCatalogue() });
      hs.push(live);
      await live.run({
        job: 'spotify.artist_search',
        params: { names: ['방탄소년단', 'beyonce'] },
      });
      const summaries = await live.drain({
        job: 'spotify.artist_catalog',
        params: { artists: ['BTS', 'Jung Kook'] },
      });
      expect(summaries.filter((s) => s.outcome !== 'succeeded')).to.deep.equal([]);
      await live.run({ job: 'spotify.tracks', params: { trackIds: [trackOf(KNOWN.halsey)] } });
      const entities = (await readdir(join(live.dataDir, 'raw', 'spotify'))).sort();
      expect(entities).to.include.members(
        tier === 'development'
          ? ['artist', 'artist_albums', 'album', 'artist_search', 'artist_resolution', 'track']
          : ['artists_batch', 'artist_albums', 'albums_batch', 'artist_top_tracks', 'tracks_batch'],
      );
      for (const e of entities)
        expect(
          catalog.mappers.find((x) => x.source === 'spotify' && x.entity === e),
          e,
        ).to.not.equal(undefined);
      const before = await snapshot(live);
      expect(before.spotify_tracks!.length).to.be.greaterThan(0);

      // A fresh warehouse on the same raw folder: replay reads everything back.
      const replay = await startCatalogueHarness({
        tier,
        catalogue: knownCatalogue(),
        dataDir: live.dataDir,
      });
      hs.push(replay);
      await rm(join(live.dataDir, 'state'), { recursive: true, force: true });
      const day = live.clock.now().toISOString().slice(0, 10);
      const summary = await replay.run({
        job: 'platform.replay',
        params: { from: day, to: day, source: 'spotify' },
      });
      expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
      expect(summary.quality).to.deep.equal({});
      expect(await snapshot(replay)).to.deep.equal(before);
    });
  }

  it('`fanpulse map` turns a landed artist_albums object into rows', async () => {
    const h = await startCatalogueHarness({ catalogue: knownCatalogue() });
    hs.push(h);
    await h.run({ job: 'spotify.artist_albums', params: { artistId: KNOWN.bts } });
    const [object] = await files(join(h.dataDir, 'raw', 'spotify', 'artist_albums'));
    const result = await mapFile('spotify.artist_albums', object!);
    const tables = result.rows.map((r) => r.table);
    const listed = knownCatalogue().artistAlbums(KNOWN.bts).length;
    expect(tables.filter((t) => t === 'spotify_artist_albums')).to.have.length(listed);
    expect(tables.filter((t) => t === 'spotify_albums')).to.have.length(listed);
  });
});

function trackOf(artistId: string): string {
  const c = knownCatalogue();
  const album = c.artistAlbums(artistId)[0]!.album;
  return c.tracks(album)[0]!.id;
}
