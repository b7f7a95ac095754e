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
