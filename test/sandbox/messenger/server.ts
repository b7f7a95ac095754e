// A Send API sandbox (POST /{version}/me/messages) that records what the chatbot sends and
// rejects what the Graph API would: a wrong page token (190), malformed parameters and
// messages over Messenger's limits (100), with the Graph error envelope. Accepts the
// parameters form-encoded with JSON values (what the chatbot posts) or as a JSON body.
import { HttpSandbox, type SandboxAnswer, type SandboxRequest } from '../http-sandbox.js';

const SANDBOX_PAGE_TOKEN = 'sandbox-page-token-0b5e';
const GRAPH_VERSION = 'v24.0';

export interface SentMessage {
  recipientId: string;
  messagingType: string;
  message: Record<string, unknown>;
}

function graphError(status: number, code: number, message: string): SandboxAnswer {
  return {
    status,
    body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'sandbox' } },
  };
}

const len = (v: unknown) => (typeof v === 'string' ? v.length : -1);

/** The first limit a message breaks, or null (Messenger Platform limits, 2026). */
export function messengerLimitProblem(message: Record<string, unknown>): string | null {
  const quick = message.quick_replies;
  if (quick !== undefined) {
    if (!Array.isArray(quick) || quick.length === 0 || quick.length > 13)
      return 'quick_replies must hold 1 to 13 items';
    for (const q of quick as Array<Record<string, unknown>>) {
      if (len(q.title) < 1 || len(q.title) > 20) return 'quick reply title must be 1-20 characters';
      if (len(q.payload) < 1 || len(q.payload) > 1000) return 'quick reply payload must be 1-1000';
    }
  }
  if ('text' in message) {
    if (len(message.text) < 1 || len(message.text) > 2000) return 'text must be 1-2000 characters';
    return null;
  }
  const attachment = message.attachment as { payload?: { elements?: unknown } } | undefined;
  const elements = attachment?.payload?.elements;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
    return 'a generic template needs 1 to 10 elements';
  for (const e of elements as Array<Record<string, unknown>>) {
    if (len(e.title) < 1 || len(e.title) > 80) return 'element title must be 1-80 characters';
    if (e.subtitle !== undefined && len(e.subtitle) > 80) return 'element subtitle over 80';
    const buttons = e.buttons;
    if (buttons !== undefined) {
      if (!Array.isArray(buttons) || buttons.length > 3) return 'at most 3 buttons';
      for (const b of buttons as Array<Record<string, unknown>>)
        if (len(b.title) < 1 || len(b.title) > 20) return 'button title must be 1-20 characters';
    }
  }
  return null;
}

export class MessengerSandbox extends HttpSandbox {
  readonly sent: SentMessage[] = [];

  constructor(private readonly pageToken: string = SANDBOX_PAGE_TOKEN) {
    super();
    this.route('POST', `/${GRAPH_VERSION}/me/messages`, (req) => this.receive(req));
  }

  /** What fanpulse needs to send here. */
  env(): Record<string, string> {
    return {
      MESSENGER_GRAPH_BASE_URL: `${this.url}/${GRAPH_VERSION}`,
      MESSENGER_PAGE_TOKEN: this.pageToken,
    };
  }

  private params(req: SandboxRequest): Record<string, unknown> | null {
    const type = String(req.headers['content-type'] ?? '');
    try {
      if (type.includes('application/json')) return JSON.parse(req.body) as Record<string, unknown>;
      const form = new URLSearchParams(req.body);
      const out: Record<string, unknown> = {};
      for (const [k, v] of form) out[k] = k === 'recipient' || k === 'message' ? JSON.parse(v) : v;
      return out;
    } catch {
      return null;
    }
  }

  private receive(req: SandboxRequest): SandboxAnswer {
    const p = this.params(req);
    if (!p) return graphError(400, 100, 'Invalid parameter: unreadable body');
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const token = (p.access_token as string | undefined) ?? req.query.get('access_token') ?? bearer;
    if (token !== this.pageToken) return graphError(400, 190, 'Invalid OAuth access token.');
    const recipient = p.recipient as { id?: unknown } | undefined;
    if (typeof recipient?.id !== 'string') return graphError(400, 100, 'Invalid recipient');
    const message = p.message as Record<string, unknown> | undefined;
    if (typeof message !== 'object' || message === null)
      return graphError(400, 100, 'Invalid parameter: message');
    const problem = messengerLimitProblem(message);
    if (problem) return graphError(400, 100, `Invalid parameter: ${problem}`);
    this.sent.push({
      recipientId: recipient.id,
      messagingType: String(p.messaging_type ?? ''),
      message,
    });
    return {
      status: 200,
      body: { recipient_id: recipient.id, message_id: `m_sandbox_${this.sent.length}` },
    };
  }
}
