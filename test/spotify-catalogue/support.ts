// A fanpulse wired to a Spotify sandbox that serves the catalogue (and the podcasts, on the
// same sandbox, to prove the shared search route), with an in-memory DuckDB, a fake clock
// and a memory queue the tests can inspect.
import type { RunSummary } from '../../functions/core/runner.js';
import { runLocally } from '../../functions/core/local-runner.js';
import { MemoryQueue, type JobMessage } from '../../functions/platform/queue.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import {
  DEVELOPMENT_FORBIDDEN_PATHS,
  installCatalogue,
  type Catalogue,
} from '../sandbox/spotify/catalogue.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';
import { startSandboxHarness, type SandboxHarness } from '../support/harness.js';
import { catalog } from '../../functions/sources/all.js';

export interface CatalogueHarness extends SandboxHarness<SpotifySandbox> {
  queue: MemoryQueue;
  /** Runs the job and everything it fans out (runLocally). */
  drain(message: JobMessage, runId?: string): Promise<RunSummary[]>;
  /** Catalogue API requests (no token calls). */
  apiLog(): LoggedRequest[];
  /** Requests that development mode must never send. */
  forbiddenRequests(): LoggedRequest[];
}

export async function startCatalogueHarness(options: {
  tier?: Tier;
  catalogue: Catalogue;
  env?: Record<string, string>;
  dataDir?: string;
  /** Tracks the sandbox relinks in any market: requested id → playable id. */
  relink?: ReadonlyMap<string, string>;
}): Promise<CatalogueHarness> {
  const queue = new MemoryQueue();
  const { harness, nextRunId } = await startSandboxHarness({
    makeSandbox: (clock) => {
      const sandbox = new SpotifySandbox({
        tier: options.tier ?? 'development',
        now: () => clock.now().getTime(),
      });
      installPodcasts(sandbox, new PodcastCatalog());
      installCatalogue(sandbox, options.catalogue, { relink: options.relink ?? new Map() });
      return sandbox;
    },
    tempPrefix: 'fanpulse-catalogue-',
    runIdPrefix: 'cat-run',
    env: {
      SPOTIFY_MARKET: 'KR',
      FANPULSE_HTTP_BACKOFF_BASE_MS: '50',
      FANPULSE_HTTP_TIMEOUT_MS: '5000',
      ...options.env,
    },
    dataDir: options.dataDir,
    overrides: { queue },
  });
  const { sandbox, services } = harness;
  return {
    ...harness,
    queue,
    drain: (message, runId) => {
      const next = nextRunId('cat-drain');
      return runLocally(catalog, services, message, { runId: runId ?? next });
    },
    apiLog: () => sandbox.log.filter((r) => r.path.startsWith('/v1/')),
    forbiddenRequests: () =>
      sandbox.log.filter((r) => DEVELOPMENT_FORBIDDEN_PATHS.some((p) => p.test(r.path))),
  };
}
