// Fault scenario "killed at the timeout, then redelivered": a collector's process is killed
// with SIGKILL mid-run (no job_runs row, nothing flushed after its last checkpoint), the same
// run id is delivered again to a fresh process, and the result must equal an undisturbed run
// of the same run id: every base table row for row, every raw answer landed exactly once.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpSandbox, LoggedRequest } from '../sandbox/http-sandbox.js';
import { InstagramSandbox } from '../sandbox/instagram/server.js';
import { installCatalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { DATA_HACKERS_ID, installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { rawAnswers, runInChild, tableRows } from './kill-support.js';
import { assertNoViolations } from '../support/harness.js';

const RUN_ID = 'killed-run-1';
const RUN_TIME = '2026-11-20T10:00:00.000Z';

interface KillCase {
  collector: string;
  sandbox: () => HttpSandbox & { env(): Record<string, string> };
  env?: Record<string, string>;
  message: unknown;
  tables: readonly string[];
  /** The request at which the process dies. */
  killAt: (r: LoggedRequest, log: readonly LoggedRequest[]) => boolean;
  /** Requests the resumed process sent that a restart from scratch would have sent again. */
  skippedOnResume: (log: readonly LoggedRequest[]) => void;
}

const episodePages = (log: readonly LoggedRequest[]) =>
  log.filter((r) => r.path.endsWith('/episodes'));
const discoveries = (log: readonly LoggedRequest[]) =>
  log.filter(
    (r) =>
      /^\/v\d+\.\d+\/\d+$/.test(r.path) && String(r.query.fields).includes('business_discovery'),
  );

const catalogue = syntheticCatalogue({ artists: 400 });
const prolific = catalogue.artists.find((a) => catalogue.artistAlbums(a.id).length >= 100)!;
const [bigAlbum, secondBig] = catalogue.albums.filter((a) => a.trackCount > 100);
const catalogueSandbox = () => {
  const s = new SpotifySandbox({ tier: 'development', now: () => Date.parse(RUN_TIME) });
  installCatalogue(s, catalogue, { relink: new Map() });
  return s;
};
const albumsPages = (log: readonly LoggedRequest[]) =>
  log.filter((r) => r.path === `/v1/artists/${prolific.id}/albums`);
const trackPages = (log: readonly LoggedRequest[]) =>
  log.filter((r) => /^\/v1\/albums\/[^/]+\/tracks$/.test(r.path));

const cases: KillCase[] = [
  {
    collector: 'spotify.podcast_episodes',
    sandbox: () => {
      const s = new SpotifySandbox({ tier: 'development', now: () => Date.parse(RUN_TIME) });
      installPodcasts(s, new PodcastCatalog({ dataHackersEpisodes: 600 }));
      return s;
    },
    message: { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
    tables: ['spotify_shows', 'spotify_episodes', 'spotify_episode_mentions'],
    // Killed while the 8th of 12 episode pages is in flight.
    killAt: (r, log) => r.path.endsWith('/episodes') && episodePages(log).length === 8,
    skippedOnResume: (log) => {
      // The resumed process starts at the page that was in flight (its checkpoint: offset 400).
      expect(episodePages(log)[0]?.query.offset).to.equal('400');
      expect(log.some((r) => /\/shows\/[^/]+$/.test(r.path))).to.equal(false);
    },
  },
  {
    collector: 'instagram.brands',
    sandbox: () =>
      new InstagramSandbox({ now: () => Date.parse(RUN_TIME), callsPerHour: 1_000_000 }),
    message: { job: 'instagram.brands', params: {} },
    tables: ['instagram_brands', 'instagram_media'],
    killAt: (r, log) =>
      String(r.query.fields ?? '').includes('business_discovery') && discoveries(log).length === 7,
    skippedOnResume: (log) => {
      const first = String(discoveries(log)[0]?.query.fields);
      expect(first).to.not.include('username(hermes)');
    },
  },
  {
    collector: 'spotify.artist_albums',
    sandbox: catalogueSandbox,
    env: { SPOTIFY_MARKET: 'KR' },
    message: { job: 'spotify.artist_albums', params: { artistId: prolific.id, maxAlbums: 1000 } },
    tables: ['spotify_artist_albums'],
    // Killed while the 6th page of the listing (10 albums a page) is in flight.
    killAt: (r, log) => r.path.endsWith('/albums') && albumsPages(log).length === 6,
    skippedOnResume: (log) => {
      expect(albumsPages(log)[0]?.query.offset).to.equal('50');
    },
  },
  {
    collector: 'spotify.album_tracks',
    sandbox: catalogueSandbox,
    env: { SPOTIFY_MARKET: 'KR' },
    message: { job: 'spotify.album_tracks', params: { albumIds: [bigAlbum!.id, secondBig!.id] } },
    tables: ['spotify_albums', 'spotify_tracks', 'spotify_track_artists'],
    // Killed while the second album's second tracks page is in flight.
    killAt: (r, log) =>
      r.path === `/v1/albums/${secondBig!.id}/tracks` &&
      trackPages(log).filter((p) => p.path === r.path).length === 2,
    skippedOnResume: (log) => {
      // No album is looked up again; the first request is the page that was in flight.
      expect(log.some((r) => /^\/v1\/albums\/[^/]+$/.test(r.path))).to.equal(false);
      expect(trackPages(log)[0]?.path).to.equal(`/v1/albums/${secondBig!.id}/tracks`);
      expect(trackPages(log)[0]?.query.offset).to.equal('100');
    },
  },
];

describe('fault scenario: killed at the timeout, then redelivered', function () {
  this.timeout(120_000);
  for (const c of cases) {
    it(`${c.collector}: the redelivery resumes from the checkpoint; tables and raw answers equal an undisturbed run`, async () => {
      const sandbox = c.sandbox();
      await sandbox.start();
      const root = await mkdtemp(join(tmpdir(), 'fanpulse-killed-'));
      const env = {
        ...sandbox.env(),
        ...c.env,
        FANPULSE_CHECKPOINT_SECONDS: '0',
        FANPULSE_HTTP_RETRIES: '0',
      };
      const run = { sandbox, env, message: c.message, runId: RUN_ID, runTime: RUN_TIME };
      try {
        const clean = await runInChild({ ...run, dataDir: join(root, 'clean') });
        expect(clean.outcome).to.equal('succeeded');
        const cleanCalls = sandbox.log.length;

        const killed = await runInChild({
          ...run,
          dataDir: join(root, 'killed'),
          killAt: c.killAt,
        });
        expect(killed.killed, 'the process was killed mid-run').to.equal(true);
        const before = sandbox.log.length;
        const redelivered = await runInChild({ ...run, dataDir: join(root, 'killed') });
        expect(redelivered.outcome).to.equal('succeeded');
        const resumedLog = sandbox.log.slice(before);
        c.skippedOnResume(resumedLog);
        expect(resumedLog.length).to.be.lessThan(cleanCalls);

        expect(await tableRows(join(root, 'killed'), c.tables)).to.deep.equal(
          await tableRows(join(root, 'clean'), c.tables),
        );
        const cleanRaw = await rawAnswers(join(root, 'clean'));
        const killedRaw = await rawAnswers(join(root, 'killed'));
        expect(killedRaw.answers.length).to.equal(cleanRaw.answers.length);
        expect(killedRaw.answers).to.deep.equal(cleanRaw.answers);
        // The killed process sealed segments at its checkpoints; the redelivery added more.
        expect(killedRaw.objects.some((o) => o.includes('~'))).to.equal(true);
        assertNoViolations(sandbox);
      } finally {
        await sandbox.stop();
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
