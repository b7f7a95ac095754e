// events.ingest: lands accepted events raw and writes their rows. The events HTTP function
// publishes it (cloud) or runs it in-process before answering (local); the eventsJobs
// Pub/Sub function runs what was published.
import { z } from 'zod';
import { defineJob } from '../../core/job.js';
import { ingest } from '../../core/ingest.js';
import { normalisedEventSchema } from './event.js';
import { eventsMapper, lineContext } from './mapper.js';

export const INGEST_JOB = 'events.ingest';

export const ingestParams = z.strictObject({
  events: z.array(normalisedEventSchema).min(1).max(20_000),
});

export const ingestJob = defineJob({
  name: INGEST_JOB,
  source: 'events',
  description:
    'Lands pushed events (from the events HTTP function) in the raw store and writes them to the events table.',
  params: ingestParams,
  schedules: [],
  async run(ctx, params) {
    const sources = new Map<string, number>();
    for (const event of params.events) {
      await ingest(
        ctx,
        eventsMapper,
        {
          url: `/events/${event.source}`,
          method: event.transport === 'query' ? 'GET' : 'POST',
          status: 202,
          body: event.payload,
        },
        lineContext(event),
      );
      sources.set(event.source, (sources.get(event.source) ?? 0) + 1);
    }
    ctx.addItems(params.events.length);
    return { details: { events: params.events.length, sources: Object.fromEntries(sources) } };
  },
});
