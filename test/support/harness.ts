// A ready-to-run fanpulse for tests: Spotify sandbox on loopback, services on a temp data
// folder with an in-memory DuckDB, a fake clock (no real waiting) and captured logs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobMessage, type RunSummary } from '../../functions/jobs/run-job.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { memorySink } from '../../functions/platform/logger.js';
import {
  createServices,
  type ServiceOverrides,
  type Services,
} from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { JobMessage } from '../../functions/platform/queue.js';
import {
  installPodcasts,
  PodcastCatalog,
  type PodcastCatalogOptions,
} from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';

export interface Harness {
  sandbox: SpotifySandbox;
  services: Services;
  clock: FakeClock;
  logs: ReturnType<typeof memorySink>;
  dataDir: string;
  /** Runs like a Pub/Sub delivery: a completed run id is acknowledged without running. */
  run(message: JobMessage, runId?: string): Promise<RunSummary>;
  /** Runs even if the run id completed (a rerun on request). */
  rerun(message: JobMessage, runId: string): Promise<RunSummary>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  tier?: Tier;
  catalog?: PodcastCatalogOptions;
  env?: Record<string, string>;
  overrides?: ServiceOverrides;
  tokenTtlSeconds?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const sandbox = new SpotifySandbox({
    tier: options.tier ?? 'development',
    now: () => clock.now().getTime(),
    ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
  });
  installPodcasts(sandbox, new PodcastCatalog(options.catalog));
  await sandbox.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-test-'));
  const logs = memorySink();
  const warehouse = options.overrides?.warehouse ?? (await openDuckDbWarehouse(':memory:'));
  const services = createServices({
    env: {
      ...sandbox.env(),
      SPOTIFY_MARKET: 'BR',
      FANPULSE_DATA_DIR: dataDir,
      FANPULSE_HTTP_BACKOFF_BASE_MS: '200',
      FANPULSE_HTTP_TIMEOUT_MS: '3000',
      FANPULSE_LOG_LEVEL: 'DEBUG',
      ...options.env,
    },
    clock,
    sink: logs.sink,
    overrides: { ...options.overrides, warehouse },
  });
  let runs = 0;
  return {
    sandbox,
    services,
    clock,
    logs,
    dataDir,
    run: (message, runId) => {
      runs += 1;
      return runJobMessage(services, message, {
        runId: runId ?? `test-run-${runs}`,
        runTime: clock.now(),
      });
    },
    rerun: (message, runId) =>
      runJobMessage(services, message, { runId, runTime: clock.now(), rerun: true }),
    query: async (sql) => (await services.warehouse()).query(sql),
    close: async () => {
      await warehouse.close();
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
