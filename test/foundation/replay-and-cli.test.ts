import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

const exec = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const CLI = join(process.cwd(), 'dist/functions/cli.js');

describe('replay and the CLI', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('replays raw objects into the same rows, idempotently', async () => {
    h = await startHarness();
    await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } }, 'live-1');
    const before = await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id');
    const mentionsBefore = await h.query(
      'SELECT * FROM spotify_episode_mentions ORDER BY insert_id',
    );
    const replay = await h.run(
      { job: 'platform.replay', params: { from: '2026-11-20', to: '2026-11-20' } },
      'replay-1',
    );
    expect(replay.outcome, replay.error ?? '').to.equal('succeeded');
    expect(replay.rows.spotify_episodes).to.equal(137);
    await h.run(
      {
        job: 'platform.replay',
        params: {
          from: '2026-11-01',
          to: '2026-11-30',
          source: 'spotify',
          entity: 'show_episodes',
        },
      },
      'replay-2',
    );
    expect(await h.query('SELECT * FROM spotify_episodes ORDER BY insert_id')).to.deep.equal(
      before,
    );
    expect(
      await h.query('SELECT * FROM spotify_episode_mentions ORDER BY insert_id'),
    ).to.deep.equal(mentionsBefore);
  });

  it('applies a new mention term to episodes already collected, without calling Spotify', async () => {
    h = await startHarness();
    await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } }, 'live-t');
    const calls = h.sandbox.log.length;
    const replay = await h.run({
      job: 'platform.replay',
      params: { from: '2026-11-20', to: '2026-11-20', terms: ['time de dados'] },
    });
    expect(replay.outcome, replay.error ?? '').to.equal('succeeded');
    expect(h.sandbox.log.length).to.equal(calls);
    const counts = await h.query(
      `SELECT term, count(*) AS n FROM spotify_episodes_mentioning_terms GROUP BY term ORDER BY term`,
    );
    const expected = Math.ceil((137 - 4) / 9);
    expect(counts).to.deep.equal([
      { term: 'Grupo Boticário', n: expected },
      { term: 'time de dados', n: expected },
    ]);
  });

  it('`fanpulse map` never reports success on an answer it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-map-'));
    const file = async (name: string, body: unknown) => {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(body));
      return path;
    };
    const fails = (args: string[]) =>
      exec(NODE, [CLI, 'map', ...args]).then(
        (r) => expect.fail(`exit 0 with ${r.stdout.slice(0, 200)}`),
        (e: { code: number; stderr: string }) => e,
      );
    try {
      const envelope = await file('error.json', {
        error: { status: 404, message: 'non existing id' },
      });
      const e1 = await fails(['show', envelope]);
      expect(e1.code).to.not.equal(0);
      expect(e1.stderr).to.match(
        /the answer is an error, not a show: non existing id \(code 404\)/,
      );
      const show = await file('show.json', {
        id: DATA_HACKERS_ID,
        type: 'show',
        name: 'Data Hackers',
      });
      const e2 = await fails(['show_episodes', show]);
      expect(e2.stderr).to.match(/not an answer of spotify.show_episodes: it is a Spotify show/);
      const page = await file('page.json', {
        items: [{ id: 'abc', type: 'episode', name: 'x' }],
        limit: 50,
        offset: 0,
        total: 1,
        next: null,
      });
      const e3 = await fails(['show_episodes', page]);
      expect(e3.stderr).to.match(
        /needs context keys show_id; pass --context '\{"show_id":"..."\}'/,
      );
      const ok = await exec(NODE, [
        CLI,
        'map',
        'show_episodes',
        page,
        '--context',
        JSON.stringify({ show_id: DATA_HACKERS_ID }),
      ]);
      expect(ok.stdout).to.match(/"table":"spotify_episodes"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replays nothing outside the date range', async () => {
    h = await startHarness();
    await h.run({ job: 'spotify.podcast_shows', params: { limit: 10 } });
    const replay = await h.run({
      job: 'platform.replay',
      params: { from: '2026-11-21', to: '2026-11-22' },
    });
    expect(replay.rows).to.deep.equal({});
    expect(replay.details.objects).to.equal(0);
  });

  it('a replay message with a day that is not on the calendar is rejected, naming it', async () => {
    h = await startHarness();
    for (const [from, to] of [
      ['2026-13-01', '2026-13-02'],
      ['2026-02-28', '2026-02-30'],
    ] as const) {
      const replay = await h.run({ job: 'platform.replay', params: { from, to } });
      expect(replay.outcome).to.equal('rejected');
      expect(replay.error).to.match(/not a calendar day/);
    }
  });

  it('`fanpulse map` prints typed rows of a landed raw object and fails clearly on junk', async () => {
    h = await startHarness({ catalog: { malformedEvery: 50 } });
    const summary = await h.run(
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
      'map-run',
    );
    const object = summary.rawObjects.find((p) => p.includes('/show_episodes/'))!;
    const { stdout, stderr } = await exec(NODE, [
      CLI,
      'map',
      'show_episodes',
      join(h.dataDir, object),
    ]);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The show answer embedded the first 50 episodes; the episode pages carry the other 87.
    expect(rows.filter((r) => r.table === 'spotify_episodes')).to.have.length(87);
    expect(rows.filter((r) => r.table === 'spotify_episode_mentions')).to.have.length(87);
    expect(rows.every((r) => r.run_id === 'map-run')).to.equal(true);
    expect(stderr).to.match(/nulled_field:duration_ms":1/);
    const show = summary.rawObjects.find((p) => p.includes('/show/'))!;
    const fromShow = (await exec(NODE, [CLI, 'map', 'show', join(h.dataDir, show)])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fromShow.filter((r) => r.table === 'spotify_shows')).to.have.length(1);
    expect(fromShow.filter((r) => r.table === 'spotify_episodes')).to.have.length(50);
    const failed = await exec(NODE, [CLI, 'map', 'show_episodes', CLI]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).to.equal(2);
    expect(failed?.stderr).to.match(/neither a landed raw line nor a JSON answer/);
    const unknown = await exec(NODE, [CLI, 'map', 'nope', CLI]).catch((e: { stderr: string }) => e);
    expect((unknown as { stderr: string }).stderr).to.match(
      /unknown entity "nope"; known: .*spotify.show_episodes/,
    );
  });
});
