// The artist side of Spotify: artists, genres, albums, tracks, credits, top tracks, the
// name → artist resolution log, and two views the chatbot and the analysts read
// (collaborations, popular tracks). Column names here are a contract: keep them stable.
import { col, defineTable, defineView, required } from '../../../schemas/define.js';

export const spotifyArtists = defineTable({
  name: 'spotify_artists',
  description:
    'Artist profiles, one snapshot per artist per run (GET /artists/{id}, or /artists?ids= in the extended tier). Followers, popularity and genres are NULL when Spotify omits them (development mode).',
  key: ['artist_id'],
  columns: {
    artist_id: required(col.string('Spotify artist id (base-62).')),
    name: col.string('Artist name exactly as Spotify writes it (any script, e.g. Hangul).'),
    genres: col.json(
      'Genres (array of strings); NULL when absent (development mode), [] when Spotify lists none.',
    ),
    followers: col.int('followers.total; NULL when absent (development mode), never a fake 0.'),
    popularity: col.int('0-100 popularity; NULL when absent (development mode).'),
    image_url: col.string('Largest image URL.'),
    spotify_url: col.string('Open-in-Spotify URL.'),
    endpoint: col.string(
      'Which answer produced the snapshot: artist (GET /artists/{id}) or artists_batch (GET /artists?ids=).',
    ),
  },
});

export const spotifyArtistGenres = defineTable({
  name: 'spotify_artist_genres',
  description:
    'One row per artist and genre per run, so several genres per artist survive as rows. Written only when Spotify returns genres; the current set is the rows whose run_id equals latest_spotify_artists.run_id.',
  key: ['artist_id', 'genre'],
  columns: {
    artist_id: required(col.string('Spotify artist id.')),
    genre: required(col.string('Genre as Spotify writes it, e.g. "k-pop".')),
    position: required(col.int("1-based position in the artist's genres array.")),
  },
});

export const spotifyAlbums = defineTable({
  name: 'spotify_albums',
  description:
    'Albums (albums, singles, compilations), one snapshot per album per run, from artist album listings (simplified objects) and album lookups (full objects: label and popularity when Spotify returns them).',
  key: ['album_id'],
  fullOnly: ['label', 'upc', 'popularity'],
  columns: {
    album_id: required(col.string('Spotify album id.')),
    name: col.string('Album title.'),
    album_type: col.string('album, single or compilation.'),
    album_group: col.string(
      'album_group of the artist listing that produced this snapshot (album, single, compilation, appears_on); NULL from album lookups. The per-artist relation is spotify_artist_albums.album_group.',
    ),
    release_date: col.string(
      'Release date as Spotify gives it: YYYY, YYYY-MM or YYYY-MM-DD, per release_date_precision.',
    ),
    release_date_precision: col.string('year, month or day.'),
    total_tracks: col.int('Number of tracks on the album.'),
    artist_ids: col.json('Primary artist ids of the album (array, in credit order).'),
    artist_names: col.json('Primary artist names of the album (array, same order as artist_ids).'),
    label: col.string('Record label; only in full album objects, NULL otherwise.'),
    popularity: col.int(
      '0-100 popularity; only in full album objects and not in development mode.',
    ),
    upc: col.string('external_ids.upc of full album objects; NULL otherwise.'),
    image_url: col.string('Largest cover image URL.'),
    spotify_url: col.string('Open-in-Spotify URL.'),
    market: col.string('Market the answer was requested for.'),
    endpoint: col.string(
      'Which answer produced the snapshot: artist_albums (simplified object), album or albums_batch (full objects).',
    ),
  },
});

export const spotifyArtistAlbums = defineTable({
  name: 'spotify_artist_albums',
  description:
    "Which albums an artist's discography lists (GET /artists/{id}/albums), with the artist-relative album_group; one row per artist and album per run.",
  key: ['artist_id', 'album_id'],
  clustering: ['artist_id', 'album_id'],
  columns: {
    artist_id: required(col.string('The artist whose listing returned the album.')),
    album_id: required(col.string('Spotify album id.')),
    album_group: col.string(
      'Relation of the artist to the album: album, single, compilation or appears_on.',
    ),
    album_type: col.string('album, single or compilation.'),
    release_date: col.string('Release date as Spotify gives it (see release_date_precision).'),
    release_date_precision: col.string('year, month or day.'),
    listing_position: col.int('1-based position of the album in the listing.'),
    include_groups: col.string('The include_groups filter the listing was requested with.'),
    market: col.string('Market the listing was requested for.'),
  },
});

export const spotifyTracks = defineTable({
  name: 'spotify_tracks',
  description:
    'Tracks, one snapshot per track per run, from album track listings (simplified objects), album lookups and top tracks (full objects).',
  key: ['track_id'],
  clustering: ['album_id', 'track_id'],
  fullOnly: ['popularity', 'isrc'],
  columns: {
    track_id: required(col.string('Spotify track id.')),
    album_id: col.string('Album the track belongs to.'),
    name: col.string('Track title.'),
    track_number: col.int('1-based position on its disc.'),
    disc_number: col.int('Disc number (1 for single-disc albums).'),
    duration_ms: col.int('Duration in milliseconds.'),
    explicit: col.bool('Explicit-content flag.'),
    popularity: col.int(
      '0-100 popularity; only in full track objects and not in development mode, NULL otherwise.',
    ),
    preview_url: col.string('30-second preview URL; NULL when absent.'),
    isrc: col.string('external_ids.isrc of full track objects; NULL otherwise.'),
    is_playable: col.bool('Playable in the requested market (only when a market was passed).'),
    linked_from_id: col.string(
      'The id that was requested when Spotify relinked the track in the market (linked_from.id); track_id is the playable one. NULL when not relinked.',
    ),
    artist_ids: col.json('Credited artist ids (array, in credit order).'),
    spotify_url: col.string('Open-in-Spotify URL.'),
    market: col.string('Market the answer was requested for.'),
    endpoint: col.string(
      'Which answer produced the snapshot: album_tracks, album, albums_batch, tracks_batch or top_tracks.',
    ),
  },
});

export const spotifyTrackArtists = defineTable({
  name: 'spotify_track_artists',
  description:
    'Track credits: every artist credited on every collected track (features included), one row per track and artist per run.',
  key: ['track_id', 'artist_id'],
  clustering: ['artist_id', 'track_id'],
  columns: {
    track_id: required(col.string('Spotify track id.')),
    artist_id: required(col.string('Credited artist id.')),
    position: required(col.int('1-based credit position (1 = main artist).')),
    artist_name: col.string('Credited artist name as written on the track.'),
    album_id: col.string('Album of the track.'),
  },
});

export const spotifyArtistTopTracks = defineTable({
  name: 'spotify_artist_top_tracks',
  description:
    "An artist's top tracks in a market (GET /artists/{id}/top-tracks): extended tier only. In development mode use the spotify_artist_popular_tracks view, which falls back to the newest albums.",
  key: ['artist_id', 'market', 'rank'],
  clustering: ['artist_id', 'market'],
  columns: {
    artist_id: required(col.string('Spotify artist id.')),
    market: required(col.string('Market of the ranking.')),
    rank: required(col.int('1-based rank in the top tracks.')),
    track_id: required(col.string('Spotify track id.')),
    track_name: col.string('Track title.'),
    album_id: col.string('Album of the track.'),
    popularity: col.int('0-100 popularity of the track; NULL when absent.'),
  },
});

export const spotifyArtistSearch = defineTable({
  name: 'spotify_artist_search',
  description:
    'Name → artist resolutions: what was asked, what was chosen and why (exact normalised match first, else the best-ranked hit), one row per query and market per run.',
  key: ['query', 'market'],
  columns: {
    query: required(col.string('The name as asked, unchanged (any script).')),
    normalized_query: required(
      col.string('NFKC, accents stripped, case-folded, whitespace-collapsed query.'),
    ),
    market: required(col.string('Market the search ran in.')),
    artist_id: col.string('Chosen artist id; NULL when nothing was found.'),
    artist_name: col.string('Chosen artist name as Spotify writes it.'),
    match_kind: required(
      col.string(
        'exact (normalised names equal), best_ranked (no exact match: the first hit) or none.',
      ),
    ),
    rank: col.int('1-based search rank of the chosen artist.'),
    reason: required(col.string('Human-readable explanation of the choice.')),
    candidates: col.json(
      'The hits considered: array of {rank, artist_id, name, exact} in search order.',
    ),
    candidate_count: required(col.int('Number of hits considered.')),
    total_results: col.int('Total hits Spotify reported for the query.'),
  },
});

export const spotifyCollaborations = defineView({
  name: 'spotify_collaborations',
  description:
    'Pairs of artists credited on the same track (features), from the latest credits: artist_a_id < artist_b_id, with how many tracks and albums they share.',
  dependsOn: [spotifyTrackArtists.latestView],
  sql: (ref) =>
    `SELECT a.artist_id AS artist_a_id, MAX(a.artist_name) AS artist_a_name,\n` +
    `  b.artist_id AS artist_b_id, MAX(b.artist_name) AS artist_b_name,\n` +
    `  COUNT(DISTINCT a.track_id) AS shared_tracks, COUNT(DISTINCT a.album_id) AS shared_albums,\n` +
    `  MAX(GREATEST(a.collected_at, b.collected_at)) AS last_collected_at\n` +
    `FROM ${ref(spotifyTrackArtists.latestView)} AS a\n` +
    `JOIN ${ref(spotifyTrackArtists.latestView)} AS b\n` +
    `  ON a.track_id = b.track_id AND a.artist_id < b.artist_id\n` +
    `GROUP BY a.artist_id, b.artist_id`,
});

export const spotifyArtistPopularTracks = defineView({
  name: 'spotify_artist_popular_tracks',
  description:
    'Up to 10 "popular" tracks per artist: the latest top tracks where collected (extended tier, basis top_tracks), otherwise the tracks of the newest albums (development mode, basis newest_albums), tracks where the artist is the main credit first.',
  dependsOn: [
    spotifyArtistTopTracks.latestView,
    spotifyTrackArtists.latestView,
    spotifyTracks.latestView,
    spotifyAlbums.latestView,
  ],
  sql: (ref) =>
    `WITH top AS (\n` +
    `  SELECT artist_id, track_id, rank AS source_rank, 'top_tracks' AS basis\n` +
    `  FROM ${ref(spotifyArtistTopTracks.latestView)}\n` +
    `), newest AS (\n` +
    `  SELECT c.artist_id, c.track_id,\n` +
    `    ROW_NUMBER() OVER (PARTITION BY c.artist_id ORDER BY CASE WHEN c.position = 1 THEN 0 ELSE 1 END, al.release_date DESC NULLS LAST, t.album_id, t.disc_number, t.track_number, t.track_id) AS source_rank,\n` +
    `    'newest_albums' AS basis\n` +
    `  FROM ${ref(spotifyTrackArtists.latestView)} AS c\n` +
    `  JOIN ${ref(spotifyTracks.latestView)} AS t ON t.track_id = c.track_id\n` +
    `  LEFT JOIN ${ref(spotifyAlbums.latestView)} AS al ON al.album_id = t.album_id\n` +
    `  WHERE c.artist_id NOT IN (SELECT artist_id FROM top)\n` +
    `), picked AS (\n` +
    `  SELECT * FROM top\n` +
    `  UNION ALL\n` +
    `  SELECT * FROM newest WHERE source_rank <= 10\n` +
    `)\n` +
    `SELECT p.artist_id, p.track_id, p.source_rank AS rank, p.basis, t.name AS track_name,\n` +
    `  t.album_id, al.name AS album_name, al.release_date, t.popularity, t.preview_url, t.spotify_url\n` +
    `FROM picked AS p\n` +
    `LEFT JOIN ${ref(spotifyTracks.latestView)} AS t ON t.track_id = p.track_id\n` +
    `LEFT JOIN ${ref(spotifyAlbums.latestView)} AS al ON al.album_id = t.album_id`,
});

export const catalogueTables = [
  spotifyArtists,
  spotifyArtistGenres,
  spotifyAlbums,
  spotifyArtistAlbums,
  spotifyTracks,
  spotifyTrackArtists,
  spotifyArtistTopTracks,
  spotifyArtistSearch,
] as const;

export const catalogueViews = [spotifyCollaborations, spotifyArtistPopularTracks] as const;
