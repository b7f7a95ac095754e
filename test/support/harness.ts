// A ready-to-run fanpulse for tests: Spotify sandbox on loopback, services on a temp data
// folder with an in-memory DuckDB, a fake clock (no real waiting) and captured logs.
// startSandboxHarness is the same wiring around any sandbox (the Instagram and catalogue
// harnesses build on it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobMessage, type RunSummary } from '../../functions/core/runner.js';
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
import { catalog } from '../../functions/sources/all.js';

export interface SandboxHarness<S> {
  sandbox: S;
  services: Services;
  clock: FakeClock;
  logs: ReturnType<typeof memorySink>;
  dataDir: string;
  /**
   * Runs like a Pub/Sub delivery: a completed run id is acknowledged without running.
   * `runTime` is the publish time (stable across redeliveries); default: now.
   */
  run(message: JobMessage, runId?: string, runTime?: Date): Promise<RunSummary>;
  /** Runs even if the run id completed (a rerun on request). */
  rerun(message: JobMessage, runId: string): Promise<RunSummary>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export type Harness = SandboxHarness<SpotifySandbox>;

interface Sandbox {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  /** The environment that points the collectors at this sandbox. */
  env(): Record<string, string>;
  /** Breaches of the published contract the sandbox is held to. */
  readonly violations?: readonly string[];
}

/**
 * Starts the sandbox `makeSandbox` builds on a fake clock and wires services to it: the
 * given data folder or a temp one (removed on close), an in-memory DuckDB unless
 * overridden, DEBUG logs in memory, `env` over the sandbox's. Default run ids are
 * `<runIdPrefix>-<n>`; nextRunId numbers other kinds of runs with the same counter.
 */
export async function startSandboxHarness<S extends Sandbox>(options: {
  makeSandbox: (clock: FakeClock) => S;
  tempPrefix: string;
  runIdPrefix: string;
  env: Record<string, string>;
  dataDir?: string;
  overrides?: ServiceOverrides;
}): Promise<{ harness: SandboxHarness<S>; nextRunId: (prefix: string) => string }> {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const sandbox = options.makeSandbox(clock);
  await sandbox.start();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), options.tempPrefix)));
  const logs = memorySink();
  const warehouse =
    options.overrides?.warehouse ?? (await openDuckDbWarehouse(':memory:', catalog.schema));
  const services = createServices({
    env: {
      ...sandbox.env(),
      FANPULSE_DATA_DIR: dataDir,
      FANPULSE_LOG_LEVEL: 'DEBUG',
      ...options.env,
    },
    clock,
    sink: logs.sink,
    overrides: { ...options.overrides, warehouse },
  });
  let runs = 0;
  const nextRunId = (prefix: string) => {
    runs += 1;
    return `${prefix}-${runs}`;
  };
  const harness: SandboxHarness<S> = {
    sandbox,
    services,
    clock,
    logs,
    dataDir,
    run: (message, runId, runTime) => {
      const next = nextRunId(options.runIdPrefix);
      return runJobMessage(catalog, services, message, {
        runId: runId ?? next,
        runTime: runTime ?? clock.now(),
      });
    },
    rerun: (message, runId) =>
      runJobMessage(catalog, services, message, { runId, runTime: clock.now(), rerun: true }),
    query: async (sql) => (await services.warehouse()).query(sql),
    close: async () => {
      await warehouse.close();
      await sandbox.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      // A request or an answer outside the published contract fails the test that made it.
      assertNoViolations(sandbox);
    },
  };
  return { harness, nextRunId };
}

export function assertNoViolations(sandbox: { violations?: readonly string[] }): void {
  const v = sandbox.violations ?? [];
  if (v.length > 0)
    throw new Error(
      `the sandbox saw ${v.length} breach(es) of the published contract:\n${[...new Set(v)].slice(0, 10).join('\n')}`,
    );
}

export interface HarnessOptions {
  tier?: Tier;
  catalog?: PodcastCatalogOptions;
  /** A catalog the test keeps a handle on (to change content between runs). */
  podcasts?: PodcastCatalog;
  env?: Record<string, string>;
  overrides?: ServiceOverrides;
  tokenTtlSeconds?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { harness } = await startSandboxHarness({
    makeSandbox: (clock) => {
      const sandbox = new SpotifySandbox({
        tier: options.tier ?? 'development',
        now: () => clock.now().getTime(),
        ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
      });
      installPodcasts(sandbox, options.podcasts ?? new PodcastCatalog(options.catalog));
      // Malformed episodes are deliberately outside the contract.
      if (options.catalog?.malformedEvery)
        sandbox.allowViolations(
          /duration_ms must be integer|items\/\d+ must (be null|match a schema in anyOf)/,
        );
      return sandbox;
    },
    tempPrefix: 'fanpulse-test-',
    runIdPrefix: 'test-run',
    env: {
      SPOTIFY_MARKET: 'BR',
      FANPULSE_HTTP_BACKOFF_BASE_MS: '200',
      FANPULSE_HTTP_TIMEOUT_MS: '3000',
      ...options.env,
    },
    overrides: options.overrides,
  });
  return harness;
}
