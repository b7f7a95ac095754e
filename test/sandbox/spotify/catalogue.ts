// The artist side of the Spotify sandbox: artists, albums, tracks and artist search, with
// both tiers' behaviour as in shared/api-facts.md (2026):
// - development: artist search and artist albums capped at 10 a page (400 "Invalid limit"
//   above), no batch GETs (/artists?ids=, /albums?ids=, /tracks?ids= answer 403), no
//   top-tracks (404), and artist followers/popularity/genres, album/track popularity and
//   available_markets left out of every object;
// - extended: pages of 50, batch GETs (50 artists, 20 albums, 50 tracks), top tracks;
// - related-artists and recommendations answer 404, audio-features/analysis 403, always.
// Content is a Catalogue: the hand-made knownCatalogue() below (features between artists,
// for exact tests) or the deterministic syntheticCatalogue() of catalogue-synthetic.ts.
import type { SandboxAnswer, SandboxRequest } from '../http-sandbox.js';
import { sandboxId } from './podcasts.js';
import { spotifyError, type SpotifySandbox } from './server.js';

export type AlbumType = 'album' | 'single' | 'compilation';
export type AlbumGroup = AlbumType | 'appears_on';
export const ALBUM_GROUP_ORDER: readonly AlbumGroup[] = [
  'album',
  'single',
  'compilation',
  'appears_on',
];

export interface CatalogueArtist {
  id: string;
  name: string;
  /** Other names search finds the artist by (e.g. Hangul), never shown in answers. */
  aliases: string[];
  genres: string[];
  followers: number;
  popularity: number;
}

export interface CatalogueTrack {
  id: string;
  albumId: string;
  name: string;
  trackNumber: number;
  discNumber: number;
  durationMs: number;
  explicit: boolean;
  artistIds: string[];
  popularity: number;
  isrc: string;
  previewUrl: string | null;
}

export interface CatalogueAlbum {
  id: string;
  name: string;
  albumType: AlbumType;
  releaseDate: string;
  precision: 'year' | 'month' | 'day';
  /** Primary artists, in credit order. */
  artistIds: string[];
  label: string;
  popularity: number;
  upc: string;
  trackCount: number;
  /** Artists credited on tracks besides the primary ones (known up front, for appears_on). */
  featured: string[];
}

/** Builds the tracks of an album (lazily: a synthetic catalogue has hundreds of thousands). */
export type TrackSource = (album: CatalogueAlbum) => CatalogueTrack[];

/** Normalisation of the sandbox's search (accent-, case- and width-insensitive). */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

export class Catalogue {
  readonly artists: readonly CatalogueArtist[];
  readonly albums: readonly CatalogueAlbum[];
  private readonly artistById = new Map<string, CatalogueArtist>();
  private readonly albumById = new Map<string, CatalogueAlbum>();
  private readonly listings = new Map<
    string,
    Array<{ album: CatalogueAlbum; group: AlbumGroup }>
  >();
  private readonly trackCache = new Map<string, CatalogueTrack[]>();
  private trackIndex: Map<string, CatalogueTrack> | null = null;
  private readonly folded: Array<{ artist: CatalogueArtist; names: string[] }>;

  constructor(
    artists: readonly CatalogueArtist[],
    albums: readonly CatalogueAlbum[],
    private readonly trackSource: TrackSource,
  ) {
    this.artists = artists;
    this.albums = albums;
    for (const a of artists) this.artistById.set(a.id, a);
    for (const a of albums) this.albumById.set(a.id, a);
    for (const album of albums) {
      for (const id of album.artistIds) this.listingOf(id).push({ album, group: album.albumType });
      for (const id of new Set(album.featured)) {
        if (!album.artistIds.includes(id)) this.listingOf(id).push({ album, group: 'appears_on' });
      }
    }
    for (const list of this.listings.values()) {
      list.sort(
        (a, b) =>
          ALBUM_GROUP_ORDER.indexOf(a.group) - ALBUM_GROUP_ORDER.indexOf(b.group) ||
          b.album.releaseDate.localeCompare(a.album.releaseDate) ||
          a.album.id.localeCompare(b.album.id),
      );
    }
    this.folded = artists.map((artist) => ({
      artist,
      names: [artist.name, ...artist.aliases].map(fold),
    }));
  }

  private listingOf(artistId: string): Array<{ album: CatalogueAlbum; group: AlbumGroup }> {
    let list = this.listings.get(artistId);
    if (!list) {
      list = [];
      this.listings.set(artistId, list);
    }
    return list;
  }

  artist(id: string): CatalogueArtist | undefined {
    return this.artistById.get(id);
  }

  album(id: string): CatalogueAlbum | undefined {
    return this.albumById.get(id);
  }

  /** The artist's discography as GET /artists/{id}/albums lists it (grouped, newest first). */
  artistAlbums(
    artistId: string,
    groups: readonly AlbumGroup[] = ALBUM_GROUP_ORDER,
  ): Array<{ album: CatalogueAlbum; group: AlbumGroup }> {
    return (this.listings.get(artistId) ?? []).filter((l) => groups.includes(l.group));
  }

  tracks(album: CatalogueAlbum): CatalogueTrack[] {
    let tracks = this.trackCache.get(album.id);
    if (!tracks) {
      tracks = this.trackSource(album);
      if (this.trackCache.size > 2000) this.trackCache.clear();
      this.trackCache.set(album.id, tracks);
    }
    return tracks;
  }

  track(id: string): CatalogueTrack | undefined {
    if (!this.trackIndex) {
      this.trackIndex = new Map();
      for (const album of this.albums)
        for (const t of this.trackSource(album)) this.trackIndex.set(t.id, t);
    }
    return this.trackIndex.get(id);
  }

  /** Every track crediting the artist, most popular first (what top-tracks ranks). */
  tracksOf(artistId: string): CatalogueTrack[] {
    return this.artistAlbums(artistId)
      .flatMap(({ album }) => this.tracks(album))
      .filter((t) => t.artistIds.includes(artistId))
      .sort((a, b) => b.popularity - a.popularity || a.id.localeCompare(b.id));
  }

  /** Artist search: names or aliases containing the query (or all its words), by popularity. */
  searchArtists(q: string): CatalogueArtist[] {
    const query = fold(q);
    if (query === '') return [];
    const words = query.split(' ');
    return this.folded
      .filter(({ names }) =>
        names.some((n) => n.includes(query) || words.every((w) => n.split(' ').includes(w))),
      )
      .map(({ artist }) => artist)
      .sort((a, b) => b.popularity - a.popularity || a.id.localeCompare(b.id));
  }

  /** Total tracks of every album (for expectations in tests and benchmarks). */
  trackTotal(albums: readonly CatalogueAlbum[]): number {
    return albums.reduce((n, a) => n + a.trackCount, 0);
  }
}

// ---------------------------------------------------------------------------------------
// JSON objects as Spotify writes them, per tier.

type Tier = SpotifySandbox['tier'];

function links(kind: string, id: string, base: string) {
  return {
    href: `${base}/v1/${kind}s/${id}`,
    uri: `spotify:${kind}:${id}`,
    external_urls: { spotify: `https://open.spotify.com/${kind}/${id}` },
    type: kind,
  };
}

function images(id: string) {
  return [
    { url: `https://i.scdn.co/image/${id}-640`, width: 640, height: 640 },
    { url: `https://i.scdn.co/image/${id}-300`, width: 300, height: 300 },
    { url: `https://i.scdn.co/image/${id}-64`, width: 64, height: 64 },
  ];
}

export class CatalogueObjects {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly tier: Tier,
    private readonly base: () => string,
  ) {}

  simpleArtist(id: string): Record<string, unknown> {
    const a = this.catalogue.artist(id);
    return { id, name: a?.name ?? id, ...links('artist', id, this.base()) };
  }

  artist(a: CatalogueArtist): Record<string, unknown> {
    const o: Record<string, unknown> = {
      id: a.id,
      name: a.name,
      images: images(a.id),
      ...links('artist', a.id, this.base()),
    };
    // Development mode no longer returns followers, popularity or genres.
    if (this.tier === 'extended') {
      o.followers = { href: null, total: a.followers };
      o.popularity = a.popularity;
      o.genres = a.genres;
    }
    return o;
  }

  simpleAlbum(album: CatalogueAlbum, group?: AlbumGroup): Record<string, unknown> {
    const o: Record<string, unknown> = {
      id: album.id,
      name: album.name,
      album_type: album.albumType,
      total_tracks: album.trackCount,
      release_date: album.releaseDate,
      release_date_precision: album.precision,
      artists: album.artistIds.map((id) => this.simpleArtist(id)),
      images: images(album.id),
      is_playable: true,
      ...links('album', album.id, this.base()),
    };
    if (group) o.album_group = group;
    if (this.tier === 'extended') o.available_markets = ['BR', 'KR', 'US'];
    return o;
  }

  fullAlbum(album: CatalogueAlbum, req: SandboxRequest): Record<string, unknown> {
    const tracks = this.catalogue.tracks(album);
    const first = tracks.slice(0, 50).map((t) => this.simpleTrack(t, req));
    const o: Record<string, unknown> = {
      ...this.simpleAlbum(album),
      label: album.label,
      copyrights: [{ text: `(C) ${album.releaseDate.slice(0, 4)} ${album.label}`, type: 'C' }],
      external_ids: { upc: album.upc },
      genres: [],
      tracks: {
        href: `${this.base()}/v1/albums/${album.id}/tracks?offset=0&limit=50`,
        items: first,
        limit: 50,
        offset: 0,
        total: tracks.length,
        next:
          tracks.length > 50
            ? `${this.base()}/v1/albums/${album.id}/tracks?offset=50&limit=50`
            : null,
        previous: null,
      },
    };
    if (this.tier === 'extended') o.popularity = album.popularity;
    return o;
  }

  simpleTrack(t: CatalogueTrack, req: SandboxRequest): Record<string, unknown> {
    const o: Record<string, unknown> = {
      id: t.id,
      name: t.name,
      track_number: t.trackNumber,
      disc_number: t.discNumber,
      duration_ms: t.durationMs,
      explicit: t.explicit,
      artists: t.artistIds.map((id) => this.simpleArtist(id)),
      preview_url: t.previewUrl,
      is_local: false,
      ...links('track', t.id, this.base()),
    };
    if (req.query.get('market')) o.is_playable = true;
    if (this.tier === 'extended') o.available_markets = ['BR', 'KR', 'US'];
    return o;
  }

  fullTrack(t: CatalogueTrack, req: SandboxRequest): Record<string, unknown> {
    const album = this.catalogue.album(t.albumId);
    const o: Record<string, unknown> = {
      ...this.simpleTrack(t, req),
      album: album ? this.simpleAlbum(album) : null,
      external_ids: { isrc: t.isrc },
    };
    if (this.tier === 'extended') o.popularity = t.popularity;
    return o;
  }
}

// ---------------------------------------------------------------------------------------
// Routes

const ID = /^[0-9A-Za-z]{1,64}$/;

function ids(req: SandboxRequest, max: number): string[] | SandboxAnswer {
  const raw = req.query.get('ids');
  if (!raw) return spotifyError(400, 'Missing required parameter: ids');
  const list = raw.split(',');
  if (list.length > max) return spotifyError(400, 'Too many ids requested');
  if (!list.every((id) => ID.test(id))) return spotifyError(400, 'Invalid base62 id');
  return list;
}

/** Batch GETs were removed for development-mode apps (2026). */
function batchRemoved(): SandboxAnswer {
  return spotifyError(403, 'Forbidden: this endpoint is not available in development mode');
}

export function installCatalogue(sandbox: SpotifySandbox, catalogue: Catalogue): void {
  const tier = sandbox.tier;
  const dev = tier === 'development';
  const objects = new CatalogueObjects(catalogue, tier, () => sandbox.url);

  sandbox.searchType('artist', (req, paging) => {
    const found = catalogue.searchArtists(req.query.get('q') ?? '');
    const page = sandbox.page(req, found, paging.limit, paging.offset);
    return {
      ...page,
      items: (page.items as CatalogueArtist[]).map((a) => objects.artist(a)),
    };
  });

  sandbox.api('GET', '/artists', (req) => {
    if (dev) return batchRemoved();
    const list = ids(req, 50);
    if (!Array.isArray(list)) return list;
    return {
      status: 200,
      body: {
        artists: list.map((id) => {
          const a = catalogue.artist(id);
          return a ? objects.artist(a) : null;
        }),
      },
    };
  });

  sandbox.api('GET', '/artists/:id', (_req, { id }) => {
    const a = catalogue.artist(id ?? '');
    if (!a) return spotifyError(404, 'Resource not found');
    return { status: 200, body: objects.artist(a) };
  });

  sandbox.api('GET', '/artists/:id/albums', (req, { id }) => {
    if (!catalogue.artist(id ?? '')) return spotifyError(404, 'Resource not found');
    const cap = dev ? 10 : 50;
    const paging = sandbox.paging(req, Math.min(20, cap), cap);
    if ('status' in paging) return paging;
    const requested = (req.query.get('include_groups') ?? ALBUM_GROUP_ORDER.join(','))
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (!requested.every((g) => (ALBUM_GROUP_ORDER as readonly string[]).includes(g)))
      return spotifyError(400, 'Invalid include_groups value');
    const listing = catalogue.artistAlbums(id ?? '', requested as AlbumGroup[]);
    const page = sandbox.page(req, listing, paging.limit, paging.offset);
    return {
      status: 200,
      body: {
        ...page,
        items: (page.items as typeof listing).map((l) => objects.simpleAlbum(l.album, l.group)),
      },
    };
  });

  sandbox.api('GET', '/artists/:id/top-tracks', (req, { id }) => {
    // Removed for development-mode apps.
    if (dev) return spotifyError(404, 'Not found');
    if (!catalogue.artist(id ?? '')) return spotifyError(404, 'Resource not found');
    if (!req.query.get('market')) return spotifyError(400, 'Missing market parameter');
    const top = catalogue.tracksOf(id ?? '').slice(0, 10);
    return { status: 200, body: { tracks: top.map((t) => objects.fullTrack(t, req)) } };
  });

  // Removed for every app created after 2024-11-27, in both tiers.
  sandbox.api('GET', '/artists/:id/related-artists', () => spotifyError(404, 'Not found'));
  sandbox.api('GET', '/recommendations', () => spotifyError(404, 'Not found'));
  sandbox.api('GET', '/audio-features', () => spotifyError(403, 'Forbidden'));
  sandbox.api('GET', '/audio-features/:id', () => spotifyError(403, 'Forbidden'));
  sandbox.api('GET', '/audio-analysis/:id', () => spotifyError(403, 'Forbidden'));

  sandbox.api('GET', '/albums', (req) => {
    if (dev) return batchRemoved();
    const list = ids(req, 20);
    if (!Array.isArray(list)) return list;
    return {
      status: 200,
      body: {
        albums: list.map((id) => {
          const a = catalogue.album(id);
          return a ? objects.fullAlbum(a, req) : null;
        }),
      },
    };
  });

  sandbox.api('GET', '/albums/:id', (req, { id }) => {
    const album = catalogue.album(id ?? '');
    if (!album) return spotifyError(404, 'Resource not found');
    return { status: 200, body: objects.fullAlbum(album, req) };
  });

  sandbox.api('GET', '/albums/:id/tracks', (req, { id }) => {
    const album = catalogue.album(id ?? '');
    if (!album) return spotifyError(404, 'Resource not found');
    const paging = sandbox.paging(req, 20, 50);
    if ('status' in paging) return paging;
    const tracks = catalogue.tracks(album);
    const page = sandbox.page(req, tracks, paging.limit, paging.offset);
    return {
      status: 200,
      body: {
        ...page,
        items: (page.items as CatalogueTrack[]).map((t) => objects.simpleTrack(t, req)),
      },
    };
  });

  sandbox.api('GET', '/tracks', (req) => {
    if (dev) return batchRemoved();
    const list = ids(req, 50);
    if (!Array.isArray(list)) return list;
    return {
      status: 200,
      body: {
        tracks: list.map((id) => {
          const t = catalogue.track(id);
          return t ? objects.fullTrack(t, req) : null;
        }),
      },
    };
  });

  sandbox.api('GET', '/tracks/:id', (req, { id }) => {
    const t = catalogue.track(id ?? '');
    if (!t) return spotifyError(404, 'Resource not found');
    return { status: 200, body: objects.fullTrack(t, req) };
  });
}

/** Paths that development-mode collectors must never request. */
export const DEVELOPMENT_FORBIDDEN_PATHS: readonly RegExp[] = [
  /^\/v1\/artists$/,
  /^\/v1\/albums$/,
  /^\/v1\/tracks$/,
  /^\/v1\/artists\/[^/]+\/top-tracks$/,
  /^\/v1\/artists\/[^/]+\/related-artists$/,
  /^\/v1\/recommendations$/,
  /^\/v1\/audio-features/,
  /^\/v1\/audio-analysis/,
];

// ---------------------------------------------------------------------------------------
// A small hand-made catalogue with known features, decoys and scripts, for exact tests.

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
