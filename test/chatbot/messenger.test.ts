import { expect } from 'chai';
import { messengerMessageSchema } from '../../functions/faces/chatbot/messenger-format.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import {
  invoke,
  messengerBody,
  SECRETS,
  signed,
  startChatHarness,
  textEvent,
  type ChatHarness,
} from './support.js';

describe('chatbot: Messenger webhook', () => {
  let h: ChatHarness;
  before(async () => {
    h = await startChatHarness();
  });
  after(async () => h?.close());
  beforeEach(() => {
    h.messenger.sent.length = 0;
    h.restart();
  });

  async function post(body: unknown, raw = JSON.stringify(body)) {
    return invoke(h.handler, { path: '/messenger', headers: signed(raw), raw });
  }

  it('verifies the subscription: echoes hub.challenge only for the right token', async () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': SECRETS.MESSENGER_VERIFY_TOKEN,
      'hub.challenge': '1158201444',
    };
    const ok = await invoke(h.handler, { method: 'GET', path: '/messenger', query });
    expect(ok).to.deep.equal({ status: 200, body: '1158201444', contentType: 'text/plain' });
    // Routed by the query alone, without the path.
    const byShape = await invoke(h.handler, { method: 'GET', path: '/', query });
    expect(byShape.body).to.equal('1158201444');
    const wrong = await invoke(h.handler, {
      method: 'GET',
      path: '/messenger',
      query: { ...query, 'hub.verify_token': 'nope' },
    });
    expect(wrong.status).to.equal(403);
  });

  it('answers a text message through the Send API (English by default)', async () => {
    const r = await post(messengerBody([textEvent('PSID-1', 'mid.1', 'Halsey')]));
    expect(r.status).to.equal(200);
    expect(h.messenger.sent).to.have.length(2);
    const [card, tracks] = h.messenger.sent;
    expect(card!.recipientId).to.equal('PSID-1');
    expect(card!.messagingType).to.equal('RESPONSE');
    for (const s of h.messenger.sent) messengerMessageSchema.parse(s.message);
    expect(JSON.stringify(card!.message)).to.include('"title":"Halsey"');
    const t = tracks!.message as { text: string; quick_replies: Array<{ payload: string }> };
    expect(t.text).to.match(/^From Halsey's newest releases\n1\. /);
    expect(t.quick_replies[0]!.payload).to.equal(`ARTIST:${KNOWN.bts}`);
  });

  it('verifies the signature over the exact raw bytes, non-ASCII text included', async () => {
    // Escaped and unescaped forms of the same JSON differ in bytes: both must verify as sent.
    const body = messengerBody([textEvent('PSID-2', 'mid.2', '방탄소년단')]);
    const raw = JSON.stringify(body);
    expect(Buffer.byteLength(raw)).to.be.greaterThan(raw.length);
    expect((await post(body, raw)).status).to.equal(200);
    const escaped = raw.replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const r = await post(body, escaped.replace('mid.2', 'mid.2b'));
    expect(r.status).to.equal(200);
    expect(
      h.messenger.sent.filter((s) => JSON.stringify(s.message).includes('"title":"BTS"')),
    ).to.have.length(2);
    // Signed over one form, sent in the other: rejected.
    const forged = await invoke(h.handler, {
      path: '/messenger',
      headers: signed(raw),
      raw: escaped,
    });
    expect(forged).to.deep.include({ status: 401, body: { error: 'signature mismatch' } });
    const missing = await invoke(h.handler, { path: '/messenger', raw });
    expect(missing).to.deep.include({
      status: 401,
      body: { error: 'missing X-Hub-Signature-256 header' },
    });
    const malformed = await invoke(h.handler, {
      path: '/messenger',
      headers: { 'x-hub-signature-256': 'sha1=abc' },
      raw,
    });
    expect(malformed.status).to.equal(401);
  });

  it('handles every event of every entry; skips echoes, deliveries, reads and repeats', async () => {
    const body = messengerBody(
      [
        textEvent('PSID-A', 'mid.a1', 'Coldplay'),
        { sender: { id: 'PAGE_ID' }, message: { mid: 'mid.echo', text: 'hi', is_echo: true } },
        { sender: { id: 'PSID-A' }, delivery: { mids: ['mid.x'], watermark: 1 } },
        textEvent('PSID-A', 'mid.a2', 'aespa'),
      ],
      [
        { sender: { id: 'PSID-B' }, read: { watermark: 1 } },
        {
          sender: { id: 'PSID-B' },
          message: {
            mid: 'mid.b1',
            text: 'Jung Kook',
            quick_reply: { payload: `ARTIST:${KNOWN.latto}` },
          },
        },
        textEvent('PSID-A', 'mid.a1', 'Coldplay'),
        { sender: { id: 'PSID-C' }, message: { mid: 'mid.c1', attachments: [{ type: 'image' }] } },
        { nonsense: true },
      ],
    );
    const r = await post(body);
    expect(r.status).to.equal(200);
    expect((r.body as { outcomes: Record<string, number> }).outcomes).to.deep.equal({
      echo: 1,
      delivery: 1,
      read: 1,
      duplicate: 1,
      invalid: 1,
      answered: 4,
    });
    const to = (psid: string) => h.messenger.sent.filter((s) => s.recipientId === psid);
    // PSID-A in order: Coldplay (card + text), then aespa.
    const kind = (m: Record<string, unknown>) => {
      const el = (m as { attachment?: { payload: { elements: Array<{ title: string }> } } })
        .attachment?.payload.elements[0];
      return el ? `card:${el.title}` : 'text';
    };
    expect(to('PSID-A').map((s) => kind(s.message))).to.deep.equal([
      'card:Coldplay',
      'text',
      'card:aespa',
      'text',
    ]);
    // A tapped quick reply answers the artist of its payload.
    expect(JSON.stringify(to('PSID-B')[0]!.message)).to.include('"title":"Latto"');
    expect((to('PSID-C')[0]!.message as { text: string }).text).to.equal(
      'Send me an artist name as text.',
    );
  });

  it('acknowledges unreadable but signed bodies with a reason, never 5xx', async () => {
    const notJson = await post(null, '{"object": "page", "entry": [');
    expect(notJson).to.deep.include({ status: 200, body: { ignored: 'body is not JSON' } });
    const notPage = await post({ object: 'instagram', entry: [] });
    expect(notPage.body).to.deep.equal({ ignored: 'object "instagram" is not "page"' });
    expect(h.messenger.sent).to.have.length(0);
  });

  it('still acknowledges when the Send API fails', async () => {
    h.messenger.inject({
      path: /me\/messages$/,
      answer: { status: 400, body: { error: { code: 10 } } },
      times: 10,
    });
    try {
      const r = await post(messengerBody([textEvent('PSID-E', 'mid.e', 'BTS')]));
      expect(r.status).to.equal(200);
      expect((r.body as { outcomes: Record<string, number> }).outcomes).to.deep.equal({
        send_failed: 1,
      });
    } finally {
      h.messenger.clearFaults();
    }
  });

  it('acknowledges by the deadline even when answers are still being sent', async () => {
    // Index ready first: closing DuckDB under a running query would hang the test run.
    await h.rt.index.get();
    h.timer.expire.add('ack');
    h.messenger.inject({ path: /me\/messages$/, delayMs: 200, answer: { status: 200, body: {} } });
    try {
      const r = await post(messengerBody([textEvent('PSID-F', 'mid.f', 'BTS')]));
      expect(r.status).to.equal(200);
      expect((r.body as { outcomes: Record<string, number> }).outcomes).to.deep.equal({});
      expect(h.messenger.sent).to.have.length(0);
    } finally {
      h.timer.expire.delete('ack');
    }
    // The replies still go out after the acknowledgement.
    while (h.messenger.sent.length < 1) await new Promise((r) => setTimeout(r, 20));
    expect(h.messenger.sent[0]!.recipientId).to.equal('PSID-F');
  });
});
