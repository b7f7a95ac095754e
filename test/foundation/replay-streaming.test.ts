// platform.replay reads raw objects as streams of lines and keeps a checkpoint: a backfill
// that reaches its deadline defers, and its redeliveries (same run id) go on from the line
// they got to, ending with exactly the rows of an undisturbed replay.
import { expect } from 'chai';
import { TransientError } from '../../functions/platform/errors.js';
import { LocalRawStore, type RawStore } from '../../functions/platform/raw-store.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';

const TABLES = ['spotify_shows', 'spotify_episodes', 'spotify_episode_mentions'];
const REPLAY = { job: 'platform.replay', params: { from: '2026-11-20', to: '2026-11-20' } };

async function tables(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = await h.query(`SELECT * FROM ${t} ORDER BY insert_id`);
  return out;
}

/**
 * The local store, calling `onNewLine` for each line further into an object than any read
 * before (a resumed replay streams the lines before its checkpoint again, but skips them).
 */
function slowStore(inner: RawStore, onNewLine: () => void): RawStore {
  const furthest = new Map<string, number>();
  return {
    kind: inner.kind,
    describe: (p) => inner.describe(p),
    openWriter: (p) => inner.openWriter(p),
    read: () => Promise.reject(new Error('replay must stream, not read whole objects')),
    list: (p) => inner.list(p),
    async *readLines(p) {
      let at = 0;
      for await (const line of inner.readLines(p)) {
        at += 1;
        if (at > (furthest.get(p) ?? 0)) {
          furthest.set(p, at);
          onNewLine();
        }
        yield line;
      }
    },
  };
}

describe('replay streams raw objects and resumes from its checkpoint', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('defers at its deadline and resumes where it stopped, with the rows of an undisturbed replay', async () => {
    // 1,000 episodes: the show answer (the first 50 embedded), then 19 pages of 50: 20 raw
    // lines in two objects.
    const live = await startHarness({ catalog: { dataHackersEpisodes: 1000 } });
    harnesses.push(live);
    const collected = await live.run(
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
      'live-1',
    );
    expect(collected.outcome, collected.error ?? '').to.equal('succeeded');
    const undisturbed = await startHarness({ env: { FANPULSE_DATA_DIR: live.dataDir } });
    harnesses.push(undisturbed);
    const whole = await undisturbed.run(REPLAY, 'replay-whole');
    expect(whole.outcome, whole.error ?? '').to.equal('succeeded');
    expect(whole.items).to.equal(20);
    const expected = await tables(undisturbed);
    expect(expected.spotify_episodes).to.have.length(1000);

    // Each new line takes 10 s of the run's 60 s budget: a delivery gets through ~6 lines.
    let read = 0;
    let clockOf: Harness | null = null;
    const store = slowStore(new LocalRawStore(live.dataDir), () => {
      read += 1;
      clockOf?.clock.advance(10_000);
    });
    const backfill = await startHarness({
      env: {
        FANPULSE_DATA_DIR: live.dataDir,
        FANPULSE_RUN_BUDGET_SECONDS: '60',
        FANPULSE_CHECKPOINT_SECONDS: '0',
      },
      overrides: { rawStore: store },
    });
    harnesses.push(backfill);
    clockOf = backfill;
    const outcomes: string[] = [];
    let loaded = 0;
    for (let delivery = 0; delivery < 10; delivery += 1) {
      const summary = await backfill.run(REPLAY, 'replay-slow');
      outcomes.push(summary.outcome);
      loaded += summary.items;
      if (summary.outcome !== 'deferred') {
        expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
        break;
      }
      expect(summary.deferReason).to.equal('run-deadline');
    }
    expect(outcomes.length).to.be.greaterThan(2);
    expect(outcomes.at(-1)).to.equal('succeeded');
    // Every line was loaded by exactly one delivery: each went on from its checkpoint.
    expect(loaded).to.equal(20);
    expect(read).to.equal(20);
    expect(await tables(backfill)).to.deep.equal(expected);
  });

  it('a download that breaks mid-object fails the run, and its redelivery loads only the rest', async () => {
    const live = await startHarness({ catalog: { dataHackersEpisodes: 1000 } });
    harnesses.push(live);
    await live.run(
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
      'live-2',
    );
    const undisturbed = await startHarness({ env: { FANPULSE_DATA_DIR: live.dataDir } });
    harnesses.push(undisturbed);
    await undisturbed.run(REPLAY, 'replay-whole');
    const expected = await tables(undisturbed);

    // The 10th line of the episodes object never arrives the first time.
    const inner = new LocalRawStore(live.dataDir);
    let broken = false;
    const store: RawStore = {
      ...slowStore(inner, () => undefined),
      async *readLines(p) {
        let at = 0;
        for await (const line of inner.readLines(p)) {
          at += 1;
          if (!broken && p.includes('/show_episodes/') && at === 10) {
            broken = true;
            throw new TransientError('connection reset while downloading');
          }
          yield line;
        }
      },
    };
    const backfill = await startHarness({
      env: { FANPULSE_DATA_DIR: live.dataDir, FANPULSE_CHECKPOINT_SECONDS: '0' },
      overrides: { rawStore: store },
    });
    harnesses.push(backfill);
    const first = await backfill.run(REPLAY, 'replay-broken');
    expect(first.outcome).to.equal('failed');
    expect(first.failureKind).to.equal('transient');
    const again = await backfill.run(REPLAY, 'replay-broken');
    expect(again.outcome, again.error ?? '').to.equal('succeeded');
    // The show line and 9 episode pages were loaded and checkpointed: 20 - 10 lines remain.
    expect(again.items).to.equal(10);
    expect(await tables(backfill)).to.deep.equal(expected);
  });
});
