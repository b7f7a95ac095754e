// Refusals: oversize (413), unsupported content types and charsets (415), malformed and
// empty bodies (400), each with a reason in the answer and a log line naming the source.
import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { appsflyerEvent, startEventsHarness, TOKENS, type EventsHarness } from './support.js';

const AF = `/appsflyer/${TOKENS.appsflyer}`;
const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

describe('events function: limits and malformed input', function () {
  let h: EventsHarness;
  afterEach(async () => h?.close());

  const stored = async () => (await h.query('SELECT count(*) AS n FROM events'))[0]!.n;

  it('answers 413 over the body limit (default 1 MiB) and the events-per-request limit', async () => {
    h = await startEventsHarness({ env: { EVENTS_MAX_PER_REQUEST: '5' } });
    const padding = (bytes: number) => {
      const base = JSON.stringify(appsflyerEvent({ pad: '' }));
      return JSON.stringify(appsflyerEvent({ pad: 'x'.repeat(bytes - base.length) }));
    };
    const exactly = padding(1024 * 1024);
    expect(Buffer.byteLength(exactly)).to.equal(1024 * 1024);
    expect((await h.send(AF, { body: exactly, contentType: JSON_TYPE })).status).to.equal(200);
    const over = await h.send(AF, { body: padding(1024 * 1024 + 1), contentType: JSON_TYPE });
    expect([over.status, over.json?.error]).to.deep.equal([413, 'body over 1048576 bytes']);
    const six = Array.from({ length: 6 }, (_, i) => appsflyerEvent({ appsflyer_id: `n${i}` }));
    const many = await h.send(AF, { body: JSON.stringify(six), contentType: JSON_TYPE });
    expect([many.status, many.json?.error]).to.deep.equal([
      413,
      'too many events in one request: 6 > 5',
    ]);
    expect(await stored()).to.equal(1);
  });

  it('honours a configured body limit', async () => {
    h = await startEventsHarness({ env: { EVENTS_MAX_BODY_BYTES: '1000' } });
    const body = (n: number) => `appsflyer_id=1&event_name=x&pad=${'p'.repeat(n - 32)}`;
    expect(body(1000).length).to.equal(1000);
    expect((await h.send(AF, { body: body(1000), contentType: FORM })).status).to.equal(200);
    expect((await h.send(AF, { body: body(1001), contentType: FORM })).status).to.equal(413);
    // a GET's query string counts against the same limit
    const query = await h.send(`${AF}?${body(1001)}`);
    expect([query.status, query.json?.error]).to.deep.equal([413, 'query string over 1000 bytes']);
  });

  it('answers 415 for content types and charsets it does not read', async () => {
    h = await startEventsHarness();
    const cases: Array<[string | undefined, string]> = [
      ['text/plain', 'unsupported content type text/plain'],
      ['multipart/form-data; boundary=x', 'unsupported content type multipart/form-data'],
      ['application/xml', 'unsupported content type application/xml'],
      [undefined, 'unsupported content type (none)'],
      ['application/vnd.partner+json; charset=koi8-r', 'unsupported charset koi8-r'],
    ];
    for (const [contentType, reason] of cases) {
      const reply = await h.send(AF, {
        body: JSON.stringify(appsflyerEvent()),
        ...(contentType ? { contentType } : {}),
      });
      expect(reply.status, String(contentType)).to.equal(415);
      expect(String(reply.json?.error)).to.include(reason);
    }
    expect(h.rejections().map((e) => [e.source, e.status])).to.deep.equal(
      cases.map(() => ['appsflyer', 415]),
    );
  });

  it('answers 400 with a reason for empty and malformed bodies, and logs each', async () => {
    h = await startEventsHarness();
    const cases: Array<[string | Buffer, string, string]> = [
      ['', JSON_TYPE, 'empty body'],
      ['', FORM, 'empty body'],
      ['{}', JSON_TYPE, 'the body is an empty object'],
      ['[]', JSON_TYPE, 'empty array: no events'],
      ['[{"a":"1"}, 7]', JSON_TYPE, 'event 1 is a number, not a JSON object'],
      ['[{"a":"1"}, [1]]', JSON_TYPE, 'event 1 is an array, not a JSON object'],
      ['[null]', JSON_TYPE, 'event 0 is null, not a JSON object'],
      [
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        JSON_TYPE,
        'body is not valid UTF-8',
      ],
      ['{"a": 1,', 'application/vnd.partner+json', 'malformed JSON: '],
      ['appsflyer_id=%zz', FORM, 'malformed percent-encoding'],
      ['appsflyer_id=%C3%28', FORM, 'malformed percent-encoding (or not UTF-8)'],
      [Buffer.from([0x61, 0x3d, 0xc3, 0x28]), FORM, 'form body is not valid UTF-8'],
      ['&&&', FORM, 'empty form'],
    ];
    for (const [body, contentType, reason] of cases) {
      const reply = await h.send(AF, { method: 'POST', body, contentType });
      expect(reply.status, `${contentType} ${String(body)}`).to.equal(400);
      expect(String(reply.json?.error), String(body)).to.include(reason);
    }
    const get = await h.send(AF);
    expect([get.status, get.json?.error]).to.deep.equal([400, 'no query parameters']);
    const logged = h.rejections();
    expect(logged).to.have.length(cases.length + 1);
    for (const entry of logged) {
      expect(entry).to.include({ source: 'appsflyer', status: 400 });
      expect(entry.reason).to.be.a('string').and.not.equal('');
    }
    expect(await stored()).to.equal(0);
  });

  it('answers JSON the framework would have refused with its own 400, reason and log line', async () => {
    // functions-framework's parsers are off for this function (platform/http-body.ts): no HTML
    // page, nothing of the body on stderr, and the refusal is logged like every other.
    h = await startEventsHarness();
    const cases: Array<[string, string]> = [
      ['{"a": 1,', 'malformed JSON: '],
      ['"just a string"', 'the body is a string, not a JSON object'],
      ['null', 'the body is null, not a JSON object'],
      ['12', 'the body is a number, not a JSON object'],
    ];
    for (const [body, reason] of cases) {
      const reply = await h.send(AF, { body, contentType: JSON_TYPE });
      expect(reply.status, body).to.equal(400);
      expect(reply.headers['content-type']).to.match(/^application\/json/);
      expect(String(reply.json?.error)).to.include(reason);
    }
    const logged = h.rejections();
    expect(logged.map((e) => [e.status, e.source])).to.deep.equal(
      cases.map(() => [400, 'appsflyer']),
    );
    expect(JSON.stringify(logged)).not.to.include('just a string');
    expect(await stored()).to.equal(0);
  });

  it('answers 413 over the limit whatever the content type, and reads compressed bodies within it', async () => {
    h = await startEventsHarness({ env: { EVENTS_MAX_BODY_BYTES: '2000' } });
    const big = 'z'.repeat(2001);
    for (const contentType of ['text/plain', JSON_TYPE, FORM, 'application/octet-stream']) {
      const reply = await h.send(AF, { body: big, contentType });
      expect([reply.status, reply.json?.error], contentType).to.deep.equal([
        413,
        'body over 2000 bytes',
      ]);
    }
    const event = JSON.stringify(appsflyerEvent());
    for (const [encoding, pack] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      const ok = await h.send(AF, {
        body: pack(Buffer.from(event)),
        contentType: JSON_TYPE,
        headers: { 'content-encoding': encoding },
      });
      expect(ok.status, encoding).to.equal(200);
      // 1,000 times the limit once decoded, a few hundred bytes as sent
      const bomb = pack(Buffer.alloc(2_000_000, 0x20));
      expect(bomb.length).to.be.below(2000);
      const refused = await h.send(AF, {
        body: bomb,
        contentType: JSON_TYPE,
        headers: { 'content-encoding': encoding },
      });
      expect([refused.status, refused.json?.error], encoding).to.deep.equal([
        413,
        `body over 2000 bytes once decoded (${encoding})`,
      ]);
    }
    const corrupt = await h.send(AF, {
      body: Buffer.from('not gzip at all'),
      contentType: JSON_TYPE,
      headers: { 'content-encoding': 'gzip' },
    });
    expect([corrupt.status, corrupt.json?.error]).to.deep.equal([
      400,
      'body cannot be decoded (gzip)',
    ]);
    const unknown = await h.send(AF, {
      body: event,
      contentType: JSON_TYPE,
      headers: { 'content-encoding': 'compress' },
    });
    expect([unknown.status, unknown.json?.error]).to.deep.equal([
      415,
      'unsupported content encoding compress',
    ]);
    expect(h.rejections().map((e) => e.status)).to.deep.equal([
      413, 413, 413, 413, 413, 413, 413, 400, 415,
    ]);
    expect(await stored()).to.equal(1);
  });
});
