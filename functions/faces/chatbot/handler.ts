// The `chatbot` HTTP function: one entry point, two faces.
// Routing (docs/chatbot.md): the path decides first (…/kakao, …/messenger); without one, a
// GET with hub.mode or a POST with X-Hub-Signature-256 or {"object": …} is Messenger, a
// POST with {"userRequest": …} is Kakao; anything else gets 404 with the reason.
// Never 5xx: Kakao gets a friendly text on any failure, Messenger a 200 (its retries could
// not make a failed answer better) or 401 for a bad signature.
import type { Request, Response } from '@google-cloud/functions-framework';
import { isRecord } from '../../platform/fields.js';
import { createLogger } from '../../platform/logger.js';
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
  const path = (req.path ?? '/').toLowerCase();
  if (/\/kakao\/?$/.test(path)) return 'kakao';
  if (/\/messenger\/?$/.test(path)) return 'messenger';
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

/** The HTTP handler over a runtime made on first use. */
export function chatbotHandler(runtime: () => ChatRuntime, fallbackLanguage: Language = 'ko') {
  return async (req: Request, res: Response): Promise<void> => {
    const face = faceOf(req);
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
  };
}
