// Every way an event may arrive (JSON POST, JSON array, form POST, GET query) and what the
// events table keeps of it: typed where the source types, strings elsewhere, nested JSON
// parsed or kept raw, unknown fields never dropped.
import { expect } from 'chai';
import {
  appsflyerEvent,
  signCalltracking,
  startEventsHarness,
  parseJsonColumns,
  TOKENS,
  type EventsHarness,
} from './support.js';

const AF = `/appsflyer/${TOKENS.appsflyer}`;

describe('events function: content types and methods', function () {
  let h: EventsHarness;
  beforeEach(async () => (h = await startEventsHarness()));
  afterEach(async () => h.close());

  const rows = async (where = 'TRUE') =>
    (await h.query(`SELECT * FROM events WHERE ${where} ORDER BY received_at, event_key`)).map(
      parseJsonColumns,
    );

  it('accepts an AppsFlyer JSON POST: event_value parsed into attributes, raw payload untouched', async () => {
    const event = appsflyerEvent({ brand_new_field: 'kept' });
    const reply = await h.send(AF, {
      body: JSON.stringify(event),
      contentType: 'application/json',
    });
    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.include({ accepted: 1 });
    const [row, ...more] = await rows();
    expect(more).to.have.length(0);
    expect(row).to.include({
      source: 'appsflyer',
      event_name: 'af_purchase',
      event_time: '2026-11-20T09:58:01.123Z',
      received_at: '2026-11-20T10:00:00.000Z',
      transport: 'json',
      event_id: null,
    });
    expect(row!.event_key).to.match(/^h-[0-9a-f]{32}$/);
    expect(reply.json!.event_keys).to.deep.equal([row!.event_key]);
    const attributes = row!.attributes as Record<string, unknown>;
    expect(attributes.event_value).to.deep.equal({
      af_revenue: '9.99',
      af_currency: 'BRL',
      af_content_id: 'album-7',
    });
    // numeric-looking strings the source does not type stay strings (leading zeros survive)
    expect(attributes.customer_user_id).to.equal('00042');
    expect(attributes.event_revenue).to.equal('9.99');
    expect(attributes.brand_new_field).to.equal('kept');
    expect(row!.raw_payload).to.deep.equal(event);
  });

  it('accepts the same event as a GET with query parameters, under the same event key', async () => {
    const event = appsflyerEvent();
    const viaGet = await h.send(`${AF}?${new URLSearchParams(event).toString()}`);
    expect(viaGet.status).to.equal(200);
    const viaPost = await h.send(AF, {
      body: JSON.stringify(event),
      contentType: 'application/json; charset=utf-8',
    });
    expect(viaPost.status).to.equal(200);
    expect(viaGet.json!.event_keys).to.deep.equal(viaPost.json!.event_keys);
    // Same source, key and payload: the POST is the same run, acknowledged without a write.
    const all = await rows();
    expect(all.map((r) => r.transport)).to.deep.equal(['query']);
    expect(await h.query('SELECT count(*) AS n FROM latest_events')).to.deep.equal([{ n: 1 }]);
    const get = all[0]!;
    expect(get.raw_payload).to.deep.equal(event);
    expect((get.attributes as Record<string, unknown>).event_value).to.deep.equal(
      JSON.parse(event.event_value!),
    );
  });

  it('accepts a JSON array of events in one POST, one row each', async () => {
    const batch = [1, 2, 3].map((i) =>
      appsflyerEvent({ appsflyer_id: `id-${i}`, event_name: i === 2 ? 'af_login' : 'af_purchase' }),
    );
    const reply = await h.send(AF, {
      body: JSON.stringify(batch),
      contentType: 'application/json',
    });
    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.include({ accepted: 3 });
    const all = await rows();
    expect(
      all.map((r) => (r.raw_payload as Record<string, string>).appsflyer_id).sort(),
    ).to.deep.equal(['id-1', 'id-2', 'id-3']);
    expect(new Set(all.map((r) => r.run_id)).size).to.equal(1);
  });

  it('accepts a signed form post: form values become JSON, typed fields typed, others strings', async () => {
    const form = new URLSearchParams({
      call_id: 'CA-1001',
      event: 'call_completed',
      call_start: '2026-11-20T09:45:00-03:00',
      duration: '0125',
      answered: 'true',
      caller: '+5511912345678',
      ddd: '011',
      custom: '{"campaign":"black-friday"}',
      note: 'Olá, São Paulo & "friends"',
    });
    form.append('tag', 'vip');
    form.append('tag', 'returning');
    const body = form.toString();
    const reply = await h.send(`/calltracking`, {
      body,
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-fanpulse-token': TOKENS.calltracking, 'x-signature': signCalltracking(body) },
    });
    expect(reply.status, reply.text).to.equal(200);
    const [row] = await rows();
    expect(row).to.include({
      source: 'calltracking',
      event_key: 'CA-1001',
      event_id: 'CA-1001',
      event_name: 'call_completed',
      event_time: '2026-11-20T12:45:00.000Z',
      transport: 'form',
    });
    expect(row!.attributes).to.deep.equal({
      call_id: 'CA-1001',
      event: 'call_completed',
      call_start: '2026-11-20T09:45:00-03:00',
      duration: 125,
      answered: true,
      caller: '+5511912345678',
      ddd: '011',
      custom: { campaign: 'black-friday' },
      note: 'Olá, São Paulo & "friends"',
      tag: ['vip', 'returning'],
    });
    expect((row!.raw_payload as Record<string, unknown>).duration).to.equal('0125');
  });

  it('keeps nested JSON that is not valid as the raw string, and counts it', async () => {
    const event = appsflyerEvent({ event_value: '{"af_revenue": 9.99,' });
    expect(
      (await h.send(AF, { body: JSON.stringify(event), contentType: 'application/json' })).status,
    ).to.equal(200);
    const empty = appsflyerEvent({ appsflyer_id: 'other', event_value: '' });
    expect(
      (await h.send(AF, { body: JSON.stringify(empty), contentType: 'application/json' })).status,
    ).to.equal(200);
    const all = await rows();
    const values = all.map((r) => (r.attributes as Record<string, unknown>).event_value);
    expect(values).to.have.members(['{"af_revenue": 9.99,', '']);
    const quality = await h.query(
      `SELECT check_name, count FROM data_quality WHERE table_name = 'events'`,
    );
    expect(quality).to.deep.equal([{ check_name: 'kept_as_sent:event_value', count: 1 }]);
  });

  it('keeps unknown, odd and nested fields whole: __proto__, empty names, big integers, objects', async () => {
    const body =
      '{"appsflyer_id":"x1","event_name":"odd","__proto__":{"polluted":true},"":"empty name",' +
      '"big":12345678901234567890123,"nested":{"a":[1,{"b":null}]},"unicode":"한국어 🎧"}';
    const reply = await h.send(AF, { body, contentType: 'application/json' });
    expect(reply.status, reply.text).to.equal(200);
    const [row] = await rows();
    const raw = row!.raw_payload as Record<string, unknown>;
    expect(Object.keys(raw).sort()).to.deep.equal(
      ['', '__proto__', 'appsflyer_id', 'big', 'event_name', 'nested', 'unicode'].sort(),
    );
    expect(raw.big).to.equal('12345678901234567890123');
    expect(raw.nested).to.deep.equal({ a: [1, { b: null }] });
    expect(raw.unicode).to.equal('한국어 🎧');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const viaForm = await h.send(`/attribution/${TOKENS.attribution}`, {
      body: '__proto__=x&constructor=y&conversion_id=c-1&revenue=12.50&revenue_cents=1250',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(viaForm.status, viaForm.text).to.equal(200);
    const conv = (await rows(`source = 'attribution'`))[0]!;
    // (an object literal's __proto__ would set the prototype, so the expectation is parsed)
    expect(conv.attributes).to.deep.equal(
      JSON.parse(
        '{"__proto__":"x","constructor":"y","conversion_id":"c-1","revenue":12.5,"revenue_cents":"1250"}',
      ),
    );
  });

  it('answers 405 for methods a source does not take and 404 for unknown sources', async () => {
    const put = await h.send(AF, { method: 'PUT', body: '{}', contentType: 'application/json' });
    expect(put.status).to.equal(405);
    expect(put.headers.allow).to.equal('GET, POST');
    const get = await h.send(`/calltracking/${TOKENS.calltracking}?call_id=1`);
    expect(get.status).to.equal(405);
    expect((await h.send(`/nosuchsource/x?a=1`)).status).to.equal(404);
    expect((await h.send(`/`)).status).to.equal(404);
    expect((await h.send(`/events${AF}?appsflyer_id=1&event_name=x`)).status).to.equal(200);
    expect(h.rejections().map((e) => [e.status, e.source])).to.deep.equal([
      [405, 'appsflyer'],
      [405, 'calltracking'],
      [404, null],
      [404, null],
    ]);
    expect([put.json?.error, get.json?.error]).to.deep.equal([
      'method PUT not allowed',
      'method GET not allowed for this source',
    ]);
    // A method name is quoted at most 10 characters long.
    const long = await h.send(AF, { method: 'UNSUBSCRIBE' });
    expect([long.status, long.json?.error]).to.deep.equal([405, 'method UNSUBSCRIB not allowed']);
    const deep = await h.send(`${AF}/extra?appsflyer_id=1`);
    expect([deep.status, deep.json?.error]).to.deep.equal([404, 'unknown source']);
    expect((await h.send('/events/')).json?.error).to.equal('unknown source');
  });

  it('logs each accepted delivery with its facts: labels, sizes, keys (at most 20), duration', async () => {
    const many = Array.from({ length: 25 }, (_, i) => appsflyerEvent({ appsflyer_id: `k${i}` }));
    const type = `application/json; ${'x'.repeat(150)}`;
    const reply = await h.send(AF, { body: JSON.stringify(many), contentType: type });
    expect(reply.status).to.equal(200);
    const line = h.logs.entries().find((e) => e.message === 'events accepted')!;
    expect(line).to.include({ source: 'appsflyer', method: 'POST', events: 25, transport: 'json' });
    expect(
      line.function ?? (line['logging.googleapis.com/labels'] as Record<string, unknown>)?.function,
    ).to.equal('events');
    expect(String(line.content_type)).to.have.length(100);
    expect(line.event_keys).to.deep.equal((reply.json?.event_keys as string[]).slice(0, 20));
    expect(line.duration_ms).to.be.a('number').within(0, 60_000);
    const refused = await h.send('/nosuchsource');
    expect(refused.status).to.equal(404);
    expect(h.rejections().at(-1)!.duration_ms).to.be.a('number').within(0, 60_000);
  });

  it('takes a query string exactly at the limit and refuses one byte more', async () => {
    const limited = await startEventsHarness({ env: { EVENTS_MAX_BODY_BYTES: '100' } });
    try {
      const query = (n: number) => {
        const head = `appsflyer_id=1&event_name=x&pad=`;
        return head + 'p'.repeat(n - head.length);
      };
      const at = await limited.send(`${AF}?${query(100)}`);
      expect(at.status).to.equal(200);
      const over = await limited.send(`${AF}?${query(101)}`);
      expect([over.status, over.json?.error]).to.deep.equal([413, 'query string over 100 bytes']);
    } finally {
      await limited.close();
    }
  });
});
