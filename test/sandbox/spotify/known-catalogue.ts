// A small hand-made catalogue with known features, decoys and scripts, for exact tests.
import {
  Catalogue,
  type AlbumType,
  type CatalogueAlbum,
  type CatalogueArtist,
} from './catalogue-model.js';
import { sandboxId } from './podcasts.js';

export const KNOWN = {
  bts: sandboxId('known', 'artist', 'bts'),
  jungkook: sandboxId('known', 'artist', 'jungkook'),
  halsey: sandboxId('known', 'artist', 'halsey'),
  coldplay: sandboxId('known', 'artist', 'coldplay'),
  latto: sandboxId('known', 'artist', 'latto'),
  aespa: sandboxId('known', 'artist', 'aespa'),
  aespaKaraoke: sandboxId('known', 'artist', 'aespa-karaoke'),
  beyonce: sandboxId('known', 'artist', 'beyonce'),
  beyonceTribute: sandboxId('known', 'artist', 'beyonce-tribute'),
  jannabi: sandboxId('known', 'artist', 'jannabi'),
  jannabiCover: sandboxId('known', 'artist', 'jannabi-cover'),
  nobody: sandboxId('known', 'artist', 'nobody'),
  various: sandboxId('known', 'artist', 'various'),
} as const;

type KnownTrack = { name: string; artists: string[]; explicit?: boolean };
type KnownAlbum = {
  key: string;
  name: string;
  type: AlbumType;
  date: string;
  artists: string[];
  tracks: KnownTrack[];
};

const KNOWN_ALBUMS: KnownAlbum[] = [
  {
    key: 'persona',
    name: 'Map of the Soul : Persona',
    type: 'album',
    date: '2019-04-12',
    artists: [KNOWN.bts],
    tracks: [
      { name: 'Intro : Persona', artists: [KNOWN.bts] },
      { name: 'Boy With Luv (feat. Halsey)', artists: [KNOWN.bts, KNOWN.halsey] },
      { name: 'Mikrokosmos', artists: [KNOWN.bts] },
      { name: 'Make It Right', artists: [KNOWN.bts] },
    ],
  },
  {
    key: 'butter',
    name: 'Butter',
    type: 'single',
    date: '2021-05',
    artists: [KNOWN.bts],
    tracks: [{ name: 'Butter', artists: [KNOWN.bts] }],
  },
  {
    key: 'my-universe',
    name: 'My Universe',
    type: 'single',
    date: '2021-09-24',
    artists: [KNOWN.coldplay, KNOWN.bts],
    tracks: [
      { name: 'My Universe', artists: [KNOWN.coldplay, KNOWN.bts] },
      { name: 'My Universe (Supernova 7 Mix)', artists: [KNOWN.coldplay, KNOWN.bts] },
    ],
  },
  {
    key: 'manic',
    name: 'Manic',
    type: 'album',
    date: '2020-01-17',
    artists: [KNOWN.halsey],
    tracks: [
      { name: 'Without Me', artists: [KNOWN.halsey] },
      { name: "SUGA's Interlude", artists: [KNOWN.halsey, KNOWN.bts] },
      { name: 'Graveyard', artists: [KNOWN.halsey] },
    ],
  },
  {
    key: 'seven',
    name: 'Seven (feat. Latto)',
    type: 'single',
    date: '2023-07-14',
    artists: [KNOWN.jungkook],
    tracks: [
      {
        name: 'Seven (feat. Latto) (Explicit Ver.)',
        artists: [KNOWN.jungkook, KNOWN.latto],
        explicit: true,
      },
      { name: 'Seven (feat. Latto) (Clean Ver.)', artists: [KNOWN.jungkook, KNOWN.latto] },
      { name: 'Seven (Instrumental)', artists: [KNOWN.jungkook] },
    ],
  },
  {
    key: 'savage',
    name: 'Savage',
    type: 'album',
    date: '2021-10-05',
    artists: [KNOWN.aespa],
    tracks: [
      { name: 'aenergy', artists: [KNOWN.aespa] },
      { name: 'Savage', artists: [KNOWN.aespa] },
    ],
  },
  {
    key: 'kpop-hits',
    name: 'K-Pop Hits 2026',
    type: 'compilation',
    date: '2026',
    artists: [KNOWN.various],
    tracks: [
      { name: 'Dynamite', artists: [KNOWN.bts] },
      { name: 'Next Level', artists: [KNOWN.aespa] },
      { name: 'Seven (feat. Latto)', artists: [KNOWN.jungkook, KNOWN.latto] },
    ],
  },
  {
    key: 'renaissance',
    name: 'RENAISSANCE',
    type: 'album',
    date: '2022-07-29',
    artists: [KNOWN.beyonce],
    tracks: [
      { name: 'CUFF IT', artists: [KNOWN.beyonce] },
      { name: 'BREAK MY SOUL', artists: [KNOWN.beyonce] },
    ],
  },
  {
    key: 'jeonseol',
    name: '전설',
    type: 'album',
    date: '2021-11-04',
    artists: [KNOWN.jannabi],
    tracks: [{ name: '꿈과 책과 힘과 벽', artists: [KNOWN.jannabi] }],
  },
];

export function knownCatalogue(): Catalogue {
  const artist = (
    id: string,
    name: string,
    popularity: number,
    genres: string[],
    aliases: string[] = [],
  ): CatalogueArtist => ({
    id,
    name,
    aliases,
    genres,
    popularity,
    followers: popularity * 1_000_003,
  });
  const artists = [
    artist(
      KNOWN.bts,
      'BTS',
      90,
      ['k-pop', 'k-pop boy group', 'pop'],
      ['방탄소년단', 'Bangtan Boys'],
    ),
    artist(KNOWN.jungkook, 'Jung Kook', 85, ['k-pop'], ['정국', 'Jungkook']),
    artist(KNOWN.halsey, 'Halsey', 80, ['electropop', 'pop']),
    artist(KNOWN.coldplay, 'Coldplay', 88, ['permanent wave', 'pop']),
    artist(KNOWN.latto, 'Latto', 70, ['hip hop', 'trap']),
    artist(KNOWN.aespa, 'aespa', 75, ['k-pop', 'k-pop girl group'], ['에스파']),
    // Decoys ranked above the real artist: taking the first hit would be wrong.
    artist(KNOWN.aespaKaraoke, 'Aespa Karaoke Hits', 77, ['karaoke']),
    artist(KNOWN.beyonce, 'Beyoncé', 85, ['pop', 'r&b']),
    artist(KNOWN.beyonceTribute, 'Beyonce Tribute Stars', 86, ['covers']),
    artist(KNOWN.jannabi, '잔나비', 60, ['k-indie', 'korean rock'], ['JANNABI']),
    artist(KNOWN.jannabiCover, '잔나비 커버 밴드', 61, []),
    artist(KNOWN.nobody, 'Nobody Famous', 3, []),
    artist(KNOWN.various, 'Various Artists', 50, []),
  ];
  const albums: CatalogueAlbum[] = KNOWN_ALBUMS.map((a, i) => ({
    id: sandboxId('known', 'album', a.key),
    name: a.name,
    albumType: a.type,
    releaseDate: a.date,
    precision: a.date.length === 4 ? 'year' : a.date.length === 7 ? 'month' : 'day',
    artistIds: a.artists,
    label: 'Known Records',
    popularity: 60 + i,
    upc: `0000000000${String(i).padStart(3, '0')}`,
    trackCount: a.tracks.length,
    featured: [...new Set(a.tracks.flatMap((t) => t.artists))],
  }));
  const byKey = new Map(KNOWN_ALBUMS.map((a) => [sandboxId('known', 'album', a.key), a]));
  return new Catalogue(artists, albums, (album) =>
    (byKey.get(album.id)?.tracks ?? []).map((t, i) => ({
      id: sandboxId('known', 'track', album.id, String(i)),
      albumId: album.id,
      name: t.name,
      trackNumber: i + 1,
      discNumber: 1,
      durationMs: 180_000 + i * 7_000,
      explicit: t.explicit ?? false,
      artistIds: t.artists,
      popularity: 90 - i - album.trackCount,
      isrc: `KRA${album.id.slice(0, 6).toUpperCase()}${i}`,
      previewUrl: i % 2 === 0 ? null : `https://p.scdn.co/mp3-preview/${album.id}${i}`,
    })),
  );
}
