// Incremental podcast episodes: a daily run pages only until it meets episodes a complete run
// collected; a full pass (param `full`) walks everything. Calls are counted at the sandbox,
// token requests included.
import { expect } from 'chai';
import { parseParamArgs } from '../../functions/cli/args.js';
import { formatParams } from '../../functions/cli/job-params.js';
import { catalog } from '../../functions/sources/all.js';
import { podcastEpisodesParams } from '../../functions/sources/spotify/podcast-jobs.js';
import { DATA_HACKERS_ID, PodcastCatalog, sandboxId } from '../sandbox/spotify/podcasts.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { startHarness, type Harness } from '../support/harness.js';

const DAY = 24 * 3600_000;
const episodeId = (n: number) => sandboxId('episode', DATA_HACKERS_ID, String(n));

describe('incremental podcast episodes', function () {
  this.timeout(120_000);
  let h: Harness;
  let podcasts: PodcastCatalog;
  const show = () => podcasts.showById(DATA_HACKERS_ID)!;
  afterEach(async () => h?.close());

  async function start(episodes: number, env: Record<string, string> = {}): Promise<void> {
    podcasts = new PodcastCatalog({ dataHackersEpisodes: episodes });
    h = await startHarness({ podcasts, env });
  }

  /** Runs the job a day after the last run; returns its summary and the requests it sent. */
  async function day(params: Record<string, unknown> = {}, runId?: string) {
    h.clock.advance(DAY);
    const before = h.sandbox.log.length;
    const summary = await h.run(
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID, ...params } },
      runId,
    );
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    return { summary, calls: h.sandbox.log.length - before, log: h.sandbox.log.slice(before) };
  }

  async function count(sql: string): Promise<number> {
    const [row] = await h.query(sql);
    return Number(row?.n);
  }

  /** Episode ids the sandbox lists now, and whether the views agree with it. */
  async function expectViewsMatchListing(): Promise<void> {
    const listed = (podcasts.listing(show()) ?? []).length || show().episodes;
    expect(await count('SELECT count(*) AS n FROM spotify_current_episodes')).to.equal(listed);
    const removed = await h.query('SELECT name FROM spotify_episode_presence WHERE removed');
    expect(removed.map((r) => String(r.name).split(' ')[0]).sort()).to.deep.equal(
      (show().removed ?? []).map((n) => `#${n}`).sort(),
    );
  }

  it('a second run over an unchanged 1,000-episode show costs at most 15 % of the first; a full pass fetches everything', async () => {
    await start(1000);
    const first = await day();
    const second = await day();
    const full = await day({ full: true });
    console.log(
      `    podcast episodes, 1,000-episode show: first run ${first.calls} calls (token included), second (unchanged) ${second.calls} (${((100 * second.calls) / first.calls).toFixed(1)} %), full pass ${full.calls}`,
    );
    expect(first.summary.details).to.deep.include({ pass: 'full', walked_to_end: true });
    expect(second.summary.details).to.deep.include({ pass: 'incremental', episodes: 50 });
    expect(second.calls).to.be.at.most(first.calls * 0.15);
    // The full pass lands every episode again: 20 episode pages (the show embeds the first).
    expect(full.summary.details).to.deep.include({ pass: 'full', episodes: 1000 });
    expect(full.log.filter((r) => r.path.startsWith('/v1/'))).to.have.length(20);
    expect(full.summary.rows.spotify_episodes).to.equal(1000);
    expect(await count('SELECT count(*) AS n FROM latest_spotify_episodes')).to.equal(1000);
    await expectViewsMatchListing();
  });

  it("by name (the schedules' way) a second run over an unchanged show stays within 15 %", async () => {
    await start(1000);
    const byName = { showId: undefined, showName: 'Data Hackers' };
    const first = await day(byName);
    const second = await day(byName);
    console.log(
      `    podcast episodes by name, 1,000-episode show: first run ${first.calls} calls, second (unchanged) ${second.calls} (${((100 * second.calls) / first.calls).toFixed(1)} %)`,
    );
    expect(second.summary.details).to.deep.include({ pass: 'incremental' });
    expect(second.calls).to.be.at.most(first.calls * 0.15);
  });

  it('collects every episode added between runs, across pages, and the views keep every episode', async () => {
    await start(300);
    await day();
    show().episodes += 7;
    const few = await day();
    expect(few.summary.details).to.deep.include({ pass: 'incremental' });
    expect(few.log.filter((r) => r.path.endsWith('/episodes'))).to.have.length(0);
    show().episodes += 120; // more than two pages of new episodes
    const many = await day();
    expect(many.summary.details).to.deep.include({ pass: 'incremental' });
    // Pages at 50 and 100 (the show embeds 0-49); the page at 100 holds the known head.
    expect(
      many.log.filter((r) => r.path.endsWith('/episodes')).map((r) => r.query.offset),
    ).to.deep.equal(['50', '100']);
    const ids = await h.query('SELECT episode_id FROM latest_spotify_episodes');
    const expected = Array.from({ length: 427 }, (_, i) => episodeId(i + 1));
    expect(ids.map((r) => r.episode_id).sort()).to.deep.equal(expected.sort());
    // After a full pass and incremental runs nothing old looks removed.
    await expectViewsMatchListing();
    const [newest] = await h.query(
      `SELECT removed, first_seen_at FROM spotify_episode_presence WHERE episode_id = '${episodeId(427)}'`,
    );
    expect(newest?.removed).to.equal(false);
    // Mentions of the new episodes came with them (every 9th from position 4 mentions it).
    expect(
      await count(
        `SELECT count(*) AS n FROM spotify_episodes_mentioning_terms WHERE term = 'Grupo Boticário'`,
      ),
    ).to.be.greaterThan(300 / 9);
  });

  it('a removal the total shows makes the next run walk everything; one it hides is found by the next full pass', async () => {
    await start(200);
    await day({ full: true });
    show().removed = [120];
    const walked = await day();
    expect(walked.summary.details).to.deep.include({ pass: 'full', walked_to_end: true });
    expect(String(walked.summary.details.full_reason)).to.match(/total is 199 where 200 known/);
    await expectViewsMatchListing();

    // One new episode and one removal, with a total that still counts the removed one.
    show().episodes += 1;
    show().removed = [120, 50];
    show().reportedTotal = 200;
    const hidden = await day();
    expect(hidden.summary.details).to.deep.include({ pass: 'incremental' });
    // An incremental run is no complete listing: #50 is not judged removed yet, nothing else is.
    const removedNow = await h.query('SELECT name FROM spotify_episode_presence WHERE removed');
    expect(removedNow.map((r) => String(r.name).split(' ')[0])).to.deep.equal(['#120']);
    expect(await count('SELECT count(*) AS n FROM spotify_current_episodes')).to.equal(200);
    delete show().reportedTotal;
    await day({ full: true });
    await expectViewsMatchListing();

    // Complete listings come from the landed last pages: replay alone rebuilds the same view.
    const presence = () =>
      h.query(
        'SELECT episode_id, removed, first_seen_at, last_seen_at FROM spotify_episode_presence ORDER BY episode_id',
      );
    const before = await presence();
    for (const table of [
      'spotify_episodes',
      'spotify_episode_listings',
      'job_runs',
      'data_quality',
    ])
      await h.query(`DELETE FROM ${table}`);
    const replay = await h.run({
      job: 'platform.replay',
      params: { from: '2026-11-20', to: '2026-12-31', source: 'spotify' },
    });
    expect(replay.outcome, replay.error ?? '').to.equal('succeeded');
    expect(replay.rows.spotify_episode_listings).to.equal(3); // the three runs that walked it all
    expect(await presence()).to.deep.equal(before);
  });

  it('new mention terms force a full pass; the mentions view then covers every episode', async () => {
    await start(200);
    await day();
    const same = await day();
    expect(same.summary.details).to.deep.include({ pass: 'incremental' });
    const natura = await day({ terms: ['Grupo Boticário', 'boticario'] });
    expect(natura.summary.details).to.deep.include({ pass: 'full' });
    expect(String(natura.summary.details.full_reason)).to.match(/"boticario" are new/);
    const counts = await h.query(
      'SELECT term, count(*) AS n FROM spotify_episodes_mentioning_terms GROUP BY term ORDER BY term',
    );
    expect(counts.map((r) => Number(r.n))).to.deep.equal([22, 22]); // ceil((200 - 4) / 9)
    // Fewer terms need no full pass.
    const fewer = await day({ terms: ['boticario'] });
    expect(fewer.summary.details).to.deep.include({ pass: 'incremental' });
  });

  it('a rerun of the same run id walks exactly as its first delivery (same baseline)', async () => {
    await start(200);
    await day();
    show().episodes += 60;
    const first = await day({}, 'day-2');
    const rows = await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id');
    const calls = h.sandbox.log.length;
    const again = await h.rerun(
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
      'day-2',
    );
    expect(again.outcome).to.equal('succeeded');
    expect(again.details).to.deep.equal(first.summary.details);
    expect(again.rawObjects).to.deep.equal(first.summary.rawObjects);
    const requests = (log: readonly LoggedRequest[]) =>
      log.filter((r) => r.path.startsWith('/v1/')).map((r) => `${r.path}@${r.query.offset}`);
    expect(requests(h.sandbox.log.slice(calls))).to.deep.equal(requests(first.log));
    expect(requests(first.log)).to.have.length(2); // the show and the page at 50
    expect(await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id')).to.deep.equal(rows);
  });

  it('an incremental run deferred at its deadline resumes on redelivery and stops at the known head', async () => {
    await start(200, { FANPULSE_RUN_BUDGET_SECONDS: '60', FANPULSE_CHECKPOINT_SECONDS: '0' });
    await day();
    show().episodes += 120;
    h.clock.advance(DAY);
    const runTime = h.clock.now();
    // The run's deadline passes while the page at offset 50 is answered.
    const push = h.sandbox.log.push;
    h.sandbox.log.push = (...entries) => {
      if (entries.some((e) => e.query.offset === '50')) h.clock.advance(120_000);
      return push.apply(h.sandbox.log, entries);
    };
    const message = { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } };
    const deferred = await h.run(message, 'day-2', runTime);
    h.sandbox.log.push = push;
    expect(deferred.outcome).to.equal('deferred');
    const before = h.sandbox.log.length;
    const resumed = await h.run(message, 'day-2', runTime);
    expect(resumed.outcome, resumed.error ?? '').to.equal('succeeded');
    expect(resumed.details).to.deep.include({ pass: 'incremental' });
    const pages = h.sandbox.log.slice(before).filter((r) => r.path.endsWith('/episodes'));
    // It goes on from its checkpoint, after the page at 50 that it landed before stopping.
    expect(pages.map((r) => r.query.offset)).to.deep.equal(['100']);
    expect(await count('SELECT count(*) AS n FROM latest_spotify_episodes')).to.equal(320);
    expect(
      await count(`SELECT count(*) AS n FROM spotify_episodes WHERE run_id = 'day-2'`),
    ).to.equal(150);
    await expectViewsMatchListing();
    // The knowledge moved only once the run finished: the next day meets the new head.
    const next = await day();
    expect(next.summary.details).to.deep.include({ pass: 'incremental', episodes: 50 });
  });

  it('`--full true` on the command line asks for a full pass; the job help and schedules say so', () => {
    const params = parseParamArgs(['--full', 'true', '--show-id', DATA_HACKERS_ID]);
    expect(podcastEpisodesParams.parse(params)).to.deep.include({ full: true });
    expect(podcastEpisodesParams.parse({}).full).to.equal(false);
    const job = catalog.findJob('spotify.podcast_episodes')!;
    expect(formatParams(job)).to.match(/--full <boolean>\s+Walk every page/);
    // Daily incremental runs Monday to Saturday, the full pass on Sunday: every day once.
    const schedules = job.schedules.map((s) => [s.cron, s.params.full ?? false]);
    expect(schedules).to.deep.equal([
      ['30 6 * * 1-6', false],
      ['30 6 * * 0', true],
    ]);
  });
});
