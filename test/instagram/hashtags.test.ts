import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HASHTAGS, startInstagramHarness, type InstagramHarness } from './support.js';

const tags = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const feeds = (names: string[]) => Object.fromEntries(names.map((t) => [t, 2]));

describe('instagram.hashtags against the sandbox', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('looks each hashtag id up once across many runs, also from a fresh process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-ig-ids-'));
    try {
      h = await startInstagramHarness({ dataDir });
      for (let run = 0; run < 5; run++) {
        const s = await h.run(HASHTAGS);
        expect(s.outcome, s.error ?? '').to.equal('succeeded');
        h.clock.advance(5 * 60_000);
      }
      expect(h.sandbox.hashtagSearches()).to.equal(11);
      const rows = await h.query(
        'SELECT hashtag, hashtag_id FROM latest_instagram_hashtags ORDER BY hashtag',
      );
      expect(rows).to.have.length(11);
      expect(rows.every((r) => /^\d{17}$/.test(String(r.hashtag_id)))).to.equal(true);
      await h.close();
      // A new instance (cold start) reads the ids from the StateStore.
      h = await startInstagramHarness({ dataDir });
      const s = await h.run(HASHTAGS);
      expect(s.details.id_lookups).to.equal(0);
      expect(h.sandbox.hashtagSearches()).to.equal(0);
      expect(h.apiLog()).to.have.length(11);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('enforces 30 unique hashtags per rolling 7 days across runs, refusing before calling', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-ig-budget-'));
    const first = tags('alpha', 20);
    const second = tags('beta', 15);
    const sandbox = { hashtags: feeds([...first, ...second]) };
    try {
      h = await startInstagramHarness({ dataDir, sandbox });
      expect(
        (await h.run({ job: 'instagram.hashtags', params: { hashtags: first } })).outcome,
      ).to.equal('succeeded');
      await h.close();
      h = await startInstagramHarness({ dataDir, sandbox });
      h.clock.advance(24 * 3600_000);
      const refused = await h.run({ job: 'instagram.hashtags', params: { hashtags: second } });
      // The run collects what fits; the waiting tags are told once, by an ALERT.
      expect(refused.outcome).to.equal('succeeded');
      expect(refused.details.budget_waiting).to.have.length(5);
      const alert = h.logs.entries().find((l) => l.severity === 'ALERT');
      expect(alert?.message).to.match(
        /30 of 30 unique hashtags .* waiting: beta10, beta11, beta12, beta13, beta14 \(the earliest slot frees at 2026-11-27T10:00:00.000Z\)/,
      );
      // The ten that fit were collected; the waiting five were never sent.
      const queried = new Set(
        h
          .apiLog()
          .map((r) => r.query.q)
          .filter(Boolean),
      );
      expect([...queried].sort()).to.deep.equal(second.slice(0, 10).sort());
      const [rows] = await h.query(
        'SELECT count(DISTINCT hashtag) AS n FROM latest_instagram_hashtag_media',
      );
      expect(rows?.n).to.equal(10);
      // Counted tags can be queried again at no cost to the budget.
      const again = await h.run({
        job: 'instagram.hashtags',
        params: { hashtags: [...first.slice(0, 5), ...second.slice(0, 10)] },
      });
      expect(again.outcome, again.error ?? '').to.equal('succeeded');
      // Seven days after the alpha tags were last queried, their slots are free again.
      h.clock.advance(6 * 24 * 3600_000);
      const later = await h.run({ job: 'instagram.hashtags', params: { hashtags: second } });
      expect(later.outcome, later.error ?? '').to.equal('succeeded');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('pages 3+ pages of a busy tag, stops at the previous high-water mark, and the latest view dedups the overlap', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { gucci: 60, prada: 2 } } });
    const params = { hashtags: ['gucci'] };
    const first = await h.run({ job: 'instagram.hashtags', params });
    expect(first.outcome, first.error ?? '').to.equal('succeeded');
    const pages = h.apiLog().filter((r) => r.path.endsWith('/recent_media'));
    // 121 posts of the last 2 hours: pages of 50, 50, 21; the repeating last cursor is not followed.
    expect(pages.map((p) => p.query.limit)).to.deep.equal(['50', '50', '50']);
    expect(pages[0]?.query.after).to.equal(undefined);
    expect(first.rows.instagram_hashtag_media).to.equal(121);

    h.clock.advance(10 * 60_000); // 10 new posts
    const before = h.apiLog().length;
    const second = await h.run({ job: 'instagram.hashtags', params });
    // Page 1 holds the 10 new posts (not wholly older than the mark); page 2 is wholly older.
    expect(h.apiLog().length - before).to.equal(2);
    // 100 posts seen, rows only for the 10 new ones: the other 90 are unchanged.
    expect(second.details.hashtags).to.deep.equal({ gucci: 100 });
    expect(second.rows.instagram_hashtag_media).to.equal(10);
    const [counts] = await h.query(
      `SELECT (SELECT count(*) FROM instagram_hashtag_media) AS snapshots,
              (SELECT count(*) FROM latest_instagram_hashtag_media) AS latest,
              (SELECT count(DISTINCT media_id) FROM instagram_hashtag_media) AS distinct_media`,
    );
    expect(counts).to.deep.equal({ snapshots: 131, latest: 131, distinct_media: 131 });
  });

  it('a rerun of the same run id fetches the same window again and writes the same rows (the state moves only forward between runs)', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { dior: 60 } } });
    const params = { hashtags: ['dior'] };
    await h.run({ job: 'instagram.hashtags', params }, 'run-a');
    h.clock.advance(10 * 60_000);
    await h.run({ job: 'instagram.hashtags', params }, 'run-b');
    const before = h.apiLog().length;
    const again = await h.rerun({ job: 'instagram.hashtags', params }, 'run-b');
    // The same rows as its first attempt (the 10 new posts), not "nothing new".
    expect(again.rows.instagram_hashtag_media).to.equal(10);
    const [row] = await h.query(
      "SELECT count(*) AS n, count(DISTINCT insert_id) AS ids FROM instagram_hashtag_media WHERE run_id = 'run-b'",
    );
    expect(row).to.deep.equal({ n: 10, ids: 10 });
    expect(h.apiLog().length - before).to.equal(2);
  });

  it('collects a tag with 600 posts in 24 h whole in one run, following the same `after` value', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: { gucci: 25 }, feedHistoryMs: 24 * 3600_000 - 60_000 },
    });
    const s = await h.run({ job: 'instagram.hashtags', params: { hashtags: ['gucci'] } });
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    const pages = h.apiLog().filter((r) => r.path.endsWith('/recent_media'));
    expect(pages).to.have.length(12);
    // Meta's documented cursor: one value for every page, and it still advances.
    expect(new Set(pages.slice(1).map((p) => p.query.after)).size).to.equal(1);
    const [row] = await h.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE like_count IS NULL) AS hidden
         FROM latest_instagram_hashtag_media`,
    );
    expect(row?.n).to.equal(600);
    // Hidden likes (every 7th post from the 4th) stay NULL, never 0.
    expect(row?.hidden).to.be.greaterThan(0);
    const [zero] = await h.query(
      'SELECT count(*) AS n FROM latest_instagram_hashtag_media WHERE like_count = 0',
    );
    expect(zero?.n).to.equal(0);
    expect(s.quality['instagram_hashtag_media.page_cap_reached']).to.equal(undefined);
  });

  it('a page cap that cuts a tag short is counted in data quality', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: { gucci: 25 }, feedHistoryMs: 24 * 3600_000 - 60_000 },
    });
    const s = await h.run({
      job: 'instagram.hashtags',
      params: { hashtags: ['gucci'], maxPages: 3 },
    });
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    expect(s.rows.instagram_hashtag_media).to.equal(150);
    expect(s.quality['instagram_hashtag_media.page_cap_reached']).to.equal(1);
  });

  it('posts that reach the feed late do not end the walk early: a whole page must be older', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: { gucci: 600 }, lateEvery: 7, lateMinutes: 10 },
    });
    const params = { hashtags: ['gucci'], maxPages: 40 };
    expect((await h.run({ job: 'instagram.hashtags', params })).outcome).to.equal('succeeded');
    h.clock.advance(10 * 60_000); // 100 new posts, some of them stamped 10 minutes earlier
    const second = await h.run({ job: 'instagram.hashtags', params });
    expect(second.outcome, second.error ?? '').to.equal('succeeded');
    const visible = 2 * 600 + 100 + 1;
    const [row] = await h.query(
      'SELECT count(DISTINCT media_id) AS n FROM instagram_hashtag_media',
    );
    expect(row?.n).to.equal(visible);
  });

  it('skips a hashtag Instagram does not know, with a warning and a count', async () => {
    h = await startInstagramHarness();
    const s = await h.run({
      job: 'instagram.hashtags',
      params: { hashtags: ['dior', 'nosuchtag'] },
    });
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    expect(s.quality['instagram_hashtags.unknown_hashtag']).to.equal(1);
    expect(
      h.logs
        .entries()
        .some((l) => l.severity === 'WARNING' && /no such hashtag/.test(String(l.message))),
    ).to.equal(true);
  });
});
