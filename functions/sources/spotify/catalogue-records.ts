// One Spotify catalogue object (artist, album, track) → its typed row(s). Deprecated fields
// that development mode omits become NULL; an object without a valid id is rejected and
// counted. The entity mappers (catalogue-mappers.ts) apply these to whole answers.
import {
  spotifyAlbums,
  spotifyArtistGenres,
  spotifyArtists,
  spotifyTrackArtists,
  spotifyTracks,
} from './catalogue-tables.js';
import type { RowOf } from '../../../schemas/define.js';
import { FieldReader, isRecord } from '../../platform/fields.js';
import { standardFields } from '../../core/ingest.js';
import type { QualityCounters } from '../../platform/quality.js';
import type { RunIdentity } from '../../platform/raw-landing.js';
import { largestImage, readSpotifyRecord, releaseDate, spotifyUrl } from './fields.js';
import { SPOTIFY_ID } from './watchlist.js';

export type ArtistRow = RowOf<typeof spotifyArtists>;
export type GenreRow = RowOf<typeof spotifyArtistGenres>;
export type AlbumRow = RowOf<typeof spotifyAlbums>;
export type TrackRow = RowOf<typeof spotifyTracks>;
export type CreditRow = RowOf<typeof spotifyTrackArtists>;

/** Where a track was listed: its album when the answer does not embed it, and the call. */
export interface TrackListing {
  albumId: string | null;
  endpoint: string;
  market: string | null;
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

export function mapArtist(
  item: unknown,
  endpoint: string,
  run: RunIdentity,
  quality: QualityCounters,
): { artist: ArtistRow; genres: GenreRow[] } | null {
  const read = readSpotifyRecord(item, spotifyArtists.name, quality);
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
  const read = readSpotifyRecord(item, spotifyAlbums.name, quality);
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

/** The requested id of a relinked track (`linked_from.id`), when it differs from the row's. */
function linkedFromId(r: FieldReader): string | null {
  const linked = r.raw('linked_from');
  const id = isRecord(linked) ? linked.id : undefined;
  return typeof id === 'string' && SPOTIFY_ID.test(id) ? id : null;
}

export function mapTrack(
  item: unknown,
  extra: TrackListing,
  run: RunIdentity,
  quality: QualityCounters,
): { track: TrackRow; credits: CreditRow[] } | null {
  const read = readSpotifyRecord(item, spotifyTracks.name, quality);
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
      linked_from_id: linkedFromId(r),
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
