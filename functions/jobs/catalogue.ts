// Every job the system can run, in one list. Cloud Scheduler jobs (Terraform), the CLI's
// `jobs` listing and the Pub/Sub dispatchers all read it.
import { replayJob } from '../platform-jobs/replay.js';
import { podcastJobs } from '../spotify/podcast-jobs.js';
import { artistJobs } from '../spotify/artist-jobs.js';
import { catalogueJobs } from '../spotify/catalogue-jobs.js';
import { instagramJobs } from '../instagram/jobs.js';
import { ingestJob } from '../events/ingest-job.js';
import { chatbotIndexJob } from '../chatbot/index-job.js';
import type { JobDefinition, Schedule } from './types.js';

export const jobs: readonly JobDefinition[] = [
  ...podcastJobs,
  ...artistJobs,
  ...catalogueJobs,
  ...instagramJobs,
  replayJob,
  chatbotIndexJob,
  ingestJob,
];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((job) => job.name === name);
}

export interface ScheduledJob extends Schedule {
  job: string;
  source: JobDefinition['source'];
}

export function schedules(): ScheduledJob[] {
  return jobs.flatMap((job) =>
    job.schedules.map((s) => ({ ...s, job: job.name, source: job.source })),
  );
}
