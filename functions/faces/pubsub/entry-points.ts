// The Pub/Sub-triggered functions: one per source, so each has its own service account,
// secrets, timeout and max instances (Instagram's budgets want a low ceiling). Terraform
// reads this list through terraform/generated/schedules.json (functions/jobs/schedules-export.ts).
import type { JobSource } from '../../core/job.js';

export interface PubSubEntryPoint {
  /** functions-framework target and Cloud Functions entry point. */
  name: string;
  /** Jobs whose name starts with `${source}.` travel on this function's topic. */
  source: JobSource;
}

export const pubsubEntryPoints: readonly PubSubEntryPoint[] = [
  { name: 'spotifyJobs', source: 'spotify' },
  { name: 'instagramJobs', source: 'instagram' },
  { name: 'eventsJobs', source: 'events' },
  { name: 'platformJobs', source: 'platform' },
];

/** Attribute Cloud Scheduler sets on the messages it publishes: the schedule id. */
export const SCHEDULE_ATTRIBUTE = 'fanpulse-schedule';

// The job-name → source → topic rule lives in platform/queue.ts; re-exported for the
// modules and tests that import it from here.
export { sourceOfJob as sourceOfJobName, topicForSource } from '../../platform/queue.js';
