// The Spotify source: podcast shows and episodes, artists, albums and tracks.
import { defineSource } from '../../core/source.js';
import { artistJobs } from './artist-jobs.js';
import { catalogueJobs } from './catalogue-jobs.js';
import { catalogueMappers } from './catalogue-mappers.js';
import { chatbotIndexJob } from './chatbot/job.js';
import { SPOTIFY_SECRET_IDS } from './config.js';
import { podcastJobs } from './podcast-jobs.js';
import { podcastMappers } from './podcast-mappers.js';
import { spotifyTables, spotifyViews } from './tables.js';

export const spotifySource = defineSource({
  name: 'spotify',
  description:
    "Runs Spotify jobs (podcasts, artists, catalogue, the chatbot's artist index) from its Pub/Sub topic.",
  secrets: SPOTIFY_SECRET_IDS,
  jobs: [...podcastJobs, ...artistJobs, ...catalogueJobs, chatbotIndexJob],
  mappers: [...podcastMappers, ...catalogueMappers],
  tables: spotifyTables,
  views: spotifyViews,
});
