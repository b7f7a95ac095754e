// A fanpulse wired to a Spotify sandbox that serves the catalogue (and the podcasts, on the
// same sandbox, to prove the shared search route), with an in-memory DuckDB, a fake clock
// and a memory queue the tests can inspect.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobMessage, type RunSummary } from '../../functions/jobs/run-job.js';
import { runLocally } from '../../functions/local-runner.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { memorySink } from '../../functions/platform/logger.js';
import { MemoryQueue, type JobMessage } from '../../functions/platform/queue.js';
import { createServices, type Services } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import {
  DEVELOPMENT_FORBIDDEN_PATHS,
  installCatalogue,
  type Catalogue,
} from '../sandbox/spotify/catalogue.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';

export interface CatalogueHarness {
  sandbox: SpotifySandbox;
  services: Services;
  clock: FakeClock;
  logs: ReturnType<typeof memorySink>;
  queue: MemoryQueue;
  dataDir: string;
  run(message: JobMessage, runId?: string): Promise<RunSummary>;
  rerun(message: JobMessage, runId: string): Promise<RunSummary>;
  /** Runs the job and everything it fans out (runLocally). */
  drain(message: JobMessage, runId?: string): Promise<RunSummary[]>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Catalogue API requests (no token calls). */
  apiLog(): LoggedRequest[];
  /** Requests that development mode must never send. */
  forbiddenRequests(): LoggedRequest[];
  close(): Promise<void>;
}

export async function startCatalogueHarness(options: {
  tier?: Tier;
  catalogue: Catalogue;
  env?: Record<string, string>;
  dataDir?: string;
}): Promise<CatalogueHarness> {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const sandbox = new SpotifySandbox({
    tier: options.tier ?? 'development',
    now: () => clock.now().getTime(),
  });
  installPodcasts(sandbox, new PodcastCatalog());
  installCatalogue(sandbox, options.catalogue);
  await sandbox.start();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'fanpulse-catalogue-')));
  const logs = memorySink();
  const warehouse = await openDuckDbWarehouse(':memory:');
  const queue = new MemoryQueue();
  const services = createServices({
    env: {
      ...sandbox.env(),
      SPOTIFY_MARKET: 'KR',
      FANPULSE_DATA_DIR: dataDir,
      FANPULSE_HTTP_BACKOFF_BASE_MS: '50',
      FANPULSE_HTTP_TIMEOUT_MS: '5000',
      FANPULSE_LOG_LEVEL: 'DEBUG',
      ...options.env,
    },
    clock,
    sink: logs.sink,
    overrides: { warehouse, queue },
  });
  let runs = 0;
  return {
    sandbox,
    services,
    clock,
    logs,
    queue,
    dataDir,
    run: (message, runId) => {
      runs += 1;
      return runJobMessage(services, message, {
        runId: runId ?? `cat-run-${runs}`,
        runTime: clock.now(),
      });
    },
    rerun: (message, runId) =>
      runJobMessage(services, message, { runId, runTime: clock.now(), rerun: true }),
    drain: (message, runId) => {
      runs += 1;
      return runLocally(services, message, { runId: runId ?? `cat-drain-${runs}` });
    },
    query: async (sql) => (await services.warehouse()).query(sql),
    apiLog: () => sandbox.log.filter((r) => r.path.startsWith('/v1/')),
    forbiddenRequests: () =>
      sandbox.log.filter((r) => DEVELOPMENT_FORBIDDEN_PATHS.some((p) => p.test(r.path))),
    close: async () => {
      await warehouse.close();
      await sandbox.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
