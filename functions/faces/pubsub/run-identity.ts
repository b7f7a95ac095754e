// Which run a delivery belongs to (docs/pubsub.md): every redelivery of a message, and
// every re-publication of a deferred run, is the same run with the same run time.
import { compactTimestamp } from '../../platform/raw-landing.js';
import { RUN_ID_PATTERN } from '../../platform/queue.js';
import type { SubscriberConfig } from './config.js';
import type { PubSubDelivery } from './envelope.js';
import { RUN_ID_ATTRIBUTE, RUN_TIME_ATTRIBUTE, type RunIdentityOfDelivery } from './republish.js';

/**
 * The run a delivery belongs to: a run id a planner or a re-publication put in the
 * `fanpulse-run-id` attribute (or the message's own runId), else the Pub/Sub message id,
 * which every redelivery repeats. The run time is the publish time, also repeated.
 * The emulator numbers messages 1, 2, 3... again after each start, so there the message id
 * is qualified with the publish time, or a fresh emulator would meet "completed" runs.
 */
export function runIdentityOf(
  delivery: PubSubDelivery,
  body: unknown,
  config: Pick<SubscriberConfig, 'emulator'>,
  now: Date,
): RunIdentityOfDelivery {
  const fromAttribute = delivery.attributes[RUN_ID_ATTRIBUTE];
  const fromBody =
    typeof body === 'object' && body !== null && 'runId' in body
      ? (body as { runId: unknown }).runId
      : undefined;
  const publishTime = delivery.publishTime ?? null;
  let runId: string;
  if (fromAttribute && RUN_ID_PATTERN.test(fromAttribute)) runId = fromAttribute;
  else if (typeof fromBody === 'string' && RUN_ID_PATTERN.test(fromBody)) runId = fromBody;
  else if (config.emulator && publishTime)
    runId = `emu-${compactTimestamp(publishTime)}-${delivery.messageId}`;
  else runId = delivery.messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  const attributeTime = new Date(delivery.attributes[RUN_TIME_ATTRIBUTE] ?? '');
  const runTime = !Number.isNaN(attributeTime.getTime()) ? attributeTime : (publishTime ?? now);
  return { runId, runTime };
}
