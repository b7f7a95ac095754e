import { expect } from 'chai';
import type { Catalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

const catalogue: Catalogue = syntheticCatalogue({ artists: 400 });
const prolific = catalogue.artists.find((a) => catalogue.artistAlbums(a.id).length >= 100)!;
const bigAlbums = catalogue.albums.filter((a) => a.trackCount > 100).slice(0, 2);
const smallAlbum = catalogue.albums.find((a) => a.trackCount > 3 && a.trackCount < 20)!;

describe('catalogue paging to the end in both tiers', () => {
  let h: CatalogueHarness;
  afterEach(async () => h?.close());

  it('has the shapes the tests need (artist with 100+ albums, albums with 100+ tracks)', () => {
    expect(catalogue.artistAlbums(prolific.id).length).to.be.at.least(100);
    expect(bigAlbums).to.have.length(2);
  });

  for (const [tier, cap] of [
    ['development', 10],
    ['extended', 50],
  ] as const) {
    it(`lists all ${catalogue.artistAlbums(prolific.id).length} albums of an artist in pages of ${cap} (${tier})`, async () => {
      h = await startCatalogueHarness({ tier, catalogue });
      const listing = catalogue.artistAlbums(prolific.id);
      const summary = await h.run({
        job: 'spotify.artist_albums',
        params: { artistId: prolific.id, maxAlbums: 1000 },
      });
      expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
      const pages = h.apiLog().filter((r) => r.path === `/v1/artists/${prolific.id}/albums`);
      const expectedOffsets = Array.from({ length: Math.ceil(listing.length / cap) }, (_, i) =>
        String(i * cap),
      );
      expect(pages.map((p) => p.query.offset)).to.deep.equal(expectedOffsets);
      expect(pages.every((p) => p.query.limit === String(cap) && p.status === 200)).to.equal(true);
      expect(pages.every((p) => p.query.market === 'KR')).to.equal(true);
      expect(pages[0]!.query.include_groups).to.equal('album,single,compilation,appears_on');
      const [links] = await h.query(
        `SELECT count(*) AS n, count(DISTINCT album_id) AS d, min(listing_position) AS lo, max(listing_position) AS hi
         FROM latest_spotify_artist_albums WHERE artist_id = '${prolific.id}'`,
      );
      expect(links).to.deep.equal({
        n: listing.length,
        d: listing.length,
        lo: 1,
        hi: listing.length,
      });
      const groups = await h.query(
        `SELECT album_group, count(*) AS n FROM latest_spotify_artist_albums GROUP BY 1 ORDER BY 1`,
      );
      const expectedGroups = new Map<string, number>();
      for (const l of listing) expectedGroups.set(l.group, (expectedGroups.get(l.group) ?? 0) + 1);
      expect(Object.fromEntries(groups.map((g) => [g.album_group, g.n]))).to.deep.equal(
        Object.fromEntries(expectedGroups),
      );
    });

    it(`collects every track of albums with 100+ tracks, 50 a page (${tier})`, async () => {
      h = await startCatalogueHarness({ tier, catalogue });
      const ids = [...bigAlbums.map((a) => a.id), smallAlbum.id];
      const summary = await h.run({ job: 'spotify.album_tracks', params: { albumIds: ids } });
      expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
      const expectedTracks = catalogue.trackTotal([...bigAlbums, smallAlbum]);
      expect(summary.items).to.equal(expectedTracks);
      for (const album of bigAlbums) {
        const pages = h.apiLog().filter((r) => r.path === `/v1/albums/${album.id}/tracks`);
        // The album lookup brought the first 50; the rest came in pages of 50 to the end.
        const offsets = [];
        for (let o = 50; o < album.trackCount; o += 50) offsets.push(String(o));
        expect(pages.map((p) => p.query.offset)).to.deep.equal(offsets);
        expect(pages.every((p) => p.query.limit === '50')).to.equal(true);
        const [row] = await h.query(
          `SELECT count(*) AS n, max(disc_number) AS discs FROM latest_spotify_tracks WHERE album_id = '${album.id}'`,
        );
        expect(row).to.deep.equal({ n: album.trackCount, discs: Math.ceil(album.trackCount / 40) });
      }
      expect(
        h.apiLog().filter((r) => r.path === `/v1/albums/${smallAlbum.id}/tracks`),
      ).to.have.length(0);
      const lookups = h.apiLog().filter((r) => /^\/v1\/albums(\/[^/]+)?$/.test(r.path));
      expect(lookups.map((r) => r.path)).to.deep.equal(
        tier === 'development' ? ids.map((id) => `/v1/albums/${id}`) : ['/v1/albums'],
      );
      // Every credited artist of every track is a row in the credits.
      const expectedCredits = [...bigAlbums, smallAlbum]
        .flatMap((a) => catalogue.tracks(a))
        .reduce((n, t) => n + new Set(t.artistIds).size, 0);
      const [credits] = await h.query(`SELECT count(*) AS n FROM latest_spotify_track_artists`);
      expect(credits?.n).to.equal(expectedCredits);
    });
  }

  it('stops listing at maxAlbums and asks only for what it needs', async () => {
    h = await startCatalogueHarness({ catalogue });
    await h.run({ job: 'spotify.artist_albums', params: { artistId: prolific.id, maxAlbums: 25 } });
    const pages = h.apiLog().filter((r) => r.path.endsWith('/albums'));
    expect(pages.map((p) => [p.query.offset, p.query.limit])).to.deep.equal([
      ['0', '10'],
      ['10', '10'],
      ['20', '5'],
    ]);
    const [row] = await h.query(`SELECT count(*) AS n FROM latest_spotify_artist_albums`);
    expect(row?.n).to.equal(25);
  });

  it('pages only the groups asked for (include_groups)', async () => {
    h = await startCatalogueHarness({ catalogue });
    await h.run({
      job: 'spotify.artist_albums',
      params: { artistId: prolific.id, includeGroups: 'single', maxAlbums: 1000 },
    });
    const singles = catalogue.artistAlbums(prolific.id, ['single']).length;
    const [row] = await h.query(
      `SELECT count(*) AS n, count(DISTINCT album_group) AS g FROM latest_spotify_artist_albums`,
    );
    expect(row).to.deep.equal({ n: singles, g: 1 });
    expect(h.apiLog().filter((r) => r.path.endsWith('/albums'))).to.have.length(
      Math.ceil(singles / 10),
    );
  });
});
