import { expect } from 'chai';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

const synthetic = syntheticCatalogue({ artists: 300 });
const watched = ['BTS', 'IU', 'aespa', 'Coldplay', 'Beyoncé'];

describe('access tiers: what development mode never calls, what extended batches', () => {
  let h: CatalogueHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the sandbox answers removed endpoints as the real API does', async () => {
    h = await startCatalogueHarness({ tier: 'development', catalogue: knownCatalogue() });
    const token = (await (
      await fetch(`${h.sandbox.url}/api/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('sandbox-client-id:sandbox-client-secret-7f3a9c').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    // These requests are deliberately outside the contract (over the caps, missing seeds).
    h.sandbox.allowViolations(/recommendations query|limit must be <= 10|over development mode/);
    const base = h.sandbox.url;
    const get = async (path: string) =>
      (
        await fetch(`${base}/v1/${path}`, {
          headers: { authorization: `Bearer ${token.access_token}` },
        })
      ).status;
    expect(await get(`artists?ids=${KNOWN.bts}`)).to.equal(403);
    expect(await get(`albums?ids=x`)).to.equal(403);
    expect(await get(`tracks?ids=x`)).to.equal(403);
    expect(await get(`artists/${KNOWN.bts}/top-tracks?market=KR`)).to.equal(404);
    expect(await get(`artists/${KNOWN.bts}/related-artists`)).to.equal(404);
    expect(await get(`recommendations?seed_artists=${KNOWN.bts}`)).to.equal(404);
    expect(await get(`audio-features/x`)).to.equal(403);
    expect(await get(`search?q=bts&type=artist&limit=11`)).to.equal(400);
    expect(await get(`artists/${KNOWN.bts}/albums?limit=11`)).to.equal(400);
    expect(await get(`artists/${KNOWN.bts}/albums?limit=10`)).to.equal(200);
    // Podcasts and artists share GET /search on one sandbox.
    expect(await get(`search?q=data&type=show&market=BR&limit=10`)).to.equal(200);
  });

  it('a whole development-tier catalogue run never requests a removed endpoint', async () => {
    h = await startCatalogueHarness({ tier: 'development', catalogue: synthetic });
    const summaries = await h.drain({
      job: 'spotify.artist_catalog',
      params: { artists: watched, maxAlbumsPerArtist: 15 },
    });
    const failed = summaries.filter((s) => s.outcome !== 'succeeded');
    expect(failed.map((f) => `${f.job}: ${f.error}`)).to.deep.equal([]);
    expect(summaries.filter((s) => s.job === 'spotify.album_tracks').length).to.be.greaterThan(30);
    expect(h.forbiddenRequests()).to.deep.equal([]);
    expect(h.apiLog().every((r) => r.status === 200)).to.equal(true);
    // Pages never exceed the development caps.
    for (const r of h.apiLog()) {
      if (r.path === '/v1/search' || r.path.endsWith('/albums'))
        expect(Number(r.query.limit)).to.be.at.most(10);
    }
    expect(summaries.some((s) => s.job === 'spotify.artist_top_tracks')).to.equal(false);
    const planner = summaries.find((s) => s.job === 'spotify.artist_catalog')!;
    expect(String(planner.details.top_tracks)).to.contain('not available in the development tier');
  });

  it('spotify.artist_top_tracks in development mode says it is unavailable and calls nothing', async () => {
    h = await startCatalogueHarness({ tier: 'development', catalogue: knownCatalogue() });
    const summary = await h.run({
      job: 'spotify.artist_top_tracks',
      params: { artistIds: [KNOWN.bts] },
    });
    expect(summary.outcome).to.equal('succeeded');
    expect(String(summary.details.unavailable)).to.match(/not available in the development tier/);
    expect(h.apiLog()).to.have.length(0);
    expect(
      h.logs
        .entries()
        .some((l) => l.severity === 'WARNING' && /unavailable/.test(String(l.message))),
    ).to.equal(true);
  });

  it('spotify.artist: one GET per artist in development, one /artists?ids= batch in extended', async () => {
    const ids = synthetic.artists.slice(0, 60).map((a) => a.id);
    h = await startCatalogueHarness({ tier: 'development', catalogue: synthetic });
    await h.run({ job: 'spotify.artist', params: { artistIds: ids } });
    expect(h.apiLog().map((r) => r.path)).to.deep.equal(ids.map((id) => `/v1/artists/${id}`));
    await h.close();

    h = await startCatalogueHarness({ tier: 'extended', catalogue: synthetic });
    const summary = await h.run({ job: 'spotify.artist', params: { artistIds: ids } });
    const calls = h.apiLog();
    expect(calls.map((r) => [r.path, r.query.ids?.split(',').length])).to.deep.equal([
      ['/v1/artists', 50],
      ['/v1/artists', 10],
    ]);
    expect(summary.rows.spotify_artists).to.equal(60);
  });

  it('extended tier: album batches of 20, track details in batches of 50, top tracks', async () => {
    h = await startCatalogueHarness({ tier: 'extended', catalogue: synthetic });
    const summaries = await h.drain({
      job: 'spotify.artist_catalog',
      params: { artists: watched, maxAlbumsPerArtist: 45 },
    });
    expect(summaries.filter((s) => s.outcome !== 'succeeded')).to.deep.equal([]);
    const log = h.apiLog();
    expect(log.filter((r) => r.path === '/v1/artists')).to.have.length(1);
    const albumBatches = log.filter((r) => r.path === '/v1/albums');
    expect(albumBatches.length).to.be.greaterThan(0);
    expect(albumBatches.every((r) => r.query.ids!.split(',').length <= 20)).to.equal(true);
    // No single album lookups where a batch would do: one per album job of one album only.
    const singles = log.filter((r) => /^\/v1\/albums\/[^/]+$/.test(r.path));
    const oneAlbumJobs = summaries.filter(
      (s) => s.job === 'spotify.album_tracks' && s.details.albums === 1,
    ).length;
    expect(singles.length).to.equal(oneAlbumJobs);
    expect(log.filter((r) => r.path.endsWith('/top-tracks'))).to.have.length(watched.length);
    const [top] = await h.query(
      `SELECT count(DISTINCT artist_id) AS artists, max(rank) AS deepest, count(*) FILTER (WHERE popularity IS NULL) AS nulls FROM latest_spotify_artist_top_tracks`,
    );
    expect(top).to.deep.equal({ artists: watched.length, deepest: 10, nulls: 0 });
    const [popular] = await h.query(
      `SELECT count(*) FILTER (WHERE basis = 'top_tracks') AS top, count(*) FILTER (WHERE basis = 'newest_albums') AS newest FROM spotify_artist_popular_tracks`,
    );
    expect(popular?.top).to.equal(watched.length * 10);
    // Track details: /tracks?ids= in 50s for an album job that asks for them.
    const album = synthetic.albums.find((a) => a.trackCount > 100)!;
    const details = await h.run({
      job: 'spotify.album_tracks',
      params: { albumId: album.id, trackDetails: 'true' },
    });
    expect(details.outcome).to.equal('succeeded');
    const trackBatches = h.apiLog().filter((r) => r.path === '/v1/tracks');
    expect(trackBatches.map((r) => r.query.ids!.split(',').length)).to.deep.equal(
      Array.from({ length: Math.ceil(album.trackCount / 50) }, (_, i) =>
        Math.min(50, album.trackCount - i * 50),
      ),
    );
    const [withPopularity] = await h.query(
      `SELECT count(*) AS n FROM latest_spotify_tracks WHERE album_id = '${album.id}' AND popularity IS NOT NULL AND isrc IS NOT NULL AND endpoint = 'tracks_batch'`,
    );
    expect(withPopularity?.n).to.equal(album.trackCount);
  });

  it('both tiers collect the same rows; extended needs fewer calls', async () => {
    const rowsOf = async (tier: 'development' | 'extended') => {
      h = await startCatalogueHarness({ tier, catalogue: synthetic });
      await h.drain({
        job: 'spotify.artist_catalog',
        params: { artists: ['IU', 'Drake'], maxAlbumsPerArtist: 40, topTracks: false },
      });
      const [counts] = await h.query(
        `SELECT (SELECT count(*) FROM latest_spotify_albums) AS albums,
                (SELECT count(*) FROM latest_spotify_tracks) AS tracks,
                (SELECT count(*) FROM latest_spotify_track_artists) AS credits`,
      );
      const calls = h.apiLog().length;
      await h.close();
      h = undefined;
      return { counts, calls };
    };
    const dev = await rowsOf('development');
    const ext = await rowsOf('extended');
    expect(dev.counts).to.deep.equal(ext.counts);
    expect(ext.calls).to.be.lessThan(dev.calls);
  });
});
