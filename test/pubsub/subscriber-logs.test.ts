// What the subscriber writes down when it refuses a delivery: the message, the reason and
// where the delivery came from, each in one line an operator can search for.
import { expect } from 'chai';
import {
  InvalidInputError,
  PermanentError,
  TransientError,
} from '../../functions/platform/errors.js';
import { handleDelivery, RedeliverError } from '../../functions/faces/pubsub/subscriber.js';
import { catalog } from '../../functions/sources/all.js';
import { startHarness, type Harness } from '../support/harness.js';
import { gen2Event, type MessageSpec, subscriberConfig } from './events.js';

const config = subscriberConfig();

describe('Pub/Sub subscriber: the lines it writes for refused deliveries', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.close());

  const deliver = (event: unknown) =>
    handleDelivery(h.services, { source: 'spotify', catalog }, event, { config });
  const last = () => h.logs.entries().at(-1)!;
  const labels = (e: Record<string, unknown>) =>
    (e['logging.googleapis.com/labels'] as Record<string, unknown> | undefined) ?? {};

  it('names the message, its origin and a short sample when its data is not JSON', async () => {
    const spec: MessageSpec = {
      text: 'x'.repeat(500),
      messageId: 'm-1',
      publishTime: '2026-11-20T09:00:00.000Z',
      deliveryAttempt: 3,
      attributes: { 'fanpulse-schedule': 'daily-shows' },
    };
    const r = await deliver(gen2Event(spec));
    expect(r).to.include({ action: 'ack', disposition: 'rejected', messageId: 'm-1' });
    expect(r.reason).to.be.a('string').and.not.equal('');
    const line = last();
    expect(line).to.include({
      message: 'job message rejected',
      outcome: 'rejected',
      message_id: 'm-1',
      publish_time: '2026-11-20T09:00:00.000Z',
      delivery_attempt: 3,
      schedule: 'daily-shows',
      reason: r.reason,
    });
    expect(String(line.topic)).to.include('fanpulse-spotify-jobs');
    expect(String(line.subscription)).to.include('subscriptions/');
    expect(line.data_sample).to.equal('x'.repeat(200));
    expect({ ...labels(line), ...line }).to.include({ subscriber: 'spotify', run_id: r.runId });
  });

  it('says which function a job of another source belongs to', async () => {
    const r = await deliver(
      gen2Event({
        data: { job: 'platform.replay', params: { from: '2026-11-01', to: '2026-11-02' } },
        messageId: 'm-2',
      }),
    );
    expect(r).to.include({ disposition: 'wrong-function', messageId: 'm-2' });
    expect(r.reason).to.equal('job platform.replay belongs to the platform function, not spotify');
    expect(last()).to.include({
      message: 'job for another function acknowledged',
      outcome: 'rejected',
      reason: r.reason,
      message_id: 'm-2',
      schedule: null,
    });
  });

  it('samples an undecodable event in at most 300 characters', async () => {
    const r = await deliver({ subscription: 's', message: {}, padding: 'p'.repeat(1000) });
    expect(r).to.include({ action: 'ack', disposition: 'undecodable' });
    const line = last();
    expect(line).to.include({
      message: 'undecodable Pub/Sub delivery acknowledged',
      outcome: 'rejected',
      reason: r.reason,
    });
    expect(String(line.event_sample)).to.have.length(300);
    expect(String(line.event_sample)).to.match(/^\{"subscription":"s"/);
  });

  it('judges a run that cannot start by the failure: permanent ack, invalid ack, else retry', async () => {
    const cases = [
      [
        new PermanentError('bucket gone'),
        'ack',
        'permanent',
        'ALERT',
        'job run could not start; acknowledged',
      ],
      [
        new InvalidInputError('bad state key'),
        'ack',
        'rejected',
        'ERROR',
        'job run could not start; acknowledged',
      ],
      [
        new TransientError('state down'),
        'retry',
        'transient',
        'ERROR',
        'job run could not start; Pub/Sub will redeliver',
      ],
    ] as const;
    for (const [error, action, disposition, severity, message] of cases) {
      h.services.state = async () => {
        throw error;
      };
      const r = await deliver(
        gen2Event({
          data: { job: 'spotify.podcast_shows', params: { term: 'x' } },
          messageId: `s-${disposition}`,
        }),
      );
      expect(r, disposition).to.include({ action, disposition, reason: error.message });
      expect(last(), disposition).to.include({
        message,
        severity,
        outcome: 'failed',
        message_id: `s-${disposition}`,
      });
    }
  });

  it('makes a run id of a message id: unsafe characters replaced, at most 128 long', async () => {
    const r = await deliver(gen2Event({ text: 'not json', messageId: `a/b c:${'9'.repeat(200)}` }));
    expect(r.runId).to.equal(`a_b_c_${'9'.repeat(122)}`);
  });

  it('asks for redelivery with one short RedeliverError line, no stack', () => {
    const error = new RedeliverError({
      action: 'retry',
      disposition: 'transient',
      messageId: 'm-9',
      runId: 'r-9',
      summary: null,
      republishedId: null,
      reason: 'state down',
    });
    expect(error.name).to.equal('RedeliverError');
    expect(error.message).to.equal('redeliver message m-9 (run r-9): transient: state down');
    expect(error.stack).to.equal(`RedeliverError: ${error.message}`);
    const bare = new RedeliverError({
      action: 'retry',
      disposition: 'transient',
      messageId: null,
      runId: null,
      summary: null,
      republishedId: null,
      reason: null,
    });
    expect(bare.message).to.equal('redeliver message ? (run ?): transient');
  });
});
