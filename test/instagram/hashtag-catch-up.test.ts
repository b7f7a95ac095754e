// A walk the page cap cuts short used to move the mark to its newest post, so the posts below
// the cap were never collected (1,000 of a 600-posts-an-hour tag's 1,201). Now the next run
// catches up once, with twice the cap.
import { expect } from 'chai';
import { startInstagramHarness, type InstagramHarness } from './support.js';

const GUCCI = { job: 'instagram.hashtags', params: { hashtags: ['gucci'] } } as const;
const FIVE_MINUTES = 5 * 60_000;

describe('instagram.hashtags catches up after a capped walk', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  const pagesSince = (before: number) =>
    h
      .apiLog()
      .slice(before)
      .filter((r) => r.path.endsWith('/recent_media')).length;

  it('a capped first walk of a 600 posts/h tag: the next run collects the rest, all 1,251 posts', async () => {
    h = await startInstagramHarness({
      sandbox: { hashtags: { gucci: 600 }, callsPerHour: 1_000_000 },
    });
    const first = await h.run(GUCCI);
    expect(first.outcome, first.error ?? '').to.equal('succeeded');
    expect(first.rows.instagram_hashtag_media).to.equal(1000); // 20 pages of 1,201 posts
    expect(first.quality['instagram_hashtag_media.page_cap_reached']).to.equal(1);

    h.clock.advance(FIVE_MINUTES); // 50 new posts
    let before = h.apiLog().length;
    const second = await h.run(GUCCI);
    expect(second.outcome, second.error ?? '').to.equal('succeeded');
    // Back to the window's start through 26 pages (under twice the cap): the 201 older posts
    // and the 50 new ones.
    expect(pagesSince(before)).to.equal(26);
    expect(second.rows.instagram_hashtag_media).to.equal(251);
    expect(second.quality['instagram_hashtag_media.page_cap_reached']).to.equal(undefined);
    const [row] = await h.query(
      'SELECT count(*) AS n, count(DISTINCT media_id) AS media FROM instagram_hashtag_media',
    );
    expect(row).to.deep.equal({ n: 1251, media: 1251 });

    h.clock.advance(FIVE_MINUTES);
    before = h.apiLog().length;
    const third = await h.run(GUCCI);
    // Caught up: back to the mark minus the 2-minute overlap (50 new + 20 posts: 2 pages)
    // and one page wholly older.
    expect(pagesSince(before)).to.equal(3);
    expect(third.rows.instagram_hashtag_media).to.equal(50);
  });

  it('catches up once: a catch-up walk capped again gives the rest up, with a warning', async () => {
    h = await startInstagramHarness({
      sandbox: {
        hashtags: { gucci: 600 },
        callsPerHour: 1_000_000,
        feedHistoryMs: 24 * 3600_000 - 60_000,
      },
    });
    expect((await h.run(GUCCI)).rows.instagram_hashtag_media).to.equal(1000);
    h.clock.advance(FIVE_MINUTES);
    let before = h.apiLog().length;
    const second = await h.run(GUCCI);
    expect(pagesSince(before)).to.equal(40);
    expect(second.rows.instagram_hashtag_media).to.equal(1000); // 50 new and 950 older
    expect(second.quality['instagram_hashtag_media.page_cap_reached']).to.equal(1);
    expect(
      h.logs.entries().some((l) => /catch-up walk reached its page cap/.test(String(l.message))),
    ).to.equal(true);
    h.clock.advance(FIVE_MINUTES);
    before = h.apiLog().length;
    await h.run(GUCCI);
    expect(pagesSince(before)).to.equal(3); // as any steady run of this tag
  });
});
