// DuckDB adapter: the embedded default and the engine the tests check data in. insert_id
// is the primary key and inserts replace, so a rerun of a run leaves the same rows.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableDef } from '../../schemas/define.js';
import { DUCKDB_TYPES, duckdbTableDdl, duckdbViewDdl, storedColumns } from '../../schemas/generate.js';
import { tables, viewsInDependencyOrder } from '../../schemas/index.js';
import type { InsertOutcome, StoredRow, Warehouse } from './warehouse.js';

const ROWS_PER_STATEMENT = 500;

export async function openDuckDbWarehouse(path: string): Promise<Warehouse> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`).catch(() => undefined);
  return new DuckDbWarehouse(connection);
}

class DuckDbWarehouse implements Warehouse {
  readonly kind = 'duckdb' as const;
  private schemaReady = false;
  constructor(private readonly connection: DuckDBConnection) {}

  async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    for (const table of tables) await this.connection.run(duckdbTableDdl(table));
    for (const view of viewsInDependencyOrder()) await this.connection.run(duckdbViewDdl(view));
    this.schemaReady = true;
  }

  async insert(table: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome> {
    await this.ensureSchema();
    const columns = storedColumns(table);
    const unique = [...new Map(rows.map((r) => [r.insert_id, r])).values()];
    let requests = 0;
    for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
      const chunk = unique.slice(start, start + ROWS_PER_STATEMENT);
      const values: (string | null)[] = [];
      const tuples = chunk.map((row) => {
        const placeholders = columns.map(([name, c]) => {
          values.push(c.type === 'JSON' ? jsonText(row[name]) : toText(row[name]));
          return `CAST($${values.length} AS ${DUCKDB_TYPES[c.type]})`;
        });
        return `(${placeholders.join(', ')})`;
      });
      const sql = `INSERT OR REPLACE INTO ${table.name} (${columns.map(([n]) => n).join(', ')}) VALUES ${tuples.join(', ')}`;
      await this.connection.run(sql, values);
      requests += 1;
    }
    return { inserted: unique.length, rejected: [], requests };
  }

  async query(sql: string, params: Record<string, string | number | boolean | null> = {}) {
    await this.ensureSchema();
    // DuckDB names parameters $name; the port speaks BigQuery's @name.
    const duckSql = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => `$${name}`);
    const reader = await this.connection.runAndReadAll(duckSql, params);
    return reader.getRowObjectsJS().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
      return out;
    });
  }

  async close(): Promise<void> {
    this.connection.closeSync();
  }
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function jsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

// Results look the same from every warehouse: safe integers as numbers, bigger ones as
// strings (never rounded), timestamps as ISO strings.
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}
