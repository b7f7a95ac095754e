// Making accepted events durable before the sender hears 2xx.
//
// Cloud (FANPULSE_QUEUE=pubsub): one `events.ingest` job message per batch on the
// `${prefix}events-jobs` topic; the answer waits until Pub/Sub accepted it. The eventsJobs
// function then lands and writes them. Local (memory queue): the same job runs in this
// process before the answer; concurrent requests share one run (group commit), since the
// embedded DuckDB takes one writer at a time.
//
// The job's run id is a hash of what it carries, so a delivery the sender repeats is the
// same run: a completed run is acknowledged without writing again, and rows that do get
// written twice carry the same insertId.
import { catalogOf } from '../../core/catalog.js';
import { runJobMessage } from '../../core/runner.js';
import { TransientError, FanpulseError } from '../../platform/errors.js';
import { canonicalJson, stableId } from '../../platform/hash.js';
import type { JobMessage } from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import type { NormalisedEvent } from '../../sources/events/event.js';
import { INGEST_JOB } from '../../sources/events/ingest-job.js';
import { eventsSource } from '../../sources/events/source.js';

/** What the events face runs in-process (local) and what a local warehouse holds for it. */
export const eventsCatalog = catalogOf([eventsSource]);

export interface Accepted {
  /** Pub/Sub message ids (cloud) or run ids (local). */
  ids: string[];
}

/** The run id of a batch: the same events in the same order always give the same id. */
function runIdFor(events: readonly NormalisedEvent[]): string {
  return `ev-${stableId(canonicalJson(events.map((e) => [e.source, e.event_key, e.payload])))}`;
}

/** Drops repeats of the same event (same source, key and payload), keeping the first. */
function distinctEvents(events: readonly NormalisedEvent[]): NormalisedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = canonicalJson([e.source, e.event_key, e.payload]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function jobMessageFor(events: NormalisedEvent[], now: Date): JobMessage {
  return {
    job: INGEST_JOB,
    params: { events },
    runId: runIdFor(events),
    requestedAt: now.toISOString(),
  };
}

/**
 * Splits events into job messages under `maxBytes` of JSON each. One event alone over the
 * limit cannot be sent: with the 1 MiB body limit and an 8 MB message limit it cannot
 * happen, but a raised body limit would meet it here rather than in a Pub/Sub error.
 */
export function splitForMessages(
  events: NormalisedEvent[],
  maxBytes: number,
  now: Date,
): JobMessage[] {
  const envelope = Buffer.byteLength(JSON.stringify(jobMessageFor([], now))) + 64;
  const batches: NormalisedEvent[][] = [];
  let current: NormalisedEvent[] = [];
  let bytes = envelope;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (envelope + size > maxBytes)
      throw new EventTooLargeError(
        `an event is ${envelope + size} bytes as a job message, over ${maxBytes}`,
      );
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) => jobMessageFor(batch, now));
}

export class EventTooLargeError extends FanpulseError {
  constructor(message: string) {
    super('invalid-input', message);
  }
}

interface Waiting {
  events: NormalisedEvent[];
  resolve: (accepted: Accepted) => void;
  reject: (error: unknown) => void;
}

/** Runs events.ingest in this process, one run at a time, batching whoever waits meanwhile. */
class LocalIngest {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(
    private readonly services: Services,
    private readonly maxEventsPerRun: number,
  ) {}

  submit(events: NormalisedEvent[]): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch: Waiting[] = [];
        let count = 0;
        while (this.waiting.length > 0) {
          const next = this.waiting[0]!;
          if (batch.length > 0 && count + next.events.length > this.maxEventsPerRun) break;
          batch.push(this.waiting.shift()!);
          count += next.events.length;
        }
        await this.runBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Waiting[]): Promise<void> {
    // Requests that met in one batch may carry the same event (a sender retrying while the
    // first attempt is still running); one copy gives the run id a lone delivery would get.
    const events = distinctEvents(batch.flatMap((w) => w.events));
    const message = jobMessageFor(events, this.services.clock.now());
    try {
      const summary = await runJobMessage(eventsCatalog, this.services, message, {
        runId: message.runId!,
        runTime: this.services.clock.now(),
      });
      if (summary.outcome !== 'succeeded')
        throw new TransientError(`events.ingest ${summary.outcome}: ${summary.error ?? ''}`);
      for (const w of batch) w.resolve({ ids: [summary.runId] });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

export class EventCollector {
  private readonly local: LocalIngest;

  constructor(
    private readonly services: Services,
    private readonly maxMessageBytes: number,
    maxEventsPerRun = 5000,
  ) {
    this.local = new LocalIngest(services, maxEventsPerRun);
  }

  /** Resolves once the events are durable; rejects (→ 5xx, the sender retries) otherwise. */
  async accept(events: NormalisedEvent[]): Promise<Accepted> {
    const queue = await this.services.queue();
    if (queue.kind === 'memory') return this.local.submit(events);
    const messages = splitForMessages(
      distinctEvents(events),
      this.maxMessageBytes,
      this.services.clock.now(),
    );
    const ids = await Promise.all(messages.map((m) => queue.publish(m)));
    await queue.flush();
    return { ids };
  }
}
