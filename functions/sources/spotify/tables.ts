// Every table and view of the Spotify source: podcasts, then the artist catalogue. The
// chatbot reads them too, so they are importable without the jobs.
import { catalogueTables, catalogueViews } from './catalogue-tables.js';
import {
  episodesMentioningTerms,
  spotifyEpisodeMentions,
  spotifyEpisodes,
  spotifyShows,
} from './podcast-tables.js';

export const spotifyTables = [
  spotifyShows,
  spotifyEpisodes,
  spotifyEpisodeMentions,
  ...catalogueTables,
] as const;

export const spotifyViews = [episodesMentioningTerms, ...catalogueViews] as const;
