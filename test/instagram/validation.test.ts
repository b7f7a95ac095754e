import { expect } from 'chai';
import { join } from 'node:path';
import { stableUrl } from '../../functions/sources/instagram/mappers.js';
import { mapFile } from '../../functions/cli/map-file.js';
import { SANDBOX_IG_USER_ID } from '../sandbox/instagram/server.js';
import { BRANDS, HASHTAGS, startInstagramHarness, type InstagramHarness } from './support.js';

const media = (extra: Record<string, unknown>) => ({
  id: '18000000000000001',
  timestamp: '2026-11-20T09:00:00+0000',
  caption: 'ok',
  media_type: 'IMAGE',
  media_product_type: 'FEED',
  media_url: 'https://scontent.cdninstagram.com/v/a.jpg?stp=x&oh=1&oe=2&_nc_sid=3',
  permalink: 'https://www.instagram.com/p/abc/',
  like_count: 5,
  comments_count: 1,
  ...extra,
});

describe('instagram: per-record and per-field validation', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('rejects records without a valid id, nulls malformed fields, counts both, and writes data_quality', async () => {
    h = await startInstagramHarness();
    h.sandbox.inject({
      path: `/v24.0/${SANDBOX_IG_USER_ID}`,
      answer: {
        status: 200,
        body: {
          id: SANDBOX_IG_USER_ID,
          business_discovery: {
            id: '17841400000000077',
            username: 'hermes',
            followers_count: '12', // a string: NULL, counted
            media_count: 3,
            profile_picture_url: 'not a url',
            media: {
              data: [
                media({ id: undefined }),
                media({ id: 18000000000000002 }), // a number would have lost digits: rejected
                media({ id: '1800000000000000x' }),
                'junk',
                media({ id: '18000000000000003', media_type: 'GIF', like_count: '5' }),
                media({
                  id: '18000000000000004',
                  timestamp: '2026-11-20 09:00',
                  media_product_type: 'IGTV',
                }),
                media({
                  id: '18000000000000005',
                  permalink: 'javascript:alert(1)',
                  timestamp: '2026-13-45T09:00:00+0000',
                }),
                media({ id: '18000000000000006', like_count: undefined }),
              ],
            },
          },
        },
      },
    });
    const s = await h.run({ job: 'instagram.brands', params: { accounts: ['hermes'] } });
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    expect(s.quality).to.deep.equal({
      'instagram_brands.nulled_field:followers_count': 1,
      'instagram_brands.nulled_field:profile_picture_url': 1,
      'instagram_media.rejected_record': 4,
      'instagram_media.nulled_field:media_type': 1,
      'instagram_media.nulled_field:like_count': 1,
      'instagram_media.nulled_field:timestamp': 2,
      'instagram_media.nulled_field:media_product_type': 1,
      'instagram_media.nulled_field:permalink': 1,
    });
    const rows = await h.query(
      'SELECT media_id, media_type, media_product_type, timestamp, like_count, permalink, media_url FROM latest_instagram_media ORDER BY media_id',
    );
    expect(rows.map((r) => r.media_id)).to.deep.equal([
      '18000000000000003',
      '18000000000000004',
      '18000000000000005',
      '18000000000000006',
    ]);
    expect(rows[0]).to.include({
      media_type: null,
      like_count: null,
      timestamp: '2026-11-20T09:00:00.000Z',
    });
    expect(rows[1]).to.include({ timestamp: null, media_product_type: null, media_type: 'IMAGE' });
    expect(rows[2]).to.include({ permalink: null, timestamp: null });
    expect(rows[3]).to.include({ like_count: null });
    expect(rows[3]?.media_url).to.equal('https://scontent.cdninstagram.com/v/a.jpg?stp=x');
    const dq = await h.query(
      `SELECT table_name, check_name, count FROM data_quality WHERE run_id = '${s.runId}' ORDER BY 1, 2`,
    );
    expect(dq).to.deep.include({
      table_name: 'instagram_media',
      check_name: 'rejected_record',
      count: 4,
    });
    const finished = h.logs.entries().find((e) => e.message === 'job run finished');
    expect(finished?.quality).to.deep.equal(s.quality);
  });

  it('keeps stable URL forms: signed-CDN parameters removed, the rest kept', () => {
    expect(
      stableUrl(
        'https://x.cdninstagram.com/v/p.jpg?stp=dst-jpg&_nc_cat=1&_nc_ohc=abc&oh=00_x&oe=6A&efg=e&ig_cache_key=k&ccb=7-5',
      ),
    ).to.equal('https://x.cdninstagram.com/v/p.jpg?stp=dst-jpg');
    expect(stableUrl('https://www.instagram.com/p/abc/')).to.equal(
      'https://www.instagram.com/p/abc/',
    );
    expect(stableUrl(null)).to.equal(null);
  });

  it('`fanpulse map` reproduces the live rows from every landed Instagram entity', async () => {
    h = await startInstagramHarness();
    const runs = [await h.run(BRANDS), await h.run(HASHTAGS)];
    const entities = new Set<string>();
    for (const run of runs) {
      for (const object of run.rawObjects) {
        const entity = object.split('/')[2]!;
        entities.add(entity);
        const mapped = await mapFile(`instagram.${entity}`, join(h.dataDir, object));
        for (const table of new Set(mapped.rows.map((r) => r.table))) {
          const live = await h.query(
            `SELECT * EXCLUDE (insert_id) FROM ${table} WHERE run_id = '${run.runId}'`,
          );
          const fromRaw = mapped.rows.filter((r) => r.table === table).map((r) => r.row);
          expect(fromRaw.length, `${entity} → ${table}`).to.equal(live.length);
          const key = (r: Record<string, unknown>) =>
            JSON.stringify([r.user_id, r.media_id, r.hashtag]);
          const liveByKey = new Map(live.map((r) => [key(r), r]));
          for (const row of fromRaw) expect(liveByKey.get(key(row))).to.deep.equal({ ...row });
        }
      }
    }
    expect([...entities].sort()).to.deep.equal([
      'business_discovery',
      'hashtag_recent_media',
      'hashtag_search',
    ]);
  });
});
