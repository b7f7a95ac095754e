import { col, defineTable, defineView, required } from '../../../schemas/define.js';

export const spotifyShows = defineTable({
  name: 'spotify_shows',
  description:
    'Podcast shows as Spotify describes them, one snapshot per run; from show search and show lookups.',
  key: ['show_id'],
  columns: {
    show_id: required(col.string('Spotify show id (base-62).')),
    name: col.string('Show name.'),
    description: col.string('Plain-text description.'),
    publisher: col.string('Publisher; Spotify development mode no longer returns it (NULL then).'),
    total_episodes: col.int('Episode count Spotify reports for the market.'),
    languages: col.json('Language codes (array).'),
    explicit: col.bool('Explicit-content flag.'),
    media_type: col.string('audio, video or mixed.'),
    spotify_url: col.string('Open-in-Spotify URL.'),
    image_url: col.string('Largest cover image URL.'),
    market: col.string('Market the answer was requested for.'),
    search_term: col.string('Search term that found the show, when it came from a search.'),
    search_rank: col.int('1-based position in the search results for search_term.'),
  },
});

export const spotifyEpisodes = defineTable({
  name: 'spotify_episodes',
  description: 'Every episode of the collected shows, one snapshot per run.',
  key: ['episode_id'],
  clustering: ['show_id', 'episode_id'],
  columns: {
    episode_id: required(col.string('Spotify episode id.')),
    show_id: required(col.string('Show the episode belongs to.')),
    name: col.string('Episode title.'),
    description: col.string('Plain-text description (html_description is not stored).'),
    release_date: col.string(
      'Release date as Spotify gives it: YYYY, YYYY-MM or YYYY-MM-DD, per release_date_precision.',
    ),
    release_date_precision: col.string('year, month or day.'),
    duration_ms: col.int('Duration in milliseconds.'),
    language: col.string('Deprecated single language; NULL when absent (development mode).'),
    languages: col.json('Language codes (array).'),
    explicit: col.bool('Explicit-content flag.'),
    type: col.string('Object type, "episode".'),
    spotify_url: col.string('Open-in-Spotify URL.'),
    market: col.string('Market the answer was requested for.'),
  },
});

export const spotifyEpisodeMentions = defineTable({
  name: 'spotify_episode_mentions',
  description:
    'Whether an episode mentions a watched term (accent-, case- and width-insensitive) in its name or description; one row per episode and term per run.',
  key: ['episode_id', 'term'],
  columns: {
    episode_id: required(col.string('Spotify episode id.')),
    show_id: required(col.string('Show the episode belongs to.')),
    term: required(col.string('The watched term as configured, e.g. "Grupo Boticário".')),
    in_name: required(col.bool('The normalised name contains the normalised term.')),
    in_description: required(col.bool('The normalised description contains the normalised term.')),
    matched: required(col.bool('in_name OR in_description.')),
  },
});

export const spotifyEpisodeListings = defineTable({
  name: 'spotify_episode_listings',
  description:
    "One row per run that walked a show's episode listing to its end (it landed the listing's last page, whose next is null): the complete listings spotify_episode_presence judges removals by. An incremental run that stopped at episodes already collected writes none.",
  key: ['show_id'],
  columns: {
    show_id: required(col.string('Show whose listing the run walked to its end.')),
    total_episodes: col.int(
      "The listing's total on its last page (unavailable episodes included).",
    ),
    listing_end: col.int('Offset after the last item of the last page (its offset + its items).'),
    market: col.string('Market the answer was requested for.'),
  },
});

export const episodesMentioningTerms = defineView({
  name: 'spotify_episodes_mentioning_terms',
  description:
    'The latest snapshot of every episode that mentions a watched term, with the term (the source design table 7).',
  dependsOn: [spotifyEpisodes.latestView, spotifyEpisodeMentions.latestView],
  sql: (ref) =>
    `SELECT m.term, e.episode_id, e.show_id, e.name, e.description, e.release_date, e.release_date_precision,\n` +
    `  e.duration_ms, e.language, e.languages, e.explicit, e.type, e.spotify_url, e.collected_at\n` +
    `FROM ${ref(spotifyEpisodeMentions.latestView)} AS m\n` +
    `JOIN ${ref(spotifyEpisodes.latestView)} AS e ON e.episode_id = m.episode_id\n` +
    `WHERE m.matched`,
});

/**
 * Removed content: every episode ever listed, with when it was first and last seen in its
 * show's listing, and whether it is gone (not seen by the show's latest complete listing).
 * A complete listing is a run that walked the listing to its end (a spotify_episode_listings
 * row, mapped from the landed last page, so replay rebuilds it) and did not fail (a deferred
 * delivery's record may outlive the redelivery that finished it): an
 * incremental run that stopped at episodes already collected, or a run a cap cut short, is
 * not one and removes nothing. Shows collected before listings were recorded fall back to
 * the newest succeeded run not cut short by a page cap, or, without run records, the newest
 * collection of the show's episodes.
 */
export const episodePresence = defineView({
  name: 'spotify_episode_presence',
  description:
    "Every episode ever listed with first_seen_at, last_seen_at and removed (not in its show's latest complete listing: a run that walked the listing to its end and did not fail; incremental runs and runs cut short by a page cap remove nothing): episodes that left a show stay visible.",
  dependsOn: [
    spotifyEpisodes.name,
    spotifyEpisodes.latestView,
    spotifyEpisodeListings.name,
    'latest_job_runs',
    'latest_data_quality',
  ],
  sql: (ref) =>
    `WITH capped AS (\n` +
    `  SELECT DISTINCT run_id FROM ${ref('latest_data_quality')}\n` +
    `  WHERE table_name = '${spotifyEpisodes.name}' AND check_name = 'page_cap_reached'\n` +
    `), complete AS (\n` +
    `  SELECT DISTINCT l.show_id, l.run_id FROM ${ref(spotifyEpisodeListings.name)} AS l\n` +
    `  LEFT JOIN ${ref('latest_job_runs')} AS r ON r.run_id = l.run_id\n` +
    `  WHERE r.run_id IS NULL OR r.outcome <> 'failed'\n` +
    `), listings AS (\n` +
    `  SELECT e.show_id, COALESCE(\n` +
    `    MAX(CASE WHEN k.run_id IS NOT NULL THEN e.collected_at END),\n` +
    `    MAX(CASE WHEN r.outcome = 'succeeded' AND r.job = 'spotify.podcast_episodes' AND c.run_id IS NULL THEN e.collected_at END),\n` +
    `    MAX(e.collected_at)) AS listed_at\n` +
    `  FROM ${ref(spotifyEpisodes.name)} AS e\n` +
    `  LEFT JOIN complete AS k ON k.run_id = e.run_id AND k.show_id = e.show_id\n` +
    `  LEFT JOIN ${ref('latest_job_runs')} AS r ON r.run_id = e.run_id\n` +
    `  LEFT JOIN capped AS c ON c.run_id = e.run_id\n` +
    `  GROUP BY e.show_id\n` +
    `), seen AS (\n` +
    `  SELECT episode_id, MIN(collected_at) AS first_seen_at, MAX(collected_at) AS last_seen_at\n` +
    `  FROM ${ref(spotifyEpisodes.name)} GROUP BY episode_id\n` +
    `)\n` +
    `SELECT e.*, s.first_seen_at, s.last_seen_at, s.last_seen_at < l.listed_at AS removed\n` +
    `FROM ${ref(spotifyEpisodes.latestView)} AS e\n` +
    `JOIN seen AS s ON s.episode_id = e.episode_id\n` +
    `JOIN listings AS l ON l.show_id = e.show_id`,
});

/** The episodes each show lists now (its latest complete listing). */
export const currentEpisodes = defineView({
  name: 'spotify_current_episodes',
  description:
    'The episodes each show lists now: spotify_episode_presence without the removed ones.',
  dependsOn: [episodePresence.name],
  sql: (ref) => `SELECT * FROM ${ref(episodePresence.name)} WHERE NOT removed`,
});

export const podcastTables = [
  spotifyShows,
  spotifyEpisodes,
  spotifyEpisodeMentions,
  spotifyEpisodeListings,
] as const;
export const podcastViews = [episodesMentioningTerms, episodePresence, currentEpisodes] as const;
