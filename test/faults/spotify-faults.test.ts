import { expect } from 'chai';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import {
  formatReports,
  measureScenario,
  type FaultReport,
  type RunnableHarness,
} from './framework.js';
import { partiallyFailingWarehouse, rawStoreFailingOnce } from './failing-stores.js';

const EPISODES = `/v1/shows/${DATA_HACKERS_ID}/episodes`;
const messages = [
  { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 50 } },
  { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } },
];
const views = [
  { view: 'latest_spotify_shows', key: ['show_id'] },
  { view: 'latest_spotify_episodes', key: ['episode_id'] },
  { view: 'latest_spotify_episode_mentions', key: ['episode_id', 'term'] },
];

function runnable(h: Harness): RunnableHarness {
  return {
    run: (m, id) => h.run(m, id),
    query: (sql) => h.query(sql),
    advanceSeconds: (s) => h.clock.advance(s * 1000),
    apiCalls: () => h.sandbox.apiCalls() + h.sandbox.tokenCalls(),
    close: () => h.close(),
  };
}

const error = (status: number, extra: Record<string, unknown> = {}) => ({
  error: { status, message: `HTTP ${status}`, ...extra },
});

interface Scenario {
  name: string;
  options?: () => Promise<HarnessOptions>;
  arm?: (h: Harness) => void;
  redeliveries?: number;
}

const scenarios: Scenario[] = [
  {
    name: '429 Retry-After 3 s',
    arm: (h) =>
      h.sandbox.inject({
        path: EPISODES,
        answer: { status: 429, headers: { 'retry-after': '3' }, body: error(429) },
      }),
  },
  {
    name: '429 Retry-After 3600 s (deferred)',
    arm: (h) =>
      h.sandbox.inject({
        path: EPISODES,
        answer: { status: 429, headers: { 'retry-after': '3600' }, body: error(429) },
      }),
  },
  {
    name: 'Spotify QUOTA_EXCEEDED',
    arm: (h) =>
      h.sandbox.inject({
        path: '/v1/search',
        answer: {
          status: 429,
          headers: { 'retry-after': '60' },
          body: error(429, { reason: 'QUOTA_EXCEEDED' }),
        },
      }),
  },
  ...[500, 502, 503].map((status) => ({
    name: `HTTP ${status} ×3`,
    arm: (h: Harness) =>
      h.sandbox.inject({ path: EPISODES, times: 3, answer: { status, body: error(status) } }),
  })),
  {
    name: 'HTTP 503 beyond the retry limit',
    arm: (h) =>
      h.sandbox.inject({ path: EPISODES, times: 6, answer: { status: 503, body: error(503) } }),
  },
  {
    name: 'timeout',
    arm: (h) =>
      h.sandbox.inject({ path: EPISODES, delayMs: 700, answer: { status: 200, body: {} } }),
  },
  {
    name: 'connection reset',
    arm: (h) => h.sandbox.inject({ path: EPISODES, times: 2, reset: true }),
  },
  {
    name: 'truncated JSON',
    arm: (h) =>
      h.sandbox.inject({ path: EPISODES, answer: { status: 200, rawBody: '{"items":[{"id":' } }),
  },
  {
    name: 'JSON of the wrong shape',
    arm: (h) =>
      h.sandbox.inject({ path: EPISODES, answer: { status: 200, body: { items: 'none' } } }),
  },
  {
    name: '401 token expiry mid-run',
    arm: (h) =>
      h.sandbox.inject({ path: /\/episodes$/, answer: { status: 401, body: error(401) } }),
  },
  {
    name: 'warehouse partial insert failure',
    options: async () => ({
      overrides: {
        warehouse: partiallyFailingWarehouse(
          await openDuckDbWarehouse(':memory:'),
          'spotify_episodes',
          7,
        ),
      },
    }),
  },
  {
    name: 'raw-store write failure mid-run',
    options: async () => ({ env: {}, overrides: {} }),
    arm: (h) => {
      const store = rawStoreFailingOnce(new LocalRawStore(h.dataDir), 4);
      h.services.rawStore = async () => store;
    },
  },
  { name: 'Pub/Sub redelivery ×3', redeliveries: 3 },
];

describe('fault injection: Spotify podcast collectors lose and double nothing', function () {
  this.timeout(120_000);
  const reports: FaultReport[] = [];
  const env = { FANPULSE_HTTP_TIMEOUT_MS: '300', FANPULSE_HTTP_RETRIES: '3' };

  after(() => {
    console.log('\n' + formatReports(reports) + '\n');
  });

  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const clean = await startHarness({ env });
      const extra = (await scenario.options?.()) ?? {};
      const faulted = await startHarness({ ...extra, env: { ...env, ...extra.env } });
      try {
        scenario.arm?.(faulted);
        const report = await measureScenario({
          collector: 'spotify podcasts',
          scenario: scenario.name,
          views,
          messages,
          clean: runnable(clean),
          faulted: runnable(faulted),
          ...(scenario.redeliveries ? { redeliveries: scenario.redeliveries } : {}),
        });
        reports.push(report);
        expect(report.lost, 'rows lost').to.equal(0);
        expect(report.doubled, 'rows doubled').to.equal(0);
        // A fault that neither cost a call nor failed a run was not exercised at all.
        const bit = report.extraApiCalls > 0 || report.outcomes.some((o) => o !== 'succeeded');
        if (scenario.arm || scenario.options) expect(bit, 'the fault must bite').to.equal(true);
      } finally {
        await clean.close();
        await faulted.close();
      }
    });
  }
});
