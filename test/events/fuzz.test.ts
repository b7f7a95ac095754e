// Hostile webhook bodies, seeded so a failure reproduces (rerun with the printed seed):
// random methods, paths, content types, charsets, byte soup, JSON of every shape, deep
// nesting, prototype keys, broken percent-encoding. Never a 5xx; every refusal carries a
// reason, either the function's ({"error": …}) or functions-framework's own 4xx for JSON
// and charsets its body parsers reject before the function runs.
import { expect } from 'chai';
import fc from 'fast-check';
import { signCalltracking, startEventsHarness, TOKENS, type EventsHarness } from './support.js';

const SEED = 20261207;
const RUNS = 3000;

const printable = (chars: string, maxLength = 40) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=iso-8859-1',
    'application/x-www-form-urlencoded; charset=utf-7',
    'application/vnd.partner+json',
    'text/plain',
    'multipart/form-data; boundary=zz',
    'application/octet-stream',
  ),
  printable('abcjsonformx/-+;= ="'),
  fc.constant(undefined),
);

const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'event_value',
    'event_time',
    'appsflyer_id',
    'event_name',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const jsonish = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .array(
      fc.dictionary(
        key,
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.integer(),
          fc.double(),
          fc.constant(null),
          fc.json(),
        ),
      ),
      { maxLength: 8 },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .dictionary(key, fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.jsonValue()))
    .map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 3000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
  fc.integer({ min: 1, max: 200 }).map((n) => `{"event_value":"${'['.repeat(n)}${']'.repeat(n)}"}`),
);
const formish = fc
  .array(
    fc.tuple(
      fc.oneof(key, printable('%abcXYZ09+=&')),
      fc.oneof(fc.string({ unit: 'binary' }), printable('%abcdef0129+ &=;\u00e9')),
    ),
    { maxLength: 10 },
  )
  .map((pairs) =>
    pairs
      .map(([k, v]) => `${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`)
      .join('&'),
  );
const body = fc.oneof(
  jsonish,
  formish,
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '{}',
    '[]',
    '[{}]',
    'null',
    '"x"',
    '{"a":1',
    '\ufeff{"a":"1"}',
    '%',
    'a=%',
  ),
);
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`/appsflyer/${TOKENS.appsflyer}`) },
  { weight: 2, arbitrary: fc.constant('/calltracking') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/appsflyer/wrong',
      '/appsflyer',
      '/nope/x',
      '/',
      '/%E0%A4%A',
      `/events/appsflyer/${TOKENS.appsflyer}`,
      '/a/b/c/d',
    ),
  },
);
const query = fc.oneof(
  fc.constant(''),
  formish.map((q) => `?${q}`),
  fc.constantFrom('?', '?&&', '?a', '?%zz=1', '?__proto__=x&constructor=1'),
);
const request = fc.record({
  method: fc.constantFrom(
    'POST',
    'POST',
    'POST',
    'POST',
    'POST',
    'GET',
    'GET',
    'PUT',
    'DELETE',
    'PATCH',
  ),
  path,
  query,
  contentType,
  body,
  signed: fc.boolean(),
});

describe('bad input: fuzzed webhook deliveries', function () {
  this.timeout(600_000);
  let h: EventsHarness;
  before(async () => (h = await startEventsHarness({ env: { FANPULSE_LOG_LEVEL: 'WARNING' } })));
  after(async () => h.close());

  it(`answers ${RUNS} hostile requests without a 5xx, each refusal with a reason`, async () => {
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const bytes = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
        const headers: Record<string, string> = r.path.startsWith('/calltracking')
          ? {
              'x-fanpulse-token': TOKENS.calltracking,
              ...(r.signed ? { 'x-signature': signCalltracking(bytes) } : {}),
            }
          : {};
        const withBody = r.method !== 'GET' && r.method !== 'DELETE';
        const reply = await h.send(`${r.path}${r.query}`, {
          method: r.method,
          ...(withBody ? { body: bytes } : {}),
          ...(r.contentType && withBody ? { contentType: r.contentType } : {}),
          headers,
        });
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        expect(reply.status, `${r.method} ${r.path} ${reply.text.slice(0, 200)}`).to.be.below(500);
        if (reply.status === 200) {
          expect(reply.json?.accepted).to.be.a('number').greaterThan(0);
        } else {
          // Every refusal is the function's own short JSON: the framework parses nothing.
          expect(reply.json?.error, reply.text.slice(0, 200)).to.be.a('string').and.not.equal('');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const accepted = Number((await h.query('SELECT count(*) AS n FROM events'))[0]!.n);
    console.log(
      `      fuzzed deliveries: ${RUNS} cases (seed ${SEED}), statuses ${JSON.stringify(statuses)}, ` +
        `${accepted} event rows, 0 × 5xx, every refusal a JSON reason`,
    );
    expect(statuses[200] ?? 0).to.be.greaterThan(RUNS / 20);
    expect(statuses[400] ?? 0).to.be.greaterThan(RUNS / 10);
    const rejections = h.rejections();
    expect(rejections.length).to.be.greaterThan(RUNS / 4);
    for (const entry of rejections) expect(entry.reason).to.be.a('string').and.not.equal('');
  });
});
