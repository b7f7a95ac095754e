// Reads what a function process left in its data folder (FANPULSE_DATA_DIR): the DuckDB
// warehouse file and the landed raw files. Read only after the writer has stopped, since a
// DuckDB file stays locked by the process that opened it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of `sql` over a read-only connection; BIGINTs as numbers, timestamps as ISO text. */
export async function readWarehouse(
  path: string,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJS()
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
          ]),
        ),
      );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every raw file under `<dataDir>/raw`: relative path → sha256 of its bytes. */
export async function rawFiles(dataDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = join(dataDir, 'raw');
  if (!existsSync(root)) return out;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(
      relative(dataDir, path),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}
