// Who may push: tokens (header, Bearer, path; rotation), HMAC signatures over the exact
// bytes (non-ASCII bodies included), IP allowlists, and logs that never carry a secret.
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { sameSecret } from '../../functions/platform/secure-compare.js';
import {
  appsflyerEvent,
  CT_HMAC,
  signCalltracking,
  startEventsHarness,
  TOKENS,
  type EventsHarness,
} from './support.js';

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

describe('events function: authentication', function () {
  let h: EventsHarness;
  afterEach(async () => h?.close());

  const count = async () => (await h.query('SELECT count(*) AS n FROM events'))[0]!.n;

  it('takes the token from the path, a header or a Bearer header, and refuses anything else', async () => {
    h = await startEventsHarness();
    const body = (id: string) => JSON.stringify(appsflyerEvent({ appsflyer_id: id }));
    const ok = [
      await h.send(`/appsflyer/${TOKENS.appsflyer}`, { body: body('a'), contentType: JSON_TYPE }),
      await h.send('/appsflyer', {
        body: body('b'),
        contentType: JSON_TYPE,
        headers: { 'x-fanpulse-token': TOKENS.appsflyer },
      }),
      await h.send('/appsflyer', {
        body: body('c'),
        contentType: JSON_TYPE,
        headers: { authorization: `Bearer ${TOKENS.appsflyer}` },
      }),
    ];
    expect(ok.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    const refused = [
      await h.send('/appsflyer', { body: body('d'), contentType: JSON_TYPE }),
      await h.send('/appsflyer/wrong-token', { body: body('e'), contentType: JSON_TYPE }),
      await h.send(`/appsflyer/${TOKENS.appsflyer}x`, { body: body('f'), contentType: JSON_TYPE }),
      // another source's token is no good here
      await h.send(`/appsflyer/${TOKENS.attribution}`, { body: body('g'), contentType: JSON_TYPE }),
      await h.send(`/appsflyer?appsflyer_id=h&event_name=x`),
    ];
    expect(refused.map((r) => [r.status, r.json?.error])).to.deep.equal([
      [401, 'no token'],
      [401, 'wrong token'],
      [401, 'wrong token'],
      [401, 'wrong token'],
      [401, 'no token'],
    ]);
    expect(await count()).to.equal(3);
    const logged = h.rejections();
    expect(logged).to.have.length(5);
    expect(logged.every((e) => e.source === 'appsflyer' && e.status === 401)).to.equal(true);
    // neither the real token nor the wrong ones nor the payload is in any log line
    for (const line of h.logs.lines) {
      expect(line).not.to.include(TOKENS.appsflyer);
      expect(line).not.to.include('wrong-token');
      expect(line).not.to.include(TOKENS.attribution);
      expect(line).not.to.include('af_purchase');
    }
  });

  it('accepts any of several token values (rotation)', async () => {
    h = await startEventsHarness({
      env: { EVENTS_TOKEN_APPSFLYER: 'old-token-1111\nnew-token-2222' },
    });
    const send = (token: string, id: string) =>
      h.send(`/appsflyer/${token}?appsflyer_id=${id}&event_name=x`);
    expect((await send('old-token-1111', '1')).status).to.equal(200);
    expect((await send('new-token-2222', '2')).status).to.equal(200);
    expect((await send('new-token-2223', '3')).status).to.equal(401);
  });

  it('verifies the HMAC over the exact bytes of non-ASCII JSON and form bodies', async () => {
    h = await startEventsHarness();
    const headers = (body: Buffer | string, signature = signCalltracking(body)) => ({
      'x-fanpulse-token': TOKENS.calltracking,
      'x-signature': signature,
    });
    const json = Buffer.from(
      JSON.stringify({ call_id: 'c-1', event: '통화 완료', note: 'ação 🎧 ünïcödé' }),
      'utf8',
    );
    expect(
      (
        await h.send('/calltracking', {
          body: json,
          contentType: JSON_TYPE,
          headers: headers(json),
        })
      ).status,
    ).to.equal(200);
    // a form body with raw UTF-8 bytes (not percent-encoded), as some senders post it
    const form = Buffer.from('call_id=c-2&event=답신&city=São Paulo', 'utf8');
    const formReply = await h.send('/calltracking', {
      body: form,
      contentType: `${FORM}; charset=utf-8`,
      headers: headers(form),
    });
    expect(formReply.status, formReply.text).to.equal(200);
    // latin-1 form body signed over its own bytes
    const latin = Buffer.from('call_id=c-3&city=S%E3o+Paulo&name=Jos\xe9', 'latin1');
    const latinReply = await h.send('/calltracking', {
      body: latin,
      contentType: `${FORM}; charset=ISO-8859-1`,
      headers: headers(latin),
    });
    expect(latinReply.status, latinReply.text).to.equal(200);
    // signing the text re-encoded (latin1 instead of the UTF-8 bytes) does not match
    const wrongBytes = createHmac('sha256', CT_HMAC)
      .update(Buffer.from(json.toString('utf8'), 'latin1'))
      .digest('hex');
    const reencoded = await h.send('/calltracking', {
      body: json,
      contentType: JSON_TYPE,
      headers: headers(json, `sha256=${wrongBytes}`),
    });
    expect([reencoded.status, reencoded.json?.error]).to.deep.equal([
      401,
      'signature does not match the body',
    ]);
    const tampered = Buffer.from(json.toString('utf8').replace('c-1', 'c-9'), 'utf8');
    const forged = await h.send('/calltracking', {
      body: tampered,
      contentType: JSON_TYPE,
      headers: headers(json),
    });
    expect(forged.status).to.equal(401);
    const unsigned = await h.send('/calltracking', {
      body: json,
      contentType: JSON_TYPE,
      headers: { 'x-fanpulse-token': TOKENS.calltracking },
    });
    expect([unsigned.status, unsigned.json?.error]).to.deep.equal([
      401,
      'no signature (x-signature)',
    ]);
    const wrongKey = await h.send('/calltracking', {
      body: json,
      contentType: JSON_TYPE,
      headers: headers(json, signCalltracking(json, 'not-the-key')),
    });
    expect(wrongKey.status).to.equal(401);
    const badEncoding = await h.send('/calltracking', {
      body: json,
      contentType: JSON_TYPE,
      headers: headers(json, 'sha256=zz-not-hex'),
    });
    expect(badEncoding.status).to.equal(401);
    // a valid signature without the token is still refused: this source needs both
    const noToken = await h.send('/calltracking', {
      body: json,
      contentType: JSON_TYPE,
      headers: { 'x-signature': signCalltracking(json) },
    });
    expect([noToken.status, noToken.json?.error]).to.deep.equal([401, 'no token']);

    const rows = await h.query(`SELECT event_key, attributes FROM events ORDER BY event_key`);
    expect(rows.map((r) => r.event_key)).to.deep.equal(['c-1', 'c-2', 'c-3']);
    const attrs = rows.map((r) => JSON.parse(String(r.attributes)) as Record<string, unknown>);
    expect(attrs[0]).to.deep.include({ event: '통화 완료', note: 'ação 🎧 ünïcödé' });
    expect(attrs[1]).to.deep.include({ event: '답신', city: 'São Paulo' });
    expect(attrs[2]).to.deep.include({ city: 'São Paulo', name: 'José' });
    for (const line of h.logs.lines) expect(line).not.to.include(CT_HMAC);
  });

  it('refuses senders outside an allowlist (with the trusted proxy hop of Cloud Run)', async () => {
    const sources = {
      appsflyer: {
        token: { in: ['path'] },
        methods: ['GET', 'POST'],
        allowIps: ['203.0.113.0/24', '2001:db8::/32'],
      },
    };
    h = await startEventsHarness({
      env: { EVENTS_SOURCES: JSON.stringify(sources), EVENTS_TRUSTED_PROXY_HOPS: '1' },
    });
    const from = (xff: string, id: string) =>
      h.send(`/appsflyer/${TOKENS.appsflyer}?appsflyer_id=${id}&event_name=x`, {
        headers: { 'x-forwarded-for': xff },
      });
    expect((await from('203.0.113.9', '1')).status).to.equal(200);
    expect((await from('2001:db8::7', '2')).status).to.equal(200);
    expect((await from('198.51.100.4', '3')).status).to.equal(403);
    // a sender cannot spoof its way in: the proxy appends the real address last
    expect((await from('203.0.113.9, 198.51.100.4', '4')).status).to.equal(403);
    // no X-Forwarded-For: the socket address (loopback) is not on the list
    expect((await h.send(`/appsflyer/${TOKENS.appsflyer}?appsflyer_id=5`)).status).to.equal(403);
    expect(h.rejections().map((e) => e.reason)).to.deep.equal(
      Array(3).fill('sender address not allowed'),
    );
  });

  it('refuses signed deliveries outside the replay window of a source that signs a timestamp', async () => {
    const secret = 'slackish-signing-secret';
    const sources = {
      slackish: {
        hmac: {
          header: 'x-signature',
          prefix: 'v0=',
          timestamp: { header: 'x-request-timestamp', signed: 'v0:{timestamp}:{body}' },
        },
        idField: 'id',
      },
    };
    h = await startEventsHarness({
      env: { EVENTS_SOURCES: JSON.stringify(sources), EVENTS_HMAC_SLACKISH: secret },
    });
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const deliver = (id: string, ts: number | null, signedTs = ts, template = 'v0:T:B') => {
      const body = JSON.stringify({ id, event_name: 'x' });
      const signed = template.replace('T', String(signedTs)).replace('B', body);
      const signature = 'v0=' + createHmac('sha256', secret).update(signed).digest('hex');
      return h.send('/slackish', {
        body,
        contentType: JSON_TYPE,
        headers: {
          'x-signature': signature,
          ...(ts === null ? {} : { 'x-request-timestamp': String(ts) }),
        },
      });
    };
    expect((await deliver('e1', now)).status).to.equal(200);
    expect((await deliver('e2', now - 300)).status).to.equal(200);
    expect((await deliver('e3', now + 300)).status).to.equal(200);
    const refused = [
      await deliver('e4', now - 301),
      await deliver('e5', now + 400),
      await deliver('e6', null),
      // the timestamp is part of what is signed: changing it breaks the signature
      await deliver('e7', now, now - 1000),
      // a signature over the body alone is not one over timestamp and body
      await deliver('e8', now, now, 'B'),
    ];
    expect(refused.map((r) => [r.status, r.json?.error])).to.deep.equal([
      [401, 'timestamp 301 s old, outside the 300 s replay window'],
      [401, 'timestamp 400 s ahead, outside the 300 s replay window'],
      [401, 'no timestamp in seconds (x-request-timestamp)'],
      [401, 'signature does not match the timestamp and body'],
      [401, 'signature does not match the timestamp and body'],
    ]);
    expect(h.rejections().map((e) => [e.source, e.status])).to.deep.equal(
      refused.map(() => ['slackish', 401]),
    );
    expect(await count()).to.equal(3);
  });

  it('takes the replay tolerance from the source configuration', async () => {
    const sources = {
      strict: {
        hmac: { header: 'x-sig', timestamp: { header: 'x-ts', toleranceSeconds: 5 } },
        idField: 'id',
      },
    };
    h = await startEventsHarness({
      env: { EVENTS_SOURCES: JSON.stringify(sources), EVENTS_HMAC_STRICT: 'k' },
    });
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const send = (ts: number) => {
      const body = JSON.stringify({ id: `s${ts}`, event_name: 'x' });
      return h.send('/strict', {
        body,
        contentType: JSON_TYPE,
        headers: {
          'x-ts': String(ts),
          'x-sig': createHmac('sha256', 'k').update(`${ts}.${body}`).digest('hex'),
        },
      });
    };
    expect((await send(now - 5)).status).to.equal(200);
    const late = await send(now - 6);
    expect([late.status, late.json?.error]).to.deep.equal([
      401,
      'timestamp 6 s old, outside the 5 s replay window',
    ]);
  });

  it('answers 503 (the sender retries) when the token secret cannot be read', async () => {
    h = await startEventsHarness({ env: { EVENTS_TOKEN_APPSFLYER: '' } });
    const reply = await h.send(`/appsflyer/${TOKENS.appsflyer}?appsflyer_id=1&event_name=x`);
    expect([reply.status, reply.json]).to.deep.equal([
      503,
      { error: 'temporarily unable to authenticate; retry later' },
    ]);
    const alert = h.logs.entries().find((e) => e.severity === 'ALERT');
    expect(alert?.message).to.equal('cannot read the secrets of an events source; answering 503');
    expect(alert?.source).to.equal('appsflyer');
    expect(String(alert?.error)).to.include('EVENTS_TOKEN_APPSFLYER');
    expect(await count()).to.equal(0);
  });

  it('compares secrets of any length in constant time', () => {
    expect(sameSecret('abc', 'abc')).to.equal(true);
    expect(sameSecret('abc', 'abcd')).to.equal(false);
    expect(sameSecret('', 'x')).to.equal(false);
  });
});
