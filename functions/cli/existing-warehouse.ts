// Commands that only read the local warehouse must not open DuckDB where there is none:
// opening creates an empty file, and a mistyped FANPULSE_DATA_DIR then looks like "no data".
import { existsSync } from 'node:fs';
import type { PlatformConfig } from '../platform/config.js';
import { UsageError } from './errors.js';

export function requireExistingWarehouse(
  config: Pick<PlatformConfig, 'warehouse' | 'duckdbPath' | 'dataDir'>,
): void {
  const { warehouse, duckdbPath, dataDir } = config;
  if (warehouse === 'duckdb' && duckdbPath !== ':memory:' && !existsSync(duckdbPath))
    throw new UsageError(
      `no warehouse at ${duckdbPath}: run a job first (npm run demo), or set FANPULSE_DATA_DIR (now ${dataDir}) to the folder that holds it`,
    );
}
