// Every Spotify collector under every injected fault: podcasts and the artist catalogue.
// After each scenario the job is redelivered until it succeeds and its base tables, latest_*
// views and raw objects are compared with a reference run's (./framework.ts): rows lost,
// doubled or extra and requests sooner than a Retry-After asked must all be 0.
import { expect } from 'chai';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { startHarness } from '../support/harness.js';
import { startCatalogueHarness } from '../spotify-catalogue/support.js';
import {
  type FaultCase,
  type FaultReport,
  type LatestView,
  type StartedHarness,
} from './framework.js';
import { spotifyScenarios, type FaultTarget } from './spotify-scenarios.js';
import type { JobMessage } from '../../functions/platform/queue.js';

type Started = FaultTarget & StartedHarness;

interface Collector {
  name: string;
  start(env: Record<string, string>): Promise<Started>;
  messages: JobMessage[];
  views: LatestView[];
  scenarios: ReturnType<typeof spotifyScenarios>;
}

const bts = knownCatalogue().artistAlbums(KNOWN.bts, ['album', 'single'])[0]!.album.id;
const collectors: Collector[] = [
  {
    name: 'spotify podcasts',
    start: (env) => startHarness({ env }),
    messages: [
      { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 50 } },
      { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
    ],
    views: [
      { view: 'latest_spotify_shows', key: ['show_id'] },
      { view: 'latest_spotify_episodes', key: ['episode_id'] },
      { view: 'latest_spotify_episode_mentions', key: ['episode_id', 'term'] },
    ],
    scenarios: spotifyScenarios({
      path: `/v1/shows/${DATA_HACKERS_ID}/episodes`,
      search: '/v1/search',
      table: 'spotify_episodes',
    }),
  },
  {
    name: 'spotify catalogue',
    start: (env) => startCatalogueHarness({ catalogue: knownCatalogue(), env }),
    messages: [
      { job: 'spotify.artist_search', params: { names: ['BTS', 'aespa', 'Coldplay'] } },
      { job: 'spotify.artist', params: { artistIds: [KNOWN.bts, KNOWN.halsey, KNOWN.aespa] } },
      { job: 'spotify.artist_albums', params: { artistId: KNOWN.bts } },
      { job: 'spotify.album_tracks', params: { albumId: bts } },
    ],
    views: [
      { view: 'latest_spotify_artist_search', key: ['query', 'market'] },
      { view: 'latest_spotify_artists', key: ['artist_id'] },
      { view: 'latest_spotify_artist_albums', key: ['artist_id', 'album_id'] },
      { view: 'latest_spotify_albums', key: ['album_id'] },
      { view: 'latest_spotify_tracks', key: ['track_id'] },
      { view: 'latest_spotify_track_artists', key: ['track_id', 'artist_id'] },
    ],
    scenarios: spotifyScenarios({
      path: /^\/v1\/(artists\/[^/]+\/albums|albums\/[^/]+\/tracks)$/,
      search: '/v1/search',
      table: 'spotify_tracks',
    }),
  },
];

// Long enough that a clean reference run never times out on a loaded machine (a 300 ms timeout
// made the reference retry under load); the timeout scenario's answer waits well past it.
const env = { FANPULSE_HTTP_TIMEOUT_MS: '1500', FANPULSE_HTTP_RETRIES: '3' };

export type SpotifyStarted = Started;

/** Every Spotify collector under every scenario (spotify-scenarios.ts). */
export const spotifyFaultCases = (): Array<FaultCase<Started>> =>
  collectors.flatMap((collector) =>
    collector.scenarios.map((scenario) => ({
      title: `${collector.name}: ${scenario.name}`,
      collector: collector.name,
      scenario: scenario.name,
      views: collector.views,
      messages: collector.messages,
      redeliveries: scenario.redeliveries,
      inFlight: scenario.inFlight,
      start: () => collector.start(env),
      apiCalls: (h: Started) => h.sandbox.apiCalls() + h.sandbox.tokenCalls(),
      arm: async (faulted: Started) => {
        await scenario.arm?.(faulted);
      },
      verify: (report: FaultReport) => {
        // A fault that neither cost a call nor failed a run was not exercised at all.
        const bit = report.extraApiCalls > 0 || report.outcomes.some((o) => o !== 'succeeded');
        if (scenario.arm || scenario.inFlight) expect(bit, 'the fault must bite').to.equal(true);
        if (scenario.redeliveries)
          expect(report.extraApiCalls, 'redeliveries of completed runs call nothing').to.equal(0);
      },
    })),
  );
