// The Instagram source: watched brands' profiles and media, hashtag media (Graph API).
import { defineSource } from '../../core/source.js';
import { brandsJob } from './brand-jobs.js';
import { INSTAGRAM_SECRET_IDS } from './config.js';
import { hashtagsJob } from './hashtag-jobs.js';
import { instagramMappers } from './mappers.js';
import { instagramTables } from './tables.js';

export const instagramSource = defineSource({
  name: 'instagram',
  description: 'Runs Instagram jobs (brand profiles, media, hashtags) from its Pub/Sub topic.',
  secrets: INSTAGRAM_SECRET_IDS,
  jobs: [brandsJob, hashtagsJob],
  mappers: instagramMappers,
  tables: instagramTables,
  views: [],
});
