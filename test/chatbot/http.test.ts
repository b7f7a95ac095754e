// The deployable entry point served by functions-framework (getTestServer), over HTTP.
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { expect } from 'chai';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import '../../functions/index.js';
import { setChatRuntime } from '../../functions/faces/chatbot/entry.js';
import { CHAT_MAX_BODY_BYTES } from '../../functions/faces/chatbot/handler.js';
import { kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import {
  kakaoBody,
  messengerBody,
  SECRETS,
  signed,
  startChatHarness,
  textEvent,
  type ChatHarness,
  KAKAO_AUTH,
} from './support.js';

describe('chatbot: served by functions-framework', () => {
  let h: ChatHarness;
  let server: Server;
  let base: string;
  before(async () => {
    h = await startChatHarness();
    setChatRuntime(h.rt);
    server = getTestServer('chatbot');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    setChatRuntime(undefined);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  it('answers a Kakao skill request over HTTP', async () => {
    const res = await fetch(`${base}/kakao`, {
      method: 'POST',
      headers: KAKAO_AUTH,
      body: JSON.stringify(kakaoBody({ artistName: '방탄소년단' })),
    });
    expect(res.status).to.equal(200);
    const body = kakaoResponseSchema.parse(await res.json());
    const first = body.template.outputs[0]!;
    expect('basicCard' in first && first.basicCard.title).to.equal('BTS');
  });

  it('verifies Messenger and answers a signed POST with non-ASCII text', async () => {
    const verify = await fetch(
      `${base}/messenger?hub.mode=subscribe&hub.verify_token=${SECRETS.MESSENGER_VERIFY_TOKEN}&hub.challenge=abc123`,
    );
    expect([verify.status, await verify.text()]).to.deep.equal([200, 'abc123']);
    const raw = JSON.stringify(messengerBody([textEvent('PSID-H', 'mid.h1', 'Beyoncé')]));
    const res = await fetch(`${base}/messenger`, {
      method: 'POST',
      headers: signed(raw),
      body: raw,
    });
    expect(res.status).to.equal(200);
    expect(h.messenger.sent.filter((s) => s.recipientId === 'PSID-H')).to.have.length(2);
    const bad = await fetch(`${base}/messenger`, {
      method: 'POST',
      headers: signed(raw.replace('Beyoncé', 'Beyonce')),
      body: raw,
    });
    expect(bad.status).to.equal(401);
  });

  it('never answers 5xx: unknown routes and malformed JSON get 4xx with a reason', async () => {
    const unknown = await fetch(`${base}/`, { method: 'POST', body: '{"hello": 1}' });
    expect(unknown.status).to.equal(404);
    expect(((await unknown.json()) as { error: string }).error).to.match(/not a chat request/);
    // The function reads its own body (functions-framework's parsers are off for it): its
    // own short answer, never the framework's HTML page.
    const malformed = await fetch(`${base}/kakao`, {
      method: 'POST',
      headers: KAKAO_AUTH,
      body: '{"userRequest": ',
    });
    expect(malformed.status).to.equal(400);
    kakaoResponseSchema.parse(await malformed.json());
    const text = await fetch(`${base}/`, { method: 'POST', body: 'hello' });
    expect(text.status).to.equal(400);
    expect(((await text.json()) as { error: string }).error).to.match(/^malformed JSON: /);
  });

  it('refuses bodies over its limit, as sent or once decompressed, with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    for (const path of ['/kakao', '/messenger', '/']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: bomb,
      });
      expect(res.status, path).to.equal(413);
      const body: unknown = await res.json();
      if (path === '/kakao') kakaoResponseSchema.parse(body);
      else
        expect(body).to.deep.equal({
          error: `body over ${CHAT_MAX_BODY_BYTES} bytes once decoded (gzip)`,
        });
    }
    const plain = await fetch(`${base}/messenger`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(CHAT_MAX_BODY_BYTES + 1),
    });
    expect([plain.status, await plain.json()]).to.deep.equal([
      413,
      { error: `body over ${CHAT_MAX_BODY_BYTES} bytes` },
    ]);
  });
});
