import { expect } from 'chai';
import { startHarness, type Harness } from '../support/harness.js';

describe('job messages', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 'hello', /malformed job message/],
    ['no job', { params: {} }, /job/],
    ['unknown job', { job: 'spotify.nope' }, /unknown job spotify.nope/],
    [
      'bad params',
      { job: 'spotify.podcast_shows', params: { limit: 'many' } },
      /invalid params for spotify.podcast_shows: limit/,
    ],
    ['extra fields', { job: 'spotify.podcast_shows', surprise: 1 }, /surprise/],
  ];
  for (const [name, message, reason] of bad) {
    it(`rejects ${name} with a clear reason, logged once, without calling Spotify`, async () => {
      h = await startHarness();
      const summary = await h.run(message as never);
      expect(summary.outcome).to.equal('rejected');
      expect(summary.failureKind).to.equal('invalid-input');
      expect(summary.error).to.match(reason);
      expect(h.logs.entries().filter((e) => e.message === 'job message rejected')).to.have.length(
        1,
      );
      expect(h.sandbox.log).to.have.length(0);
    });
  }

  it('logs one structured summary line per run, with labels Cloud Logging reads', async () => {
    h = await startHarness();
    const summary = await h.run({ job: 'spotify.podcast_shows', params: { limit: 20 } }, 'run-xyz');
    const lines = h.logs.entries().filter((e) => e.message === 'job run finished');
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(line.severity).to.equal('INFO');
    expect(line.job).to.equal('spotify.podcast_shows');
    expect(line.rows).to.deep.equal({ spotify_shows: 20 });
    expect(line.api_calls).to.deep.equal({ spotify: 3 });
    expect(line['logging.googleapis.com/labels']).to.deep.equal({
      run_id: 'run-xyz',
      job: 'spotify.podcast_shows',
    });
    expect(summary.items).to.equal(20);
  });
});
