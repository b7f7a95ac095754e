// The Warehouse port. Adapters receive rows that are already validated and carry their
// insert_id; batching to the backend's limits is the adapter's business.
import type { TableDef } from '../../schemas/define.js';
import { stableId } from './hash.js';

export type StoredRow = Record<string, unknown> & {
  insert_id: string;
  run_id: string;
  collected_at: string;
};

export interface RejectedRow {
  insertId: string;
  reason: string;
}

export interface InsertOutcome {
  inserted: number;
  rejected: RejectedRow[];
  /** Backend requests it took (BigQuery insertAll calls; DuckDB statements). */
  requests: number;
}

export interface Warehouse {
  readonly kind: 'duckdb' | 'bigquery';
  /** Creates missing tables and views where the adapter owns them (DuckDB); no-op where Terraform does. */
  ensureSchema(): Promise<void>;
  insert(table: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome>;
  /** Read-only SQL with named parameters (@name); table names unqualified. */
  query(
    sql: string,
    params?: Record<string, string | number | boolean | null>,
  ): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * insertId = hash(table, natural key, run id): retries within a run collapse, runs stay
 * distinct snapshots. Tables whose rows are facts rather than snapshots (pushed events) hash
 * the key alone, so a redelivery in any later run is the same row.
 */
export function insertIdFor(table: TableDef, row: Record<string, unknown>): string {
  const key = table.key.map((k) => JSON.stringify(row[k] ?? null));
  return table.insertIdScope === 'key'
    ? stableId(table.name, ...key)
    : stableId(table.name, ...key, String(row.run_id));
}

/** Splits rows into batches under both a row and a byte ceiling (BigQuery: 500 rows, 10 MB). */
export function batchRows<T>(
  rows: readonly T[],
  maxRows: number,
  maxBytes: number,
  size: (row: T) => number,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const rowBytes = size(row);
    if (current.length > 0 && (current.length >= maxRows || bytes + rowBytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += rowBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
