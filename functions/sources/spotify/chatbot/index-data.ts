// What the artist index is made of, read from the warehouse's latest_* views (six read-only
// queries in parallel). The chatbot runs this only when no snapshot exists; the
// spotify.chatbot_index job runs it to write the snapshot (snapshot.ts).
//   tracks: up to 10 per artist, versions of one song folded (track-titles.ts), 5 kept
//   collaborations: pairs credited on the same song, counted by distinct songs, never on
//     compilation albums and never with "Various Artists"
import { z } from 'zod';
import type { Warehouse } from '../../../platform/warehouse.js';
import { isVariousArtists, type IndexArtist, type IndexData } from './model.js';
import { isHttpUrl, spotifyArtistUrl, type TrackView, type TracksBasis } from './model.js';
import { distinctSongs, songKey } from './track-titles.js';

/** How many tracks per artist the index keeps (answers show at most 5). */
const TRACKS_KEPT = 5;

export const INDEX_QUERIES = {
  artists: `SELECT artist_id, name, genres, followers, popularity, image_url, spotify_url
FROM latest_spotify_artists`,
  credited: `SELECT artist_id, MAX(artist_name) AS name FROM latest_spotify_track_artists
GROUP BY artist_id`,
  tracks: `SELECT p.artist_id, p.track_id, p.rank, p.basis, p.track_name, p.album_name,
  p.release_date, p.spotify_url, al.image_url, t.isrc
FROM spotify_artist_popular_tracks AS p
LEFT JOIN latest_spotify_albums AS al ON al.album_id = p.album_id
LEFT JOIN latest_spotify_tracks AS t ON t.track_id = p.track_id
WHERE p.rank <= 10`,
  collaborations: `SELECT a.artist_id AS artist_a_id, b.artist_id AS artist_b_id, t.name AS track_name,
  t.isrc, a.track_id
FROM latest_spotify_track_artists AS a
JOIN latest_spotify_track_artists AS b ON a.track_id = b.track_id AND a.artist_id < b.artist_id
LEFT JOIN latest_spotify_tracks AS t ON t.track_id = a.track_id
LEFT JOIN latest_spotify_albums AS al ON al.album_id = a.album_id
WHERE al.album_type IS NULL OR al.album_type <> 'compilation'`,
  compilations: `SELECT DISTINCT c.album_id, c.artist_id FROM latest_spotify_track_artists AS c
JOIN latest_spotify_albums AS al ON al.album_id = c.album_id
WHERE al.album_type = 'compilation'`,
  aliases: `SELECT query, artist_id FROM latest_spotify_artist_search WHERE artist_id IS NOT NULL`,
} as const;

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const int = z.coerce
  .number()
  .int()
  .nullish()
  .transform((v) => v ?? null);
const httpUrl = text.transform((v) => (isHttpUrl(v) ? v : null));
/** JSON columns arrive as text (DuckDB) or parsed (BigQuery); a bad value becomes []. */
const stringArray = z
  .unknown()
  .optional()
  .transform((v): string[] => {
    let value = v;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return [];
      }
    }
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
  });

const artistRow = z.object({
  artist_id: z.string(),
  name: text,
  genres: stringArray,
  followers: int,
  popularity: int,
  image_url: httpUrl,
  spotify_url: httpUrl,
});
const creditedRow = z.object({ artist_id: z.string(), name: text });
const trackRow = z.object({
  artist_id: z.string(),
  track_id: z.string(),
  rank: z.coerce.number(),
  basis: z.enum(['top_tracks', 'newest_albums']).catch('newest_albums'),
  track_name: text,
  album_name: text,
  release_date: text,
  spotify_url: httpUrl,
  image_url: httpUrl,
  isrc: text,
});
const collabRow = z.object({
  artist_a_id: z.string(),
  artist_b_id: z.string(),
  track_id: z.string(),
  track_name: text,
  isrc: text,
});
const compilationRow = z.object({ album_id: z.string(), artist_id: z.string() });
const aliasRow = z.object({ query: z.string(), artist_id: z.string() });

/** Valid rows of a result; a malformed row is skipped (and counted), never fatal. */
function rowsOf<T>(schema: z.ZodType<T>, rows: unknown[], skipped: { n: number }): T[] {
  const out: T[] = [];
  for (const row of rows) {
    const parsed = schema.safeParse(row);
    if (parsed.success) out.push(parsed.data);
    else skipped.n += 1;
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type TrackRow = z.output<typeof trackRow>;

/** An artist's picks: best rank first, one version per song, at most TRACKS_KEPT. */
function picksOf(entry: { basis: TracksBasis; rows: TrackRow[] } | undefined): {
  tracks: TrackView[];
  basis: TracksBasis;
} {
  if (!entry) return { tracks: [], basis: 'none' };
  const ordered = [...entry.rows].sort((a, b) => a.rank - b.rank || cmp(a.track_id, b.track_id));
  const songs = distinctSongs(ordered.map((t) => ({ ...t, name: t.track_name ?? '' })));
  const tracks = songs.slice(0, TRACKS_KEPT).map((t): TrackView => ({
    id: t.track_id,
    name: t.name,
    albumName: t.album_name,
    imageUrl: t.image_url,
    spotifyUrl: t.spotify_url,
    releaseDate: t.release_date,
  }));
  return { tracks, basis: entry.basis };
}

/** Pairs of artists and how many distinct songs (not versions) they share. */
function collaborationsOf(
  rows: Array<z.output<typeof collabRow>>,
  names: Map<string, string>,
): IndexData['collaborations'] {
  const songs = new Map<string, Set<string>>();
  for (const r of rows) {
    if (isVariousArtists(r.artist_a_id, names.get(r.artist_a_id))) continue;
    if (isVariousArtists(r.artist_b_id, names.get(r.artist_b_id))) continue;
    const pair = `${r.artist_a_id} ${r.artist_b_id}`;
    let set = songs.get(pair);
    if (!set) songs.set(pair, (set = new Set()));
    set.add(r.track_name ? songKey(r.track_name) : `id:${r.track_id}`);
  }
  return [...songs].map(([pair, set]) => {
    const [a, b] = pair.split(' ') as [string, string];
    return { a, b, sharedTracks: set.size };
  });
}

export async function loadIndexData(
  warehouse: Warehouse,
): Promise<IndexData & { skippedRows: number }> {
  const [artists, credited, tracks, collabs, compilations, aliases] = await Promise.all([
    warehouse.query(INDEX_QUERIES.artists),
    warehouse.query(INDEX_QUERIES.credited),
    warehouse.query(INDEX_QUERIES.tracks),
    warehouse.query(INDEX_QUERIES.collaborations),
    warehouse.query(INDEX_QUERIES.compilations),
    warehouse.query(INDEX_QUERIES.aliases),
  ]);
  const skipped = { n: 0 };
  const tracksOf = new Map<string, { basis: TracksBasis; rows: TrackRow[] }>();
  for (const t of rowsOf(trackRow, tracks, skipped)) {
    if (t.track_name === null) continue;
    let entry = tracksOf.get(t.artist_id);
    if (!entry) tracksOf.set(t.artist_id, (entry = { basis: t.basis, rows: [] }));
    entry.rows.push(t);
  }
  const out: IndexArtist[] = [];
  const names = new Map<string, string>();
  for (const a of rowsOf(artistRow, artists, skipped)) {
    if (a.name === null || a.name.trim() === '' || names.has(a.artist_id)) continue;
    const { tracks: t, basis } = picksOf(tracksOf.get(a.artist_id));
    names.set(a.artist_id, a.name);
    out.push({
      id: a.artist_id,
      name: a.name,
      imageUrl: a.image_url ?? t.find((x) => x.imageUrl)?.imageUrl ?? null,
      spotifyUrl: a.spotify_url ?? spotifyArtistUrl(a.artist_id),
      genres: a.genres,
      popularity: a.popularity,
      followers: a.followers,
      tracks: t,
      tracksBasis: basis,
      hasProfile: true,
    });
  }
  for (const c of rowsOf(creditedRow, credited, skipped)) {
    if (names.has(c.artist_id) || c.name === null || c.name.trim() === '') continue;
    const { tracks: t, basis } = picksOf(tracksOf.get(c.artist_id));
    names.set(c.artist_id, c.name);
    out.push({
      id: c.artist_id,
      name: c.name,
      imageUrl: t.find((x) => x.imageUrl)?.imageUrl ?? null,
      spotifyUrl: spotifyArtistUrl(c.artist_id),
      genres: [],
      popularity: null,
      followers: null,
      tracks: t,
      tracksBasis: basis,
      hasProfile: false,
    });
  }
  const albums = new Map<string, string[]>();
  for (const r of rowsOf(compilationRow, compilations, skipped)) {
    const list = albums.get(r.album_id) ?? [];
    list.push(r.artist_id);
    albums.set(r.album_id, list);
  }
  return {
    artists: out,
    aliases: rowsOf(aliasRow, aliases, skipped).map((r) => ({
      name: r.query,
      artistId: r.artist_id,
    })),
    collaborations: collaborationsOf(rowsOf(collabRow, collabs, skipped), names),
    compilations: [...albums].map(([albumId, artistIds]) => ({ albumId, artistIds })),
    skippedRows: skipped.n,
  };
}
