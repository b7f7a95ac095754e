// Every checkpointing catalogue job, stopped by its deadline in the middle: the run ends
// `deferred` with a checkpoint, each redelivery of the same run id goes on where the last one
// got to (every request is sent once over all deliveries, counted at the sandbox), and the
// tables and raw answers equal those of an undisturbed run of the same run id.
import { expect } from 'chai';
import { z } from 'zod';
import { checkpointKey } from '../../functions/core/checkpoint.js';
import type { RunSummary } from '../../functions/core/runner.js';
import type { JobMessage } from '../../functions/platform/queue.js';
import { catalog } from '../../functions/sources/all.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import type { Tier } from '../sandbox/spotify/server.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startCatalogueHarness, type CatalogueHarness } from '../spotify-catalogue/support.js';
import { rawAnswers } from './kill-support.js';

const catalogue = syntheticCatalogue({ artists: 400 });
const prolific = catalogue.artists.find((a) => catalogue.artistAlbums(a.id).length >= 100)!;
const bigAlbums = catalogue.albums.filter((a) => a.trackCount > 100).slice(0, 2);
const smallAlbum = catalogue.albums.find((a) => a.trackCount > 3 && a.trackCount < 20)!;
const albumIds = [...bigAlbums.map((a) => a.id), smallAlbum.id];
const trackIds = catalogue.albums
  .slice(0, 4)
  .flatMap((a) => catalogue.tracks(a).map((t) => t.id))
  .slice(0, 12);
const artistIds = catalogue.artists.slice(0, 10).map((a) => a.id);
const names = catalogue.artists.slice(20, 26).map((a) => a.name);

const RUN_ID = 'deadline-run-1';
/** Each request the sandbox receives takes this long on the fake clock. */
const REQUEST_MS = 1000;
/** The run budget: a few requests per delivery. */
const BUDGET_SECONDS = 6;

interface DeadlineCase {
  job: string;
  tier: Tier;
  params: Record<string, unknown>;
  /** Fewest deliveries the deadline must split the run into. */
  deliveries: number;
}

const cases: DeadlineCase[] = [
  {
    job: 'spotify.artist_albums',
    tier: 'development',
    params: { artistId: prolific.id, maxAlbums: 1000, fanOut: true },
    deliveries: 3,
  },
  { job: 'spotify.album_tracks', tier: 'development', params: { albumIds }, deliveries: 2 },
  {
    job: 'spotify.album_tracks',
    tier: 'extended',
    params: { albumIds, trackDetails: true },
    deliveries: 2,
  },
  { job: 'spotify.tracks', tier: 'development', params: { trackIds }, deliveries: 2 },
  { job: 'spotify.artist', tier: 'development', params: { artistIds }, deliveries: 2 },
  { job: 'spotify.artist_search', tier: 'development', params: { names }, deliveries: 2 },
  {
    job: 'spotify.artist_top_tracks',
    tier: 'extended',
    params: { artistIds },
    deliveries: 2,
  },
  {
    job: 'spotify.artist_catalog',
    tier: 'development',
    params: { artists: names, refreshResolutions: true },
    deliveries: 2,
  },
];

/** Every row of every data table (job_runs and data_quality describe attempts). */
async function tables(h: CatalogueHarness): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of catalog.tables) {
    if (table.name === 'job_runs' || table.name === 'data_quality') continue;
    const rows = await h.query(`SELECT * FROM ${table.name} ORDER BY insert_id`);
    if (rows.length > 0) out[table.name] = rows.map((r) => JSON.stringify(r));
  }
  return out;
}

/** Landed answers (kill-support.ts), with each sandbox's own origin taken out. */
async function answers(h: CatalogueHarness): Promise<string[]> {
  const { answers: all } = await rawAnswers(h.dataDir);
  return all.map((a) => a.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://sandbox')).sort();
}

const children = (h: CatalogueHarness) =>
  h.queue
    .take()
    .map((m) => `${m.message.runId} ${m.message.job} ${JSON.stringify(m.message.params)}`)
    .sort();

describe('checkpoints: catalogue runs stopped by their deadline resume on redelivery', function () {
  this.timeout(120_000);
  for (const c of cases) {
    it(`${c.job} (${c.tier}): deferred with a checkpoint, resumed, equal to an undisturbed run`, async () => {
      const message: JobMessage = { job: c.job, params: c.params };
      const clean = await startCatalogueHarness({ tier: c.tier, catalogue });
      const slow = await startCatalogueHarness({
        tier: c.tier,
        catalogue,
        env: { FANPULSE_RUN_BUDGET_SECONDS: String(BUDGET_SECONDS) },
      });
      try {
        const runTime = clean.clock.now();
        const reference = await clean.run(message, RUN_ID, runTime);
        expect(reference.outcome, reference.error ?? '').to.equal('succeeded');
        const cleanCalls = clean.apiLog().length;

        const push = slow.sandbox.log.push;
        slow.sandbox.log.push = (...entries: LoggedRequest[]) => {
          slow.clock.advance(REQUEST_MS * entries.length);
          return push.apply(slow.sandbox.log, entries);
        };
        const state = await slow.services.state();
        const outcomes: RunSummary[] = [];
        const calls: number[] = [];
        for (let d = 0; d < 40; d++) {
          const before = slow.apiLog().length;
          const summary = await slow.run(message, RUN_ID, runTime);
          outcomes.push(summary);
          calls.push(slow.apiLog().length - before);
          if (summary.outcome !== 'deferred') break;
          expect(summary.deferReason).to.equal('run-deadline');
          const saved = await state.get(checkpointKey(RUN_ID), z.object({ finished: z.boolean() }));
          expect(saved?.value.finished, 'a checkpoint is kept for the redelivery').to.equal(false);
        }
        console.log(
          `    ${c.job} (${c.tier}): ${cleanCalls} requests undisturbed; ${calls.length} deliveries of ${BUDGET_SECONDS} s sent ${calls.join(' + ')}`,
        );
        const last = outcomes.at(-1)!;
        expect(last.outcome, last.error ?? '').to.equal('succeeded');
        expect(outcomes.length).to.be.at.least(c.deliveries);
        expect(outcomes[0]!.outcome).to.equal('deferred');
        // Each redelivery goes on where the last one stopped: no request is sent twice.
        expect(calls[1]!).to.be.lessThan(cleanCalls);
        expect(calls.reduce((a, b) => a + b, 0)).to.equal(cleanCalls);
        expect(await tables(slow)).to.deep.equal(await tables(clean));
        const landed = await answers(clean);
        expect(landed.length).to.be.greaterThan(0);
        expect(await answers(slow)).to.deep.equal(landed);
        expect(children(slow)).to.deep.equal(children(clean));
      } finally {
        await clean.close();
        await slow.close();
      }
    });
  }

  it('a run deferred inside a unit of several requests resumes from its last sealed position: nothing landed twice', async () => {
    // No exact match among the first 30 hits: each name is a unit of 3 search pages, and the
    // deadline falls inside one. A checkpoint is persisted at every save here.
    const partial = ['Neon', 'Silver', 'Golden', 'Velvet'];
    const message: JobMessage = {
      job: 'spotify.artist_search',
      params: { names: partial, depth: 30 },
    };
    const env = { FANPULSE_CHECKPOINT_SECONDS: '0' };
    const clean = await startCatalogueHarness({ catalogue, env });
    const slow = await startCatalogueHarness({
      catalogue,
      env: { ...env, FANPULSE_RUN_BUDGET_SECONDS: String(BUDGET_SECONDS) },
    });
    try {
      const runTime = clean.clock.now();
      expect((await clean.run(message, RUN_ID, runTime)).outcome).to.equal('succeeded');
      const cleanCalls = clean.apiLog().length;
      expect(cleanCalls).to.be.greaterThan(partial.length * 2);
      const push = slow.sandbox.log.push;
      slow.sandbox.log.push = (...entries: LoggedRequest[]) => {
        slow.clock.advance(REQUEST_MS * entries.length);
        return push.apply(slow.sandbox.log, entries);
      };
      const outcomes: string[] = [];
      for (let d = 0; d < 20 && outcomes.at(-1) !== 'succeeded'; d++)
        outcomes.push((await slow.run(message, RUN_ID, runTime)).outcome);
      expect(outcomes.at(-1)).to.equal('succeeded');
      expect(outcomes[0]).to.equal('deferred');
      // The pages of the unfinished name were asked again...
      expect(slow.apiLog().length).to.be.greaterThan(cleanCalls);
      // ...and landed once: the redelivery rewrote the segment they were in.
      expect(await answers(slow)).to.deep.equal(await answers(clean));
      expect(await tables(slow)).to.deep.equal(await tables(clean));
    } finally {
      await clean.close();
      await slow.close();
    }
  });

  it('a run that fails after a persisted checkpoint resumes from it and rewrites what it landed after', async () => {
    const second = bigAlbums[1]!.id;
    const message: JobMessage = { job: 'spotify.album_tracks', params: { albumIds } };
    const env = { FANPULSE_CHECKPOINT_SECONDS: '0' };
    const clean = await startCatalogueHarness({ catalogue, env });
    const faulted = await startCatalogueHarness({ catalogue, env });
    try {
      const runTime = clean.clock.now();
      expect((await clean.run(message, RUN_ID, runTime)).outcome).to.equal('succeeded');
      const cleanCalls = clean.apiLog().length;
      // The second album's first tracks page answers something that is not a paging object:
      // landed raw, then the run fails (transient) after the checkpoint saved before it.
      faulted.sandbox.inject({
        path: `/v1/albums/${second}/tracks`,
        times: 1,
        answer: { status: 200, body: { items: 'none' } },
      });
      const first = await faulted.run(message, RUN_ID, runTime);
      expect(first.outcome).to.equal('failed');
      const before = faulted.apiLog().length;
      expect((await faulted.run(message, RUN_ID, runTime)).outcome).to.equal('succeeded');
      const resumed = faulted.apiLog().slice(before);
      // No album looked up again, nothing of the first album paged again.
      expect(resumed.some((r) => /^\/v1\/albums\/[^/]+$/.test(r.path))).to.equal(false);
      expect(resumed[0]?.path).to.equal(`/v1/albums/${second}/tracks`);
      expect(faulted.apiLog().length).to.equal(cleanCalls + 1);
      // The malformed answer is gone: its segment was rewritten by the redelivery.
      expect(await answers(faulted)).to.deep.equal(await answers(clean));
      expect(await tables(faulted)).to.deep.equal(await tables(clean));
    } finally {
      await clean.close();
      await faulted.close();
    }
  });

  it('a failed run whose redelivery is deferred sooner leaves none of its answers behind', async () => {
    const second = bigAlbums[1]!.id;
    const message: JobMessage = { job: 'spotify.album_tracks', params: { albumIds } };
    const clean = await startCatalogueHarness({ catalogue });
    const faulted = await startCatalogueHarness({ catalogue });
    try {
      const runTime = clean.clock.now();
      expect((await clean.run(message, RUN_ID, runTime)).outcome).to.equal('succeeded');
      // 1st delivery: three lookups, the first album's pages, then a malformed page: failed,
      // with nothing persisted (the checkpoint interval did not pass).
      faulted.sandbox.inject({
        path: `/v1/albums/${second}/tracks`,
        times: 1,
        answer: { status: 200, body: { items: 'none' } },
      });
      expect((await faulted.run(message, RUN_ID, runTime)).outcome).to.equal('failed');
      // 2nd delivery: rewrites the segment from the start and is deferred at the second lookup,
      // before it lands any tracks page again.
      faulted.sandbox.inject({
        path: new RegExp(`^/v1/albums/${second}$`),
        times: 1,
        answer: { status: 429, headers: { 'retry-after': '3600' }, body: {} },
      });
      expect((await faulted.run(message, RUN_ID, runTime)).outcome).to.equal('deferred');
      faulted.clock.advance(3700_000);
      const last = await faulted.run(message, RUN_ID, runTime);
      expect(last.outcome, last.error ?? '').to.equal('succeeded');
      // The first delivery's tracks pages (and its malformed answer) are gone: its objects
      // were rewritten by the second, which landed none of them.
      expect(await answers(faulted)).to.deep.equal(await answers(clean));
      expect(await tables(faulted)).to.deep.equal(await tables(clean));
    } finally {
      await clean.close();
      await faulted.close();
    }
  });
});
