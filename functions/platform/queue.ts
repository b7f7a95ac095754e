// The JobQueue port: how planners fan out and how jobs get re-published for later.
// In the cloud it is Pub/Sub; locally an in-process queue that the CLI drains.
import { z } from 'zod';

/** What a run id may look like (it names state keys and raw objects). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export const jobMessageSchema = z.strictObject({
  job: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'job names look like source.name'),
  params: z.record(z.string(), z.unknown()).default({}),
  requestedAt: z.iso.datetime({ offset: true }).optional(),
  attempt: z.number().int().nonnegative().optional(),
  /** Set by planners: the child's run id, so re-planning yields the same child runs. */
  runId: z.string().regex(RUN_ID_PATTERN).optional(),
  /** Earliest time the job should run (deferrals); subscribers re-queue if early. */
  notBefore: z.iso.datetime({ offset: true }).optional(),
});
export type JobMessage = z.infer<typeof jobMessageSchema>;

export interface PublishOptions {
  attributes?: Record<string, string>;
}

export interface JobQueue {
  readonly kind: 'memory' | 'pubsub';
  /** Publishes a job to the topic of its source; resolves with the message id. */
  publish(message: JobMessage, options?: PublishOptions): Promise<string>;
  /** Waits until everything published so far has left this process. */
  flush(): Promise<void>;
}

/**
 * The source a job name belongs to: the part before the first dot. (`split` always yields a
 * first element, so the old `?? 'platform'` / `?? ''` fallbacks never applied: a name
 * without a dot is its own source.)
 */
export function sourceOfJob(job: string): string {
  return job.split('.')[0] ?? '';
}

/** The topic of a source's jobs, e.g. `fanpulse-spotify-jobs` (prefix `fanpulse-`). */
export function topicForSource(source: string, prefix = ''): string {
  return `${prefix}${source}-jobs`;
}

/** The topic a job travels on: one per source, so each function scales and fails alone. */
export function topicForJob(job: string, prefix: string): string {
  return topicForSource(sourceOfJob(job), prefix);
}

export class MemoryQueue implements JobQueue {
  readonly kind = 'memory' as const;
  readonly published: Array<{
    id: string;
    message: JobMessage;
    attributes: Record<string, string>;
  }> = [];
  private next = 0;

  async publish(message: JobMessage, options: PublishOptions = {}): Promise<string> {
    const parsed = jobMessageSchema.parse(message);
    // Same child run id twice is the same job: a re-planned run publishes nothing new.
    if (parsed.runId && this.published.some((p) => p.message.runId === parsed.runId)) {
      return this.published.find((p) => p.message.runId === parsed.runId)!.id;
    }
    this.next += 1;
    const id = `mem-${this.next}`;
    this.published.push({ id, message: parsed, attributes: options.attributes ?? {} });
    return id;
  }

  async flush(): Promise<void> {}

  /** Removes and returns what is waiting, oldest first. */
  take(): Array<{ id: string; message: JobMessage }> {
    return this.published.splice(0, this.published.length);
  }
}
