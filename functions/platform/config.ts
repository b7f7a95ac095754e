import { z } from 'zod';
import { parseEnv, positiveInt, nonNegativeInt, type Env } from './env.js';

// Every adapter is chosen separately so tests and laptops can mix (say, DuckDB with the
// Pub/Sub emulator). FANPULSE_BACKEND only sets the defaults.
const platformSchema = z
  .object({
    FANPULSE_BACKEND: z.enum(['local', 'gcp']).default('local'),
    FANPULSE_RAW_STORE: z.enum(['local', 'gcs']).optional(),
    FANPULSE_WAREHOUSE: z.enum(['duckdb', 'bigquery']).optional(),
    FANPULSE_SECRETS: z.enum(['env', 'secret-manager']).optional(),
    FANPULSE_QUEUE: z.enum(['memory', 'pubsub']).optional(),
    FANPULSE_STATE_STORE: z.enum(['local', 'gcs']).optional(),
    FANPULSE_DATA_DIR: z.string().min(1).default('.fanpulse'),
    FANPULSE_DUCKDB_PATH: z.string().min(1).optional(),
    // DuckDB's buffer cache ceiling (its memory_limit, e.g. 256MB); unset: 80 % of the RAM.
    FANPULSE_DUCKDB_MEMORY_LIMIT: z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 256MB or 1GiB')
      .optional(),
    GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
    FANPULSE_RAW_BUCKET: z.string().min(3).optional(),
    FANPULSE_STATE_BUCKET: z.string().min(3).optional(),
    FANPULSE_BQ_DATASET: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'letters, digits and underscores only')
      .default('fanpulse'),
    FANPULSE_BQ_LOCATION: z.string().default('US'),
    FANPULSE_SECRET_VERSION: z.string().default('latest'),
    FANPULSE_SECRET_CACHE_SECONDS: nonNegativeInt.default(300),
    // Environments sharing a project keep their own secrets: Terraform names them
    // <prefix><id> and passes the prefix here.
    FANPULSE_SECRET_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, hyphens and underscores only')
      .default(''),
    FANPULSE_TOPIC_PREFIX: z.string().default('fanpulse-'),
    FANPULSE_PUBSUB_BATCH_MS: nonNegativeInt.default(20),
    FANPULSE_RAW_GZIP: z.enum(['true', 'false']).default('false'),
    FANPULSE_HTTP_TIMEOUT_MS: positiveInt.default(15_000),
    FANPULSE_HTTP_RETRIES: nonNegativeInt.default(4),
    FANPULSE_HTTP_BACKOFF_BASE_MS: nonNegativeInt.default(500),
    FANPULSE_HTTP_BACKOFF_MAX_MS: positiveInt.default(20_000),
    FANPULSE_RETRY_AFTER_BUDGET_SECONDS: nonNegativeInt.default(30),
    FANPULSE_RUN_BUDGET_SECONDS: positiveInt.default(480),
    FANPULSE_PENALTY_CACHE_SECONDS: nonNegativeInt.default(5),
    FANPULSE_CHECKPOINT_SECONDS: nonNegativeInt.default(60),
    FANPULSE_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR']).default('INFO'),
  })
  .transform((env) => {
    const gcp = env.FANPULSE_BACKEND === 'gcp';
    return {
      backend: env.FANPULSE_BACKEND,
      rawStore: env.FANPULSE_RAW_STORE ?? (gcp ? 'gcs' : 'local'),
      warehouse: env.FANPULSE_WAREHOUSE ?? (gcp ? 'bigquery' : 'duckdb'),
      secrets: env.FANPULSE_SECRETS ?? (gcp ? 'secret-manager' : 'env'),
      queue: env.FANPULSE_QUEUE ?? (gcp ? 'pubsub' : 'memory'),
      stateStore: env.FANPULSE_STATE_STORE ?? (gcp ? 'gcs' : 'local'),
      dataDir: env.FANPULSE_DATA_DIR,
      duckdbPath: env.FANPULSE_DUCKDB_PATH ?? `${env.FANPULSE_DATA_DIR}/warehouse.duckdb`,
      duckdbMemoryLimit: env.FANPULSE_DUCKDB_MEMORY_LIMIT ?? null,
      project: env.GOOGLE_CLOUD_PROJECT,
      rawBucket: env.FANPULSE_RAW_BUCKET,
      stateBucket: env.FANPULSE_STATE_BUCKET ?? env.FANPULSE_RAW_BUCKET,
      dataset: env.FANPULSE_BQ_DATASET,
      bigqueryLocation: env.FANPULSE_BQ_LOCATION,
      secretVersion: env.FANPULSE_SECRET_VERSION,
      secretCacheSeconds: env.FANPULSE_SECRET_CACHE_SECONDS,
      secretPrefix: env.FANPULSE_SECRET_PREFIX,
      topicPrefix: env.FANPULSE_TOPIC_PREFIX,
      pubsubBatchMs: env.FANPULSE_PUBSUB_BATCH_MS,
      rawGzip: env.FANPULSE_RAW_GZIP === 'true',
      http: {
        timeoutMs: env.FANPULSE_HTTP_TIMEOUT_MS,
        retries: env.FANPULSE_HTTP_RETRIES,
        backoffBaseMs: env.FANPULSE_HTTP_BACKOFF_BASE_MS,
        backoffMaxMs: env.FANPULSE_HTTP_BACKOFF_MAX_MS,
        retryAfterBudgetSeconds: env.FANPULSE_RETRY_AFTER_BUDGET_SECONDS,
      },
      runBudgetSeconds: env.FANPULSE_RUN_BUDGET_SECONDS,
      penaltyCacheSeconds: env.FANPULSE_PENALTY_CACHE_SECONDS,
      checkpointSeconds: env.FANPULSE_CHECKPOINT_SECONDS,
      logLevel: env.FANPULSE_LOG_LEVEL,
    };
  })
  .superRefine((c, ctx) => {
    const need = (cond: boolean, what: string, variable: string) => {
      if (cond) ctx.addIssue({ code: 'custom', path: [variable], message: `required for ${what}` });
    };
    need(
      c.rawStore === 'gcs' && !c.rawBucket,
      'the Cloud Storage raw store',
      'FANPULSE_RAW_BUCKET',
    );
    need(
      c.stateStore === 'gcs' && !c.stateBucket,
      'the Cloud Storage state store',
      'FANPULSE_STATE_BUCKET',
    );
    need(c.secrets === 'secret-manager' && !c.project, 'Secret Manager', 'GOOGLE_CLOUD_PROJECT');
    need(c.queue === 'pubsub' && !c.project, 'Pub/Sub', 'GOOGLE_CLOUD_PROJECT');
  });

export type PlatformConfig = z.output<typeof platformSchema>;
export type HttpPolicyConfig = PlatformConfig['http'];

export function loadPlatformConfig(env: Env = process.env): PlatformConfig {
  return parseEnv(platformSchema, env, 'platform');
}
