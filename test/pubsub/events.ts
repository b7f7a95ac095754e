// Builders for what a Pub/Sub-triggered function receives, in the documented shapes:
// the gen2 (Eventarc) CloudEvent and the push envelope the emulator POSTs.

import type { SubscriberConfig } from '../../functions/faces/pubsub/config.js';

export const PROJECT = 'fanpulse-test';

/** Subscriber settings for in-process deliveries: no spread unless a test asks for one. */
export const subscriberConfig = (overrides: Partial<SubscriberConfig> = {}): SubscriberConfig => ({
  holdSeconds: 20,
  nackWindowSeconds: 300,
  deferDefaultSeconds: 300,
  deferMaxSeconds: 86_400,
  maxDeferrals: 6,
  deferSpreadSeconds: 0,
  emulator: false,
  ...overrides,
});

/** A small podcast-shows job that the sandbox answers. */
export const SHOWS_JOB = {
  job: 'spotify.podcast_shows',
  params: { term: 'data hackers', limit: 10 },
};

export interface MessageSpec {
  data?: unknown;
  /** Raw body text instead of JSON.stringify(data). */
  text?: string;
  attributes?: Record<string, string>;
  messageId?: string;
  publishTime?: string;
  topic?: string;
  deliveryAttempt?: number;
}

function b64(spec: MessageSpec): string {
  const text = spec.text ?? (spec.data === undefined ? '' : JSON.stringify(spec.data));
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The PubsubMessage both shapes carry (ids and times in both spellings, as sent). */
function message(spec: MessageSpec, messageId: string, publishTime: string) {
  return {
    data: b64(spec),
    attributes: spec.attributes ?? {},
    messageId,
    message_id: messageId,
    publishTime,
    publish_time: publishTime,
  };
}

function deliveryAttempt(spec: MessageSpec) {
  return spec.deliveryAttempt ? { deliveryAttempt: spec.deliveryAttempt } : {};
}

/** The CloudEvent a gen2 Pub/Sub trigger delivers (MessagePublishedData as data). */
export function gen2Event(spec: MessageSpec): Record<string, unknown> {
  const messageId = spec.messageId ?? '17712345678901234';
  const publishTime = spec.publishTime ?? '2026-11-20T09:59:58.123456789Z';
  const topic = spec.topic ?? 'fanpulse-spotify-jobs';
  return {
    specversion: '1.0',
    id: messageId,
    source: `//pubsub.googleapis.com/projects/${PROJECT}/topics/${topic}`,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    datacontenttype: 'application/json',
    time: publishTime,
    data: {
      message: message(spec, messageId, publishTime),
      subscription: `projects/${PROJECT}/subscriptions/eventarc-us-central1-${topic}-sub-001`,
      ...deliveryAttempt(spec),
    },
  };
}

/** The push envelope the Pub/Sub emulator POSTs to a push endpoint. */
export function pushEnvelope(spec: MessageSpec): Record<string, unknown> {
  const messageId = spec.messageId ?? '7';
  const publishTime = spec.publishTime ?? '2026-11-20T09:59:58.457Z';
  return {
    subscription: `projects/${PROJECT}/subscriptions/${spec.topic ?? 'fanpulse-spotify-jobs'}-push`,
    message: message(spec, messageId, publishTime),
    ...deliveryAttempt(spec),
  };
}
