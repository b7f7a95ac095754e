// spotify.podcast_shows under a run deadline: the walk stops before the next search page,
// the run is deferred with a checkpoint, and the redelivery (same run id) resumes at the page
// it got to; tables and raw answers equal an undisturbed run of the same run id.
import { expect } from 'chai';
import { startHarness, type Harness } from '../support/harness.js';
import { rawAnswers } from './kill-support.js';

const RUN_ID = 'shows-1';
const RUN_TIME = new Date('2026-11-20T10:00:00Z');
const MESSAGE = { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 50 } };
const ENV = { FANPULSE_RUN_BUDGET_SECONDS: '60', FANPULSE_CHECKPOINT_SECONDS: '0' };

describe('spotify.podcast_shows: deadline, checkpoint and redelivery', function () {
  this.timeout(60_000);
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  const searches = (h: Harness, from = 0) =>
    h.sandbox.log.slice(from).filter((r) => r.path === '/v1/search');

  it('a deadline mid-walk defers the run; the redelivery resumes and equals an undisturbed run', async () => {
    const clean = await startHarness({ tier: 'development', env: ENV });
    const disturbed = await startHarness({ tier: 'development', env: ENV });
    harnesses.push(clean, disturbed);
    const reference = await clean.run(MESSAGE, RUN_ID, RUN_TIME);
    expect(reference.outcome, reference.error ?? '').to.equal('succeeded');
    expect(searches(clean)).to.have.length(5);

    // The deadline passes while the third search page (offset 20) is answered.
    const log = disturbed.sandbox.log;
    const push = log.push;
    log.push = (...entries) => {
      if (entries.some((e) => e.path === '/v1/search' && e.query.offset === '20'))
        disturbed.clock.advance(120_000);
      return push.apply(log, entries);
    };
    const deferred = await disturbed.run(MESSAGE, RUN_ID, RUN_TIME);
    log.push = push;
    expect(deferred.outcome).to.equal('deferred');
    expect(deferred.error).to.match(/deadline/);
    expect(searches(disturbed).map((r) => r.query.offset)).to.deep.equal(['0', '10', '20']);

    const before = log.length;
    const redelivered = await disturbed.run(MESSAGE, RUN_ID, RUN_TIME);
    expect(redelivered.outcome, redelivered.error ?? '').to.equal('succeeded');
    // It went on from its checkpoint: after the page it landed before the deadline stopped it.
    expect(searches(disturbed, before).map((r) => r.query.offset)).to.deep.equal(['30', '40']);
    expect(redelivered.details).to.deep.equal(reference.details);

    const rows = (h: Harness) => h.query('SELECT * FROM spotify_shows ORDER BY insert_id');
    const cleanRows = await rows(clean);
    expect(cleanRows).to.have.length(50);
    expect(await rows(disturbed)).to.deep.equal(cleanRows);
    const latest = (h: Harness) =>
      h.query('SELECT show_id, search_rank FROM latest_spotify_shows ORDER BY search_rank');
    expect(await latest(disturbed)).to.deep.equal(await latest(clean));
    // Two sandboxes: the answers' paging links differ only in the port.
    const answers = async (h: Harness) =>
      (await rawAnswers(h.dataDir)).answers.map((a) => a.replace(/127\.0\.0\.1:\d+/g, 'sandbox'));
    const cleanRaw = await answers(clean);
    expect(cleanRaw).to.have.length(5);
    expect(await answers(disturbed)).to.deep.equal(cleanRaw);
  });
});
