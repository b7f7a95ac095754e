// Every Instagram job, for the catalogue.
import { brandsJob } from './brand-jobs.js';
import { hashtagsJob } from './hashtag-jobs.js';

export const instagramJobs = [brandsJob, hashtagsJob];
