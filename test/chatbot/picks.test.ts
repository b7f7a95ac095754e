// Better picks and better matching: versions of one song folded (title and ISRC), request
// phrases stripped, a message naming two artists answered with a question.
import { expect } from 'chai';
import { ArtistIndex } from '../../functions/faces/chatbot/artist-index.js';
import { loadIndexData } from '../../functions/sources/spotify/chatbot/index-data.js';
import { stripRequestPhrases } from '../../functions/faces/chatbot/phrases.js';
import { distinctSongs, songKey } from '../../functions/sources/spotify/chatbot/track-titles.js';
import type { Warehouse } from '../../functions/platform/warehouse.js';
import { indexArtist } from './fixtures.js';

/** A warehouse answering each index query from the given rows (by a word of its SQL). */
function fakeWarehouse(rows: Record<string, unknown[]>): Warehouse {
  return {
    kind: 'duckdb',
    query: async (sql: string) => {
      if (sql.includes('FROM spotify_artist_popular_tracks')) return rows.tracks ?? [];
      if (sql.includes('AS artist_a_id')) return rows.collaborations ?? [];
      if (sql.includes("album_type = 'compilation'")) return rows.compilations ?? [];
      if (sql.includes('FROM latest_spotify_artists')) return rows.artists ?? [];
      if (sql.includes('FROM latest_spotify_artist_search')) return rows.aliases ?? [];
      return rows.credited ?? [];
    },
  } as unknown as Warehouse;
}

describe('chatbot: picks and matching', () => {
  it('folds version qualifiers into one song key', () => {
    const seven = [
      'Seven (feat. Latto) (Explicit Ver.)',
      'Seven (feat. Latto) (Clean Ver.)',
      'Seven (feat. Latto) (Instrumental)',
      'Seven',
      'SEVEN - Remastered 2023',
      'Seven - Live',
      'Seven [Remix]',
      'Seven feat. Latto',
      'Ｓｅｖｅｎ (Sped Up Version)',
    ];
    expect(new Set(seven.map(songKey))).to.deep.equal(new Set(['seven']));
    // Not versions: other songs that contain such words.
    expect(songKey('Live Forever')).to.equal('live forever');
    expect(songKey('Seven Days')).to.equal('seven days');
    expect(songKey('Clean (Taylor’s Version)')).to.equal('clean');
    expect(songKey('3D (feat. Jack Harlow)')).to.equal('3d');
  });

  it('keeps one version per song (the plain one), also across different titles with one ISRC', () => {
    const picked = distinctSongs([
      { name: 'Seven (feat. Latto) (Explicit Ver.)', isrc: 'USUM72306571' },
      { name: 'Seven (feat. Latto) (Clean Ver.)', isrc: 'USUM72306572' },
      { name: '3D', isrc: 'USUM72310000' },
      { name: 'Seven (feat. Latto) (Instrumental)', isrc: null },
      { name: 'Seven', isrc: null },
      { name: 'Three D (Alternate Title)', isrc: 'usum72310000' },
      { name: 'Standing Next to You', isrc: null },
    ]);
    expect(picked.map((t) => t.name)).to.deep.equal(['Seven', '3D', 'Standing Next to You']);
  });

  it('builds picks without repeats and counts collaborations by distinct songs, never on compilations or with Various Artists', async () => {
    const track = (i: number, name: string, isrc: string | null = null) => ({
      artist_id: 'jk',
      track_id: `t${i}`,
      rank: i,
      basis: 'newest_albums',
      track_name: name,
      isrc,
    });
    const data = await loadIndexData(
      fakeWarehouse({
        artists: [
          { artist_id: 'jk', name: 'Jung Kook' },
          { artist_id: 'latto', name: 'Latto' },
          { artist_id: 'various', name: 'Various Artists' },
          { artist_id: 'jack', name: 'Jack Harlow' },
        ],
        tracks: [
          track(1, 'Seven (feat. Latto) (Explicit Ver.)'),
          track(2, 'Seven (feat. Latto) (Clean Ver.)'),
          track(3, 'Seven (feat. Latto) (Instrumental)'),
          track(4, 'Seven'),
          track(5, '3D'),
          track(6, 'Standing Next to You'),
          track(7, 'Hate You'),
          track(8, 'Yes or No'),
          track(9, 'Please Please Please'),
        ],
        // The query already leaves compilation albums out; versions of Seven come as rows.
        collaborations: [
          {
            artist_a_id: 'jk',
            artist_b_id: 'latto',
            track_id: 't1',
            track_name: 'Seven (feat. Latto) (Explicit Ver.)',
          },
          {
            artist_a_id: 'jk',
            artist_b_id: 'latto',
            track_id: 't2',
            track_name: 'Seven (feat. Latto) (Clean Ver.)',
          },
          {
            artist_a_id: 'jk',
            artist_b_id: 'latto',
            track_id: 't3',
            track_name: 'Seven (feat. Latto) (Instrumental)',
          },
          { artist_a_id: 'jk', artist_b_id: 'various', track_id: 't9', track_name: 'Hits 2026' },
          {
            artist_a_id: 'jack',
            artist_b_id: 'jk',
            track_id: 't5',
            track_name: '3D (feat. Jack Harlow)',
          },
          {
            artist_a_id: 'jack',
            artist_b_id: 'jk',
            track_id: 't6',
            track_name: '3D - Alternate Ver.',
          },
        ],
      }),
    );
    const jk = data.artists.find((a) => a.id === 'jk')!;
    expect(jk.tracks.map((t) => t.name)).to.deep.equal([
      'Seven',
      '3D',
      'Standing Next to You',
      'Hate You',
      'Yes or No',
    ]);
    expect(data.collaborations).to.deep.equal([
      { a: 'jk', b: 'latto', sharedTracks: 1 },
      { a: 'jack', b: 'jk', sharedTracks: 1 },
    ]);
  });

  it('strips request phrases in Korean and English', () => {
    const cases: Array<[string, string]> = [
      ['방탄소년단 노래 추천해줘', '방탄소년단'],
      ['방탄소년단노래추천해줘', '방탄소년단'],
      ['방탄소년단의 노래 추천해 주세요', '방탄소년단'],
      ['에스파 추천', '에스파'],
      ['아이유 노래', '아이유'],
      ['songs like Coldplay', 'Coldplay'],
      ['recommend me some songs by IU please', 'IU'],
      ['Recommend Halsey', 'Halsey'],
      ['BTS songs', 'BTS'],
      ['can you recommend music similar to aespa?', 'aespa'],
      // Nothing to strip, or nothing left: the message itself.
      ['Coldplay', 'Coldplay'],
      ['추천', '추천'],
      ['Songs', 'Songs'],
    ];
    for (const [message, name] of cases)
      expect(stripRequestPhrases(message), message).to.equal(name);
  });

  it('matches a name inside a request, and asks which one when a message names two artists', () => {
    const index = new ArtistIndex(
      {
        artists: [
          indexArtist('bts', 'BTS'),
          indexArtist('cold', 'Coldplay'),
          indexArtist('jk', 'Jung Kook'),
          indexArtist('and', 'And'),
          indexArtist('songs', 'Songs'),
        ],
        aliases: [{ name: '방탄소년단', artistId: 'bts' }],
        collaborations: [],
        compilations: [],
      },
      new Date('2026-11-20T10:00:00Z'),
    );
    const ids = (text: string) => index.resolve(text).map((a) => a.id);
    expect(ids('방탄소년단 노래 추천해줘')).to.deep.equal(['bts']);
    expect(ids('songs like Coldplay')).to.deep.equal(['cold']);
    expect(ids('BTS and Coldplay')).to.deep.equal(['bts', 'cold']);
    expect(ids('Coldplay랑 방탄소년단')).to.deep.equal(['cold', 'bts']);
    expect(ids('Jung Kook BTS')).to.deep.equal(['jk', 'bts']);
    // One artist named twice is one artist; a whole-message name wins over words in it.
    expect(ids('BTS 방탄소년단')).to.deep.equal(['bts']);
    expect(ids('Songs')).to.deep.equal(['songs']);
    expect(ids('And')).to.deep.equal(['and']);
  });
});
