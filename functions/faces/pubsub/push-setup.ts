// Topics and push subscriptions that deliver job messages to locally served functions, as
// Eventarc does in the cloud: used by `fanpulse dev` against the Pub/Sub emulator and by
// the emulator integration test. The push endpoint path /projects/P/topics/T lets
// functions-framework fill the CloudEvent's source.
import { PubSub } from '@google-cloud/pubsub';

export interface PushTarget {
  /** Topic short name, e.g. `fanpulse-spotify-jobs`. */
  topic: string;
  /** Base URL of the function, e.g. http://127.0.0.1:8081 */
  url: string;
}

export interface PushSetupOptions {
  projectId: string;
  /** Emulator host:port; clients otherwise read PUBSUB_EMULATOR_HOST. */
  apiEndpoint?: string;
  /** Dead-letter topic short name; undefined = no dead-letter policy. */
  deadLetterTopic?: string;
  maxDeliveryAttempts?: number;
  minimumBackoffSeconds?: number;
  maximumBackoffSeconds?: number;
  /** For push, how long Pub/Sub waits for the function's answer. */
  ackDeadlineSeconds?: number;
}

function pushEndpoint(url: string, projectId: string, topic: string): string {
  return `${url.replace(/\/$/, '')}/projects/${projectId}/topics/${topic}`;
}

function subscriptionFor(topic: string): string {
  return `${topic}-push`;
}

export function deadLetterSubscriptionFor(topic: string): string {
  return `${topic}-pull`;
}

function pubsubClient(options: Pick<PushSetupOptions, 'projectId' | 'apiEndpoint'>): PubSub {
  return new PubSub({
    projectId: options.projectId,
    ...(options.apiEndpoint
      ? { apiEndpoint: options.apiEndpoint, emulatorMode: true as const }
      : {}),
  });
}

async function ensureTopic(pubsub: PubSub, name: string): Promise<void> {
  const topic = pubsub.topic(name);
  const [exists] = await topic.exists();
  if (!exists) await topic.create();
}

/**
 * Creates (or re-points) one push subscription per target, with a retry policy and, when a
 * dead-letter topic is named, a dead-letter policy plus a pull subscription that keeps
 * what lands there.
 */
export async function ensurePushSubscriptions(
  targets: readonly PushTarget[],
  options: PushSetupOptions,
): Promise<Array<{ topic: string; subscription: string; endpoint: string }>> {
  const pubsub = pubsubClient(options);
  const created: Array<{ topic: string; subscription: string; endpoint: string }> = [];
  try {
    if (options.deadLetterTopic) {
      await ensureTopic(pubsub, options.deadLetterTopic);
      const keep = pubsub.subscription(deadLetterSubscriptionFor(options.deadLetterTopic));
      const [exists] = await keep.exists();
      if (!exists)
        await pubsub
          .topic(options.deadLetterTopic)
          .createSubscription(deadLetterSubscriptionFor(options.deadLetterTopic));
    }
    for (const target of targets) {
      await ensureTopic(pubsub, target.topic);
      const name = subscriptionFor(target.topic);
      const endpoint = pushEndpoint(target.url, options.projectId, target.topic);
      const subscription = pubsub.subscription(name);
      const [exists] = await subscription.exists();
      if (exists) {
        await subscription.modifyPushConfig({ pushEndpoint: endpoint });
      } else {
        await pubsub.topic(target.topic).createSubscription(name, {
          pushConfig: { pushEndpoint: endpoint },
          ackDeadlineSeconds: options.ackDeadlineSeconds ?? 600,
          retryPolicy: {
            minimumBackoff: { seconds: options.minimumBackoffSeconds ?? 10 },
            maximumBackoff: { seconds: options.maximumBackoffSeconds ?? 600 },
          },
          ...(options.deadLetterTopic
            ? {
                deadLetterPolicy: {
                  deadLetterTopic: `projects/${options.projectId}/topics/${options.deadLetterTopic}`,
                  maxDeliveryAttempts: options.maxDeliveryAttempts ?? 5,
                },
              }
            : {}),
        });
      }
      created.push({ topic: target.topic, subscription: name, endpoint });
    }
  } finally {
    await pubsub.close();
  }
  return created;
}
