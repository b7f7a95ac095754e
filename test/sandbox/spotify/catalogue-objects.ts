// Catalogue content as JSON objects the way Spotify writes them, per tier: development mode
// leaves out artist followers/popularity/genres, album/track popularity and
// available_markets.
import type { SandboxRequest } from '../http-sandbox.js';
import type {
  AlbumGroup,
  Catalogue,
  CatalogueAlbum,
  CatalogueArtist,
  CatalogueTrack,
} from './catalogue-model.js';
import type { Tier } from './server.js';

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
    /** Requested track id → the id Spotify plays instead in a given market (relinking). */
    private readonly relink: ReadonlyMap<string, string> = new Map(),
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
    // With a market, a relinked track answers with the playable id and names the requested
    // one in linked_from (as Spotify's track relinking does).
    const playable = req.query.get('market') ? this.relink.get(t.id) : undefined;
    const o: Record<string, unknown> = {
      id: playable ?? t.id,
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
    if (playable) {
      o.uri = `spotify:track:${playable}`;
      o.linked_from = { ...links('track', t.id, this.base()), id: t.id };
    }
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
