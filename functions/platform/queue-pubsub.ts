// Pub/Sub adapter of the JobQueue port. Messages are batched per topic (planners publish
// hundreds at once); `flush` waits until every batch has been accepted, so a planner only
// reports success once its children are durably queued. The client honours
// PUBSUB_EMULATOR_HOST, which is how the local loop and the tests reach the emulator.
import type { ClientConfig, PubSub, Topic } from '@google-cloud/pubsub';
import { TransientError, errorMessage } from './errors.js';
import { jobMessageSchema, topicForJob, type JobMessage, type JobQueue } from './queue.js';

export interface PubSubQueueOptions {
  projectId: string;
  topicPrefix: string;
  clientConfig?: ClientConfig;
  /** Batching: publish when this many messages or this many ms have accumulated. */
  maxMessages?: number;
  maxMilliseconds?: number;
}

export class PubSubQueue implements JobQueue {
  readonly kind = 'pubsub' as const;
  private client: PubSub | undefined;
  private readonly topics = new Map<string, Topic>();
  private readonly pending = new Set<Promise<unknown>>();
  /** One flush per topic at a time: concurrent callers share it (each adds a listener). */
  private readonly flushing = new Map<string, Promise<void>>();

  constructor(private readonly options: PubSubQueueOptions) {}

  private async topic(name: string): Promise<Topic> {
    if (!this.client) {
      const { PubSub } = await import('@google-cloud/pubsub');
      this.client = new PubSub({
        ...(this.options.projectId ? { projectId: this.options.projectId } : {}),
        ...this.options.clientConfig,
      });
    }
    let topic = this.topics.get(name);
    if (!topic) {
      topic = this.client.topic(name, {
        batching: {
          maxMessages: this.options.maxMessages ?? 100,
          maxMilliseconds: this.options.maxMilliseconds ?? 20,
        },
      });
      this.topics.set(name, topic);
    }
    return topic;
  }

  async publish(
    message: JobMessage,
    options: { attributes?: Record<string, string> } = {},
  ): Promise<string> {
    const parsed = jobMessageSchema.parse(message);
    const name = topicForJob(parsed.job, this.options.topicPrefix);
    const topic = await this.topic(name);
    const sent = topic.publishMessage({
      data: Buffer.from(JSON.stringify(parsed)),
      attributes: { ...options.attributes, job: parsed.job },
    });
    this.pending.add(sent);
    try {
      return await sent;
    } catch (error) {
      throw new TransientError(`publishing ${parsed.job} to ${name}: ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      this.pending.delete(sent);
    }
  }

  async flush(): Promise<void> {
    const flushes = [...this.topics].map(([name, topic]) => {
      let flushing = this.flushing.get(name);
      if (!flushing) {
        flushing = topic.flush().finally(() => this.flushing.delete(name));
        this.flushing.set(name, flushing);
      }
      return flushing;
    });
    await Promise.all(flushes);
    // A shared flush may have started before this caller's last publish: wait for those too.
    await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.client?.close();
  }
}
