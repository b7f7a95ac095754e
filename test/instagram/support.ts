// A fanpulse wired to the Instagram sandbox: in-memory DuckDB, a temp data folder (raw
// files and the StateStore), a fake clock shared with the sandbox, and captured logs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobMessage, type RunSummary } from '../../functions/jobs/run-job.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { memorySink } from '../../functions/platform/logger.js';
import type { JobMessage } from '../../functions/platform/queue.js';
import {
  createServices,
  type ServiceOverrides,
  type Services,
} from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { InstagramSandbox, type InstagramSandboxOptions } from '../sandbox/instagram/server.js';

export interface InstagramHarness {
  sandbox: InstagramSandbox;
  services: Services;
  clock: FakeClock;
  logs: ReturnType<typeof memorySink>;
  dataDir: string;
  run(message: JobMessage, runId?: string): Promise<RunSummary>;
  rerun(message: JobMessage, runId: string): Promise<RunSummary>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Graph API requests the sandbox received. */
  apiLog(): LoggedRequest[];
  close(): Promise<void>;
}

// Harnesses sharing a data folder must not reuse run ids (a completed run id is skipped).
let harnesses = 0;

export const BRANDS = { job: 'instagram.brands', params: {} } as const;
export const HASHTAGS = { job: 'instagram.hashtags', params: {} } as const;

export async function startInstagramHarness(
  options: {
    sandbox?: InstagramSandboxOptions;
    env?: Record<string, string>;
    overrides?: ServiceOverrides;
    dataDir?: string;
  } = {},
): Promise<InstagramHarness> {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const sandbox = new InstagramSandbox({ now: () => clock.now().getTime(), ...options.sandbox });
  await sandbox.start();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'fanpulse-instagram-')));
  const logs = memorySink();
  const warehouse = options.overrides?.warehouse ?? (await openDuckDbWarehouse(':memory:'));
  const services = createServices({
    env: {
      ...sandbox.env(),
      FANPULSE_DATA_DIR: dataDir,
      FANPULSE_HTTP_BACKOFF_BASE_MS: '100',
      FANPULSE_HTTP_TIMEOUT_MS: '3000',
      FANPULSE_LOG_LEVEL: 'DEBUG',
      ...options.env,
    },
    clock,
    sink: logs.sink,
    overrides: { ...options.overrides, warehouse },
  });
  let runs = 0;
  harnesses += 1;
  const prefix = `ig-${harnesses}-run`;
  return {
    sandbox,
    services,
    clock,
    logs,
    dataDir,
    run: (message, runId) => {
      runs += 1;
      return runJobMessage(services, message, {
        runId: runId ?? `${prefix}-${runs}`,
        runTime: clock.now(),
      });
    },
    rerun: (message, runId) =>
      runJobMessage(services, message, { runId, runTime: clock.now(), rerun: true }),
    query: async (sql) => (await services.warehouse()).query(sql),
    apiLog: () => sandbox.log.filter((r) => /^\/v\d+\.\d+\//.test(r.path)),
    close: async () => {
      await warehouse.close();
      await sandbox.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
