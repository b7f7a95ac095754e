// The core's own tables: every run writes a job_runs row and its data-quality counters.
import {
  col,
  defineTable,
  latestViewOf,
  required,
  type TableDef,
  type ViewDef,
  type WarehouseSchema,
} from '../../schemas/define.js';

export const jobRuns = defineTable({
  name: 'job_runs',
  description:
    'One row per job run: what ran, what it wrote, how it ended. Feeds the failed-run alerts.',
  key: ['run_id'],
  clustering: ['job', 'run_id'],
  columns: {
    job: required(col.string('Job name, e.g. spotify.podcast_episodes.')),
    source: required(col.string('spotify, instagram, events or platform.')),
    outcome: required(col.string('succeeded, deferred, failed or rejected.')),
    error: col.string('Error message when the run did not succeed (never contains secrets).'),
    items: col.int('Items the job processed (shows, episodes, accounts...).'),
    rows: col.json('Rows written per table, e.g. {"spotify_episodes": 137}.'),
    api_calls: col.int('HTTP requests sent to the source, retries and token calls included.'),
    duration_ms: col.int('Wall-clock duration of the run.'),
    params: col.json('The validated job parameters.'),
  },
});

export const dataQuality = defineTable({
  name: 'data_quality',
  description:
    'Per-run data-quality counters: records rejected, fields stored as NULL because they were malformed, per table and check.',
  key: ['run_id', 'table_name', 'check_name'],
  clustering: ['table_name', 'check_name'],
  columns: {
    job: required(col.string('Job that ran the check.')),
    table_name: required(col.string('Table the records were bound for.')),
    check_name: required(
      col.string('What was counted, e.g. rejected_record or nulled_field:like_count.'),
    ),
    count: required(col.int('How many records or fields the check counted in this run.')),
    sample: col.string('One example reason, for the analyst chasing it.'),
  },
});

export const coreTables = [jobRuns, dataQuality] as const;

/** The core's tables and `tables`, with every `latest_*` view and then `views`. */
export function schemaOf(
  tables: readonly TableDef[],
  views: readonly ViewDef[] = [],
): WarehouseSchema {
  const all = [...coreTables, ...tables];
  return { tables: all, views: [...all.map(latestViewOf), ...views] };
}
