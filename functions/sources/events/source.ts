// The events source: marketing events the events HTTP function (functions/faces/events/)
// accepted, landed raw and written by events.ingest on the eventsJobs function.
import { defineSource } from '../../core/source.js';
import { ingestJob } from './ingest-job.js';
import { eventsMapper } from './mapper.js';
import { eventTables } from './tables.js';

export const eventsSource = defineSource({
  name: 'events',
  description: 'Loads accepted marketing events into Cloud Storage and BigQuery.',
  // The webhook's tokens are read by the events HTTP function, not by this one.
  secrets: [],
  jobs: [ingestJob],
  mappers: [eventsMapper],
  tables: eventTables,
  views: [],
});
