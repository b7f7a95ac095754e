// The `chatbot` HTTP function: one entry point, two faces.
// Routing (docs/chatbot.md): the path decides first (…/kakao, …/messenger); without one, a
// GET with hub.mode or a POST with X-Hub-Signature-256 or {"object": …} is Messenger, a
// POST with {"userRequest": …} is Kakao; anything else gets 404 with the reason.
// Never 5xx: Kakao gets a friendly text on any failure, Messenger a 200 (its retries could
// not make a failed answer better) or 401 for a bad signature.
// The body is read by this function within CHAT_MAX_BODY_BYTES as sent and once decoded
// (platform/http-body.ts), before any secret is read: over it 413, and (except for Messenger,
// which checks its signature first) not JSON 400, each with a short JSON (Kakao: a
// Kakao-shaped answer) and a log line without the body.
import type { Request, Response } from '@google-cloud/functions-framework';
import { isRecord } from '../../platform/fields.js';
import { readBody, readsOwnBody } from '../../platform/http-body.js';
import { takeOverBodyParsing } from '../../platform/http-body-takeover.js';
import { createLogger, type Logger } from '../../platform/logger.js';
import type { Language } from './config.js';
import { checkKakaoAuth, kakaoQuestion, kakaoRequestSchema, kakaoResponse } from './kakao.js';
import { receiveWebhook, verifySubscription, type WebResult } from './messenger.js';
import { textReply, type Reply } from './reply.js';
import type { ChatRuntime } from './runtime.js';

export type Face = 'kakao' | 'messenger';

/** The body as a value: parsed JSON from functions-framework, else the raw bytes parsed. */
function bodyValue(req: Pick<Request, 'body' | 'rawBody'>): unknown {
  // A Buffer body is the unparsed bytes, not a value: it is parsed below.
  if ((isRecord(req.body) && !Buffer.isBuffer(req.body)) || Array.isArray(req.body))
    return req.body;
  const raw = req.rawBody ?? (typeof req.body === 'string' ? Buffer.from(req.body) : undefined);
  if (!raw || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function faceOf(
  req: Pick<Request, 'path' | 'method' | 'query' | 'headers' | 'body' | 'rawBody'>,
): Face | null {
  const byPath = pathFace(req);
  if (byPath) return byPath;
  if (req.method === 'GET' && req.query && 'hub.mode' in req.query) return 'messenger';
  if (req.headers['x-hub-signature-256'] !== undefined) return 'messenger';
  const body = bodyValue(req);
  if (isRecord(body) && 'object' in body && 'entry' in body) return 'messenger';
  if (isRecord(body) && 'userRequest' in body) return 'kakao';
  return null;
}

function send(res: Response, result: WebResult): void {
  if (result.contentType === 'text/plain') {
    res.status(result.status).type('text/plain').send(String(result.body));
  } else {
    res.status(result.status).json(result.body);
  }
}

async function kakao(rt: ChatRuntime, req: Request): Promise<WebResult> {
  if (req.method !== 'POST')
    return { status: 405, body: { error: 'Kakao skill requests are POST' } };
  let secret: string;
  try {
    secret = await (await rt.secrets()).get('kakao-skill-secret');
  } catch (error) {
    rt.log.alert('kakao-skill-secret unavailable; rejecting skill requests', { error });
    return { status: 401, body: { error: 'skill key is not configured' } };
  }
  const body = bodyValue(req);
  const auth = checkKakaoAuth(
    req.headers[rt.config.kakaoSkillHeader],
    secret,
    body,
    rt.config.kakaoBotId,
  );
  if (!auth.ok) {
    rt.log.warn('kakao skill request rejected', { reason: auth.reason });
    return { status: 401, body: { error: auth.reason } };
  }
  const lang = rt.config.languageKakao;
  const parsed = kakaoRequestSchema.safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues[0];
    rt.log.warn('unreadable kakao skill payload', {
      reason: reason ? `${reason.path.join('.') || '(body)'}: ${reason.message}` : 'invalid',
    });
    return { status: 200, body: kakaoResponse(textReply('unreadable'), lang, null) };
  }
  const reply = await answerSafely(rt, kakaoQuestion(parsed.data));
  const blockId = parsed.data.userRequest.block?.id ?? null;
  return { status: 200, body: kakaoResponse(reply, lang, blockId) };
}

async function answerSafely(
  rt: ChatRuntime,
  question: Parameters<ChatRuntime['engine']['answer']>[0],
): Promise<Reply> {
  try {
    return await rt.engine.answer(question);
  } catch (error) {
    rt.log.error('answer failed; replying with an apology', { error });
    return textReply('error');
  }
}

async function messenger(rt: ChatRuntime, req: Request): Promise<WebResult> {
  if (req.method === 'GET') {
    let token: string;
    try {
      token = await (await rt.secrets()).get('messenger-verify-token');
    } catch (error) {
      rt.log.alert('messenger-verify-token unavailable', { error });
      return { status: 403, body: { error: 'verify token is not configured' } };
    }
    return verifySubscription(req.query as Record<string, unknown>, token);
  }
  if (req.method !== 'POST') return { status: 405, body: { error: 'use GET or POST' } };
  try {
    return await receiveWebhook(rt, req.headers, req.rawBody);
  } catch (error) {
    // Typically the app secret is missing: nothing can be verified.
    rt.log.alert('messenger webhook could not be verified', { error });
    return { status: 401, body: { error: 'signature cannot be verified' } };
  }
}

/** Messenger and Kakao requests are a few KB; a quarter MiB leaves room for batched entries. */
export const CHAT_MAX_BODY_BYTES = 256 * 1024;

/** What is wrong with a non-empty body that should be JSON, or null. */
function jsonProblem(body: Buffer): string | null {
  if (body.length === 0) return null;
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    return null;
  } catch (error) {
    if (error instanceof SyntaxError) return `malformed JSON: ${error.message.slice(0, 120)}`;
    return 'body is not valid UTF-8';
  }
}

function pathFace(req: Pick<Request, 'path'>): Face | null {
  const path = (req.path ?? '/').toLowerCase();
  if (/\/kakao\/?$/.test(path)) return 'kakao';
  if (/\/messenger\/?$/.test(path)) return 'messenger';
  return null;
}

/** The HTTP handler over a runtime made on first use. */
export function chatbotHandler(runtime: () => ChatRuntime, fallbackLanguage: Language = 'ko') {
  takeOverBodyParsing();
  const logger = (): Logger => {
    try {
      return runtime().log;
    } catch {
      return createLogger();
    }
  };
  const refuse = (res: Response, req: Request, status: 400 | 413 | 415, reason: string) => {
    const face = pathFace(req);
    logger().warn('chat request rejected', { face, status, reason, method: req.method });
    send(
      res,
      face === 'kakao'
        ? { status, body: kakaoResponse(textReply('unreadable'), fallbackLanguage, null) }
        : { status, body: { error: reason } },
    );
  };
  return readsOwnBody(async (req: Request, res: Response): Promise<void> => {
    const read = await readBody(req, CHAT_MAX_BODY_BYTES, res);
    if (!read.ok) return refuse(res, req, read.status, read.reason);
    const face = faceOf(req);
    // Messenger verifies the signature over these bytes first: a signed body it cannot read
    // is acknowledged with a reason (messenger.ts), an unsigned one refused with 401.
    const problem = face === 'messenger' ? null : jsonProblem(read.body);
    if (problem !== null) return refuse(res, req, 400, problem);
    if (face === null) {
      send(res, {
        status: 404,
        body: { error: 'not a chat request: POST to …/kakao or …/messenger (see docs/chatbot.md)' },
      });
      return;
    }
    try {
      const rt = runtime();
      send(res, face === 'kakao' ? await kakao(rt, req) : await messenger(rt, req));
    } catch (error) {
      // Configuration errors and the unforeseen: a friendly answer, never a 5xx. The runtime
      // (and its logger) may be what failed, so a default Logger records it, redacted as usual.
      createLogger().error('chatbot request failed; answered with an apology', { error });
      send(
        res,
        face === 'kakao'
          ? { status: 200, body: kakaoResponse(textReply('error'), fallbackLanguage, null) }
          : { status: 200, body: { ignored: 'internal error (logged)' } },
      );
    }
  });
}
