// DuckDB adapter: the embedded default and the engine the tests check data in. insert_id
// is the primary key and inserts replace, so a rerun of a run leaves the same rows.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import {
  latestViewOf,
  viewsInDependencyOrder,
  type TableDef,
  type WarehouseSchema,
} from '../../schemas/define.js';
import {
  DUCKDB_TYPES,
  duckdbTableDdl,
  duckdbViewDdl,
  storedColumns,
} from '../../schemas/generate.js';
import type { InsertOutcome, StoredRow, Warehouse } from './warehouse.js';

// Reported like BigQuery's insertAll requests so run summaries compare across backends.
const ROWS_PER_REQUEST = 500;

/**
 * Opens (or creates) a DuckDB warehouse that holds `schema`. A table written that the schema
 * did not declare (replay into another source's table) is created, with its latest view,
 * on first insert.
 */
export async function openDuckDbWarehouse(
  path: string,
  schema: WarehouseSchema,
  options: { memoryLimit?: string | null } = {},
): Promise<Warehouse> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  // memory_limit caps DuckDB's buffer cache (default 80 % of the machine's RAM), which a
  // long run otherwise fills with the blocks it wrote.
  const instance = await DuckDBInstance.create(
    path,
    options.memoryLimit ? { memory_limit: options.memoryLimit } : {},
  );
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`).catch(() => undefined);
  return new DuckDbWarehouse(connection, instance, schema);
}

class DuckDbWarehouse implements Warehouse {
  readonly kind = 'duckdb' as const;
  private schemaReady = false;
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    private readonly schema: WarehouseSchema,
  ) {}

  private readonly created = new Set<string>();
  // One connection runs one statement at a time, and concurrent runs of one process (the job
  // functions take several deliveries at once) would share a staging table: every operation
  // waits for the one before it.
  private readonly exclusive = pLimit(1);

  ensureSchema(): Promise<void> {
    return this.exclusive(() => this.ensureSchemaNow());
  }

  private async ensureSchemaNow(): Promise<void> {
    if (this.schemaReady) return;
    const { tables, views } = this.schema;
    for (const table of tables) await this.connection.run(duckdbTableDdl(table));
    for (const view of viewsInDependencyOrder(tables, views))
      await this.connection.run(duckdbViewDdl(view));
    for (const table of tables) this.created.add(table.name);
    this.schemaReady = true;
  }

  private async ensureTable(table: TableDef): Promise<void> {
    if (this.created.has(table.name)) return;
    await this.connection.run(duckdbTableDdl(table));
    await this.connection.run(duckdbViewDdl(latestViewOf(table)));
    this.created.add(table.name);
  }

  insert(table: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome> {
    return this.exclusive(() => this.insertNow(table, rows));
  }

  private async insertNow(table: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome> {
    await this.ensureSchemaNow();
    await this.ensureTable(table);
    if (rows.length === 0) return { inserted: 0, rejected: [], requests: 0 };
    const columns = storedColumns(table);
    const unique = [...new Map(rows.map((r) => [r.insert_id, r])).values()];
    // Appending text into an untyped staging table, then one set-based upsert with casts,
    // is an order of magnitude faster than binding thousands of statement parameters.
    const stage = await this.stagingTable(table);
    const appender = await this.connection.createAppender(stage);
    for (const row of unique) {
      for (const [name, c] of columns) {
        const text = c.type === 'JSON' ? jsonText(row[name]) : toText(row[name]);
        if (text === null) appender.appendNull();
        else appender.appendVarchar(text);
      }
      appender.endRow();
    }
    appender.closeSync();
    const names = columns.map(([n]) => n).join(', ');
    const casts = columns.map(([n, c]) => `CAST(${n} AS ${DUCKDB_TYPES[c.type]})`).join(', ');
    try {
      await this.connection.run(
        `INSERT OR REPLACE INTO ${table.name} (${names}) SELECT ${casts} FROM ${stage}`,
      );
    } finally {
      // Dropped, not emptied: DELETE leaves a temp table's storage in memory, so a long run
      // held every row it ever staged (63 MB for 200,000 episode rows).
      await this.connection.run(`DROP TABLE ${stage}`);
    }
    return {
      inserted: unique.length,
      rejected: [],
      requests: Math.ceil(unique.length / ROWS_PER_REQUEST),
    };
  }

  /** A fresh staging table per batch (each batch drops its own). */
  private async stagingTable(table: TableDef): Promise<string> {
    const name = `stage_${table.name}`;
    const columns = storedColumns(table).map(([n]) => `${n} VARCHAR`);
    await this.connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${name} (${columns.join(', ')})`);
    return name;
  }

  query(sql: string, params: Record<string, string | number | boolean | null> = {}) {
    return this.exclusive(() => this.queryNow(sql, params));
  }

  private async queryNow(sql: string, params: Record<string, string | number | boolean | null>) {
    await this.ensureSchemaNow();
    // DuckDB names parameters $name; the port speaks BigQuery's @name.
    const duckSql = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => `$${name}`);
    const reader = await this.connection.runAndReadAll(duckSql, params);
    return reader.getRowObjectsJS().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
      return out;
    });
  }

  close(): Promise<void> {
    return this.exclusive(() => {
      this.connection.closeSync();
      // Closing the instance releases the file lock, so another process (the CLI) can open it.
      this.instance.closeSync();
    });
  }
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function jsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

// Results look the same from every warehouse: safe integers as numbers, bigger ones as
// strings (never rounded), timestamps as ISO strings.
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}
