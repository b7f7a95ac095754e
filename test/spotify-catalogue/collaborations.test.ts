import { expect } from 'chai';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

/** The pair as the view orders it: artist_a_id < artist_b_id. */
function pair(x: string, y: string, tracks: number, albums: number) {
  const [a, b] = x < y ? [x, y] : [y, x];
  return { artist_a_id: a, artist_b_id: b, shared_tracks: tracks, shared_albums: albums };
}

describe('spotify_collaborations on a small known catalogue (DuckDB)', () => {
  let h: CatalogueHarness;
  afterEach(async () => h?.close());

  for (const tier of ['development', 'extended'] as const) {
    it(`finds exactly the features of the known catalogue (${tier})`, async () => {
      h = await startCatalogueHarness({ tier, catalogue: knownCatalogue() });
      const summaries = await h.drain({
        job: 'spotify.artist_catalog',
        params: {
          artists: [
            { id: KNOWN.bts },
            'Jung Kook',
            'Halsey',
            'Coldplay',
            `aespa|${KNOWN.aespa}`,
            `spotify:artist:${KNOWN.beyonce}`,
          ],
        },
      });
      expect(summaries.filter((s) => s.outcome !== 'succeeded')).to.deep.equal([]);
      const rows = await h.query(
        `SELECT artist_a_id, artist_b_id, shared_tracks, shared_albums FROM spotify_collaborations ORDER BY artist_a_id, artist_b_id`,
      );
      const expected = [
        // "Boy With Luv (feat. Halsey)" on Persona, "SUGA's Interlude" on Manic.
        pair(KNOWN.bts, KNOWN.halsey, 2, 2),
        // Both versions of "My Universe" on one single.
        pair(KNOWN.bts, KNOWN.coldplay, 2, 1),
        // Two versions on the single and one on the compilation.
        pair(KNOWN.jungkook, KNOWN.latto, 3, 2),
      ].sort((x, y) =>
        x.artist_a_id === y.artist_a_id
          ? x.artist_b_id.localeCompare(y.artist_b_id)
          : x.artist_a_id < y.artist_a_id
            ? -1
            : 1,
      );
      expect(rows).to.deep.equal(expected);
      // Artists on the same compilation but not on the same track are no pair.
      const [btsAespa] = await h.query(
        `SELECT count(*) AS n FROM spotify_collaborations WHERE '${KNOWN.aespa}' IN (artist_a_id, artist_b_id)`,
      );
      expect(btsAespa?.n).to.equal(0);
      const [names] = await h.query(
        `SELECT artist_a_name, artist_b_name FROM spotify_collaborations WHERE shared_tracks = 3`,
      );
      expect([names?.artist_a_name, names?.artist_b_name].sort()).to.deep.equal([
        'Jung Kook',
        'Latto',
      ]);
    });
  }

  it('counts a re-collected catalogue once (latest credits only)', async () => {
    h = await startCatalogueHarness({ catalogue: knownCatalogue() });
    const albumIds = knownCatalogue()
      .artistAlbums(KNOWN.bts)
      .map((l) => l.album.id);
    for (const runId of ['first', 'second']) {
      for (const albumId of albumIds)
        await h.run({ job: 'spotify.album_tracks', params: { albumId } }, `${runId}-${albumId}`);
      h.clock.advance(3_600_000);
    }
    const [raw] = await h.query(`SELECT count(*) AS n FROM spotify_track_artists`);
    const [latest] = await h.query(`SELECT count(*) AS n FROM latest_spotify_track_artists`);
    expect(raw?.n).to.equal(2 * Number(latest?.n));
    const rows = await h.query(
      `SELECT shared_tracks FROM spotify_collaborations WHERE '${KNOWN.bts}' IN (artist_a_id, artist_b_id) ORDER BY shared_tracks`,
    );
    // BTS's listing covers Persona, Butter, My Universe, Manic (appears_on) and the compilation.
    expect(rows.map((r) => r.shared_tracks)).to.deep.equal([2, 2]);
  });
});
