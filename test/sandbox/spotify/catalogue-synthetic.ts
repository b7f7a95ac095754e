// A deterministic synthetic Spotify catalogue, large enough for benchmarks: thousands of
// artists (the default watch list's names first, with Hangul aliases), artists with 100+
// albums, albums with 50+ tracks (up to 130), features between artists (appears_on), some
// Hangul names, and every release-date precision. Same options → same catalogue, always.
import { DEFAULT_WATCHLIST } from '../../../functions/sources/spotify/watchlist.js';
import {
  Catalogue,
  type AlbumType,
  type CatalogueAlbum,
  type CatalogueArtist,
  type CatalogueTrack,
} from './catalogue-model.js';
import { sandboxId } from './podcasts.js';

export interface SyntheticCatalogueOptions {
  /** Artists in total (the watch-list names included); default 2000. */
  artists?: number;
  seed?: string;
}

/** mulberry32 seeded from a string: a small, fast, deterministic PRNG. */
export function prng(...parts: string[]): () => number {
  let h = 1779033703 ^ parts.join('/').length;
  for (const ch of parts.join('/')) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

const HANGUL_ALIASES: Record<string, string[]> = {
  BTS: ['방탄소년단', 'Bangtan Boys'],
  BLACKPINK: ['블랙핑크'],
  TWICE: ['트와이스'],
  aespa: ['에스파'],
  NewJeans: ['뉴진스'],
  'Stray Kids': ['스트레이 키즈'],
  SEVENTEEN: ['세븐틴'],
  IU: ['아이유'],
  BIGBANG: ['빅뱅'],
  EXO: ['엑소'],
  'Red Velvet': ['레드벨벳'],
  ITZY: ['있지'],
  IVE: ['아이브'],
  'LE SSERAFIM': ['르세라핌'],
  ENHYPEN: ['엔하이픈'],
  'TOMORROW X TOGETHER': ['투모로우바이투게더', 'TXT'],
};

const WORDS_A = [
  'Neon',
  'Silver',
  'Midnight',
  'Golden',
  'Velvet',
  'Electric',
  'Paper',
  'Crystal',
  'Lunar',
  'Wild',
  'Blue',
  'Scarlet',
  'Hidden',
  'Echo',
  'Solar',
];
const WORDS_B = [
  'Rivers',
  'Tigers',
  'Garden',
  'Signals',
  'Hearts',
  'Avenue',
  'Waves',
  'Drifters',
  'Machines',
  'Sparrows',
  'Lights',
  'Atlas',
  'Choir',
  'Parade',
  'Club',
];
const SYLLABLES = [
  '하',
  '늘',
  '별',
  '빛',
  '소',
  '리',
  '바',
  '다',
  '꿈',
  '노',
  '을',
  '달',
  '새',
  '봄',
  '숲',
];
const GENRES = [
  'k-pop',
  'k-pop girl group',
  'k-pop boy group',
  'k-indie',
  'k-rap',
  'pop',
  'dance pop',
  'electropop',
  'r&b',
  'hip hop',
  'indie rock',
  'latin pop',
  'reggaeton',
  'edm',
  'ballad',
];
const TRACK_WORDS = [
  'Love',
  'Night',
  'Dream',
  'Fire',
  'Blue',
  'Run',
  'Stay',
  'Gravity',
  'Summer',
  'Ghost',
  'Mirror',
  'Dive',
  'Bloom',
  'Eclipse',
  '사랑',
  '밤',
  '꿈',
];

function releaseDate(r: () => number): { date: string; precision: 'year' | 'month' | 'day' } {
  const year = int(r, 2005, 2026);
  const month = String(int(r, 1, 12)).padStart(2, '0');
  const day = String(int(r, 1, 28)).padStart(2, '0');
  const p = r();
  if (p < 0.05) return { date: String(year), precision: 'year' };
  if (p < 0.08) return { date: `${year}-${month}`, precision: 'month' };
  return { date: `${year}-${month}-${day}`, precision: 'day' };
}

export function syntheticCatalogue(options: SyntheticCatalogueOptions = {}): Catalogue {
  const seed = options.seed ?? 'fanpulse';
  const total = Math.max(options.artists ?? 2000, DEFAULT_WATCHLIST.length + 10);
  const artists: CatalogueArtist[] = [];
  for (let i = 0; i < total; i++) {
    const r = prng(seed, 'artist', String(i));
    const famous = i < DEFAULT_WATCHLIST.length;
    let name: string;
    if (famous) name = DEFAULT_WATCHLIST[i]!;
    else if (i % 9 === 4)
      name = Array.from({ length: int(r, 2, 4) }, () => pick(r, SYLLABLES)).join('');
    else name = `${pick(r, WORDS_A)} ${pick(r, WORDS_B)} ${i}`;
    const genreCount = int(r, 0, 4);
    const genres = [...new Set(Array.from({ length: genreCount }, () => pick(r, GENRES)))];
    const popularity = famous ? int(r, 75, 100) : int(r, 1, 74);
    artists.push({
      id: sandboxId('artist', seed, String(i)),
      name,
      aliases: famous ? (HANGUL_ALIASES[name] ?? []) : [],
      genres,
      popularity,
      followers: Math.round(popularity ** 3 * (1 + r()) * 100),
    });
  }

  const albums: CatalogueAlbum[] = [];
  artists.forEach((artist, i) => {
    const r = prng(seed, 'albums', artist.id);
    const famous = i < DEFAULT_WATCHLIST.length;
    // Every 40th artist (from the 8th) has 100+ albums; the famous ones 12-40 of their own.
    const count = i % 40 === 7 ? int(r, 100, 160) : famous ? int(r, 12, 40) : int(r, 1, 15);
    for (let k = 0; k < count; k++) {
      const p = r();
      const albumType: AlbumType = p < 0.45 ? 'single' : p < 0.93 ? 'album' : 'compilation';
      // Every 25th album is a deluxe or anthology edition with 51-130 tracks.
      const trackCount =
        k % 25 === 3
          ? int(r, 51, 130)
          : albumType === 'single'
            ? int(r, 1, 3)
            : albumType === 'album'
              ? int(r, 8, 18)
              : int(r, 15, 40);
      const featured: string[] = [];
      if (r() < 0.3) {
        for (let f = int(r, 1, 2); f > 0; f--) {
          // Features cluster among neighbours and the famous, so watched artists collaborate.
          const j =
            r() < 0.04 ? int(r, 0, DEFAULT_WATCHLIST.length - 1) : (i + int(r, 1, 50)) % total;
          if (j !== i) featured.push(artists[j]!.id);
        }
      }
      const { date, precision } = releaseDate(r);
      albums.push({
        id: sandboxId('album', artist.id, String(k)),
        name: `${pick(r, TRACK_WORDS)} ${pick(r, TRACK_WORDS)} ${k + 1}`,
        albumType,
        releaseDate: date,
        precision,
        artistIds: [artist.id],
        label: `${pick(r, WORDS_A)} Records`,
        popularity: int(r, 0, 100),
        upc: String(10 ** 11 + i * 1000 + k),
        trackCount,
        featured,
      });
    }
  });

  const trackSource = (album: CatalogueAlbum): CatalogueTrack[] => {
    const r = prng(seed, 'tracks', album.id);
    // Each featured artist appears on one or two tracks of the album.
    const features = new Map<number, string[]>();
    for (const f of album.featured) {
      for (let n = int(r, 1, 2); n > 0; n--) {
        const at = int(r, 0, album.trackCount - 1);
        features.set(at, [...new Set([...(features.get(at) ?? []), f])]);
      }
    }
    return Array.from({ length: album.trackCount }, (_, i) => ({
      id: sandboxId('track', album.id, String(i)),
      albumId: album.id,
      name: `${pick(r, TRACK_WORDS)} ${pick(r, TRACK_WORDS)}${features.has(i) ? ' (feat.)' : ''}`,
      trackNumber: (i % 40) + 1,
      discNumber: Math.floor(i / 40) + 1,
      durationMs: int(r, 120_000, 300_000),
      explicit: r() < 0.1,
      artistIds: [...album.artistIds, ...(features.get(i) ?? [])],
      popularity: int(r, 0, 100),
      isrc: `QZ${album.id.slice(0, 5).toUpperCase()}${String(i).padStart(5, '0')}`,
      previewUrl: r() < 0.3 ? `https://p.scdn.co/mp3-preview/${album.id}-${i}` : null,
    }));
  };

  return new Catalogue(artists, albums, trackSource);
}
