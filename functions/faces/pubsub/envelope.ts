// Decodes what a Pub/Sub-triggered function receives into one delivery.
//
// A gen2 function (Eventarc) and functions-framework 5 serving a push subscription both
// hand the function a CloudEvent of type google.cloud.pubsub.topic.v1.messagePublished:
//   { id: messageId, source: "//pubsub.googleapis.com/projects/P/topics/T", time, data: {
//       message: { data: base64, attributes, messageId, publishTime, (message_id,
//       publish_time, orderingKey) }, subscription } }
// functions-framework only converts a push envelope whose message has non-empty data, so
// an attributes-only message arrives as the bare push envelope
//   { subscription, message: {...}, deliveryAttempt? }
// and is accepted here too. `deliveryAttempt` is present only on subscriptions with a
// dead-letter policy, and only where the transport passes it on.
import { z } from 'zod';
import { describeIssues } from '../../platform/errors.js';

const MESSAGE_PUBLISHED_TYPE = 'google.cloud.pubsub.topic.v1.messagePublished';

const base64 = z
  .string()
  .transform((s) => s.replace(/\s+/g, ''))
  .refine((s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 !== 1, 'not base64');

const attributes = z.record(z.string(), z.string());

export const pubsubMessageSchema = z
  .object({
    data: base64.nullish(),
    attributes: attributes.nullish(),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    publish_time: z.string().optional(),
    orderingKey: z.string().optional(),
  })
  .refine((m) => (m.messageId ?? m.message_id) !== undefined, {
    message: 'message has no messageId',
    path: ['messageId'],
  });

const deliveryAttempt = z.coerce.number().int().positive();

/** The CloudEvent data of a messagePublished event, and the bare push envelope alike. */
export const messagePublishedDataSchema = z.object({
  message: pubsubMessageSchema,
  subscription: z.string().optional(),
  deliveryAttempt: deliveryAttempt.nullish(),
});

const cloudEventSchema = z.object({
  id: z.string().optional(),
  source: z.string().optional(),
  type: z.string().optional(),
  time: z.string().optional(),
  deliveryattempt: deliveryAttempt.optional(),
  data: z.unknown().optional(),
});

export interface PubSubDelivery {
  messageId: string;
  /** When Pub/Sub accepted the message; the same on every redelivery. */
  publishTime: Date | null;
  attributes: Record<string, string>;
  /** The decoded message body. */
  data: Buffer;
  deliveryAttempt: number | null;
  subscription: string | null;
  /** Topic short name from the event source, when the transport tells it. */
  topic: string | null;
  project: string | null;
  orderingKey: string | null;
}

/** The delivery itself cannot be read (not the job message inside it). */
export class DeliveryDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryDecodeError';
  }
}

function describe(error: z.ZodError): string {
  return describeIssues(error, '(event)');
}

function asObject(value: unknown): unknown {
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function parseTime(value: string | undefined): Date | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

/** "//pubsub.googleapis.com/projects/P/topics/T" → {project: P, topic: T}. */
function parseTopicSource(source: string | undefined): {
  project: string | null;
  topic: string | null;
} {
  const m = /projects\/([^/]+)\/topics\/([^/?]+)/.exec(source ?? '');
  return { project: m?.[1] ?? null, topic: m?.[2] ?? null };
}

/** Accepts a messagePublished CloudEvent or a bare push envelope; throws DeliveryDecodeError. */
export function decodePubSubEvent(event: unknown): PubSubDelivery {
  const body = asObject(event);
  if (typeof body !== 'object' || body === null) {
    throw new DeliveryDecodeError('the event is not an object');
  }
  const isEnvelope = 'message' in body && !('specversion' in body);
  const ce = isEnvelope ? null : cloudEventSchema.safeParse(body);
  if (ce && !ce.success) throw new DeliveryDecodeError(describe(ce.error));
  if (ce?.data.type && ce.data.type !== MESSAGE_PUBLISHED_TYPE) {
    throw new DeliveryDecodeError(`unexpected event type ${ce.data.type}`);
  }
  const parsed = messagePublishedDataSchema.safeParse(isEnvelope ? body : asObject(ce?.data.data));
  if (!parsed.success) throw new DeliveryDecodeError(describe(parsed.error));
  const { message } = parsed.data;
  const where = parseTopicSource(ce?.data.source);
  return {
    messageId: (message.messageId ?? message.message_id)!,
    publishTime: parseTime(message.publishTime ?? message.publish_time ?? ce?.data.time),
    attributes: message.attributes ?? {},
    data: Buffer.from(message.data ?? '', 'base64'),
    deliveryAttempt: parsed.data.deliveryAttempt ?? ce?.data.deliveryattempt ?? null,
    subscription: parsed.data.subscription ?? null,
    topic: where.topic,
    project: where.project,
    orderingKey: message.orderingKey || null,
  };
}

/** The job message inside a delivery: JSON text, or an explanation of why it is not. */
export function readJson(
  delivery: PubSubDelivery,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const text = delivery.data.toString('utf8');
  if (text.trim() === '') return { ok: false, reason: 'the message has no data' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      reason: `the message data is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
