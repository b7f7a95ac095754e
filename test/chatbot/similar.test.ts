// Similar artists from collected data only, and the index's TTL refresh on the clock.
import { expect } from 'chai';
import { ArtistIndex } from '../../functions/faces/chatbot/artist-index.js';
import { IndexProvider } from '../../functions/faces/chatbot/index-loader.js';
import { SimilarityGraph, type SimilarSubject } from '../../functions/faces/chatbot/similar.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { createLogger } from '../../functions/platform/logger.js';
import type { Warehouse } from '../../functions/platform/warehouse.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import { startChatHarness, type ChatHarness } from './support.js';

const subject = (id: string, genres: string[], popularity: number | null): SimilarSubject => ({
  id,
  key: id,
  genres,
  popularity,
  excluded: id === 'various',
});

describe('chatbot: similar artists', () => {
  it('scores features, genres, compilations and popularity; ties are deterministic', () => {
    const subjects = [
      subject('me', ['k-pop', 'pop'], 80),
      subject('feat', [], null),
      subject('genre', ['k-pop', 'pop'], 80),
      subject('comp', [], 79),
      subject('tie-b', ['pop'], null),
      subject('tie-a', ['pop'], null),
      subject('far', ['rock'], 80),
      subject('various', ['k-pop', 'pop'], 80),
    ];
    const collabs = [{ a: 'feat', b: 'me', sharedTracks: 1 }];
    const compilations = [{ albumId: 'c1', artistIds: ['me', 'comp', 'various'] }];
    const rank = (order: SimilarSubject[]) =>
      new SimilarityGraph(new Map(order.map((s) => [s.id, s])), collabs, compilations)
        .similarTo('me', 10)
        .map((s) => [s.id, s.score]);
    const expected = [
      ['genre', 5], // Jaccard 1 × 4 + popularity closeness 1
      ['feat', 3], // one shared track
      ['comp', 1.99], // one compilation + popularity 1 − 1/100
      ['tie-a', 2], // Jaccard 1/2 × 4 (no popularity): tie with tie-b broken by name
      ['tie-b', 2],
    ];
    expect(rank(subjects)).to.deep.equal(
      [...expected].sort((x, y) => (y[1] as number) - (x[1] as number)),
    );
    // Input order does not matter.
    expect(rank([...subjects].reverse())).to.deep.equal(rank(subjects));
  });

  describe('on the collected known catalogue', () => {
    let h: ChatHarness;
    after(async () => h?.close());

    it('uses genres and popularity where the extended tier has them', async () => {
      h = await startChatHarness({ tier: 'extended' });
      const index = await h.rt.index.get();
      expect(index.similar(KNOWN.bts, 3).map((s) => s.name)).to.deep.equal([
        'Coldplay',
        'Halsey',
        'Jung Kook',
      ]);
      const bts = index.get(KNOWN.bts)!;
      // Extended tier: the top tracks, most popular first.
      expect(bts.tracksBasis).to.equal('top_tracks');
      expect(bts.genres).to.deep.equal(['k-pop', 'k-pop boy group', 'pop']);
    });
  });

  it('rebuilds the index after the TTL on the clock, serving the old one meanwhile', async () => {
    const clock = new FakeClock();
    let builds = 0;
    const artists = () => [{ artist_id: `a${builds}`, name: `Artist ${builds}` }];
    const warehouse = {
      kind: 'duckdb',
      query: async (sql: string) => {
        if (sql.includes('FROM latest_spotify_artists')) {
          builds += 1;
          return artists();
        }
        return [];
      },
    } as unknown as Warehouse;
    const provider = new IndexProvider(
      async () => warehouse,
      clock,
      60_000,
      createLogger({ sink: () => undefined }),
    );
    const first = await provider.get();
    expect(first.find('Artist 1')?.id).to.equal('a1');
    clock.advance(59_000);
    expect(await provider.get()).to.equal(first);
    clock.advance(1_000);
    expect(await provider.get()).to.equal(first); // stale: served while the rebuild runs
    const second = await provider.refresh();
    expect(second).to.not.equal(first);
    expect(await provider.get()).to.equal(second);
    expect(second.find('artist 2')?.id).to.equal('a2');
    expect(second).to.be.instanceOf(ArtistIndex);
  });
});
