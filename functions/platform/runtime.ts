// Builds the adapters the configuration asks for, each on first use. Cloud adapters are
// imported dynamically so a function never loads a client library it does not use.
import { join } from 'node:path';
import type { WarehouseSchema } from '../../schemas/define.js';
import { systemClock, type Clock } from './clock.js';
import { loadPlatformConfig, type PlatformConfig } from './config.js';
import type { Env } from './env.js';
import { lazy } from './lazy.js';
import { createLogger, Redactor, type LogSink, type Logger } from './logger.js';
import { LocalRawStore, type RawStore } from './raw-store.js';
import { EnvSecrets, type Secrets } from './secrets.js';
import { MemoryQueue, type JobQueue } from './queue.js';
import { FileStateStore, type StateStore } from './state.js';
import type { Warehouse } from './warehouse.js';

export interface Services {
  readonly config: PlatformConfig;
  readonly env: Env;
  readonly clock: Clock;
  readonly redactor: Redactor;
  readonly log: Logger;
  rawStore(): Promise<RawStore>;
  warehouse(): Promise<Warehouse>;
  secrets(): Promise<Secrets>;
  queue(): Promise<JobQueue>;
  state(): Promise<StateStore>;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  rawStore?: RawStore;
  warehouse?: Warehouse;
  secrets?: Secrets;
  queue?: JobQueue;
  state?: StateStore;
}

export interface CreateServicesOptions {
  env?: Env;
  clock?: Clock;
  sink?: LogSink;
  redactor?: Redactor;
  overrides?: ServiceOverrides;
  labels?: Record<string, string>;
  /**
   * The tables and views a local (DuckDB) warehouse creates: the caller's sources (platform
   * knows none). A function may be given a loader, called only when DuckDB opens.
   */
  schema?: WarehouseSchema | (() => Promise<WarehouseSchema>);
}

const NO_TABLES: WarehouseSchema = { tables: [], views: [] };

export function createServices(options: CreateServicesOptions = {}): Services {
  const env = options.env ?? process.env;
  const config = loadPlatformConfig(env);
  const clock = options.clock ?? systemClock;
  const redactor = options.redactor ?? new Redactor();
  const log = createLogger({
    redactor,
    labels: options.labels ?? {},
    minSeverity: config.logLevel,
    ...(options.sink ? { sink: options.sink } : {}),
  });
  const o = options.overrides ?? {};
  const project = config.project ?? '';
  let openedWarehouse: Warehouse | undefined;

  const services: Services = {
    config,
    env,
    clock,
    redactor,
    log,
    rawStore: lazy(async () => {
      if (o.rawStore) return o.rawStore;
      if (config.rawStore === 'gcs') {
        const { GcsRawStore } = await import('./raw-store-gcs.js');
        return new GcsRawStore({ bucket: config.rawBucket ?? '', projectId: project });
      }
      return new LocalRawStore(config.dataDir);
    }),
    warehouse: lazy(async () => {
      if (o.warehouse) return o.warehouse;
      if (config.warehouse === 'bigquery') {
        const { BigQueryWarehouse } = await import('./warehouse-bigquery.js');
        openedWarehouse = new BigQueryWarehouse({
          projectId: project,
          dataset: config.dataset,
          location: config.bigqueryLocation,
        });
      } else {
        const { openDuckDbWarehouse } = await import('./warehouse-duckdb.js');
        const schema = options.schema ?? NO_TABLES;
        openedWarehouse = await openDuckDbWarehouse(
          config.duckdbPath,
          typeof schema === 'function' ? await schema() : schema,
          { memoryLimit: config.duckdbMemoryLimit },
        );
      }
      return openedWarehouse as Warehouse;
    }),
    secrets: lazy(async () => {
      if (o.secrets) return o.secrets;
      if (config.secrets === 'secret-manager') {
        const { SecretManagerSecrets } = await import('./secrets-gcp.js');
        return new SecretManagerSecrets({
          projectId: project,
          version: config.secretVersion,
          cacheSeconds: config.secretCacheSeconds,
          prefix: config.secretPrefix,
          redactor,
          clock,
        });
      }
      return new EnvSecrets(env, redactor);
    }),
    queue: lazy(async () => {
      if (o.queue) return o.queue;
      if (config.queue === 'pubsub') {
        const { PubSubQueue } = await import('./queue-pubsub.js');
        return new PubSubQueue({
          projectId: project,
          topicPrefix: config.topicPrefix,
          maxMilliseconds: config.pubsubBatchMs,
        });
      }
      return new MemoryQueue();
    }),
    state: lazy(async () => {
      if (o.state) return o.state;
      if (config.stateStore === 'gcs') {
        const { GcsStateStore } = await import('./state-gcs.js');
        return new GcsStateStore({
          bucket: config.stateBucket ?? '',
          projectId: project,
          prefix: 'state/',
        });
      }
      return new FileStateStore(join(config.dataDir, 'state'));
    }),
    close: async () => {
      if (openedWarehouse && !o.warehouse) await openedWarehouse.close();
      openedWarehouse = undefined;
    },
  };
  return services;
}
