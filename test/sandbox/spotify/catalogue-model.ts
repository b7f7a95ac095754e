// The content of the artist side of the Spotify sandbox: artists, albums and (lazily built)
// tracks, indexed the way the routes ask for them: discographies grouped as
// GET /artists/{id}/albums lists them, top tracks by popularity, accent-insensitive search.
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
