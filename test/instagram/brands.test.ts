import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SANDBOX_IG_USER_ID } from '../sandbox/instagram/server.js';
import { startInstagramHarness, BRANDS, type InstagramHarness } from './support.js';

const ALL = ['celine', 'chanelofficial', 'dior', 'fendi', 'gucci', 'hermes', 'louisvuitton'];

describe('instagram.brands against the sandbox', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('collects each watched account (11 by default) with one business-discovery call', async () => {
    h = await startInstagramHarness();
    const summary = await h.run(BRANDS);
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    expect(summary.apiCalls.instagram).to.equal(11);
    expect(h.apiLog().every((r) => r.path === `/v24.0/${SANDBOX_IG_USER_ID}`)).to.equal(true);
    const fields = h.apiLog()[0]?.query.fields ?? '';
    expect(fields).to.match(
      /^business_discovery\.username\(hermes\)\{id,username,name,.*follows_count,media_count,media\.limit\(25\)\{id,timestamp,/,
    );
    const brands = await h.query('SELECT watched_username FROM latest_instagram_brands ORDER BY 1');
    expect(brands.map((b) => b.watched_username))
      .to.include.members(ALL)
      .and.have.length(11);
    const [media] = await h.query('SELECT count(*) AS n FROM latest_instagram_media');
    expect(media?.n).to.equal(11 * 25);
  });

  it('pages further media through media.after(cursor) up to the configured depth', async () => {
    h = await startInstagramHarness({ env: { INSTAGRAM_MEDIA_PAGES: '3' } });
    const summary = await h.run({
      job: 'instagram.brands',
      params: { accounts: ['dior', 'gucci'] },
    });
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    const fields = h.apiLog().map((r) => r.query.fields ?? '');
    expect(fields).to.have.length(6);
    expect(fields[1]).to.match(
      /^business_discovery\.username\(dior\)\{id,username,media\.after\([A-Za-z0-9_-]+\)\.limit\(25\)\{/,
    );
    const rows = await h.query(
      `SELECT owner_username, count(*) AS n FROM latest_instagram_media GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).to.deep.equal([
      { owner_username: 'dior', n: 60 },
      { owner_username: 'gucci', n: 60 },
    ]);
    // Only the first page makes a brand snapshot.
    const [brands] = await h.query('SELECT count(*) AS n FROM instagram_brands');
    expect(brands?.n).to.equal(2);
  });

  it('stops paging when the media run out', async () => {
    h = await startInstagramHarness();
    await h.run({
      job: 'instagram.brands',
      params: { accounts: ['ysl'], mediaPages: 5, mediaPageSize: 25 },
    });
    // 60 media: pages of 25, 25, 10; no fourth call.
    expect(h.apiLog()).to.have.length(3);
    const [m] = await h.query('SELECT count(*) AS n FROM latest_instagram_media');
    expect(m?.n).to.equal(60);
  });

  it('keeps omitted fields NULL: hidden likes are NULL, never 0; no name, no caption, no media_url', async () => {
    h = await startInstagramHarness();
    await h.run(BRANDS);
    const [dior] = await h.query(
      `SELECT name FROM latest_instagram_brands WHERE watched_username = 'dior'`,
    );
    expect(dior?.name).to.equal(null);
    const [counts] = await h.query(
      `SELECT count(*) FILTER (WHERE like_count IS NULL) AS hidden, count(*) FILTER (WHERE like_count = 0) AS zero,
              count(*) FILTER (WHERE caption IS NULL) AS no_caption, count(*) FILTER (WHERE media_url IS NULL) AS no_url
       FROM latest_instagram_media`,
    );
    // Per brand, media 3, 10, 17, 24 of the first 25 hide likes; 4, 9, 14, 19, 24 lack a caption.
    expect(counts).to.deep.equal({ hidden: 44, zero: 0, no_caption: 55, no_url: counts?.no_url });
    expect(Number(counts?.no_url)).to.be.greaterThan(0);
    const [hidden] = await h.query(
      `SELECT like_count, comments_count FROM latest_instagram_media WHERE like_count IS NULL LIMIT 1`,
    );
    expect(hidden?.comments_count).to.be.a('number');
  });

  it('preserves 19-digit ids exactly from the API into DuckDB and stores +0000 as TIMESTAMP', async () => {
    h = await startInstagramHarness();
    await h.run({ job: 'instagram.brands', params: { accounts: ['hermes'] } });
    const hermes = h.sandbox.brands.get('hermes')!;
    expect(hermes.id).to.equal('9007199254740993011');
    expect(Number(hermes.id).toString()).to.not.equal(hermes.id); // a JS number would round it
    const [brand] = await h.query(
      `SELECT user_id, typeof(user_id) AS t FROM latest_instagram_brands`,
    );
    expect(brand).to.deep.equal({ user_id: '9007199254740993011', t: 'VARCHAR' });
    const media = await h.query(
      `SELECT media_id, owner_user_id, timestamp, typeof(timestamp) AS t FROM latest_instagram_media ORDER BY media_id DESC`,
    );
    const expected = hermes.media.slice(0, 25).map((m) => m.id);
    expect(media.map((m) => m.media_id)).to.deep.equal(expected);
    expect(media.every((m) => m.owner_user_id === '9007199254740993011')).to.equal(true);
    expect(media[0]?.t).to.match(/^TIMESTAMP/);
    const raw = String(hermes.media[0]!.timestamp);
    expect(raw).to.match(/\+0000$/);
    expect(media[0]?.timestamp).to.equal(new Date(raw.replace('+0000', 'Z')).toISOString());
  });

  it('makes hourly snapshots a time series, and volatile CDN parameters do not make them differ', async () => {
    h = await startInstagramHarness();
    const first = await h.run(BRANDS);
    h.clock.advance(3600_000);
    const second = await h.run(BRANDS);
    const [series] = await h.query(
      `SELECT count(*) AS n, count(DISTINCT collected_at) AS times FROM instagram_brands WHERE watched_username = 'gucci'`,
    );
    expect(series).to.deep.equal({ n: 2, times: 2 });
    // Same content in both runs: equal stable URLs and content hashes...
    const changed = await h.query(
      `SELECT a.media_id FROM instagram_media a JOIN instagram_media b ON a.media_id = b.media_id
       WHERE a.run_id = '${first.runId}' AND b.run_id = '${second.runId}'
         AND (a.content_hash <> b.content_hash OR a.media_url IS DISTINCT FROM b.media_url)`,
    );
    expect(changed).to.deep.equal([]);
    const [url] = await h.query(
      `SELECT media_url FROM latest_instagram_media WHERE media_url IS NOT NULL LIMIT 1`,
    );
    expect(String(url?.media_url))
      .to.match(/stp=dst-jpg_e35$/)
      .and.not.match(/oh=|oe=|_nc_/);
    // ...although the raw answers carried different signed URLs.
    const raws = await Promise.all(
      [first, second].map(async (s) => readFile(join(h.dataDir, s.rawObjects[0]!), 'utf8')),
    );
    const ohs = raws.map((r) => /oh=00_([a-z0-9]+)/.exec(r)?.[1]);
    expect(ohs[0]).to.be.a('string').and.not.equal(ohs[1]);
    expect(raws[0]).to.not.include('EAAG'); // the token never lands
  });
});
