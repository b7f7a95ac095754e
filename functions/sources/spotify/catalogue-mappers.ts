// Raw Spotify catalogue answers (artists, albums, tracks, credits, top tracks) → typed rows,
// one entity mapper per endpoint. Pure functions of the landed line, shared by live runs,
// replay and `fanpulse map`; each object goes through catalogue-records.ts.
import {
  spotifyAlbums,
  spotifyArtistAlbums,
  spotifyArtistGenres,
  spotifyArtists,
  spotifyArtistTopTracks,
  spotifyTrackArtists,
  spotifyTracks,
} from './catalogue-tables.js';
import type { RowOf } from '../../../schemas/define.js';
import { isRecord } from '../../platform/fields.js';
import {
  contextNumber,
  contextString,
  listIn,
  requiredContext,
  standardFields,
  tableRows,
  type EntityMapper,
  type TableRows,
} from '../../core/ingest.js';
import type { QualityCounters } from '../../platform/quality.js';
import type { RawLine, RunIdentity } from '../../platform/raw-landing.js';
import { artistResolutionMapper, artistSearchMapper } from './artist-resolution-mapper.js';
import {
  mapAlbum,
  mapArtist,
  mapTrack,
  type AlbumRow,
  type CreditRow,
  type TrackListing,
  type TrackRow,
} from './catalogue-records.js';
import { pageItems } from './fields.js';

type ArtistAlbumRow = RowOf<typeof spotifyArtistAlbums>;
type TopTrackRow = RowOf<typeof spotifyArtistTopTracks>;

/** The array under `key` of a batch answer; null entries are ids Spotify does not know. */
function batchItems(body: unknown, key: string, line: RawLine, table: string, q: QualityCounters) {
  const list = listIn(body, key, line, table, q);
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

interface MappedTracks {
  tracks: TrackRow[];
  credits: CreditRow[];
}

function mapTracks(
  items: unknown[],
  listing: TrackListing,
  run: RunIdentity,
  q: QualityCounters,
): MappedTracks {
  const mapped = items.map((i) => mapTrack(i, listing, run, q)).filter((m) => m !== null);
  return { tracks: mapped.map((m) => m.track), credits: mapped.flatMap((m) => m.credits) };
}

function trackTables({ tracks, credits }: MappedTracks): TableRows[] {
  return [tableRows(spotifyTracks, tracks), tableRows(spotifyTrackArtists, credits)];
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
  const all: MappedTracks = { tracks: [], credits: [] };
  for (const item of items) {
    const mapped = mapAlbum(item, { endpoint, market }, run, q);
    if (!mapped) continue;
    albums.push(mapped.album);
    const page = mapped.r.raw('tracks');
    if (!isRecord(page) || !Array.isArray(page.items)) {
      q.count(spotifyTracks.name, 'malformed_answer', `album ${mapped.album.album_id}: no tracks`);
      continue;
    }
    const t = mapTracks(page.items, { albumId: mapped.album.album_id, endpoint, market }, run, q);
    all.tracks.push(...t.tracks);
    all.credits.push(...t.credits);
  }
  return [tableRows(spotifyAlbums, albums), ...trackTables(all)];
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
    const need = requiredContext(line, ['artist_id'], spotifyArtistAlbums.name, q);
    if (!need) return [];
    const artistId = need.artist_id;
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
    const need = requiredContext(line, ['album_id'], spotifyTracks.name, q);
    if (!need) return [];
    const albumId = need.album_id;
    const market = contextString(line, 'market');
    const items = pageItems(line.body, null, line, spotifyTracks.name, q);
    return trackTables(mapTracks(items, { albumId, endpoint: 'album_tracks', market }, run, q));
  },
};

export const trackMapper: EntityMapper = {
  source: 'spotify',
  entity: 'track',
  description: 'GET /tracks/{id} answers → spotify_tracks and spotify_track_artists',
  map(line, run, q) {
    const listing = { albumId: null, endpoint: 'track', market: contextString(line, 'market') };
    return trackTables(mapTracks([line.body], listing, run, q));
  },
};

export const tracksBatchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'tracks_batch',
  description:
    'GET /tracks?ids= answers (extended tier) → spotify_tracks (with popularity) and spotify_track_artists',
  map(line, run, q) {
    const market = contextString(line, 'market');
    const items = batchItems(line.body, 'tracks', line, spotifyTracks.name, q);
    return trackTables(
      mapTracks(items, { albumId: null, endpoint: 'tracks_batch', market }, run, q),
    );
  },
};

export const artistTopTracksMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_top_tracks',
  description:
    'GET /artists/{id}/top-tracks answers (extended tier) → spotify_artist_top_tracks, spotify_tracks and spotify_track_artists',
  map(line, run, q) {
    const need = requiredContext(line, ['artist_id', 'market'], spotifyArtistTopTracks.name, q);
    if (!need) return [];
    const { artist_id: artistId, market } = need;
    const items = batchItems(line.body, 'tracks', line, spotifyTracks.name, q);
    const t = mapTracks(items, { albumId: null, endpoint: 'top_tracks', market }, run, q);
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
    return [tableRows(spotifyArtistTopTracks, top), ...trackTables(t)];
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
