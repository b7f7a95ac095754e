// The snapshot's compact encoding (format 3). A cold instance must load 10,000 artists in
// well under a second, so the document is rows of arrays instead of objects, match keys are
// precomputed (no Unicode normalisation at start), standard Spotify links are implied by the
// id, Spotify's image host is abbreviated, and each artist's picks are validated only when
// that artist is first answered (most artists of an instance's life never are): each
// artist's picks are kept as JSON text inside the document, so parsing the document does
// not build 50,000 track objects a cold start does not need.
// Rows are checked by plain type guards rather than zod: zod's tuple parsing of 10,000
// rows alone took ~0.5 s on the benchmark machine; the envelope is still a zod schema.
import { z } from 'zod';
import { nameKeys, type IndexArtist, type IndexData } from './model.js';
import type { TrackView } from './model.js';

const IMAGE_HOST = 'https://i.scdn.co/image/';
const standardUrl = (kind: 'artist' | 'track', id: string) =>
  `https://open.spotify.com/${kind}/${id}`;

/** null stays null; the standard link of the id becomes ''; the image host becomes '~'. */
function packUrl(url: string | null, standard: string): string | null {
  if (url === null) return null;
  if (url === standard) return '';
  return url.startsWith(IMAGE_HOST) ? `~${url.slice(IMAGE_HOST.length)}` : url;
}

function unpackUrl(packed: string | null, standard: string): string | null {
  if (packed === null) return null;
  if (packed === '') return standard;
  return packed.startsWith('~') ? IMAGE_HOST + packed.slice(1) : packed;
}

const str = z.string();
const nstr = z.string().nullable();

const trackRow = z.tuple([str, str, nstr, nstr, nstr, nstr]);
type TrackRow = z.infer<typeof trackRow>;

type Basis = IndexArtist['tracksBasis'];
export type ArtistRow = [
  id: string,
  name: string,
  nameKey: string,
  compactKey: string,
  image: string | null,
  link: string | null,
  genres: string[],
  popularity: number | null,
  followers: number | null,
  hasProfile: boolean,
  basis: Basis,
  picks: string,
];
type AliasRow = [name: string, artistId: string, nameKey: string, compactKey: string];
type CollaborationRow = [a: string, b: string, sharedTracks: number];
type CompilationRow = [albumId: string, artistIds: string[]];

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNStr = (v: unknown) => v === null || typeof v === 'string';
const isNNum = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const BASES = new Set<unknown>(['top_tracks', 'newest_albums', 'none']);

const isArtistRow = (r: unknown): r is ArtistRow =>
  Array.isArray(r) &&
  r.length === 12 &&
  isStr(r[0]) &&
  isStr(r[1]) &&
  isStr(r[2]) &&
  isStr(r[3]) &&
  isNStr(r[4]) &&
  isNStr(r[5]) &&
  Array.isArray(r[6]) &&
  r[6].every(isStr) &&
  isNNum(r[7]) &&
  isNNum(r[8]) &&
  typeof r[9] === 'boolean' &&
  BASES.has(r[10]) &&
  isStr(r[11]);
const isAliasRow = (r: unknown): r is AliasRow =>
  Array.isArray(r) && r.length === 4 && r.every(isStr);
const isCollaborationRow = (r: unknown): r is CollaborationRow =>
  Array.isArray(r) && r.length === 3 && isStr(r[0]) && isStr(r[1]) && isNNum(r[2]) && r[2] !== null;
const isCompilationRow = (r: unknown): r is CompilationRow =>
  Array.isArray(r) && r.length === 2 && isStr(r[0]) && Array.isArray(r[1]) && r[1].every(isStr);

/** The sections of the document: arrays of rows, each row checked when unpacked. */
const rows = z.custom<unknown[]>((v) => Array.isArray(v), 'an array of rows');
export const packedSchema = z.object({
  artists: rows,
  aliases: rows,
  collaborations: rows,
  compilations: rows,
});

export interface PackedData {
  artists: ArtistRow[];
  aliases: AliasRow[];
  collaborations: CollaborationRow[];
  compilations: CompilationRow[];
}

export function packData(data: IndexData): PackedData {
  return {
    artists: data.artists.map((a): ArtistRow => {
      const keys = a.keys ?? nameKeys(a.name);
      const tracks = a.tracks.map((t): TrackRow => [
        t.id,
        t.name,
        t.albumName,
        packUrl(t.imageUrl, ''),
        packUrl(t.spotifyUrl, standardUrl('track', t.id)),
        t.releaseDate,
      ]);
      return [
        a.id,
        a.name,
        keys.name,
        keys.compact,
        packUrl(a.imageUrl, ''),
        packUrl(a.spotifyUrl, standardUrl('artist', a.id)),
        a.genres,
        a.popularity,
        a.followers,
        a.hasProfile,
        a.tracksBasis,
        JSON.stringify(tracks),
      ];
    }),
    aliases: data.aliases.map((x): AliasRow => {
      const keys = x.keys ?? nameKeys(x.name);
      return [x.name, x.artistId, keys.name, keys.compact];
    }),
    collaborations: data.collaborations.map((c): CollaborationRow => [c.a, c.b, c.sharedTracks]),
    compilations: data.compilations.map((c): CompilationRow => [c.albumId, c.artistIds]),
  };
}

/** Picks of one artist; a malformed row (or text) is dropped, never fatal. */
function unpackTracks(text: string): TrackView[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row) => {
    const r = trackRow.safeParse(row);
    if (!r.success) return [];
    const [id, name, albumName, image, url, releaseDate] = r.data;
    return [
      {
        id,
        name,
        albumName,
        imageUrl: unpackUrl(image, ''),
        spotifyUrl: unpackUrl(url, standardUrl('track', id)),
        releaseDate,
      },
    ];
  });
}

/** An artist of a snapshot; its picks are decoded on first read. */
class SnapshotArtist implements IndexArtist {
  readonly id: string;
  readonly name: string;
  readonly keys: { name: string; compact: string };
  readonly imageUrl: string | null;
  readonly spotifyUrl: string | null;
  readonly genres: string[];
  readonly popularity: number | null;
  readonly followers: number | null;
  readonly hasProfile: boolean;
  readonly tracksBasis: Basis;
  private picks: string | TrackView[];

  constructor(row: ArtistRow) {
    const [id, name, key, compact, image, url, genres, popularity, followers] = row;
    this.id = id;
    this.name = name;
    this.keys = { name: key, compact };
    this.imageUrl = unpackUrl(image, '');
    this.spotifyUrl = unpackUrl(url, standardUrl('artist', id));
    this.genres = genres;
    this.popularity = popularity;
    this.followers = followers;
    this.hasProfile = row[9];
    this.tracksBasis = row[10];
    this.picks = row[11];
  }

  get tracks(): TrackView[] {
    if (typeof this.picks === 'string') this.picks = unpackTracks(this.picks);
    return this.picks;
  }
}

/** Checked rows to index data (picks decoded when first read); bad rows are counted. */
export function unpackData(packed: z.infer<typeof packedSchema>): IndexData & {
  skippedRows: number;
} {
  const total =
    packed.artists.length +
    packed.aliases.length +
    packed.collaborations.length +
    packed.compilations.length;
  const data: IndexData = {
    artists: packed.artists.filter(isArtistRow).map((row) => new SnapshotArtist(row)),
    aliases: packed.aliases.filter(isAliasRow).map(([name, artistId, key, compact]) => ({
      name,
      artistId,
      keys: { name: key, compact },
    })),
    collaborations: packed.collaborations
      .filter(isCollaborationRow)
      .map(([a, b, sharedTracks]) => ({ a, b, sharedTracks })),
    compilations: packed.compilations
      .filter(isCompilationRow)
      .map(([albumId, artistIds]) => ({ albumId, artistIds })),
  };
  const kept =
    data.artists.length +
    data.aliases.length +
    data.collaborations.length +
    data.compilations.length;
  return { ...data, skippedRows: total - kept };
}
