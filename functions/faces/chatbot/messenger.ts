// The Messenger webhook face. GET: subscription verification (echo hub.challenge when
// hub.verify_token matches). POST: X-Hub-Signature-256 over the raw bytes (401 otherwise),
// then every messaging event of every entry: echoes, deliveries and reads are skipped,
// repeated message ids (Messenger retries deliveries) are answered once, and replies go
// out through the Send API. Events of one sender are answered in order, senders in parallel.
import { z } from 'zod';
import type { ChatRuntime } from './runtime.js';
import { artistOfPayload, messengerMessages } from './messenger-format.js';
import { TIMED_OUT, within, type Question } from './engine.js';
import { textReply, type Reply } from './reply.js';
import { sameSecret } from '../../platform/secure-compare.js';
import { checkHubSignature } from './secure.js';

export interface WebResult {
  status: number;
  body: unknown;
  contentType?: 'text/plain';
}

export function verifySubscription(query: Record<string, unknown>, verifyToken: string): WebResult {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string')
    return { status: 400, body: { error: 'expected hub.mode=subscribe and hub.verify_token' } };
  if (!sameSecret(token, verifyToken))
    return { status: 403, body: { error: 'wrong verify token' } };
  if (typeof challenge !== 'string' || !/^[\x21-\x7E]{1,1000}$/.test(challenge))
    return { status: 400, body: { error: 'missing or malformed hub.challenge' } };
  return { status: 200, body: challenge, contentType: 'text/plain' };
}

const webhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ messaging: z.array(z.unknown()).optional() })).max(1000),
});

const eventSchema = z.looseObject({
  sender: z.looseObject({ id: z.string().min(1).max(64) }),
  message: z
    .looseObject({
      mid: z.string().optional(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.looseObject({ payload: z.string() }).optional(),
      attachments: z.array(z.unknown()).optional(),
    })
    .optional(),
  postback: z
    .looseObject({
      payload: z.string().optional(),
      title: z.string().optional(),
      mid: z.string().optional(),
    })
    .optional(),
  delivery: z.unknown().optional(),
  read: z.unknown().optional(),
});
type MessagingEvent = z.infer<typeof eventSchema>;

export type EventOutcome =
  | 'answered'
  | 'echo'
  | 'delivery'
  | 'read'
  | 'duplicate'
  | 'invalid'
  | 'unsupported'
  | 'send_failed';

/** What an event asks, or why it is skipped. */
function classifyEvent(
  e: MessagingEvent,
): { question: Question | 'not_text'; mid: string | null } | EventOutcome {
  if (e.message?.is_echo) return 'echo';
  const userId = `messenger:${e.sender.id}`;
  if (e.delivery !== undefined) return 'delivery';
  if (e.read !== undefined) return 'read';
  if (e.message) {
    const mid = e.message.mid ?? null;
    const artistId = artistOfPayload(e.message.quick_reply?.payload);
    if (artistId || e.message.text !== undefined)
      return { question: { artistId, text: e.message.text ?? null, userId }, mid };
    return { question: 'not_text', mid };
  }
  if (e.postback) {
    // A postback is a button, not words: its title ("Get Started") is never a name.
    const artistId = artistOfPayload(e.postback.payload);
    const postback = artistId ? null : isGetStarted(e.postback.payload) ? 'get_started' : 'other';
    return { question: { artistId, postback, userId }, mid: e.postback.mid ?? null };
  }
  return 'unsupported';
}

/** The payload Messenger's "Get Started" button sends (the page configures it). */
function isGetStarted(payload: string | undefined): boolean {
  return /^(get[_ ]?started|start|welcome)$/i.test(payload?.trim() ?? '');
}

export async function receiveWebhook(
  rt: ChatRuntime,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | undefined,
): Promise<WebResult> {
  const secrets = await rt.secrets();
  const signature = checkHubSignature(
    headers['x-hub-signature-256'],
    rawBody,
    await secrets.get('messenger-app-secret'),
  );
  if (!signature.ok) {
    rt.log.warn('messenger webhook rejected', { reason: signature.reason });
    return { status: 401, body: { error: signature.reason } };
  }
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(rawBody!.toString('utf8'));
  } catch {
    // Signed by Facebook but unreadable: acknowledge (a retry would not read better).
    rt.log.warn('messenger webhook body is not JSON; ignored');
    return { status: 200, body: { ignored: 'body is not JSON' } };
  }
  const body = webhookSchema.safeParse(parsedJson);
  if (!body.success || body.data.object !== 'page') {
    const reason = body.success
      ? `object "${body.data.object}" is not "page"`
      : `not a page webhook (${body.error.issues[0]?.message ?? 'invalid'})`;
    rt.log.warn('messenger webhook ignored', { reason });
    return { status: 200, body: { ignored: reason } };
  }
  const bySender = new Map<
    string,
    Array<{ question: Question | 'not_text'; mid: string | null }>
  >();
  const outcomes: Record<string, number> = {};
  const count = (o: EventOutcome) => (outcomes[o] = (outcomes[o] ?? 0) + 1);
  for (const entry of body.data.entry) {
    for (const raw of entry.messaging ?? []) {
      const event = eventSchema.safeParse(raw);
      if (!event.success) {
        count('invalid');
        continue;
      }
      const c = classifyEvent(event.data);
      if (typeof c === 'string') {
        count(c);
        continue;
      }
      if (c.mid !== null && !rt.isNewMessage(c.mid)) {
        count('duplicate');
        continue;
      }
      const list = bySender.get(event.data.sender.id) ?? [];
      list.push(c);
      bySender.set(event.data.sender.id, list);
    }
  }
  const work = Promise.all(
    [...bySender].map(async ([sender, items]) => {
      for (const item of items) count(await answerOne(rt, sender, item.question));
    }),
  );
  // Answer before acknowledging (Cloud Run may starve work after the response), but never
  // past the deadline: Messenger waits about 20 s and then retries the whole delivery.
  const done =
    (await within(rt.timer, rt.config.messengerAckDeadlineMs, 'ack', work)) !== TIMED_OUT;
  const snapshot = { ...outcomes };
  rt.log.info('messenger webhook handled', { outcomes: snapshot, within_deadline: done });
  return { status: 200, body: { received: true, outcomes: snapshot } };
}

async function answerOne(
  rt: ChatRuntime,
  sender: string,
  question: Question | 'not_text',
): Promise<EventOutcome> {
  let reply: Reply;
  try {
    reply = question === 'not_text' ? textReply('not_text') : await rt.engine.answer(question);
  } catch (error) {
    rt.log.error('answer failed; sending an apology', { error });
    reply = textReply('error');
  }
  try {
    for (const message of messengerMessages(reply, rt.config.languageMessenger))
      await rt.sender().then((s) => s.send(sender, message));
    return 'answered';
  } catch (error) {
    rt.log.error('Send API call failed', { error });
    return 'send_failed';
  }
}
