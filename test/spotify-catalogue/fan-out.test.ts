import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { childRunId } from '../../functions/core/fan-out.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startCatalogueHarness, type CatalogueHarness } from './support.js';

const synthetic = syntheticCatalogue({ artists: 300 });
const prolific = synthetic.artists.find((a) => synthetic.artistAlbums(a.id).length >= 100)!;
const forty = synthetic.artists.slice(100, 140).map((a) => `spotify:artist:${a.id}`);

const published = (h: CatalogueHarness) =>
  h.queue.published.map((p) => ({ job: p.message.job, runId: p.message.runId }));

describe('spotify.artist_catalog fan-out: bounded and idempotent', () => {
  let h: CatalogueHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('plans at most maxArtists artists and reports the rest', async () => {
    h = await startCatalogueHarness({ catalogue: synthetic });
    const summary = await h.run(
      { job: 'spotify.artist_catalog', params: { artists: forty, maxArtists: 25 } },
      'plan-bounded',
    );
    expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
    expect(summary.details).to.include({
      watch_list: 40,
      planned_artists: 25,
      not_planned: 15,
      jobs: 26,
    });
    const jobs = h.queue.published.map((p) => p.message);
    expect(jobs.filter((j) => j.job === 'spotify.artist_albums')).to.have.length(25);
    const profiles = jobs.filter((j) => j.job === 'spotify.artist');
    expect(profiles).to.have.length(1);
    expect((profiles[0]!.params.artistIds as string[]).length).to.equal(25);
    // Ids given: no search was needed.
    expect(h.apiLog()).to.have.length(0);
    // Every child carries a deterministic run id derived from the planner's run.
    for (const j of jobs) expect(j.runId).to.equal(childRunId('plan-bounded', j.job, j.params));
  });

  it('rejects a bound above the maximum instead of planning without limit', async () => {
    h = await startCatalogueHarness({ catalogue: synthetic });
    const summary = await h.run({
      job: 'spotify.artist_catalog',
      params: { artists: forty, maxArtists: 100_000 },
    });
    expect(summary.outcome).to.equal('rejected');
    expect(h.queue.published).to.have.length(0);
  });

  for (const [tier, jobsFor30] of [
    ['development', 30],
    ['extended', 2],
  ] as const) {
    it(`an artist job plans one album job per album (${tier}: ${jobsFor30} jobs for 30 albums), bounded by maxAlbums`, async () => {
      h = await startCatalogueHarness({ tier, catalogue: synthetic });
      const summary = await h.run({
        job: 'spotify.artist_albums',
        params: { artistId: prolific.id, maxAlbums: 30, fanOut: true },
      });
      expect(summary.outcome, summary.error ?? '').to.equal('succeeded');
      const jobs = h.queue.published.map((p) => p.message);
      expect(jobs).to.have.length(jobsFor30);
      expect(jobs.every((j) => j.job === 'spotify.album_tracks')).to.equal(true);
      const albums = jobs.flatMap((j) => j.params.albumIds as string[]);
      expect(new Set(albums).size).to.equal(30);
      expect(albums).to.deep.equal(
        synthetic
          .artistAlbums(prolific.id)
          .slice(0, 30)
          .map((l) => l.album.id),
      );
    });
  }

  it('re-running a planner with the same run id plans the same jobs once', async () => {
    h = await startCatalogueHarness({ catalogue: knownCatalogue() });
    const message = {
      job: 'spotify.artist_catalog',
      params: { artists: ['BTS', 'Halsey', 'Coldplay'] },
    };
    const first = await h.run(message, 'plan-42');
    expect(first.outcome, first.error ?? '').to.equal('succeeded');
    const planned = published(h);
    expect(planned).to.have.length(4); // one profile job + three artist jobs
    const searches = h.apiLog().length;
    expect(searches).to.equal(3);

    // A redelivery of the completed run is acknowledged without running.
    const redelivered = await h.run(message, 'plan-42');
    expect(redelivered.details.skipped).to.match(/already completed/);
    // An explicit rerun of the same run id finds the fan-out marker: nothing planned twice.
    const rerun = await h.rerun(message, 'plan-42');
    expect(rerun.outcome).to.equal('succeeded');
    expect(rerun.details.skipped).to.match(/planned its jobs already/);
    expect(published(h)).to.deep.equal(planned);
    expect(h.apiLog()).to.have.length(searches);

    // Even without the marker (e.g. lost state), re-planning yields the same child run ids,
    // which the queue drops as duplicates; names now resolve from the cache, not by search.
    await rm(join(h.dataDir, 'state', 'fanout'), { recursive: true, force: true });
    const replanned = await h.rerun(message, 'plan-42');
    expect(replanned.details.published).to.equal(4);
    expect(published(h)).to.deep.equal(planned);
    expect(h.apiLog()).to.have.length(searches);
  });

  it('another process planning the same run id publishes identical child run ids', async () => {
    const plan = async () => {
      h = await startCatalogueHarness({ catalogue: knownCatalogue() });
      await h.run({ job: 'spotify.artist_catalog', params: { artists: ['BTS', 'aespa'] } }, 'p-7');
      const ids = published(h);
      await h.close();
      h = undefined;
      return ids;
    };
    const a = await plan();
    const b = await plan();
    expect(a).to.have.length(3);
    expect(a).to.deep.equal(b);
  });

  it('a redelivered artist job publishes its album jobs once', async () => {
    h = await startCatalogueHarness({ catalogue: synthetic });
    const message = {
      job: 'spotify.artist_albums',
      params: { artistId: prolific.id, maxAlbums: 12, fanOut: true },
    };
    await h.run(message, 'artist-run');
    const calls = h.apiLog().length;
    await h.rerun(message, 'artist-run');
    expect(h.queue.published).to.have.length(12);
    expect(h.apiLog()).to.have.length(calls);
  });

  it('an album two watched artists share is collected once per plan; a drained plan runs once', async () => {
    h = await startCatalogueHarness({ catalogue: knownCatalogue() });
    const message = {
      job: 'spotify.artist_catalog',
      params: { artists: [`spotify:artist:${KNOWN.bts}`, `spotify:artist:${KNOWN.halsey}`] },
    };
    const summaries = await h.drain(message, 'plan-shared');
    const c = knownCatalogue();
    const distinct = new Set(
      [KNOWN.bts, KNOWN.halsey].flatMap((id) => c.artistAlbums(id).map((l) => l.album.id)),
    );
    const lookups = h.apiLog().filter((r) => /^\/v1\/albums\/[^/]+$/.test(r.path));
    expect(lookups).to.have.length(distinct.size);
    expect(new Set(lookups.map((r) => r.path)).size).to.equal(distinct.size);
    expect(summaries.filter((s) => s.details.skipped !== undefined).length).to.be.greaterThan(0);
    const calls = h.apiLog().length;
    const again = await h.drain(message, 'plan-shared');
    expect(again).to.have.length(1);
    expect(again[0]!.details.skipped).to.match(/already completed/);
    expect(h.apiLog()).to.have.length(calls);
  });
});
