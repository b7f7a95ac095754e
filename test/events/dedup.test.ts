// Senders retry (timeouts, 5xx), so the same event arrives again seconds or days later,
// alone or inside another batch. latest_events keeps exactly one row per (source, event_key).
import { expect } from 'chai';
import { runJobMessage } from '../../functions/core/runner.js';
import {
  appsflyerEvent,
  parseJsonColumns,
  signCalltracking,
  startEventsHarness,
  TOKENS,
  type EventsHarness,
} from './support.js';
import { catalog } from '../../functions/sources/all.js';

const AF = `/appsflyer/${TOKENS.appsflyer}`;
const JSON_TYPE = 'application/json';
const DAY = 86_400_000;

describe('events function: duplicates across deliveries', function () {
  let h: EventsHarness;
  beforeEach(async () => (h = await startEventsHarness()));
  afterEach(async () => h.close());

  const n = async (sql: string) => Number((await h.query(sql))[0]!.n);
  const post = (body: unknown) =>
    h.send(AF, { body: JSON.stringify(body), contentType: JSON_TYPE });

  it('stores a delivery posted three times once, and acknowledges the repeats', async () => {
    const event = appsflyerEvent();
    const replies = [await post(event), await post(event)];
    h.clock.advance(3 * DAY); // the third comes days later
    replies.push(await post(event));
    expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    expect(new Set(replies.map((r) => JSON.stringify(r.json)))).to.have.property('size', 1);
    expect(await n('SELECT count(*) AS n FROM events')).to.equal(1);
    expect(await n('SELECT count(*) AS n FROM latest_events')).to.equal(1);
    expect(await n(`SELECT count(*) AS n FROM job_runs WHERE job = 'events.ingest'`)).to.equal(1);
    const repeats = h.logs.entries().filter((e) => /already completed/.test(String(e.message)));
    expect(repeats).to.have.length(2);
  });

  it('collapses an event that comes back inside another batch (a different run) in latest_events', async () => {
    const a = appsflyerEvent({ appsflyer_id: 'A' });
    const b = appsflyerEvent({ appsflyer_id: 'B' });
    expect((await post(a)).status).to.equal(200);
    h.clock.advance(DAY);
    expect((await post([b, a])).status).to.equal(200);
    // both runs wrote A under the same insertId (the event key), so the second write
    // replaced the first (in BigQuery, streaming dedup drops it; latest_events covers the
    // dedup window's end)
    expect(await n('SELECT count(*) AS n FROM events')).to.equal(2);
    const ids = await h.query('SELECT DISTINCT insert_id FROM events');
    expect(ids).to.have.length(2);
    const latest = await h.query(
      'SELECT event_key, received_at FROM latest_events ORDER BY received_at, event_key',
    );
    expect(latest).to.have.length(2);
    expect(latest.map((r) => r.received_at)).to.deep.equal([
      '2026-11-21T10:00:00.000Z',
      '2026-11-21T10:00:00.000Z',
    ]);
  });

  it('stores identical deliveries that arrive at the same moment once (one group-committed run)', async () => {
    const event = appsflyerEvent({ appsflyer_id: 'concurrent' });
    const replies = await Promise.all(Array.from({ length: 5 }, () => post(event)));
    expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(await n('SELECT count(*) AS n FROM events')).to.equal(1);
    expect(await n('SELECT count(*) AS n FROM latest_events')).to.equal(1);
  });

  it('keys on the source id where there is one: an updated postback replaces the old one in the view', async () => {
    const sendCall = (fields: Record<string, string>) => {
      const body = new URLSearchParams(fields).toString();
      return h.send('/calltracking', {
        body,
        contentType: 'application/x-www-form-urlencoded',
        headers: { 'x-fanpulse-token': TOKENS.calltracking, 'x-signature': signCalltracking(body) },
      });
    };
    expect((await sendCall({ call_id: 'CA-9', event: 'call_started' })).status).to.equal(200);
    h.clock.advance(60_000);
    expect(
      (await sendCall({ call_id: 'CA-9', event: 'call_completed', duration: '42' })).status,
    ).to.equal(200);
    const latest = (await h.query('SELECT * FROM latest_events')).map(parseJsonColumns);
    expect(latest).to.have.length(1);
    expect(latest[0]).to.deep.include({ event_key: 'CA-9', event_name: 'call_completed' });
    expect(latest[0]!.attributes).to.deep.include({ duration: 42 });
  });

  it('replays the landed raw events into exactly the rows the live deliveries wrote', async () => {
    await post(appsflyerEvent({ appsflyer_id: 'r1' }));
    await post([appsflyerEvent({ appsflyer_id: 'r2' }), appsflyerEvent({ appsflyer_id: 'r3' })]);
    await h.send(`${AF}?appsflyer_id=r4&event_name=af_open&event_value=%7Bbroken`);
    const snapshot = () =>
      h.query('SELECT * FROM events ORDER BY insert_id').then((rows) => rows.map(parseJsonColumns));
    const live = await snapshot();
    expect(live).to.have.length(4);
    await h.query('DELETE FROM events');
    const summary = await runJobMessage(
      catalog,
      h.services,
      {
        job: 'platform.replay',
        params: { from: '2026-11-20', to: '2026-11-20', source: 'events' },
      },
      { runId: 'replay-1', runTime: h.clock.now() },
    );
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    expect(summary.rows).to.deep.include({ events: 4 });
    expect(await snapshot()).to.deep.equal(live);
  });
});
