import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_HACKERS_ID, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('Spotify podcast jobs against the sandbox', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  for (const tier of ['development', 'extended'] as const) {
    it(`pages to the last of 137 episodes in the ${tier} tier`, async () => {
      h = await startHarness({ tier });
      const summary = await h.run({
        job: 'spotify.podcast_episodes',
        params: { showId: DATA_HACKERS_ID },
      });
      expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
      const [count] = await h.query(
        'SELECT count(*) AS n, count(DISTINCT episode_id) AS d FROM latest_spotify_episodes',
      );
      expect(count).to.deep.equal({ n: 137, d: 137 });
      // GET /shows/{id} embeds episodes 1-50: the episode pages start at 50.
      const pages = h.sandbox.log.filter((r) => r.path.endsWith('/episodes'));
      expect(pages.map((p) => p.query.offset)).to.deep.equal(['50', '100']);
      expect(pages.every((p) => p.query.market === 'BR' && p.query.limit === '50')).to.equal(true);
      expect(summary.apiCalls.spotify).to.equal(4); // show + 2 pages + the token
      // The oldest episode (#1) is on the last page.
      const [last] = await h.query(
        `SELECT name FROM latest_spotify_episodes WHERE name LIKE '#1 %'`,
      );
      expect(last).to.not.equal(undefined);
    });
  }

  it('a 137-episode show with 3 null items lands 134 episodes in 3 calls plus the token, none rejected', async () => {
    h = await startHarness({ catalog: { unavailableEpisodes: [7, 60, 136] } });
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    expect(h.sandbox.apiCalls()).to.equal(3);
    expect(h.sandbox.tokenCalls()).to.equal(1);
    expect(summary.apiCalls.spotify).to.equal(4);
    const [count] = await h.query('SELECT count(*) AS n FROM latest_spotify_episodes');
    expect(count?.n).to.equal(134);
    expect(summary.quality['spotify_episodes.unavailable']).to.equal(3);
    expect(summary.quality['spotify_episodes.rejected_record']).to.equal(undefined);
    expect(summary.details.episodes).to.equal(134);
  });

  it('"the first 50 shows" are 50 real shows when search pages carry null items', async () => {
    h = await startHarness({ catalog: { unavailableShows: [4, 12, 13] } });
    const summary = await h.run({
      job: 'spotify.podcast_shows',
      params: { term: 'data hackers', limit: 50 },
    });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    const [count] = await h.query('SELECT count(*) AS n FROM latest_spotify_shows');
    expect(count?.n).to.equal(50);
    expect(summary.quality['spotify_shows.unavailable']).to.equal(3);
    expect(summary.quality['spotify_shows.rejected_record']).to.equal(undefined);
    // 5 pages of 10 held 47 shows; a sixth page of 3 completes the 50.
    const searches = h.sandbox.log.filter((r) => r.path === '/v1/search');
    expect(searches.map((s) => [s.query.limit, s.query.offset]).at(-1)).to.deep.equal(['3', '50']);
  });

  it('pages on past a search total that drifts below what is left (stops on the short page)', async () => {
    h = await startHarness({ catalog: { otherShows: 40 } });
    const summary = await h.run({
      job: 'spotify.podcast_shows',
      params: { term: 'data hackers', limit: 100 },
    });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    // 41 shows in all: pages of 10, 10, 10, 10, 1; the reported total shrinks by 2 a page.
    const [count] = await h.query('SELECT count(*) AS n FROM latest_spotify_shows');
    expect(count?.n).to.equal(41);
    expect(h.sandbox.calls((r) => r.path === '/v1/search')).to.equal(5);
  });

  it('episodes that leave the listing stay visible as removed, with their last_seen_at', async () => {
    const podcasts = new PodcastCatalog();
    h = await startHarness({ podcasts });
    const params = { showId: DATA_HACKERS_ID };
    expect((await h.run({ job: 'spotify.podcast_episodes', params })).outcome).to.equal(
      'succeeded',
    );
    // The two newest episodes (#136, #137) are taken down.
    podcasts.showById(DATA_HACKERS_ID)!.episodes = 135;
    h.clock.advance(24 * 3600_000);
    const second = await h.run({ job: 'spotify.podcast_episodes', params });
    expect(second.outcome).to.equal('succeeded');
    // Not asked for a full pass, it walked the whole listing: its head did not add up (the
    // newest known episode is gone).
    expect(second.details).to.deep.include({ pass: 'full', walked_to_end: true });
    expect(String(second.details.full_reason)).to.match(/removed or moved/);
    const removed = await h.query(
      `SELECT name, first_seen_at, last_seen_at FROM spotify_episode_presence WHERE removed ORDER BY name`,
    );
    expect(removed.map((r) => String(r.name).split(' ')[0])).to.deep.equal(['#136', '#137']);
    expect(String(removed[0]?.last_seen_at)).to.match(/2026-11-20/);
    const [current] = await h.query('SELECT count(*) AS n FROM spotify_current_episodes');
    expect(current?.n).to.equal(135);
    const [all] = await h.query('SELECT count(*) AS n FROM latest_spotify_episodes');
    expect(all?.n).to.equal(137);
    // A listing cut short by a cap (counted) is not complete: it removes nothing.
    h.clock.advance(24 * 3600_000);
    const capped = await h.run({
      job: 'spotify.podcast_episodes',
      params: { ...params, maxEpisodes: 60, full: true },
    });
    expect(capped.quality['spotify_episodes.page_cap_reached']).to.equal(1);
    const [still] = await h.query('SELECT count(*) AS n FROM spotify_current_episodes');
    expect(still?.n).to.equal(135);
  });

  it('collects the first 50 shows in 5 search calls of 10 in the development tier', async () => {
    h = await startHarness({ tier: 'development' });
    const summary = await h.run({
      job: 'spotify.podcast_shows',
      params: { term: 'data hackers', limit: 50 },
    });
    expect(summary.outcome).to.equal('succeeded');
    const searches = h.sandbox.log.filter((r) => r.path === '/v1/search');
    expect(searches.map((s) => [s.query.limit, s.query.offset])).to.deep.equal([
      ['10', '0'],
      ['10', '10'],
      ['10', '20'],
      ['10', '30'],
      ['10', '40'],
    ]);
    expect(h.sandbox.tokenCalls()).to.equal(1);
    expect(summary.apiCalls.spotify).to.equal(6);
    const rows = await h.query(
      'SELECT search_rank, publisher FROM latest_spotify_shows ORDER BY search_rank',
    );
    expect(rows.map((r) => r.search_rank)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    // Development mode does not return publisher: NULL, never "".
    expect(rows.every((r) => r.publisher === null)).to.equal(true);
  });

  it('collects 50 shows in one call of 50 in the extended tier, with publisher', async () => {
    h = await startHarness({ tier: 'extended' });
    await h.run({ job: 'spotify.podcast_shows', params: {} });
    expect(h.sandbox.calls((r) => r.path === '/v1/search')).to.equal(1);
    const [row] = await h.query(
      `SELECT publisher FROM latest_spotify_shows WHERE show_id = '${DATA_HACKERS_ID}'`,
    );
    expect(row?.publisher).to.equal('Data Hackers');
  });

  it('chooses the show by exact normalised name, not the first hit', async () => {
    h = await startHarness();
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showName: 'data HACKERS' },
    });
    expect(summary.details.show_id).to.equal(DATA_HACKERS_ID);
    const first = await h.query(`SELECT name FROM latest_spotify_shows WHERE search_rank = 1`);
    expect(first[0]?.name).to.equal('Data Hackers Clips');
  });

  it('fails permanently with the closest names when no show matches exactly', async () => {
    h = await startHarness();
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showName: 'Data Hack', searchDepth: 20 },
    });
    expect(summary.outcome).to.equal('failed');
    expect(summary.failureKind).to.equal('permanent');
    expect(summary.error).to.match(/no show named "Data Hack".*Data Hackers Clips/);
  });

  it('finds mentions of "Grupo Boticário" however it is accented or cased', async () => {
    h = await startHarness();
    await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID, terms: ['Grupo Boticário', 'BOTICARIO', 'boticário'] },
    });
    const counts = await h.query(
      `SELECT term, count(*) AS n FROM spotify_episodes_mentioning_terms GROUP BY term ORDER BY term`,
    );
    // Every spelling the sandbox uses (Grupo Boticário, GRUPO BOTICARIO, grupo boticario,
    // double space) matches every form of the term.
    const expected = Math.ceil((137 - 4) / 9);
    expect(counts).to.deep.equal([
      { term: 'BOTICARIO', n: expected },
      { term: 'Grupo Boticário', n: expected },
      { term: 'boticário', n: expected },
    ]);
    const spellings = await h.query(
      `SELECT DISTINCT regexp_extract(description, 'time de dados do (.*)\\.$', 1) AS s FROM spotify_episodes_mentioning_terms`,
    );
    expect(spellings.length).to.be.greaterThan(2);
  });

  it('counts malformed records and stores NULL for the bad field instead of failing', async () => {
    h = await startHarness({ catalog: { malformedEvery: 10 } });
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(summary.outcome).to.equal('succeeded');
    expect(summary.quality['spotify_episodes.nulled_field:duration_ms']).to.equal(13);
    const [nulls] = await h.query(
      'SELECT count(*) AS n FROM latest_spotify_episodes WHERE duration_ms IS NULL',
    );
    expect(nulls?.n).to.equal(13);
    const dq = await h.query(
      `SELECT check_name, count FROM data_quality WHERE run_id = '${summary.runId}'`,
    );
    expect(dq).to.deep.include({ check_name: 'nulled_field:duration_ms', count: 13 });
  });

  it('rejects records without an id, counts them and keeps the rest', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: `/v1/shows/${DATA_HACKERS_ID}/episodes`,
      answer: {
        status: 200,
        body: {
          items: [{ name: 'no id' }, 'junk', { id: 'ok1', name: 'fine' }],
          limit: 50,
          offset: 0,
          total: 3,
          next: null,
        },
      },
    });
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(summary.outcome).to.equal('succeeded');
    expect(summary.quality['spotify_episodes.rejected_record']).to.equal(2);
    // 50 from the page the show embeds, 1 from the injected second page.
    expect(summary.rows.spotify_episodes).to.equal(51);
  });

  it('reports a malformed page as a failed run with the reason, without crashing', async () => {
    h = await startHarness();
    h.sandbox.inject({
      path: `/v1/shows/${DATA_HACKERS_ID}/episodes`,
      answer: { status: 200, body: { unexpected: true } },
    });
    const summary = await h.run({
      job: 'spotify.podcast_episodes',
      params: { showId: DATA_HACKERS_ID },
    });
    expect(summary.outcome).to.equal('failed');
    expect(summary.failureKind).to.equal('transient');
    expect(summary.error).to.match(/not a paging object/);
    expect(summary.rawObjects.some((p) => p.includes('show_episodes'))).to.equal(true);
  });

  it('leaves identical raw objects and warehouse rows when the same run id runs again', async () => {
    h = await startHarness();
    const message = { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } };
    const first = await h.run(message, 'redelivered-1');
    const raw1 = await Promise.all(
      first.rawObjects.map((p) => readFile(join(h.dataDir, p), 'utf8')),
    );
    const rows1 = await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id');
    const second = await h.rerun(message, 'redelivered-1');
    expect(second.rawObjects).to.deep.equal(first.rawObjects);
    const raw2 = await Promise.all(
      second.rawObjects.map((p) => readFile(join(h.dataDir, p), 'utf8')),
    );
    expect(raw2).to.deep.equal(raw1);
    const rows2 = await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id');
    expect(rows2).to.deep.equal(rows1);
    expect(rows2).to.have.length(137);
    const runs = await h.query(`SELECT count(*) AS n FROM job_runs WHERE run_id = 'redelivered-1'`);
    expect(runs[0]?.n).to.equal(1);
  });

  it('acknowledges a redelivery of a completed run without calling Spotify again', async () => {
    h = await startHarness();
    const message = { job: 'spotify.podcast_shows', params: { limit: 10 } };
    await h.run(message, 'pubsub-42');
    const calls = h.sandbox.log.length;
    const again = await h.run(message, 'pubsub-42');
    expect(again.outcome).to.equal('succeeded');
    expect(again.details.skipped).to.match(/already completed/);
    expect(h.sandbox.log.length).to.equal(calls);
  });

  it('keeps every full pass as a snapshot and the latest view exact across runs', async () => {
    h = await startHarness();
    const params = { showId: DATA_HACKERS_ID, full: true };
    await h.run({ job: 'spotify.podcast_episodes', params }, 'day-1');
    h.clock.advance(86_400_000);
    await h.run({ job: 'spotify.podcast_episodes', params }, 'day-2');
    const [all] = await h.query('SELECT count(*) AS n FROM spotify_episodes');
    const latest = await h.query('SELECT DISTINCT run_id FROM latest_spotify_episodes');
    expect(all?.n).to.equal(274);
    expect(latest).to.deep.equal([{ run_id: 'day-2' }]);
  });

  it('never writes the client secret or tokens into logs or raw files', async () => {
    h = await startHarness();
    await h.run({ job: 'spotify.podcast_shows', params: {} });
    h.sandbox.expireTokens();
    await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } });
    const secret = h.sandbox.env().SPOTIFY_CLIENT_SECRET!;
    const raw = (await (await h.services.rawStore()).list('raw/')).map((p) => p);
    const rawText = (await Promise.all(raw.map((p) => readFile(join(h.dataDir, p), 'utf8')))).join(
      '\n',
    );
    for (const text of [h.logs.lines.join('\n'), rawText]) {
      expect(text).to.not.include(secret);
      expect(text).to.not.match(/sbx-token-/);
    }
  });
});
