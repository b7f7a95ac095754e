// Raw Spotify catalogue answers (artists, albums, tracks, credits, top tracks, artist
// searches) → typed rows. Pure functions of the landed line, shared by live runs, replay
// and `fanpulse map`. Deprecated fields that development mode omits become NULL.
import {
  spotifyAlbums,
  spotifyArtistAlbums,
  spotifyArtistGenres,
  spotifyArtists,
  spotifyArtistSearch,
  spotifyArtistTopTracks,
  spotifyTrackArtists,
  spotifyTracks,
} from '../../schemas/spotify-catalogue.js';
import type { RowOf } from '../../schemas/define.js';
import { FieldReader, isRecord } from '../platform/fields.js';
import {
  standardFields,
  tableRows,
  type EntityMapper,
  type TableRows,
} from '../platform/ingest.js';
import type { QualityCounters } from '../platform/quality.js';
import type { RawLine, RunIdentity } from '../platform/raw-landing.js';
import { SPOTIFY_ID } from './watchlist.js';

export type ArtistRow = RowOf<typeof spotifyArtists>;
export type GenreRow = RowOf<typeof spotifyArtistGenres>;
export type AlbumRow = RowOf<typeof spotifyAlbums>;
export type ArtistAlbumRow = RowOf<typeof spotifyArtistAlbums>;
export type TrackRow = RowOf<typeof spotifyTracks>;
export type CreditRow = RowOf<typeof spotifyTrackArtists>;
export type TopTrackRow = RowOf<typeof spotifyArtistTopTracks>;
export type ArtistSearchRow = RowOf<typeof spotifyArtistSearch>;

const PRECISIONS = ['year', 'month', 'day'] as const;
const RELEASE_DATE: Record<(typeof PRECISIONS)[number], RegExp> = {
  year: /^\d{4}$/,
  month: /^\d{4}-\d{2}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
};
const MATCH_KINDS = ['exact', 'best_ranked', 'none'] as const;

function largestImage(r: FieldReader): string | null {
  const images = r.raw('images');
  if (!Array.isArray(images)) return null;
  const sized = images.filter(isRecord).filter((i) => typeof i.url === 'string');
  sized.sort((a, b) => (Number(b.width) || 0) - (Number(a.width) || 0));
  return (sized[0]?.url as string | undefined) ?? null;
}

function spotifyUrl(r: FieldReader): string | null {
  return r.nested('external_urls')?.url('spotify') ?? null;
}

/** Reads the record's id; without a valid one the record is rejected and counted. */
function readId(
  item: unknown,
  table: string,
  quality: QualityCounters,
): { r: FieldReader; id: string } | null {
  if (!isRecord(item)) {
    quality.rejectedRecord(
      table,
      `expected an object, got ${item === null ? 'null' : typeof item}`,
    );
    return null;
  }
  const id = item.id;
  if (typeof id !== 'string' || !SPOTIFY_ID.test(id)) {
    quality.rejectedRecord(table, `missing or malformed id: ${JSON.stringify(id)?.slice(0, 40)}`);
    return null;
  }
  return { r: new FieldReader(item, table, quality), id };
}

/** The valid {id, name} entries of an `artists` array, in credit order, ids deduplicated. */
function creditedArtists(r: FieldReader): Array<{ id: string; name: string | null }> {
  const list = r.raw('artists');
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const out: Array<{ id: string; name: string | null }> = [];
  for (const a of list) {
    if (!isRecord(a) || typeof a.id !== 'string' || !SPOTIFY_ID.test(a.id) || seen.has(a.id))
      continue;
    seen.add(a.id);
    out.push({ id: a.id, name: typeof a.name === 'string' ? a.name : null });
  }
  return out;
}

function releaseDate(r: FieldReader): { date: string | null; precision: string | null } {
  const precision = r.oneOf('release_date_precision', PRECISIONS);
  // Kept as Spotify wrote it; only checked against its own precision.
  const date = r.string('release_date', precision ? { pattern: RELEASE_DATE[precision] } : {});
  return { date, precision };
}

export function mapArtist(
  item: unknown,
  endpoint: string,
  run: RunIdentity,
  quality: QualityCounters,
): { artist: ArtistRow; genres: GenreRow[] } | null {
  const read = readId(item, spotifyArtists.name, quality);
  if (!read) return null;
  const { r, id } = read;
  const genres = r.stringArray('genres');
  const followers = r.nested('followers')?.int('total', { min: 0 }) ?? null;
  const artist: ArtistRow = {
    artist_id: id,
    name: r.string('name'),
    genres,
    followers,
    popularity: r.int('popularity', { min: 0 }),
    image_url: largestImage(r),
    spotify_url: spotifyUrl(r),
    endpoint,
    ...standardFields(run),
  };
  const seen = new Set<string>();
  const genreRows: GenreRow[] = [];
  (genres ?? []).forEach((genre, i) => {
    if (genre.trim() === '' || seen.has(genre)) return;
    seen.add(genre);
    genreRows.push({ artist_id: id, genre, position: i + 1, ...standardFields(run) });
  });
  return { artist, genres: genreRows };
}

export function mapAlbum(
  item: unknown,
  extra: { endpoint: string; market: string | null },
  run: RunIdentity,
  quality: QualityCounters,
): { album: AlbumRow; r: FieldReader } | null {
  const read = readId(item, spotifyAlbums.name, quality);
  if (!read) return null;
  const { r, id } = read;
  const artists = creditedArtists(r);
  const { date, precision } = releaseDate(r);
  return {
    r,
    album: {
      album_id: id,
      name: r.string('name'),
      album_type: r.string('album_type'),
      album_group: r.string('album_group'),
      release_date: date,
      release_date_precision: precision,
      total_tracks: r.int('total_tracks', { min: 0 }),
      artist_ids: artists.map((a) => a.id),
      artist_names: artists.map((a) => a.name),
      label: r.string('label'),
      popularity: r.int('popularity', { min: 0 }),
      upc: r.nested('external_ids')?.string('upc') ?? null,
      image_url: largestImage(r),
      spotify_url: spotifyUrl(r),
      market: extra.market,
      endpoint: extra.endpoint,
      ...standardFields(run),
    },
  };
}

export function mapTrack(
  item: unknown,
  extra: { albumId: string | null; endpoint: string; market: string | null },
  run: RunIdentity,
  quality: QualityCounters,
): { track: TrackRow; credits: CreditRow[] } | null {
  const read = readId(item, spotifyTracks.name, quality);
  if (!read) return null;
  const { r, id } = read;
  const embeddedAlbum = r.raw('album');
  const albumId =
    extra.albumId ??
    (isRecord(embeddedAlbum) &&
    typeof embeddedAlbum.id === 'string' &&
    SPOTIFY_ID.test(embeddedAlbum.id)
      ? embeddedAlbum.id
      : null);
  const artists = creditedArtists(r);
  return {
    track: {
      track_id: id,
      album_id: albumId,
      name: r.string('name'),
      track_number: r.int('track_number', { min: 0 }),
      disc_number: r.int('disc_number', { min: 0 }),
      duration_ms: r.int('duration_ms', { min: 0 }),
      explicit: r.bool('explicit'),
      popularity: r.int('popularity', { min: 0 }),
      preview_url: r.url('preview_url'),
      isrc: r.nested('external_ids')?.string('isrc') ?? null,
      is_playable: r.bool('is_playable'),
      artist_ids: artists.map((a) => a.id),
      spotify_url: spotifyUrl(r),
      market: extra.market,
      endpoint: extra.endpoint,
      ...standardFields(run),
    },
    credits: artists.map((a, i) => ({
      track_id: id,
      artist_id: a.id,
      position: i + 1,
      artist_name: a.name,
      album_id: albumId,
      ...standardFields(run),
    })),
  };
}

function contextString(line: RawLine, key: string): string | null {
  const v = line.context[key];
  return typeof v === 'string' ? v : null;
}

function contextNumber(line: RawLine, key: string): number {
  const v = line.context[key];
  return typeof v === 'number' ? v : 0;
}

/** The `items` of a paging object (optionally wrapped, e.g. search's `artists`). */
function pageItems(
  body: unknown,
  wrapper: string | null,
  line: RawLine,
  table: string,
  quality: QualityCounters,
): unknown[] {
  const container = wrapper === null ? body : isRecord(body) ? body[wrapper] : undefined;
  if (isRecord(container) && Array.isArray(container.items)) return container.items;
  quality.count(table, 'malformed_answer', `${line.request.url}: no items array`);
  return [];
}

/** The array under `key` of a batch answer; null entries are ids Spotify does not know. */
function batchItems(body: unknown, key: string, line: RawLine, table: string, q: QualityCounters) {
  const list = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(list)) {
    q.count(table, 'malformed_answer', `${line.request.url}: no ${key} array`);
    return [];
  }
  for (const x of list) if (x === null) q.count(table, 'not_found', 'an id Spotify does not know');
  return list.filter((x) => x !== null);
}

function artistTables(
  items: unknown[],
  endpoint: string,
  run: RunIdentity,
  q: QualityCounters,
): TableRows[] {
  const mapped = items.map((i) => mapArtist(i, endpoint, run, q)).filter((m) => m !== null);
  return [
    tableRows(
      spotifyArtists,
      mapped.map((m) => m.artist),
    ),
    tableRows(
      spotifyArtistGenres,
      mapped.flatMap((m) => m.genres),
    ),
  ];
}

function trackTables(
  items: unknown[],
  extra: { albumId: string | null; endpoint: string; market: string | null },
  run: RunIdentity,
  q: QualityCounters,
): { tracks: TrackRow[]; credits: CreditRow[] } {
  const mapped = items.map((i) => mapTrack(i, extra, run, q)).filter((m) => m !== null);
  return { tracks: mapped.map((m) => m.track), credits: mapped.flatMap((m) => m.credits) };
}

/** A full album: its row plus the tracks of its embedded first tracks page. */
function fullAlbumTables(
  items: unknown[],
  endpoint: string,
  market: string | null,
  run: RunIdentity,
  q: QualityCounters,
): TableRows[] {
  const albums: AlbumRow[] = [];
  const tracks: TrackRow[] = [];
  const credits: CreditRow[] = [];
  for (const item of items) {
    const mapped = mapAlbum(item, { endpoint, market }, run, q);
    if (!mapped) continue;
    albums.push(mapped.album);
    const page = mapped.r.raw('tracks');
    if (!isRecord(page) || !Array.isArray(page.items)) {
      q.count(spotifyTracks.name, 'malformed_answer', `album ${mapped.album.album_id}: no tracks`);
      continue;
    }
    const t = trackTables(page.items, { albumId: mapped.album.album_id, endpoint, market }, run, q);
    tracks.push(...t.tracks);
    credits.push(...t.credits);
  }
  return [
    tableRows(spotifyAlbums, albums),
    tableRows(spotifyTracks, tracks),
    tableRows(spotifyTrackArtists, credits),
  ];
}

export const artistMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist',
  description: 'GET /artists/{id} answers → spotify_artists and spotify_artist_genres',
  map: (line, run, q) => artistTables([line.body], 'artist', run, q),
};

export const artistsBatchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artists_batch',
  description:
    'GET /artists?ids= answers (extended tier) → spotify_artists and spotify_artist_genres',
  map: (line, run, q) =>
    artistTables(
      batchItems(line.body, 'artists', line, spotifyArtists.name, q),
      'artists_batch',
      run,
      q,
    ),
};

export const artistAlbumsMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_albums',
  description:
    'GET /artists/{id}/albums pages → spotify_albums (simplified) and spotify_artist_albums',
  map(line, run, q) {
    const artistId = contextString(line, 'artist_id');
    if (!artistId) {
      q.count(spotifyArtistAlbums.name, 'malformed_answer', 'raw line without context.artist_id');
      return [];
    }
    const market = contextString(line, 'market');
    const includeGroups = contextString(line, 'include_groups');
    const offset = contextNumber(line, 'offset');
    const albums: AlbumRow[] = [];
    const links: ArtistAlbumRow[] = [];
    pageItems(line.body, null, line, spotifyAlbums.name, q).forEach((item, i) => {
      const mapped = mapAlbum(item, { endpoint: 'artist_albums', market }, run, q);
      if (!mapped) return;
      const a = mapped.album;
      albums.push(a);
      links.push({
        artist_id: artistId,
        album_id: a.album_id,
        album_group: a.album_group,
        album_type: a.album_type,
        release_date: a.release_date,
        release_date_precision: a.release_date_precision,
        listing_position: offset + i + 1,
        include_groups: includeGroups,
        market,
        ...standardFields(run),
      });
    });
    return [tableRows(spotifyAlbums, albums), tableRows(spotifyArtistAlbums, links)];
  },
};

export const albumMapper: EntityMapper = {
  source: 'spotify',
  entity: 'album',
  description:
    'GET /albums/{id} answers → spotify_albums (full), spotify_tracks and spotify_track_artists of its first tracks page',
  map: (line, run, q) =>
    fullAlbumTables([line.body], 'album', contextString(line, 'market'), run, q),
};

export const albumsBatchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'albums_batch',
  description:
    'GET /albums?ids= answers (extended tier) → spotify_albums, spotify_tracks and spotify_track_artists',
  map: (line, run, q) =>
    fullAlbumTables(
      batchItems(line.body, 'albums', line, spotifyAlbums.name, q),
      'albums_batch',
      contextString(line, 'market'),
      run,
      q,
    ),
};

export const albumTracksMapper: EntityMapper = {
  source: 'spotify',
  entity: 'album_tracks',
  description: 'GET /albums/{id}/tracks pages → spotify_tracks and spotify_track_artists',
  map(line, run, q) {
    const albumId = contextString(line, 'album_id');
    if (!albumId) {
      q.count(spotifyTracks.name, 'malformed_answer', 'raw line without context.album_id');
      return [];
    }
    const market = contextString(line, 'market');
    const t = trackTables(
      pageItems(line.body, null, line, spotifyTracks.name, q),
      { albumId, endpoint: 'album_tracks', market },
      run,
      q,
    );
    return [tableRows(spotifyTracks, t.tracks), tableRows(spotifyTrackArtists, t.credits)];
  },
};

export const trackMapper: EntityMapper = {
  source: 'spotify',
  entity: 'track',
  description: 'GET /tracks/{id} answers → spotify_tracks and spotify_track_artists',
  map(line, run, q) {
    const extra = { albumId: null, endpoint: 'track', market: contextString(line, 'market') };
    const t = trackTables([line.body], extra, run, q);
    return [tableRows(spotifyTracks, t.tracks), tableRows(spotifyTrackArtists, t.credits)];
  },
};

export const tracksBatchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'tracks_batch',
  description:
    'GET /tracks?ids= answers (extended tier) → spotify_tracks (with popularity) and spotify_track_artists',
  map(line, run, q) {
    const extra = {
      albumId: null,
      endpoint: 'tracks_batch',
      market: contextString(line, 'market'),
    };
    const items = batchItems(line.body, 'tracks', line, spotifyTracks.name, q);
    const t = trackTables(items, extra, run, q);
    return [tableRows(spotifyTracks, t.tracks), tableRows(spotifyTrackArtists, t.credits)];
  },
};

export const artistTopTracksMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_top_tracks',
  description:
    'GET /artists/{id}/top-tracks answers (extended tier) → spotify_artist_top_tracks, spotify_tracks and spotify_track_artists',
  map(line, run, q) {
    const artistId = contextString(line, 'artist_id');
    const market = contextString(line, 'market');
    if (!artistId || !market) {
      q.count(
        spotifyArtistTopTracks.name,
        'malformed_answer',
        'raw line without context.artist_id/market',
      );
      return [];
    }
    const items = batchItems(line.body, 'tracks', line, spotifyTracks.name, q);
    const t = trackTables(items, { albumId: null, endpoint: 'top_tracks', market }, run, q);
    const top: TopTrackRow[] = t.tracks.map((track, i) => ({
      artist_id: artistId,
      market,
      rank: i + 1,
      track_id: track.track_id,
      track_name: track.name,
      album_id: track.album_id,
      popularity: track.popularity,
      ...standardFields(run),
    }));
    return [
      tableRows(spotifyArtistTopTracks, top),
      tableRows(spotifyTracks, t.tracks),
      tableRows(spotifyTrackArtists, t.credits),
    ];
  },
};

export const artistSearchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_search',
  description:
    'GET /search?type=artist pages: landed for the record only (no rows); the choice made from them is the artist_resolution entity',
  map: () => [],
};

/** The body of an artist_resolution record, landed by the job after it searched. */
export interface ArtistResolutionRecord {
  query: string;
  normalized_query: string;
  market: string;
  match_kind: (typeof MATCH_KINDS)[number];
  artist_id: string | null;
  artist_name: string | null;
  rank: number | null;
  reason: string;
  candidates: Array<{ rank: number; artist_id: string; name: string; exact: boolean }>;
  total_results: number | null;
}

export const artistResolutionMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_resolution',
  description:
    'Name → artist choices made from artist searches (asked, chosen, why) → spotify_artist_search',
  map(line, run, q) {
    const read = isRecord(line.body)
      ? new FieldReader(line.body, spotifyArtistSearch.name, q)
      : null;
    const query = read?.string('query');
    const normalized = read?.string('normalized_query');
    const market = read?.string('market');
    const kind = read?.oneOf('match_kind', MATCH_KINDS);
    const reason = read?.string('reason');
    if (!read || !query || normalized == null || !market || !kind || !reason) {
      q.rejectedRecord(spotifyArtistSearch.name, 'resolution record without query/market/kind');
      return [];
    }
    const candidates = Array.isArray(read.raw('candidates'))
      ? (read.raw('candidates') as unknown[])
      : [];
    const row: ArtistSearchRow = {
      query,
      normalized_query: normalized,
      market,
      artist_id: read.string('artist_id', { pattern: SPOTIFY_ID }),
      artist_name: read.string('artist_name'),
      match_kind: kind,
      rank: read.int('rank', { min: 1 }),
      reason,
      candidates,
      candidate_count: candidates.length,
      total_results: read.int('total_results', { min: 0 }),
      ...standardFields(run),
    };
    return [tableRows(spotifyArtistSearch, [row])];
  },
};

export const catalogueMappers: readonly EntityMapper[] = [
  artistMapper,
  artistsBatchMapper,
  artistAlbumsMapper,
  albumMapper,
  albumsBatchMapper,
  albumTracksMapper,
  trackMapper,
  tracksBatchMapper,
  artistTopTracksMapper,
  artistSearchMapper,
  artistResolutionMapper,
];
