// spotify.podcast_shows killed at the timeout (SIGKILL while a search page is in flight) and
// redelivered to a fresh process: it resumes at that page, and its rows and raw answers equal
// an undisturbed run of the same run id.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { assertNoViolations } from '../support/harness.js';
import { rawAnswers, runInChild, tableRows } from './kill-support.js';

const RUN_TIME = '2026-11-20T10:00:00.000Z';
const searches = (log: readonly LoggedRequest[]) => log.filter((r) => r.path === '/v1/search');

describe('fault scenario: spotify.podcast_shows killed at the timeout, then redelivered', function () {
  this.timeout(120_000);

  it('resumes at the search page in flight; rows and raw answers equal an undisturbed run', async () => {
    const sandbox = new SpotifySandbox({ tier: 'development', now: () => Date.parse(RUN_TIME) });
    installPodcasts(sandbox, new PodcastCatalog());
    await sandbox.start();
    const root = await mkdtemp(join(tmpdir(), 'fanpulse-killed-shows-'));
    const run = {
      sandbox,
      env: { ...sandbox.env(), FANPULSE_CHECKPOINT_SECONDS: '0', FANPULSE_HTTP_RETRIES: '0' },
      message: { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 50 } },
      runId: 'killed-shows-1',
      runTime: RUN_TIME,
    };
    try {
      const clean = await runInChild({ ...run, dataDir: join(root, 'clean') });
      expect(clean.outcome).to.equal('succeeded');
      const killed = await runInChild({
        ...run,
        dataDir: join(root, 'killed'),
        // Killed while the 4th of 5 search pages (offset 30) is in flight.
        killAt: (r, log) => r.path === '/v1/search' && searches(log).length === 4,
      });
      expect(killed.killed).to.equal(true);
      const before = sandbox.log.length;
      const redelivered = await runInChild({ ...run, dataDir: join(root, 'killed') });
      expect(redelivered.outcome).to.equal('succeeded');
      expect(searches(sandbox.log.slice(before)).map((r) => r.query.offset)).to.deep.equal([
        '30',
        '40',
      ]);
      expect(await tableRows(join(root, 'killed'), ['spotify_shows'])).to.deep.equal(
        await tableRows(join(root, 'clean'), ['spotify_shows']),
      );
      const cleanRaw = await rawAnswers(join(root, 'clean'));
      const killedRaw = await rawAnswers(join(root, 'killed'));
      expect(killedRaw.answers).to.have.length(5);
      expect(killedRaw.answers).to.deep.equal(cleanRaw.answers);
      assertNoViolations(sandbox);
    } finally {
      await sandbox.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
