// instagram_hashtag_media holds a row per first sight or change of a post, not a snapshot of
// every post on every page each run saw: measured on steady feeds, and checked for count
// changes (hidden likes included), redeliveries and rows the warehouse refused.
import { expect } from 'chai';
import { z } from 'zod';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';
import { partiallyFailingWarehouse } from '../faults/failing-stores.js';
import { DEFAULT_HASHTAG_RATES } from '../sandbox/instagram/activity.js';
import { startInstagramHarness, type InstagramHarness } from './support.js';

const RATES = DEFAULT_HASHTAG_RATES;
const ALL = { job: 'instagram.hashtags', params: {} } as const;
const GUCCI = { job: 'instagram.hashtags', params: { hashtags: ['gucci'] } } as const;
const FIVE_MINUTES = 5 * 60_000;
const seenDoc = z.object({ posts: z.record(z.string(), z.tuple([z.string(), z.number()])) });

/** Media id of the feed's j-th post (the sandbox numbers feeds from 1 in option order). */
const postId = (feed: number, j: number) =>
  `18${String(feed).padStart(2, '0')}${String(j).padStart(15, '0')}`;

async function rowsOf(h: InstagramHarness, mediaId: string) {
  return h.query(
    `SELECT like_count, comments_count, run_id FROM instagram_hashtag_media
      WHERE media_id = '${mediaId}' ORDER BY collected_at, run_id`,
  );
}

describe('instagram.hashtags writes a row only for a new or changed post', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('steady feeds: one row per new post over an hour of 5-minute runs (a row per post on the walked pages was 8.83 per new post)', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: RATES, callsPerHour: 1_000_000 },
      env: { INSTAGRAM_HASHTAGS: Object.keys(RATES).join(',') },
    });
    const first = await h.run(ALL);
    expect(first.outcome, first.error ?? '').to.equal('succeeded');
    // gucci's 2-hour backlog (1,201 posts) is over the 20-page cap: the next run catches up.
    h.clock.advance(FIVE_MINUTES);
    expect((await h.run(ALL)).outcome).to.equal('succeeded');
    let rows = 0;
    let onPages = 0;
    const runs = 12;
    for (let i = 0; i < runs; i++) {
      h.clock.advance(FIVE_MINUTES);
      const s = await h.run(ALL);
      expect(s.outcome, s.error ?? '').to.equal('succeeded');
      rows += s.rows.instagram_hashtag_media ?? 0;
      // What a run wrote before: a row for every post on the pages it walked.
      onPages += Object.values(s.details.hashtags as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      );
    }
    const newPosts = Object.values(RATES).reduce((a, b) => a + b, 0); // one hour of posts
    const perNewPost = rows / newPosts;
    const before = onPages / newPosts;
    console.log(
      `      rows per new post over ${runs} steady runs: ${perNewPost.toFixed(2)} (${rows} rows, ${newPosts} new posts); posts on the walked pages: ${before.toFixed(2)} per new post`,
    );
    expect(rows).to.equal(newPosts);
    // Before, each run wrote every post of the pages it walked (the new ones plus the rest
    // of their page and one page wholly older than the mark).
    expect(before).to.be.within(8.5, 9);
    // Nothing is missing: every post of the feeds is in the latest view, once.
    const [latest] = await h.query(
      'SELECT count(*) AS n, count(DISTINCT hashtag || media_id) AS keys FROM latest_instagram_hashtag_media',
    );
    const [all] = await h.query('SELECT count(*) AS n FROM instagram_hashtag_media');
    expect(latest?.n).to.equal(latest?.keys);
    expect(all?.n).to.equal(latest?.n);
  });

  it("the schedule's paced runs: one row per new post too (2 hours, then one run of every tag)", async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: RATES, callsPerHour: 1_000_000 },
      env: { INSTAGRAM_HASHTAGS: Object.keys(RATES).join(',') },
    });
    const paced = { job: 'instagram.hashtags', params: { paced: true } };
    const first = await h.run(paced);
    const before = first.rows.instagram_hashtag_media ?? 0;
    let rows = 0;
    let onPages = 0;
    for (let i = 0; i < 24; i++) {
      h.clock.advance(FIVE_MINUTES);
      const s = await h.run(paced);
      expect(s.outcome, s.error ?? '').to.equal('succeeded');
      rows += s.rows.instagram_hashtag_media ?? 0;
      onPages += Object.values(s.details.hashtags as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      );
    }
    // An unpaced run visits every tag: what the paced runs had not visited yet comes in.
    const sweep = await h.run(ALL);
    rows += sweep.rows.instagram_hashtag_media ?? 0;
    // 2 hours of new posts, and the 201 of gucci's backlog beyond the first run's page cap.
    const newPosts = 2 * Object.values(RATES).reduce((a, b) => a + b, 0);
    console.log(
      `      paced: ${rows} rows for ${newPosts} new posts and 201 caught up (${before} in the first run); posts on the walked pages: ${(onPages / newPosts).toFixed(2)} per new post`,
    );
    expect(rows).to.equal(newPosts + 201);
    const [all] = await h.query(
      'SELECT count(*) AS n, count(DISTINCT hashtag || media_id) AS keys FROM instagram_hashtag_media',
    );
    expect(all?.n).to.equal(all?.keys);
  });

  it('a post whose like count changes gets exactly one new row; hiding and showing likes are changes', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { gucci: 60 } } });
    expect((await h.run(GUCCI)).outcome).to.equal('succeeded');
    // Posts on the first page (the walk sees them again): 120 is the newest at the epoch.
    const liked = postId(1, 118);
    const hidden = postId(1, 116);
    expect((await rowsOf(h, liked)).map((r) => r.like_count)).to.deep.equal([
      1000 + ((118 * 37) % 900),
    ]);

    h.clock.advance(FIVE_MINUTES);
    h.sandbox.changePost(liked, { like_count: 2500 });
    h.sandbox.changePost(hidden, { like_count: undefined });
    const changed = await h.run(GUCCI);
    // 5 new posts and the 2 changed ones.
    expect(changed.rows.instagram_hashtag_media).to.equal(7);
    expect((await rowsOf(h, liked)).map((r) => r.like_count)).to.deep.equal([
      1000 + ((118 * 37) % 900),
      2500,
    ]);
    expect((await rowsOf(h, hidden)).map((r) => r.like_count)).to.deep.equal([
      1000 + ((116 * 37) % 900),
      null,
    ]);

    h.clock.advance(FIVE_MINUTES);
    const steady = await h.run(GUCCI);
    expect(steady.rows.instagram_hashtag_media).to.equal(5); // the new posts only
    h.clock.advance(FIVE_MINUTES);
    h.sandbox.changePost(hidden, { like_count: 7 });
    const shown = await h.run(GUCCI);
    expect(shown.rows.instagram_hashtag_media).to.equal(6);
    expect((await rowsOf(h, hidden)).map((r) => r.like_count)).to.deep.equal([
      1000 + ((116 * 37) % 900),
      null,
      7,
    ]);
    const [latest] = await h.query(
      `SELECT like_count FROM latest_instagram_hashtag_media WHERE media_id = '${liked}'`,
    );
    expect(latest?.like_count).to.equal(2500);
  });

  it('rows the warehouse refused are written again by the redelivery, and later runs still see them as written', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { gucci: 60 } } });
    const inner = await openDuckDbWarehouse(':memory:', catalog.schema);
    const failing = partiallyFailingWarehouse(inner, 'instagram_hashtag_media', 3);
    h.services.warehouse = async () => failing;
    const refused = await h.run(GUCCI, 'refused-run');
    expect(refused.outcome).to.equal('failed');
    const [part] = await h.query('SELECT count(*) AS n FROM instagram_hashtag_media');
    expect(part?.n).to.equal(80); // 121 posts, every third refused
    // The redelivery (same run id) writes every row again under the same insert ids.
    const again = await h.run(GUCCI, 'refused-run');
    expect(again.outcome, again.error ?? '').to.equal('succeeded');
    const [whole] = await h.query(
      'SELECT count(*) AS n, count(DISTINCT media_id) AS media FROM instagram_hashtag_media',
    );
    expect(whole).to.deep.equal({ n: 121, media: 121 });
    h.clock.advance(FIVE_MINUTES);
    const next = await h.run(GUCCI);
    expect(next.rows.instagram_hashtag_media).to.equal(5);
  });

  it('keeps fingerprints only of posts a walk can meet: the newest page cap × 50, inside the window', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: { gucci: 600, prada: 6 }, callsPerHour: 1_000_000 },
    });
    const state = await h.services.state();
    const posts = async (tag: string) => {
      const doc = await state.get(`instagram/hashtag-seen/${tag}`, seenDoc);
      return Object.values(doc?.value.posts ?? {});
    };
    const both = { job: 'instagram.hashtags', params: { hashtags: ['gucci', 'prada'] } };
    expect((await h.run(both)).outcome).to.equal('succeeded');
    // 1,201 gucci posts, 20 pages of 50 walked: 1,000 fingerprints; prada's 13 posts all kept.
    expect(await posts('gucci')).to.have.length(1000);
    expect(await posts('prada')).to.have.length(13);
    const size = async () =>
      JSON.stringify((await state.get('instagram/hashtag-seen/gucci', z.unknown()))?.value).length;
    const afterFirst = await size();
    h.clock.advance(FIVE_MINUTES);
    expect((await h.run(both)).outcome).to.equal('succeeded');
    const steady = await size();
    console.log(
      `      state of a tag keeping 1,000 posts: ${(afterFirst / 1024).toFixed(1)} KiB after its first run, ${(steady / 1024).toFixed(1)} KiB after the next`,
    );
    expect(afterFirst).to.be.below(96 * 1024);
    expect(steady).to.be.below(64 * 1024);
    h.clock.advance(27 * 3600_000);
    expect((await h.run(both)).outcome).to.equal('succeeded');
    // The 13 posts left the window (with its 2-hour margin); the last 24 hours' 144 came in.
    const prada = await posts('prada');
    const oldest = (h.clock.now().getTime() - 26 * 3600_000) / 1000;
    expect(prada.every(([, at]) => at >= oldest)).to.equal(true);
    expect(prada).to.have.length(144);
  });

  it('replay maps the landed answers to exactly the rows the live runs wrote (context.seen)', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { gucci: 60 } } });
    await h.run(GUCCI);
    h.clock.advance(FIVE_MINUTES);
    h.sandbox.changePost(postId(1, 118), { like_count: 2500 });
    await h.run(GUCCI);
    const live = await h.query('SELECT * FROM instagram_hashtag_media ORDER BY insert_id');
    expect(live).to.have.length(121 + 5 + 1);
    const replay = await h.run({
      job: 'platform.replay',
      params: {
        from: '2026-11-20',
        to: '2026-11-20',
        source: 'instagram',
        entity: 'hashtag_recent_media',
      },
    });
    expect(replay.outcome, replay.error ?? '').to.equal('succeeded');
    // 221 posts landed in the two runs' pages; 127 rows, the live runs' own.
    expect(replay.rows.instagram_hashtag_media).to.equal(127);
    expect(await h.query('SELECT * FROM instagram_hashtag_media ORDER BY insert_id')).to.deep.equal(
      live,
    );
  });

  it('tells new-or-changed rows from posts seen in the run details', async () => {
    h = await startInstagramHarness({ sandbox: { hashtags: { gucci: 60 } } });
    await h.run(GUCCI);
    h.clock.advance(FIVE_MINUTES);
    const s = await h.run(GUCCI);
    expect(s.details.hashtags).to.deep.equal({ gucci: 100 });
    expect(s.details.new_or_changed).to.equal(5);
  });
});
