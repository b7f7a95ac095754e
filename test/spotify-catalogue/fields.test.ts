import { expect } from 'chai';
import { QualityCounters } from '../../functions/platform/quality.js';
import { mapArtist, mapTrack } from '../../functions/sources/spotify/catalogue-records.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

const run = { runId: 'r1', runTime: new Date('2026-11-20T10:00:00Z') };
const artistIds = [KNOWN.bts, KNOWN.jungkook, KNOWN.halsey, KNOWN.nobody];

describe('catalogue fields: deprecated ones NULL when absent, genres as rows', () => {
  let h: CatalogueHarness;
  afterEach(async () => h?.close());

  it('development mode: followers, popularity and genres are NULL, never 0 or ""', async () => {
    h = await startCatalogueHarness({ tier: 'development', catalogue: knownCatalogue() });
    await h.run({ job: 'spotify.artist', params: { artistIds } });
    await h.run({ job: 'spotify.album_tracks', params: { albumId: knownAlbumOf(KNOWN.bts) } });
    const artists = await h.query(
      `SELECT name, genres, followers, popularity, image_url, spotify_url FROM latest_spotify_artists ORDER BY name`,
    );
    expect(artists).to.have.length(4);
    for (const a of artists) {
      expect(a).to.include({ genres: null, followers: null, popularity: null });
      expect(a.image_url).to.match(/-640$/);
      expect(a.spotify_url).to.match(/^https:\/\/open\.spotify\.com\/artist\//);
    }
    const [genres] = await h.query(`SELECT count(*) AS n FROM spotify_artist_genres`);
    expect(genres?.n).to.equal(0);
    const albums = await h.query(`SELECT popularity, label, upc FROM latest_spotify_albums`);
    expect(albums).to.deep.equal([
      { popularity: null, label: 'Known Records', upc: '0000000000000' },
    ]);
    const tracks = await h.query(
      `SELECT count(*) AS n, count(popularity) AS pop, count(isrc) AS isrc, count(preview_url) AS previews,
              count(*) FILTER (WHERE preview_url = '') AS empty FROM latest_spotify_tracks`,
    );
    // Simplified tracks carry no popularity or ISRC; half the sandbox's previews are null.
    expect(tracks).to.deep.equal([{ n: 4, pop: 0, isrc: 0, previews: 2, empty: 0 }]);
  });

  it('extended tier: several genres per artist survive as rows; [] stays [] with no rows', async () => {
    h = await startCatalogueHarness({ tier: 'extended', catalogue: knownCatalogue() });
    await h.run({ job: 'spotify.artist', params: { artistIds } });
    const rows = await h.query(
      `SELECT a.name, g.genre, g.position FROM spotify_artist_genres g JOIN latest_spotify_artists a USING (artist_id) ORDER BY a.name, g.position`,
    );
    expect(rows.map((r) => [r.name, r.genre, r.position])).to.deep.equal([
      ['BTS', 'k-pop', 1],
      ['BTS', 'k-pop boy group', 2],
      ['BTS', 'pop', 3],
      ['Halsey', 'electropop', 1],
      ['Halsey', 'pop', 2],
      ['Jung Kook', 'k-pop', 1],
    ]);
    const [nobody] = await h.query(
      `SELECT genres, followers, popularity FROM latest_spotify_artists WHERE artist_id = '${KNOWN.nobody}'`,
    );
    expect(nobody).to.deep.equal({ genres: '[]', followers: 3_000_009, popularity: 3 });
    const [bts] = await h.query(
      `SELECT followers, popularity, endpoint FROM latest_spotify_artists WHERE artist_id = '${KNOWN.bts}'`,
    );
    expect(bts).to.deep.equal({ followers: 90_000_270, popularity: 90, endpoint: 'artists_batch' });
  });

  it('present-but-malformed values become NULL and are counted; absent ones are not counted', () => {
    const q = new QualityCounters();
    const mapped = mapArtist(
      {
        id: 'abc123',
        name: 'X',
        followers: { total: 'many' },
        popularity: -4,
        genres: ['pop', 'pop', 'rock'],
      },
      'artist',
      run,
      q,
    )!;
    expect(mapped.artist).to.include({ followers: null, popularity: null });
    expect(mapped.genres.map((g) => g.genre)).to.deep.equal(['pop', 'rock']);
    expect(q.summary()).to.deep.equal({
      'spotify_artists.nulled_field:total': 1,
      'spotify_artists.nulled_field:popularity': 1,
    });
    const q2 = new QualityCounters();
    const track = mapTrack(
      {
        id: 't1',
        name: 'T',
        artists: [{ id: 'a1', name: 'A' }, { id: 'a1', name: 'A' }, { name: 'no id' }],
      },
      { albumId: 'al1', endpoint: 'album_tracks', market: 'KR' },
      run,
      q2,
    )!;
    expect(track.track).to.include({ popularity: null, preview_url: null, duration_ms: null });
    expect(track.credits.map((c) => [c.artist_id, c.position])).to.deep.equal([['a1', 1]]);
    expect(q2.total()).to.equal(0);
  });
});

function knownAlbumOf(artistId: string): string {
  const c = knownCatalogue();
  return c.artistAlbums(artistId, ['album'])[0]!.album.id;
}

describe('relinked tracks keep both ids', () => {
  let h: CatalogueHarness;
  afterEach(async () => h?.close());

  it('with a market, the playable id is the row and linked_from.id stays findable', async () => {
    const catalogue = knownCatalogue();
    const album = knownAlbumOf(KNOWN.bts);
    const requested = catalogue.tracks(catalogue.album(album)!)[0]!.id;
    const playable = '0PlayableRelinkedId000';
    h = await startCatalogueHarness({
      tier: 'development',
      catalogue,
      relink: new Map([[requested, playable]]),
    });
    const s = await h.run({ job: 'spotify.album_tracks', params: { albumId: album } });
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    const rows = await h.query(
      `SELECT track_id, linked_from_id FROM latest_spotify_tracks
        WHERE track_id = '${requested}' OR linked_from_id = '${requested}'`,
    );
    expect(rows).to.deep.equal([{ track_id: playable, linked_from_id: requested }]);
  });
});
