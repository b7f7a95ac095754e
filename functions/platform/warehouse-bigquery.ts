// BigQuery adapter: streaming inserts (insertAll) with our insert_id as insertId, in
// batches of at most 500 rows and 10 MB. Invalid rows are skipped by BigQuery and reported
// back one by one, so one bad row never blocks its batch and never disappears silently.
// Tables and views are Terraform's business: ensureSchema does nothing here.
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import type { TableDef } from '../../schemas/define.js';
import { storedColumns } from '../../schemas/generate.js';
import { PermanentError, TransientError, errorCode, errorMessage } from './errors.js';
import {
  batchRows,
  type InsertOutcome,
  type RejectedRow,
  type StoredRow,
  type Warehouse,
} from './warehouse.js';

export const MAX_ROWS_PER_INSERT = 500;
/** insertAll's request limit is 10 MB; the JSON envelope around rows needs a little room. */
export const MAX_BYTES_PER_INSERT = 9_500_000;

export interface BigQueryWarehouseOptions {
  projectId: string;
  dataset: string;
  location: string;
  /** Extra client options (tests point apiEndpoint at a stub and pass an authClient). */
  clientOptions?: BigQueryOptions;
}

interface InsertAllRow {
  insertId: string;
  json: Record<string, unknown>;
}

interface PartialFailure {
  row?: InsertAllRow;
  errors?: Array<{ reason?: string; message?: string }>;
}

type QueryParam = string | number | boolean | null;

export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery' as const;
  private readonly client: BigQuery;

  constructor(private readonly options: BigQueryWarehouseOptions) {
    this.client = new BigQuery({
      projectId: options.projectId,
      location: options.location,
      ...options.clientOptions,
    });
  }

  async ensureSchema(): Promise<void> {}

  async insert(table: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome> {
    const encoded = rows.map((row) => encodeRow(table, row));
    const batches = batchRows(
      encoded,
      MAX_ROWS_PER_INSERT,
      MAX_BYTES_PER_INSERT,
      (r) => Buffer.byteLength(JSON.stringify(r)) + 16,
    );
    const target = this.client.dataset(this.options.dataset).table(table.name);
    const rejected: RejectedRow[] = [];
    let inserted = 0;
    for (const batch of batches) {
      try {
        // partialRetries 0: the library would resend rows BigQuery called invalid; our run
        // is retried whole instead, and insertIds make that resend harmless.
        await target.insert(batch, { raw: true, skipInvalidRows: true, partialRetries: 0 });
        inserted += batch.length;
      } catch (error) {
        const failures = partialFailuresOf(error);
        if (!failures) throw classifyBigQueryError(error, table.name);
        const failed = new Set<string>();
        for (const f of failures) {
          const insertId = f.row?.insertId ?? '(unknown row)';
          failed.add(insertId);
          const reasons = (f.errors ?? []).map((e) => `${e.reason ?? 'error'}: ${e.message ?? ''}`);
          rejected.push({ insertId, reason: reasons.join('; ') || 'rejected' });
        }
        inserted += batch.filter((r) => !failed.has(r.insertId)).length;
      }
    }
    return { inserted, rejected, requests: batches.length };
  }

  async query(
    sql: string,
    params: Record<string, QueryParam> = {},
  ): Promise<Array<Record<string, unknown>>> {
    const types: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) if (value === null) types[name] = 'STRING';
    try {
      const [rows] = await this.client.query({
        query: sql,
        params,
        types,
        location: this.options.location,
        defaultDataset: { projectId: this.options.projectId, datasetId: this.options.dataset },
        wrapIntegers: false,
      });
      return (rows as Array<Record<string, unknown>>).map(plainRow);
    } catch (error) {
      throw classifyBigQueryError(error, 'query');
    }
  }

  async close(): Promise<void> {}
}

/** Values as insertAll wants them: JSON columns as JSON text, everything else as is. */
export function encodeRow(table: TableDef, row: StoredRow): InsertAllRow {
  const json: Record<string, unknown> = {};
  for (const [name, column] of storedColumns(table)) {
    const value = row[name];
    if (value === undefined || value === null) json[name] = null;
    else json[name] = column.type === 'JSON' ? JSON.stringify(value) : value;
  }
  return { insertId: row.insert_id, json };
}

function partialFailuresOf(error: unknown): PartialFailure[] | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { name?: unknown; errors?: unknown };
  return e.name === 'PartialFailureError' && Array.isArray(e.errors)
    ? (e.errors as PartialFailure[])
    : null;
}

/** 4xx other than 408/429 cannot get better by retrying (missing table, bad schema, auth). */
function classifyBigQueryError(error: unknown, what: string): Error {
  const code = errorCode(error);
  const message = `BigQuery ${what}: ${errorMessage(error)}`;
  if (code !== undefined && code >= 400 && code < 500 && code !== 408 && code !== 429)
    return new PermanentError(message, { cause: error });
  return new TransientError(message, { cause: error });
}

/** Query results as plain JSON-able values (BigQuery wraps timestamps and dates). */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

/** Exported for tests: what each BigQuery value type becomes. */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // BigQueryTimestamp, BigQueryDate, BigQueryDatetime, BigQueryTime: { value: string }
  const wrapped = value as { value?: unknown };
  if (Object.keys(value).length === 1 && typeof wrapped.value === 'string') return wrapped.value;
  return plainRow(value as Record<string, unknown>);
}
