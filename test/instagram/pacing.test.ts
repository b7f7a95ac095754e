// Paced hashtag runs (the schedule's `paced: true`): a tag is visited when enough new posts
// are expected or the longest interval passed. Against unpaced runs of the same feeds, the
// paced ones must collect every post and cost far fewer calls.
import { expect } from 'chai';
import { planVisits, type Visits } from '../../functions/sources/instagram/hashtag-pacing.js';
import { startInstagramHarness, type InstagramHarness } from './support.js';

const POLICY = { maxIntervalMinutes: 60, postsPerVisit: 100 };
const at = (iso: string) => new Date(iso);

describe('instagram.hashtags: paced visits', () => {
  describe('planVisits', () => {
    const visits: Visits = {
      busy: {
        at: '2026-11-20T10:00:00.000Z',
        perHour: 1200,
        behind: false,
        setBy: 'r1',
        before: null,
      },
      quiet: {
        at: '2026-11-20T10:00:00.000Z',
        perHour: 6,
        behind: false,
        setBy: 'r1',
        before: null,
      },
      redelivered: {
        at: '2026-11-20T10:30:00.000Z',
        perHour: 6,
        behind: false,
        setBy: 'r9',
        before: { at: '2026-11-20T09:00:00.000Z', perHour: 6, behind: false },
      },
    };
    const plan = (now: string, runId = 'r2') =>
      planVisits(visits, ['busy', 'quiet', 'new', 'redelivered'], at(now), POLICY, runId);

    it('visits a tag never seen, and a busy one as soon as a visit’s worth of posts is expected', () => {
      expect(plan('2026-11-20T10:04:00Z')).to.deep.equal({
        due: ['new'],
        notDue: ['busy', 'quiet', 'redelivered'],
      });
      // 1,200 an hour: 100 posts after 5 minutes.
      expect(plan('2026-11-20T10:05:00Z').due).to.include('busy');
    });

    it('visits a quiet tag when the longest interval has passed', () => {
      expect(plan('2026-11-20T10:59:00Z').due).to.not.include('quiet');
      expect(plan('2026-11-20T11:00:00Z').due).to.include('quiet');
    });

    it('visits a tag whose last walk was cut short by the page cap at once, whatever its rate', () => {
      const behind: Visits = {
        capped: {
          at: '2026-11-20T10:00:00.000Z',
          perHour: 6,
          behind: true,
          setBy: 'r1',
          before: null,
        },
      };
      expect(
        planVisits(behind, ['capped'], at('2026-11-20T10:05:00Z'), POLICY, 'r2').due,
      ).to.deep.equal(['capped']);
    });

    it('a redelivered run plans from the visit before its own first attempt', () => {
      // Its own attempt wrote the 10:30 visit; before it, the tag was last seen at 09:00.
      expect(plan('2026-11-20T10:31:00Z', 'r9').due).to.include('redelivered');
      expect(plan('2026-11-20T10:31:00Z', 'r10').due).to.not.include('redelivered');
    });
  });

  describe('against the sandbox, 3 hours of 5-minute runs', () => {
    const RATES = { busy: 900, mid: 60, quiet: 6 };
    const harnesses: InstagramHarness[] = [];
    afterEach(async () => {
      for (const h of harnesses.splice(0)) await h.close();
    });

    async function threeHours(paced: boolean) {
      const h = await startInstagramHarness({ sandbox: { hashtags: RATES } });
      harnesses.push(h);
      const hashtags = Object.keys(RATES);
      const perHour: number[] = [0, 0, 0];
      for (let minute = 0; minute < 180; minute += 5) {
        const before = h.sandbox.apiCalls();
        const s = await h.run({ job: 'instagram.hashtags', params: { hashtags, paced } });
        expect(s.outcome, s.error ?? '').to.equal('succeeded');
        perHour[Math.floor(minute / 60)]! += h.sandbox.apiCalls() - before;
        h.clock.advance(5 * 60_000);
      }
      // Freshness: what each tag had collected by now, counting posts older than the
      // longest interval (every tag) and older than 10 minutes (the busy tag).
      const now = h.clock.now().getTime();
      const older = (minutes: number) =>
        `TIMESTAMP '${new Date(now - minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19)}'`;
      const fresh = await h.query(
        `SELECT hashtag, count(DISTINCT media_id) FILTER (WHERE timestamp < ${older(60)}) AS hour_old,\n` +
          `  count(DISTINCT media_id) FILTER (WHERE timestamp < ${older(10)}) AS ten_minutes_old\n` +
          'FROM latest_instagram_hashtag_media GROUP BY hashtag ORDER BY hashtag',
      );
      // One unpaced run at the end, in both: what is collected by then must be equal.
      await h.run({ job: 'instagram.hashtags', params: { hashtags } });
      const rows = await h.query(
        'SELECT hashtag, count(DISTINCT media_id) AS n FROM latest_instagram_hashtag_media GROUP BY hashtag ORDER BY hashtag',
      );
      return { perHour, rows, fresh };
    }

    it('collects every post the unpaced runs collect, with a fraction of the calls', async () => {
      const unpaced = await threeHours(false);
      const paced = await threeHours(true);
      expect(paced.rows).to.deep.equal(unpaced.rows);
      const count = (x: { fresh: Array<Record<string, unknown>> }, tag: string, key: string) =>
        Number(x.fresh.find((r) => r.hashtag === tag)?.[key]);
      for (const tag of Object.keys(RATES))
        expect(count(paced, tag, 'hour_old'), tag).to.equal(count(unpaced, tag, 'hour_old'));
      expect(count(paced, 'busy', 'ten_minutes_old')).to.equal(
        count(unpaced, 'busy', 'ten_minutes_old'),
      );
      expect(paced.rows.map((r) => Number(r.n)).every((n) => n > 0)).to.equal(true);
      // Hours 2 and 3 are steady (hour 1 holds the first visit's backfill).
      const steady = (x: { perHour: number[] }) => x.perHour[1]! + x.perHour[2]!;
      expect(steady(paced)).to.be.below(steady(unpaced) * 0.6);
    });
  });
});
