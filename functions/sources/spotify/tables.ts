// Every table and view of the Spotify source: podcasts, then the artist catalogue. The
// chatbot reads them too, so they are importable without the jobs.
import { catalogueTables, catalogueViews } from './catalogue-tables.js';
import { podcastTables, podcastViews } from './podcast-tables.js';

export const spotifyTables = [...podcastTables, ...catalogueTables] as const;

export const spotifyViews = [...podcastViews, ...catalogueViews] as const;
