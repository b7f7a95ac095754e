// Every job the system can run, in one list. Cloud Scheduler jobs (Terraform), the CLI's
// `jobs` listing and the Pub/Sub dispatchers all read it.
import { replayJob } from '../sources/platform/replay.js';
import { podcastJobs } from '../sources/spotify/podcast-jobs.js';
import { artistJobs } from '../sources/spotify/artist-jobs.js';
import { catalogueJobs } from '../sources/spotify/catalogue-jobs.js';
import { instagramJobs } from '../sources/instagram/jobs.js';
import { ingestJob } from '../sources/events/ingest-job.js';
import type { JobDefinition, Schedule } from './job.js';

export const jobs: readonly JobDefinition[] = [
  ...podcastJobs,
  ...artistJobs,
  ...catalogueJobs,
  ...instagramJobs,
  replayJob,
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
