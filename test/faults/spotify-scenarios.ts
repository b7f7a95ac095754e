// The Spotify fault scenarios, shared by every Spotify collector's suite: each one arms a
// sandbox (or swaps a store) for the path the collector pages through.
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { Services } from '../../functions/platform/runtime.js';
import type { SpotifySandbox } from '../sandbox/spotify/server.js';
import { partiallyFailingWarehouse, rawStoreFailingOnce } from './failing-stores.js';
import { catalog } from '../../functions/sources/all.js';
import type { InFlight } from './framework.js';

export interface FaultTarget {
  sandbox: SpotifySandbox;
  services: Services;
  dataDir: string;
}

export interface SpotifyScenario {
  name: string;
  arm?: (h: FaultTarget) => void | Promise<void>;
  redeliveries?: number;
  inFlight?: InFlight;
}

const error = (status: number, extra: Record<string, unknown> = {}) => ({
  error: { status, message: `HTTP ${status}`, ...extra },
});

/**
 * `path` is the paged endpoint the faults hit, `search` the endpoint QUOTA_EXCEEDED hits,
 * `table` the table whose insert BigQuery partially rejects.
 */
export function spotifyScenarios(target: {
  path: string | RegExp;
  search: string | RegExp;
  table: string;
}): SpotifyScenario[] {
  const { path } = target;
  return [
    {
      name: '429 Retry-After 3 s',
      arm: (h) =>
        h.sandbox.inject({
          path,
          answer: { status: 429, headers: { 'retry-after': '3' }, body: error(429) },
        }),
    },
    {
      name: '429 Retry-After 3600 s (deferred)',
      arm: (h) =>
        h.sandbox.inject({
          path,
          answer: { status: 429, headers: { 'retry-after': '3600' }, body: error(429) },
        }),
    },
    {
      name: 'Spotify QUOTA_EXCEEDED',
      arm: (h) =>
        h.sandbox.inject({
          path: target.search,
          answer: {
            status: 429,
            headers: { 'retry-after': '60' },
            body: error(429, { reason: 'QUOTA_EXCEEDED' }),
          },
        }),
    },
    ...[500, 502, 503].map((status) => ({
      name: `HTTP ${status} ×3`,
      arm: (h: FaultTarget) =>
        h.sandbox.inject({ path, times: 3, answer: { status, body: error(status) } }),
    })),
    {
      name: 'HTTP 503 beyond the retry limit',
      arm: (h) => h.sandbox.inject({ path, times: 6, answer: { status: 503, body: error(503) } }),
    },
    {
      name: 'timeout',
      arm: (h) => h.sandbox.inject({ path, delayMs: 3000, answer: { status: 200, body: {} } }),
    },
    { name: 'connection reset', arm: (h) => h.sandbox.inject({ path, times: 2, reset: true }) },
    {
      name: 'truncated JSON',
      arm: (h) => h.sandbox.inject({ path, answer: { status: 200, rawBody: '{"items":[{"id":' } }),
    },
    {
      name: 'JSON of the wrong shape',
      arm: (h) => h.sandbox.inject({ path, answer: { status: 200, body: { items: 'none' } } }),
    },
    {
      name: '401 token expiry mid-run',
      arm: (h) => h.sandbox.inject({ path, answer: { status: 401, body: error(401) } }),
    },
    {
      name: 'warehouse partial insert failure',
      arm: async (h) => {
        const warehouse = partiallyFailingWarehouse(
          await openDuckDbWarehouse(':memory:', catalog.schema),
          target.table,
          7,
        );
        h.services.warehouse = async () => warehouse;
      },
    },
    {
      name: 'raw-store write failure mid-run',
      arm: (h) => {
        const store = rawStoreFailingOnce(new LocalRawStore(h.dataDir), 4);
        h.services.rawStore = async () => store;
      },
    },
    { name: 'Pub/Sub redelivery ×3', redeliveries: 3 },
    { name: 'killed mid-run, redelivered', inFlight: { mode: 'killed', afterLines: 3 } },
    {
      name: 'held mid-run while a second delivery runs',
      inFlight: { mode: 'overlapping', afterLines: 3 },
    },
  ];
}
