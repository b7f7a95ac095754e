// Source configuration (EVENTS_SOURCES, validated), the agreed secret ids, and the small
// normalisation rules: event times as senders write them, keys, typed fields.
import { expect } from 'chai';
import {
  DEFAULT_SOURCES,
  EVENTS_SECRET_IDS,
  loadEventsConfig,
  sourceSchema,
} from '../../functions/faces/events/config.js';
import { normaliseEvent, parseEventTime } from '../../functions/sources/events/event.js';
import { startEventsHarness, TOKENS, type EventsHarness } from './support.js';

describe('events function: configuration and normalisation rules', function () {
  let h: EventsHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('names the Secret Manager ids of the default sources', () => {
    expect(EVENTS_SECRET_IDS).to.deep.equal([
      'events-token-appsflyer',
      'events-token-calltracking',
      'events-hmac-calltracking',
      'events-token-attribution',
    ]);
  });

  it('validates EVENTS_SOURCES and says what is wrong', () => {
    expect(Object.keys(loadEventsConfig({}).sources)).to.deep.equal(Object.keys(DEFAULT_SOURCES));
    const custom = loadEventsConfig({
      EVENTS_SOURCES: JSON.stringify({ partner: { hmac: { header: 'x-sig' }, idField: 'id' } }),
    });
    expect(custom.sources.partner).to.deep.include({
      methods: ['POST'],
      token: null,
      idField: 'id',
    });
    const bad = (sources: unknown) => () =>
      loadEventsConfig({ EVENTS_SOURCES: JSON.stringify(sources) });
    expect(bad({ partner: { idField: 'id' } })).to.throw(/needs a token or an hmac/);
    expect(bad({ Partner: { token: { in: ['path'] } } })).to.throw(/source names/);
    expect(bad({ p1: { token: { in: ['path'] }, allowIps: ['10.0.0.0/33'] } })).to.throw(
      /allowIps.0: an IPv4\/IPv6 address or CIDR range/,
    );
    expect(bad({ p1: { token: { in: ['path'] }, types: { n: 'number' } } })).to.throw(/types.n/);
    expect(bad({ p1: { token: { in: ['path'] }, surprise: 1 } })).to.throw(/surprise/);
    expect(bad({})).to.throw(/at least one source/);
    const window = (timestamp: unknown) => ({ p1: { hmac: { header: 'x-sig', timestamp } } });
    expect(bad(window({ header: 'x-ts', signed: '{body}' }))).to.throw(
      /\{timestamp\} and \{body\}/,
    );
    expect(bad(window({ header: 'x-ts', toleranceSeconds: 0 }))).to.throw(/toleranceSeconds/);
    expect(
      loadEventsConfig({ EVENTS_SOURCES: JSON.stringify(window({ header: 'x-ts' })) }).sources.p1
        ?.hmac?.timestamp,
    ).to.deep.equal({ header: 'x-ts', signed: '{timestamp}.{body}', toleranceSeconds: 300 });
    expect(() => loadEventsConfig({ EVENTS_SOURCES: '{nope' })).to.throw(/not JSON/);
    expect(() => loadEventsConfig({ EVENTS_MAX_BODY_BYTES: '0' })).to.throw(
      /EVENTS_MAX_BODY_BYTES/,
    );
  });

  it('answers 500 and alerts when its configuration is invalid (senders keep the events)', async () => {
    h = await startEventsHarness({ env: { EVENTS_SOURCES: '{"x":' } });
    const reply = await h.send(`/appsflyer/${TOKENS.appsflyer}?appsflyer_id=1`);
    expect([reply.status, reply.json?.error]).to.deep.equal([
      500,
      'the events function is misconfigured',
    ]);
    const alert = h.logs.entries().find((e) => e.severity === 'ALERT');
    expect(String(alert?.error)).to.include('EVENTS_SOURCES is not JSON');
  });

  it('reads event times as senders write them, and nothing else', () => {
    expect(parseEventTime('2026-11-20 09:58:01.123')).to.equal('2026-11-20T09:58:01.123Z');
    expect(parseEventTime('2026-11-20 09:58:01.123456')).to.equal('2026-11-20T09:58:01.123Z');
    expect(parseEventTime('2026-11-20T09:58:01+09:00')).to.equal('2026-11-20T00:58:01.000Z');
    expect(parseEventTime('2026-11-20T09:58:01-0300')).to.equal('2026-11-20T12:58:01.000Z');
    expect(parseEventTime('2026-11-20T09:58Z')).to.equal('2026-11-20T09:58:00.000Z');
    expect(parseEventTime('1763632681')).to.equal('2025-11-20T09:58:01.000Z');
    expect(parseEventTime(1763632681123)).to.equal('2025-11-20T09:58:01.123Z');
    expect(parseEventTime('1763632681.5')).to.equal('2025-11-20T09:58:01.500Z');
    for (const bad of ['', 'yesterday', '2026-13-45 10:00:00', '20261120', '1e12', null, {}, '0'])
      expect(parseEventTime(bad), String(bad)).to.equal(null);
  });

  it('types only the fields a source types, and keys on the id when there is one', () => {
    const config = sourceSchema.parse(DEFAULT_SOURCES.calltracking);
    const now = new Date('2026-11-20T10:00:00Z');
    const e = normaliseEvent(
      'calltracking',
      config,
      { call_id: ' CA 1 ', duration: '12.5', answered: 'maybe', zip: '01310', custom: '[1,' },
      'form',
      now,
    );
    expect(e.event_id).to.equal('CA 1');
    expect(e.event_key).to.match(/^id-[0-9a-f]{32}$/); // not printable as a key: hashed
    expect(e.attributes).to.deep.equal({
      call_id: ' CA 1 ',
      duration: '12.5',
      answered: 'maybe',
      zip: '01310',
      custom: '[1,',
    });
    expect(e.issues).to.deep.equal([
      'duration: not int, kept as text',
      'answered: not bool, kept as text',
      'custom: not valid JSON, kept as text',
    ]);
    const noId = normaliseEvent('calltracking', config, { event: 'x' }, 'form', now);
    expect(noId.event_key).to.match(/^h-/);
    expect(noId.issues).to.deep.equal(['call_id: id missing, the key is a hash']);
  });
});
