// 2xx only once the events are durable: published to Pub/Sub (cloud) or written locally;
// 5xx when the queue or a store fails, so the sender retries; and the job message that
// travels meanwhile stays inside Pub/Sub's 10 MB limit.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventTooLargeError, splitForMessages } from '../../functions/faces/events/collector.js';
import { DEFAULT_SOURCES, sourceSchema } from '../../functions/faces/events/config.js';
import { normaliseEvent } from '../../functions/sources/events/event.js';
import { readPayloads } from '../../functions/faces/events/body.js';
import { handleDelivery } from '../../functions/faces/pubsub/subscriber.js';
import type { JobMessage, JobQueue } from '../../functions/platform/queue.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { Warehouse } from '../../functions/platform/warehouse.js';
import { gen2Event } from '../pubsub/events.js';
import { rawStoreFailingOnce } from '../faults/failing-stores.js';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { appsflyerEvent, startEventsHarness, TOKENS, type EventsHarness } from './support.js';
import { catalog } from '../../functions/sources/all.js';

const AF = `/appsflyer/${TOKENS.appsflyer}`;
const JSON_TYPE = 'application/json';

/** A Pub/Sub-kind queue that records what it publishes, or fails while `down`. */
function recordingQueue(): JobQueue & { messages: JobMessage[]; down: boolean } {
  let next = 0;
  const queue = {
    kind: 'pubsub' as const,
    messages: [] as JobMessage[],
    down: false,
    async publish(message: JobMessage) {
      if (queue.down) throw new Error('14 UNAVAILABLE: connection refused (injected)');
      queue.messages.push(JSON.parse(JSON.stringify(message)) as JobMessage);
      next += 1;
      return String(1000 + next);
    },
    async flush() {},
  };
  return queue;
}

/** A warehouse whose event inserts fail while `down`. */
function switchableWarehouse(inner: Warehouse): Warehouse & { down: boolean } {
  const w = {
    kind: inner.kind,
    down: false,
    ensureSchema: () => inner.ensureSchema(),
    query: (sql: string) => inner.query(sql),
    close: () => inner.close(),
    insert: async (...args: Parameters<Warehouse['insert']>) => {
      if (w.down && args[0].name === 'events') throw new Error('warehouse unavailable (injected)');
      return inner.insert(...args);
    },
  };
  return w;
}

describe('events function: durability', function () {
  let h: EventsHarness;
  afterEach(async () => h?.close());
  const count = async (view = 'events') =>
    Number((await h.query(`SELECT count(*) AS n FROM ${view}`))[0]!.n);

  it('in the cloud answers 200 once the job message is published; eventsJobs then stores it once', async () => {
    const queue = recordingQueue();
    h = await startEventsHarness({ overrides: { queue } });
    const event = appsflyerEvent();
    const reply = await h.send(AF, { body: JSON.stringify(event), contentType: JSON_TYPE });
    expect(reply.status).to.equal(200);
    expect(await count()).to.equal(0); // nothing written by the HTTP function itself
    expect(queue.messages).to.have.length(1);
    const message = queue.messages[0]!;
    expect(message.job).to.equal('events.ingest');
    expect(message.runId).to.match(/^ev-[0-9a-f]{32}$/);
    const sent = (message.params.events as Array<Record<string, unknown>>)[0]!;
    expect(sent).to.deep.include({ source: 'appsflyer', transport: 'json', payload: event });
    // the sender retries: same message, same run id
    expect(
      (await h.send(AF, { body: JSON.stringify(event), contentType: JSON_TYPE })).status,
    ).to.equal(200);
    expect(queue.messages[1]).to.deep.equal({
      ...message,
      requestedAt: queue.messages[1]!.requestedAt,
    });

    // what the eventsJobs function does with each delivery (and a Pub/Sub redelivery)
    for (const [i, m] of [message, queue.messages[1]!, message].entries()) {
      const result = await handleDelivery(
        h.services,
        { source: 'events', catalog },
        gen2Event({ data: m, messageId: `${500 + i}`, topic: 'fanpulse-events-jobs' }),
      );
      expect(result.action).to.equal('ack');
      expect(result.runId).to.equal(message.runId);
    }
    expect(await count()).to.equal(1);
    expect(await count('latest_events')).to.equal(1);
  });

  it('answers 503 while the queue refuses, and 200 for the retry once it is back', async () => {
    const queue = recordingQueue();
    h = await startEventsHarness({ overrides: { queue } });
    queue.down = true;
    const body = JSON.stringify(appsflyerEvent());
    const failed = await h.send(AF, { body, contentType: JSON_TYPE });
    expect([failed.status, failed.json?.error]).to.deep.equal([
      503,
      'events not stored; retry later',
    ]);
    const logged = h.logs.entries().find((e) => e.severity === 'ERROR');
    expect(logged).to.include({
      source: 'appsflyer',
      events: 1,
      message: 'events not stored; answering 503 so the sender retries',
    });
    expect(logged?.duration_ms).to.be.a('number').within(0, 60_000);
    expect(String(logged?.error)).to.include('UNAVAILABLE');
    for (const line of h.logs.lines) expect(line).not.to.include('af_purchase');
    queue.down = false;
    expect((await h.send(AF, { body, contentType: JSON_TYPE })).status).to.equal(200);
    expect(queue.messages).to.have.length(1);
  });

  it('answers 503 locally when the warehouse fails, and stores the retry exactly once', async () => {
    const warehouse = switchableWarehouse(await openDuckDbWarehouse(':memory:', catalog.schema));
    h = await startEventsHarness({ overrides: { warehouse } });
    warehouse.down = true;
    const body = JSON.stringify(appsflyerEvent());
    expect((await h.send(AF, { body, contentType: JSON_TYPE })).status).to.equal(503);
    warehouse.down = false;
    expect((await h.send(AF, { body, contentType: JSON_TYPE })).status).to.equal(200);
    expect(await count()).to.equal(1);
    expect(await count('latest_events')).to.equal(1);
  });

  it('answers 503 locally when the raw store fails, and stores the retry exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-events-raw-'));
    const rawStore = rawStoreFailingOnce(new LocalRawStore(dir), 1);
    h = await startEventsHarness({ overrides: { rawStore } });
    const body = JSON.stringify(appsflyerEvent());
    expect((await h.send(AF, { body, contentType: JSON_TYPE })).status).to.equal(503);
    expect((await h.send(AF, { body, contentType: JSON_TYPE })).status).to.equal(200);
    expect(await count('latest_events')).to.equal(1);
    await rm(dir, { recursive: true, force: true });
  });

  it('fits a worst-case 1 MiB body into one job message under the 10 MB Pub/Sub limit', () => {
    const config = sourceSchema.parse(DEFAULT_SOURCES.appsflyer);
    const now = new Date('2026-11-20T10:00:00Z');
    // every byte a control character: 3 bytes percent-encoded, 6 as a JSON escape, twice
    // (payload and attributes): the largest expansion a form body can have
    const body = Buffer.from(`event_value=${'%01'.repeat((1024 * 1024 - 12) / 3)}`);
    const parsed = readPayloads(
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', body, rawQuery: '' },
      1000,
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    const events = parsed.payloads.map((p) => normaliseEvent('appsflyer', config, p, 'form', now));
    const [message, ...rest] = splitForMessages(events, 8_000_000, now);
    expect(rest).to.have.length(0);
    const bytes = Buffer.byteLength(JSON.stringify(message));
    expect(bytes).to.be.within(4 * 1024 * 1024, 8_000_000);
    // many events are split into several messages, each under the limit, none lost
    const many = Array.from({ length: 300 }, (_, i) =>
      normaliseEvent('appsflyer', config, appsflyerEvent({ appsflyer_id: `m${i}` }), 'json', now),
    );
    const split = splitForMessages(many, 20_000, now);
    expect(split.length).to.be.greaterThan(5);
    for (const m of split) expect(Buffer.byteLength(JSON.stringify(m))).to.be.at.most(20_000);
    expect(split.flatMap((m) => m.params.events as unknown[])).to.have.length(300);
    expect(() => splitForMessages(events, 1_000_000, now)).to.throw(EventTooLargeError);
  });

  it('answers 413 for an event too large for one job message', async () => {
    h = await startEventsHarness({
      overrides: { queue: recordingQueue() },
      env: { EVENTS_MAX_MESSAGE_BYTES: '3000' },
    });
    const reply = await h.send(AF, {
      body: JSON.stringify(appsflyerEvent({ pad: 'x'.repeat(2000) })),
      contentType: JSON_TYPE,
    });
    expect(reply.status).to.equal(413);
    expect(String(reply.json?.error)).to.match(/over 3000/);
  });
});
