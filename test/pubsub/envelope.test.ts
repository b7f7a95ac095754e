import { expect } from 'chai';
import {
  decodePubSubEvent,
  DeliveryDecodeError,
  readJson,
} from '../../functions/faces/pubsub/envelope.js';
import { runIdentityOf } from '../../functions/faces/pubsub/subscriber.js';
import { gen2Event, PROJECT, pushEnvelope } from './events.js';

const job = { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 10 } };

describe('Pub/Sub CloudEvent decoding', () => {
  it('reads the documented gen2 messagePublished event', () => {
    const d = decodePubSubEvent(
      gen2Event({
        data: job,
        attributes: { 'fanpulse-schedule': 'daily' },
        messageId: '17712345678901234',
        publishTime: '2026-11-20T09:59:58.123456789Z',
        topic: 'fanpulse-spotify-jobs',
      }),
    );
    expect(d.messageId).to.equal('17712345678901234');
    expect(d.publishTime?.toISOString()).to.equal('2026-11-20T09:59:58.123Z');
    expect(d.attributes).to.deep.equal({ 'fanpulse-schedule': 'daily' });
    expect(d.topic).to.equal('fanpulse-spotify-jobs');
    expect(d.project).to.equal(PROJECT);
    expect(d.subscription).to.match(/^projects\/fanpulse-test\/subscriptions\//);
    expect(d.deliveryAttempt).to.equal(null);
    expect(readJson(d)).to.deep.equal({ ok: true, value: job });
  });

  it('reads the event functions-framework builds from an emulator push', () => {
    // What functions-framework 5 makes of a push envelope: '@type', no subscription,
    // messageId/publishTime copied from the event context.
    const event = {
      id: '42',
      time: '2026-11-20T09:59:58.457Z',
      specversion: '1.0',
      datacontenttype: 'application/json',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: `//pubsub.googleapis.com/projects/${PROJECT}/topics/fanpulse-spotify-jobs`,
      data: {
        message: {
          '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
          data: Buffer.from(JSON.stringify(job)).toString('base64'),
          attributes: {},
          publishTime: '2026-11-20T09:59:58.457Z',
          messageId: '42',
        },
      },
    };
    const d = decodePubSubEvent(event);
    expect(d.messageId).to.equal('42');
    expect(d.subscription).to.equal(null);
    expect(d.topic).to.equal('fanpulse-spotify-jobs');
    expect(readJson(d)).to.deep.equal({ ok: true, value: job });
  });

  it('reads a bare push envelope (functions-framework passes one with empty data as is)', () => {
    const d = decodePubSubEvent(
      pushEnvelope({ text: '', attributes: { only: 'attributes' }, deliveryAttempt: 3 }),
    );
    expect(d.messageId).to.equal('7');
    expect(d.deliveryAttempt).to.equal(3);
    expect(d.topic).to.equal(null);
    expect(d.attributes).to.deep.equal({ only: 'attributes' });
    expect(readJson(d)).to.deep.equal({ ok: false, reason: 'the message has no data' });
  });

  it('takes snake_case ids, a JSON string body (binary mode) and a delivery attempt', () => {
    const event = gen2Event({ data: job, deliveryAttempt: 5 });
    const message = (event.data as { message: Record<string, unknown> }).message;
    delete message.messageId;
    delete message.publishTime;
    const d = decodePubSubEvent({ ...event, data: JSON.stringify(event.data) });
    expect(d.messageId).to.equal('17712345678901234');
    expect(d.publishTime?.toISOString()).to.equal('2026-11-20T09:59:58.123Z');
    expect(d.deliveryAttempt).to.equal(5);
  });

  it('falls back to the event time when the message has no publish time', () => {
    const event = gen2Event({ data: job, publishTime: '2026-11-20T08:00:00Z' });
    const message = (event.data as { message: Record<string, unknown> }).message;
    delete message.publishTime;
    delete message.publish_time;
    expect(decodePubSubEvent(event).publishTime?.toISOString()).to.equal(
      '2026-11-20T08:00:00.000Z',
    );
  });

  const malformed: Array<[string, unknown, RegExp]> = [
    ['a number', 42, /not an object/],
    ['null', null, /not an object/],
    ['no data at all', { specversion: '1.0', id: '1', type: 'x' }, /unexpected event type x/],
    [
      'a storage event',
      { ...gen2Event({ data: job }), type: 'google.cloud.storage.object.v1.finalized' },
      /unexpected event type/,
    ],
    ['data without a message', { ...gen2Event({ data: job }), data: { foo: 1 } }, /message/],
    [
      'a message without an id',
      { subscription: 's', message: { data: 'e30=', attributes: {} } },
      /messageId/,
    ],
    [
      'data that is not base64',
      { subscription: 's', message: { data: '{"job": "not base64"}', messageId: '9' } },
      /not base64/,
    ],
    [
      'attributes that are not strings',
      { subscription: 's', message: { data: 'e30=', messageId: '9', attributes: { n: 1 } } },
      /attributes/,
    ],
  ];
  for (const [name, event, reason] of malformed) {
    it(`rejects ${name}`, () => {
      expect(() => decodePubSubEvent(event)).to.throw(DeliveryDecodeError, reason);
    });
  }

  it('tells non-JSON data from JSON', () => {
    const d = decodePubSubEvent(pushEnvelope({ text: 'job=spotify.podcast_shows' }));
    const result = readJson(d);
    expect(result.ok).to.equal(false);
    expect(!result.ok && result.reason).to.match(/not JSON/);
  });
});

describe('run identity of a delivery', () => {
  const now = new Date('2026-11-20T10:00:00Z');
  const cloud = { emulator: false };

  it('is the message id and the publish time by default', () => {
    const d = decodePubSubEvent(
      gen2Event({ data: job, messageId: '1771', publishTime: now.toISOString() }),
    );
    const id = runIdentityOf(d, job, cloud, new Date(0));
    expect(id).to.deep.equal({ runId: '1771', runTime: now });
  });

  it('prefers the fanpulse-run-id attribute, then the message runId', () => {
    const body = { ...job, runId: 'child-from-body' };
    const withAttr = decodePubSubEvent(
      gen2Event({
        data: body,
        attributes: { 'fanpulse-run-id': 'planned-1', 'fanpulse-run-time': '2026-11-19T06:00:00Z' },
      }),
    );
    expect(runIdentityOf(withAttr, body, cloud, now)).to.deep.equal({
      runId: 'planned-1',
      runTime: new Date('2026-11-19T06:00:00Z'),
    });
    const withBody = decodePubSubEvent(gen2Event({ data: body }));
    expect(runIdentityOf(withBody, body, cloud, now).runId).to.equal('child-from-body');
    const badAttr = decodePubSubEvent(
      gen2Event({ data: job, messageId: '55', attributes: { 'fanpulse-run-id': 'has space' } }),
    );
    expect(runIdentityOf(badAttr, job, cloud, now).runId).to.equal('55');
  });

  it('qualifies emulator message ids, which restart at 1, with the publish time', () => {
    const d = decodePubSubEvent(
      pushEnvelope({ data: job, messageId: '1', publishTime: '2026-11-20T09:59:58.457Z' }),
    );
    expect(runIdentityOf(d, job, { emulator: true }, now).runId).to.equal('emu-20261120T095958Z-1');
  });
});
