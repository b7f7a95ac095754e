// instagram.hashtags checkpoints per hashtag: a run killed at the function timeout (SIGKILL,
// nothing flushed after its last checkpoint) or deferred at its deadline is delivered again
// under the same run id, goes on with the hashtag it had not finished, and ends with the
// same tables and the same raw answers (hashtag searches included) as an undisturbed run.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { InstagramSandbox } from '../sandbox/instagram/server.js';
import { startInstagramHarness, type InstagramHarness } from '../instagram/support.js';
import { rawAnswers, runInChild, tableRows } from './kill-support.js';

const RUN_ID = 'hashtags-resume-1';
const RUN_TIME = '2026-11-20T10:00:00.000Z';
const TAGS = ['gucci', 'dior', 'prada'];
const MESSAGE = { job: 'instagram.hashtags', params: { hashtags: TAGS } };
// 121, 61 and 21 posts: 3, 2 and 1 pages, each after one id search.
const FEEDS = { gucci: 60, dior: 30, prada: 10 };
const TABLES = ['instagram_hashtags', 'instagram_hashtag_media'];

const mediaPages = (log: readonly LoggedRequest[], id?: string) =>
  log.filter((r) => r.path.endsWith('/recent_media') && (!id || r.path.includes(id)));
const searches = (log: readonly LoggedRequest[]) =>
  log.filter((r) => r.path.endsWith('/ig_hashtag_search')).map((r) => r.query.q);

describe('instagram.hashtags resumes at the hashtag it had not finished', function () {
  this.timeout(120_000);

  it('killed at the timeout inside a hashtag, then redelivered: tables and raw answers equal an undisturbed run', async () => {
    const sandbox = new InstagramSandbox({
      now: () => Date.parse(RUN_TIME),
      callsPerHour: 1_000_000,
      hashtags: FEEDS,
    });
    await sandbox.start();
    const dior = sandbox.feeds.find((f) => f.tag === 'dior')!.id;
    const root = await mkdtemp(join(tmpdir(), 'fanpulse-hashtags-killed-'));
    const env = { ...sandbox.env(), FANPULSE_CHECKPOINT_SECONDS: '0', FANPULSE_HTTP_RETRIES: '0' };
    const run = { sandbox, env, message: MESSAGE, runId: RUN_ID, runTime: RUN_TIME };
    try {
      const clean = await runInChild({ ...run, dataDir: join(root, 'clean') });
      expect(clean.outcome).to.equal('succeeded');
      const cleanCalls = sandbox.log.length;

      // Killed while dior's second page is in flight: gucci is done, dior's search landed
      // nowhere durable.
      const killed = await runInChild({
        ...run,
        dataDir: join(root, 'killed'),
        killAt: (r, log) => r.path.endsWith('/recent_media') && mediaPages(log, dior).length === 2,
      });
      expect(killed.killed, 'the process was killed mid-run').to.equal(true);
      const before = sandbox.log.length;
      const redelivered = await runInChild({ ...run, dataDir: join(root, 'killed') });
      expect(redelivered.outcome).to.equal('succeeded');
      const resumed = sandbox.log.slice(before);
      // gucci is not collected again; dior is searched again (its first answer was lost).
      expect(searches(resumed)).to.deep.equal(['dior', 'prada']);
      expect(mediaPages(resumed).every((r) => !r.path.includes('/17843000000000001/'))).to.equal(
        true,
      );
      expect(resumed.length).to.be.lessThan(cleanCalls);

      expect(await tableRows(join(root, 'killed'), TABLES)).to.deep.equal(
        await tableRows(join(root, 'clean'), TABLES),
      );
      const cleanRaw = await rawAnswers(join(root, 'clean'));
      const killedRaw = await rawAnswers(join(root, 'killed'));
      expect(killedRaw.answers).to.deep.equal(cleanRaw.answers);
      expect(killedRaw.objects.some((o) => o.includes('~'))).to.equal(true);
    } finally {
      await sandbox.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('killed before a checkpoint was persisted: a hashtag the run found unknown is searched again', async () => {
    const sandbox = new InstagramSandbox({
      now: () => Date.parse(RUN_TIME),
      callsPerHour: 1_000_000,
      hashtags: FEEDS,
    });
    await sandbox.start();
    const root = await mkdtemp(join(tmpdir(), 'fanpulse-hashtags-unknown-'));
    // The default 60 s between persisted checkpoints: the kill loses the whole delivery.
    const env = { ...sandbox.env(), FANPULSE_HTTP_RETRIES: '0' };
    const message = { job: 'instagram.hashtags', params: { hashtags: ['nosuchtag', 'gucci'] } };
    const run = { sandbox, env, message, runId: RUN_ID, runTime: RUN_TIME };
    try {
      expect((await runInChild({ ...run, dataDir: join(root, 'clean') })).outcome).to.equal(
        'succeeded',
      );
      const killed = await runInChild({
        ...run,
        dataDir: join(root, 'killed'),
        killAt: (r, log) => r.path.endsWith('/recent_media') && mediaPages(log).length === 2,
      });
      expect(killed.killed).to.equal(true);
      const before = sandbox.log.length;
      const again = await runInChild({ ...run, dataDir: join(root, 'killed') });
      expect(again.outcome).to.equal('succeeded');
      expect(searches(sandbox.log.slice(before))).to.deep.equal(['gucci', 'nosuchtag']);
      expect(await tableRows(join(root, 'killed'), TABLES)).to.deep.equal(
        await tableRows(join(root, 'clean'), TABLES),
      );
      expect((await rawAnswers(join(root, 'killed'))).answers).to.deep.equal(
        (await rawAnswers(join(root, 'clean'))).answers,
      );
    } finally {
      await sandbox.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  describe('deferred at its deadline', () => {
    let reference: InstagramHarness;
    let deferred: InstagramHarness;
    afterEach(async () => {
      await reference?.close();
      await deferred?.close();
    });

    const start = (env: Record<string, string> = {}) =>
      startInstagramHarness({
        sandbox: { now: () => Date.parse(RUN_TIME), callsPerHour: 1_000_000, hashtags: FEEDS },
        env: { FANPULSE_CHECKPOINT_SECONDS: '0', ...env },
      });

    async function contents(h: InstagramHarness) {
      const tables: Record<string, unknown[]> = {};
      for (const t of TABLES) tables[t] = await h.query(`SELECT * FROM ${t} ORDER BY insert_id`);
      // Each harness has its own sandbox port.
      const raw = (await rawAnswers(h.dataDir)).answers.map((a) =>
        a.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://sandbox'),
      );
      return { tables, raw };
    }

    it('is redelivered until done, resuming each time where it stopped; the result equals an undisturbed run', async () => {
      reference = await start();
      const clean = await reference.run(MESSAGE, RUN_ID, new Date(RUN_TIME));
      expect(clean.outcome, clean.error ?? '').to.equal('succeeded');

      // Each request takes 2 s of the fake clock against a 10 s budget: the first delivery
      // finishes gucci (search + 3 pages) and stops inside dior, the second does the rest.
      deferred = await start({ FANPULSE_RUN_BUDGET_SECONDS: '10' });
      const push = deferred.sandbox.log.push;
      deferred.sandbox.log.push = (...entries: LoggedRequest[]) => {
        deferred.clock.advance(2000);
        return push.apply(deferred.sandbox.log, entries);
      };
      const outcomes: string[] = [];
      const requestsPerDelivery: string[][] = [];
      for (let delivery = 0; delivery < 4; delivery++) {
        const before = deferred.apiLog().length;
        const s = await deferred.run(MESSAGE, RUN_ID, new Date(RUN_TIME));
        outcomes.push(s.outcome);
        requestsPerDelivery.push(
          deferred
            .apiLog()
            .slice(before)
            .map((r) => (r.path.endsWith('/ig_hashtag_search') ? `search ${r.query.q}` : 'page')),
        );
        if (s.outcome === 'succeeded') break;
        expect(s.deferReason).to.equal('run-deadline');
        deferred.clock.advance(60_000);
      }
      expect(outcomes).to.deep.equal(['deferred', 'succeeded']);
      expect(requestsPerDelivery).to.deep.equal([
        ['search gucci', 'page', 'page', 'page', 'search dior'],
        ['search dior', 'page', 'page', 'search prada', 'page'],
      ]);
      const got = await contents(deferred);
      const want = await contents(reference);
      expect(got.raw).to.deep.equal(want.raw);
      expect(got.tables).to.deep.equal(want.tables);
    });

    it('does not start a hashtag once the deadline has passed', async () => {
      // gucci (a search and 3 pages, 2 s each) ends exactly at the 8 s deadline.
      deferred = await start({ FANPULSE_RUN_BUDGET_SECONDS: '8' });
      const push = deferred.sandbox.log.push;
      deferred.sandbox.log.push = (...entries: LoggedRequest[]) => {
        deferred.clock.advance(2000);
        return push.apply(deferred.sandbox.log, entries);
      };
      const first = await deferred.run(MESSAGE, RUN_ID, new Date(RUN_TIME));
      expect(first.outcome).to.equal('deferred');
      expect(first.error).to.match(/before #dior: the run reached its deadline/);
      expect(first.deferReason).to.equal('run-deadline');
      expect(deferred.apiLog()).to.have.length(4);
      const again = await deferred.run(MESSAGE, RUN_ID, new Date(RUN_TIME));
      expect(again.outcome, again.error ?? '').to.equal('deferred');
      expect(deferred.apiLog()[4]?.query.q).to.equal('dior');
    });
  });
});
