import { expect } from 'chai';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  chooseArtist,
  type ArtistCandidate,
} from '../../functions/sources/spotify/artist-match.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

const hits = (...names: string[]): ArtistCandidate[] =>
  names.map((name, i) => ({ rank: i + 1, artistId: `id${i + 1}`, name }));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('artist choice: exact normalised match first, else the best-ranked hit', () => {
  it('prefers an exact match over a better-ranked near miss, ignoring case', () => {
    const c = chooseArtist('AESPA', hits('Aespa Karaoke Hits', 'aespa', 'aespa fan choir'));
    expect(c.matchKind).to.equal('exact');
    expect(c.chosen).to.deep.equal({ rank: 2, artistId: 'id2', name: 'aespa' });
    expect(c.reason).to.contain('first hit "Aespa Karaoke Hits" is not an exact match');
  });

  it('ignores accents, full-width letters and extra whitespace', () => {
    expect(chooseArtist('beyonce', hits('Beyonce Tribute', 'Beyoncé')).chosen?.rank).to.equal(2);
    expect(chooseArtist('Ｂｅｙｏｎｃé', hits('Beyonce Tribute', 'BEYONCE')).chosen?.rank).to.equal(
      2,
    );
    expect(chooseArtist('  Stray   Kids ', hits('Stray Kids')).matchKind).to.equal('exact');
  });

  it('keeps Hangul intact: exact Hangul match, and no false match across scripts', () => {
    const exact = chooseArtist('잔나비', hits('잔나비 커버 밴드', '잔나비'));
    expect(exact.matchKind).to.equal('exact');
    expect(exact.chosen?.name).to.equal('잔나비');
    expect(exact.normalizedQuery).to.equal('잔나비');
    // Decomposed jamo (NFD) of the same syllables is the same name after NFKC.
    const nfd = chooseArtist('잔나비'.normalize('NFD'), hits('잔나비'));
    expect(nfd.matchKind).to.equal('exact');
    const fuzzy = chooseArtist('방탄소년단', hits('BTS', '방탄소년단 커버'));
    expect(fuzzy.matchKind).to.equal('best_ranked');
    expect(fuzzy.chosen?.name).to.equal('BTS');
  });

  it('takes the best-ranked exact match when several are exact, and says none when empty', () => {
    const twice = chooseArtist('Luna', hits('Luna Park', 'LUNA', 'Luna'));
    expect(twice.chosen?.rank).to.equal(2);
    expect(twice.reason).to.contain('2 exact matches');
    const none = chooseArtist('nobody at all', []);
    expect(none).to.include({ matchKind: 'none', chosen: null });
  });
});

describe('spotify.artist_search against the sandbox', () => {
  let h: CatalogueHarness;
  afterEach(async () => h?.close());

  it('records asked, chosen and why; Hangul round-trips into the warehouse and raw files', async () => {
    h = await startCatalogueHarness({ catalogue: knownCatalogue() });
    const names = ['beyonce', 'AESPA', '잔나비', '방탄소년단', '에스파', 'no such artist'];
    const summary = await h.run({ job: 'spotify.artist_search', params: { names } });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    const rows = await h.query(
      `SELECT query, normalized_query, market, artist_id, artist_name, match_kind, rank, reason,
              candidate_count, candidates FROM latest_spotify_artist_search`,
    );
    const by = new Map(rows.map((r) => [r.query as string, r]));
    expect([...by.keys()].sort()).to.deep.equal([...names].sort());
    expect(by.get('beyonce')).to.include({
      artist_id: KNOWN.beyonce,
      artist_name: 'Beyoncé',
      match_kind: 'exact',
      rank: 2,
      market: 'KR',
    });
    expect(by.get('AESPA')).to.include({ artist_id: KNOWN.aespa, match_kind: 'exact', rank: 2 });
    expect(by.get('잔나비')).to.include({
      artist_id: KNOWN.jannabi,
      artist_name: '잔나비',
      normalized_query: '잔나비',
      match_kind: 'exact',
      rank: 2,
    });
    // Spotify finds BTS and aespa by their Korean names, but the names differ: best-ranked.
    expect(by.get('방탄소년단')).to.include({
      artist_id: KNOWN.bts,
      match_kind: 'best_ranked',
      rank: 1,
    });
    expect(by.get('에스파')).to.include({ artist_id: KNOWN.aespa, match_kind: 'best_ranked' });
    expect(by.get('no such artist')).to.include({
      artist_id: null,
      match_kind: 'none',
      rank: null,
      candidate_count: 0,
    });
    const candidates = JSON.parse(String(by.get('beyonce')!.candidates)) as Array<{
      name: string;
      exact: boolean;
    }>;
    expect(candidates.map((c) => [c.name, c.exact])).to.deep.equal([
      ['Beyonce Tribute Stars', false],
      ['Beyoncé', true],
    ]);
    // The query reached Spotify as Hangul, and the raw landing kept it.
    const searches = h.apiLog().filter((r) => r.path === '/v1/search');
    expect(searches.map((s) => s.query.q)).to.include('방탄소년단');
    expect(searches.every((s) => s.query.type === 'artist' && s.query.limit === '10')).to.equal(
      true,
    );
    const files = await listFiles(join(h.dataDir, 'raw', 'spotify', 'artist_resolution'));
    const raw = await readFile(files[0]!, 'utf8');
    expect(raw).to.contain('"query":"방탄소년단"');
    expect(raw.trim().split('\n')).to.have.length(names.length);
  });

  for (const tier of ['development', 'extended'] as const) {
    it(`pages search results at the ${tier} cap until an exact match or the depth`, async () => {
      h = await startCatalogueHarness({ tier, catalogue: syntheticCatalogue({ artists: 600 }) });
      // Many synthetic artists are called "Neon <word> <n>"; none is called just "Neon".
      await h.run({
        job: 'spotify.artist_search',
        params: { names: ['Neon', 'Stray Kids'], depth: 25 },
      });
      const pages = h.apiLog().filter((r) => r.path === '/v1/search');
      const neon = pages.filter((p) => p.query.q === 'Neon');
      expect(neon.map((p) => [p.query.offset, p.query.limit])).to.deep.equal(
        tier === 'development'
          ? [
              ['0', '10'],
              ['10', '10'],
              ['20', '5'],
            ]
          : [['0', '25']],
      );
      // An exact match on the first page ends the search there.
      expect(pages.filter((p) => p.query.q === 'Stray Kids')).to.have.length(1);
      const rows = await h.query(
        `SELECT query, match_kind, candidate_count FROM latest_spotify_artist_search ORDER BY query`,
      );
      expect(rows).to.deep.equal([
        { query: 'Neon', match_kind: 'best_ranked', candidate_count: 25 },
        { query: 'Stray Kids', match_kind: 'exact', candidate_count: 1 },
      ]);
    });
  }
});
