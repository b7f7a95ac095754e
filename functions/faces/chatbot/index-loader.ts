// Builds the artist index from the warehouse's latest_* views (six read-only queries run in
// parallel at cold start) and keeps it fresh: after the TTL the next request starts a
// rebuild in the background and keeps answering from the old index until it is ready.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Warehouse } from '../../platform/warehouse.js';
import { ArtistIndex, type IndexArtist, type IndexData } from './artist-index.js';
import { isHttpUrl, spotifyArtistUrl, type TrackView, type TracksBasis } from './reply.js';

/** How many tracks per artist the index keeps (answers show at most 5). */
const TRACKS_KEPT = 5;

const INDEX_QUERIES = {
  artists: `SELECT artist_id, name, genres, followers, popularity, image_url, spotify_url
FROM latest_spotify_artists`,
  credited: `SELECT artist_id, MAX(artist_name) AS name FROM latest_spotify_track_artists
GROUP BY artist_id`,
  tracks: `SELECT p.artist_id, p.track_id, p.rank, p.basis, p.track_name, p.album_name,
  p.release_date, p.spotify_url, al.image_url
FROM spotify_artist_popular_tracks AS p
LEFT JOIN latest_spotify_albums AS al ON al.album_id = p.album_id
WHERE p.rank <= 10`,
  collaborations: `SELECT artist_a_id, artist_b_id, shared_tracks FROM spotify_collaborations`,
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
});
const collabRow = z.object({
  artist_a_id: z.string(),
  artist_b_id: z.string(),
  shared_tracks: z.coerce.number(),
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

async function loadIndexData(warehouse: Warehouse): Promise<IndexData & { skippedRows: number }> {
  const [artists, credited, tracks, collabs, compilations, aliases] = await Promise.all([
    warehouse.query(INDEX_QUERIES.artists),
    warehouse.query(INDEX_QUERIES.credited),
    warehouse.query(INDEX_QUERIES.tracks),
    warehouse.query(INDEX_QUERIES.collaborations),
    warehouse.query(INDEX_QUERIES.compilations),
    warehouse.query(INDEX_QUERIES.aliases),
  ]);
  const skipped = { n: 0 };
  const tracksOf = topTracks(rowsOf(trackRow, tracks, skipped));
  return {
    artists: indexArtists(
      rowsOf(artistRow, artists, skipped),
      rowsOf(creditedRow, credited, skipped),
      tracksOf,
    ),
    aliases: rowsOf(aliasRow, aliases, skipped).map((r) => ({
      name: r.query,
      artistId: r.artist_id,
    })),
    collaborations: rowsOf(collabRow, collabs, skipped).map((r) => ({
      a: r.artist_a_id,
      b: r.artist_b_id,
      sharedTracks: r.shared_tracks,
    })),
    compilations: compilationsOf(rowsOf(compilationRow, compilations, skipped)),
    skippedRows: skipped.n,
  };
}

type TracksOf = (artistId: string) => { tracks: TrackView[]; basis: TracksBasis };

/** Each artist's tracks to show: by rank, one per name, at most TRACKS_KEPT. */
function topTracks(rows: z.output<typeof trackRow>[]): TracksOf {
  const tracksOf = new Map<string, { basis: TracksBasis; rows: z.output<typeof trackRow>[] }>();
  for (const t of rows) {
    if (t.track_name === null) continue;
    let entry = tracksOf.get(t.artist_id);
    if (!entry) tracksOf.set(t.artist_id, (entry = { basis: t.basis, rows: [] }));
    entry.rows.push(t);
  }
  return (artistId) => {
    const entry = tracksOf.get(artistId);
    if (!entry) return { tracks: [], basis: 'none' };
    const seen = new Set<string>();
    const picked: TrackView[] = [];
    for (const t of entry.rows.sort((a, b) => a.rank - b.rank || cmp(a.track_id, b.track_id))) {
      const key = (t.track_name ?? '').toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      picked.push({
        id: t.track_id,
        name: t.track_name ?? '',
        albumName: t.album_name,
        imageUrl: t.image_url,
        spotifyUrl: t.spotify_url,
        releaseDate: t.release_date,
      });
      if (picked.length === TRACKS_KEPT) break;
    }
    return { tracks: picked, basis: entry.basis };
  };
}

/** Artists with a profile, then artists only credited on tracks (no profile row). */
function indexArtists(
  profiles: z.output<typeof artistRow>[],
  credited: z.output<typeof creditedRow>[],
  tracksOf: TracksOf,
): IndexArtist[] {
  const out: IndexArtist[] = [];
  const have = new Set<string>();
  for (const a of profiles) {
    if (a.name === null || a.name.trim() === '') continue;
    const { tracks: t, basis } = tracksOf(a.artist_id);
    have.add(a.artist_id);
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
  for (const c of credited) {
    if (have.has(c.artist_id) || c.name === null || c.name.trim() === '') continue;
    const { tracks: t, basis } = tracksOf(c.artist_id);
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
  return out;
}

/** Compilation albums with the artists each lists. */
function compilationsOf(rows: z.output<typeof compilationRow>[]): IndexData['compilations'] {
  const albums = new Map<string, string[]>();
  for (const r of rows) {
    const list = albums.get(r.album_id) ?? [];
    list.push(r.artist_id);
    albums.set(r.album_id, list);
  }
  return [...albums].map(([albumId, artistIds]) => ({ albumId, artistIds }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The current index, rebuilt after `ttlMs` (measured on the injected clock). */
export class IndexProvider {
  private current: ArtistIndex | null = null;
  private loading: Promise<ArtistIndex> | null = null;
  private failedAt: number | null = null;
  /** After a failed build, requests do not wait for another attempt for this long. */
  static readonly RETRY_AFTER_FAILURE_MS = 30_000;

  constructor(
    private readonly warehouse: () => Promise<Warehouse>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Waits only when there is no index yet; a stale one is served while it refreshes. */
  async get(): Promise<ArtistIndex> {
    const index = this.current;
    const now = this.clock.now().getTime();
    const backingOff =
      this.failedAt !== null && now - this.failedAt < IndexProvider.RETRY_AFTER_FAILURE_MS;
    if (index === null) {
      if (backingOff) throw new Error('the artist index is unavailable (last build failed)');
      return this.refresh();
    }
    if (now - index.builtAt.getTime() >= this.ttlMs && !backingOff) {
      this.refresh().catch(() => undefined);
    }
    return index;
  }

  /** Starts (or joins) a rebuild. */
  refresh(): Promise<ArtistIndex> {
    this.loading ??= this.build().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async build(): Promise<ArtistIndex> {
    const started = Date.now();
    try {
      const data = await loadIndexData(await this.warehouse());
      const index = new ArtistIndex(data, this.clock.now());
      this.current = index;
      this.failedAt = null;
      this.log.info('artist index built', {
        artists: index.size,
        collaborations: data.collaborations.length,
        skipped_rows: data.skippedRows,
        ms: Date.now() - started,
      });
      return index;
    } catch (error) {
      this.failedAt = this.clock.now().getTime();
      this.log.error('artist index could not be built; answering from live search', { error });
      throw error;
    }
  }
}
