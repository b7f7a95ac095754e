// A chatbot wired for tests: the known Spotify catalogue collected into an in-memory DuckDB
// by the real catalogue jobs (through the catalogue harness), a Send API sandbox, a timer
// the test controls (no real waiting), and request bodies in the platforms' exact formats.
import type { Request, Response } from '@google-cloud/functions-framework';
import { type WaitKind, type Timer } from '../../functions/faces/chatbot/engine.js';
import { chatbotHandler } from '../../functions/faces/chatbot/handler.js';
import {
  createChatRuntime,
  type ChatRuntime,
  type ChatRuntimeOptions,
} from '../../functions/faces/chatbot/runtime.js';
import { hubSignature } from '../../functions/faces/chatbot/secure.js';
import { MessengerSandbox } from '../sandbox/messenger/server.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import type { Tier } from '../sandbox/spotify/server.js';
import { startCatalogueHarness, type CatalogueHarness } from '../spotify-catalogue/support.js';

export const SECRETS = {
  KAKAO_SKILL_SECRET: 'kakao-skill-key-4d1f',
  MESSENGER_APP_SECRET: 'messenger-app-secret-93ab',
  MESSENGER_VERIFY_TOKEN: 'verify-token-77c2',
} as const;
export const SKILL_HEADER = 'x-fanpulse-skill-key';
/** Headers of a Kakao skill request that carries the right skill key. */
export const KAKAO_AUTH = {
  'content-type': 'application/json',
  [SKILL_HEADER]: SECRETS.KAKAO_SKILL_SECRET,
};
export const BLOCK_ID = '5f2b8c0e1a2b3c4d5e6f7a8b';

/** Collected: BTS (and its Hangul name as asked), Jung Kook, Halsey, Coldplay, aespa, Beyoncé. */
export const WATCH_LIST = [
  { id: KNOWN.bts },
  '방탄소년단',
  'Jung Kook',
  'Halsey',
  'Coldplay',
  `aespa|${KNOWN.aespa}`,
  `spotify:artist:${KNOWN.beyonce}`,
];

/** Waits of the listed kinds end at once; the others never end (the work always wins). */
export class TestTimer {
  readonly expire = new Set<WaitKind>();
  readonly waits: Array<{ ms: number; kind: WaitKind }> = [];
  readonly timer: Timer = (ms, kind) => {
    this.waits.push({ ms, kind });
    return this.expire.has(kind) ? Promise.resolve() : new Promise<void>(() => undefined);
  };
}

export interface ChatHarness {
  cat: CatalogueHarness;
  messenger: MessengerSandbox;
  timer: TestTimer;
  rt: ChatRuntime;
  handler: ReturnType<typeof chatbotHandler>;
  /** A fresh runtime (new index) over the same warehouse, e.g. after more jobs ran. */
  restart(options?: ChatRuntimeOptions): void;
  close(): Promise<void>;
}

export async function startChatHarness(
  options: { tier?: Tier; env?: Record<string, string>; collect?: boolean } = {},
): Promise<ChatHarness> {
  const messenger = new MessengerSandbox();
  await messenger.start();
  const cat = await startCatalogueHarness({
    tier: options.tier ?? 'development',
    catalogue: knownCatalogue(),
    env: { ...messenger.env(), ...SECRETS, ...options.env },
  });
  if (options.collect !== false) {
    const runs = await cat.drain({
      job: 'spotify.artist_catalog',
      params: { artists: WATCH_LIST },
    });
    const failed = runs.filter((r) => r.outcome !== 'succeeded');
    if (failed.length > 0) throw new Error(`catalogue jobs failed: ${JSON.stringify(failed)}`);
    cat.queue.take();
  }
  const timer = new TestTimer();
  const h: ChatHarness = {
    cat,
    messenger,
    timer,
    rt: createChatRuntime(cat.services, { timer: timer.timer }),
    handler: chatbotHandler(() => h.rt),
    restart: (more = {}) => {
      h.rt = createChatRuntime(cat.services, { timer: timer.timer, ...more });
    },
    close: async () => {
      await cat.close();
      await messenger.stop();
    },
  };
  return h;
}

/** A skill request exactly as OpenBuilder sends it (shared/api-facts.md, Chat platforms). */
export function kakaoBody(
  o: {
    utterance?: string;
    artistName?: string;
    clientExtra?: Record<string, unknown>;
    botId?: string;
    blockId?: string;
  } = {},
): Record<string, unknown> {
  const params: Record<string, string> = {};
  const detailParams: Record<string, unknown> = {};
  if (o.artistName !== undefined) {
    params.artist_name = o.artistName;
    detailParams.artist_name = { origin: o.artistName, value: o.artistName, groupName: '' };
  }
  return {
    intent: { id: 'intent-artist-01', name: '아티스트 추천' },
    userRequest: {
      timezone: 'Asia/Seoul',
      params: { ignoreMe: 'true' },
      block: { id: o.blockId ?? BLOCK_ID, name: '아티스트 추천' },
      utterance: o.utterance ?? o.artistName ?? '',
      lang: 'ko',
      user: { id: 'user-7a1c', type: 'accountId', properties: {} },
    },
    bot: { id: o.botId ?? 'bot-fanpulse-01', name: 'fanpulse' },
    action: {
      name: 'artist_skill',
      clientExtra: o.clientExtra ?? {},
      params,
      id: 'action-artist-01',
      detailParams,
    },
  };
}

export type MessagingEvent = Record<string, unknown>;

export const textEvent = (psid: string, mid: string, text: string): MessagingEvent => ({
  sender: { id: psid },
  recipient: { id: 'PAGE_ID' },
  timestamp: 1763632800000,
  message: { mid, text },
});

/** A page webhook body; one entry per array of events. */
export function messengerBody(...entries: MessagingEvent[][]): Record<string, unknown> {
  return {
    object: 'page',
    entry: entries.map((messaging, i) => ({ id: 'PAGE_ID', time: 1763632800000 + i, messaging })),
  };
}

export function signed(raw: string | Buffer): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': hubSignature(raw, SECRETS.MESSENGER_APP_SECRET),
  };
}

export interface Answer {
  status: number;
  body: unknown;
  contentType: string;
}

/**
 * Calls the handler in process, with the request as functions-framework would hand it over
 * (JSON bodies parsed, the exact bytes in rawBody).
 */
export async function invoke(
  handler: ReturnType<typeof chatbotHandler>,
  r: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    raw?: string | Buffer;
  },
): Promise<Answer> {
  const raw =
    r.raw !== undefined
      ? Buffer.from(r.raw)
      : r.body !== undefined
        ? Buffer.from(JSON.stringify(r.body))
        : undefined;
  const headers = Object.fromEntries(
    Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  let body: unknown = raw?.toString('utf8');
  if ((headers['content-type'] ?? 'application/json').includes('json') && raw) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = raw;
    }
  }
  const req = {
    method: r.method ?? 'POST',
    path: r.path ?? '/',
    headers,
    query: r.query ?? {},
    body,
    rawBody: raw,
  };
  const answer: Answer = { status: 200, body: undefined, contentType: 'application/json' };
  // The handler answers with json() or send(); either sets the body.
  const setBody = (value: unknown) => {
    answer.body = value;
    return res;
  };
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    type(t: string) {
      answer.contentType = t;
      return res;
    },
    json: setBody,
    send: setBody,
  };
  await handler(req as unknown as Request, res as unknown as Response);
  return answer;
}
