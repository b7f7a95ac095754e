// The catalogue's schedules as the JSON file Terraform reads to create Cloud Scheduler jobs
// (and the topics and functions they feed). `npm run schedules` writes it, together with the
// deploy manifest (functions/deploy/manifest.ts); a test fails when a checked-in file
// differs from the code.
import { catalogOf } from '../core/catalog.js';
import { jobsEntryPoint, type SourceModule } from '../core/source.js';
import { SCHEDULE_ATTRIBUTE } from '../faces/pubsub/republish.js';
import { topicForJob, topicForSource } from '../platform/queue.js';
import { allSources } from '../sources/all.js';
import { FUNCTIONS_EXPORT_PATH, functionsExportText } from './manifest.js';

export const SCHEDULES_EXPORT_PATH = 'terraform/generated/schedules.json';

export interface ExportedSchedule {
  /** Stable id; the Cloud Scheduler job name (prefix it per environment). */
  id: string;
  job: string;
  source: string;
  description: string;
  /** Unix cron, evaluated in `timeZone`. */
  cron: string;
  timeZone: string;
  /** Topic short name without the environment prefix, e.g. `spotify-jobs`. */
  topic: string;
  /** The exact job message to publish (Pub/Sub data before base64). */
  message: string;
  /**
   * The message's params as an object, so an environment can override some of them
   * (terraform: schedule_overrides) and Terraform re-encodes the message.
   */
  params: Record<string, unknown>;
  /** Pub/Sub message attributes to publish with it. */
  attributes: Record<string, string>;
}

export interface ExportedSubscriber {
  /** Cloud Functions entry point (functions/index.ts). */
  entryPoint: string;
  source: string;
  topic: string;
}

export interface SchedulesExport {
  generated_by: string;
  schedules: ExportedSchedule[];
  subscribers: ExportedSubscriber[];
}

export function schedulesExport(sources: readonly SourceModule[] = allSources): SchedulesExport {
  return {
    generated_by: 'npm run schedules (from functions/sources/registry.ts); do not edit',
    schedules: catalogOf(sources)
      .schedules()
      .map((s) => ({
        id: s.id,
        job: s.job,
        source: s.source,
        description: s.description,
        cron: s.cron,
        timeZone: s.timeZone,
        topic: topicForJob(s.job, ''),
        message: JSON.stringify({ job: s.job, params: s.params }),
        params: s.params,
        attributes: { [SCHEDULE_ATTRIBUTE]: s.id },
      })),
    subscribers: sources.map((s) => ({
      entryPoint: jobsEntryPoint(s.name),
      source: s.name,
      topic: topicForSource(s.name),
    })),
  };
}

export function schedulesExportText(): string {
  return JSON.stringify(schedulesExport(), null, 2) + '\n';
}

/** Every file under terraform/generated/, path (from the repository root) → content. */
export function terraformExports(): Map<string, string> {
  return new Map([
    [SCHEDULES_EXPORT_PATH, schedulesExportText()],
    [FUNCTIONS_EXPORT_PATH, functionsExportText()],
  ]);
}
