// A BigQuery REST stand-in for the real @google-cloud/bigquery client. tabledata.insertAll
// checks each row against the table's schema (from schemas/), answers per-row insertErrors
// in the documented shape, deduplicates by insertId only as streaming inserts do (best
// effort, within about a minute: a repeat after the window is stored again), and refuses
// requests over 10 MB or 50,000 rows. jobs.query runs the SQL in DuckDB over what was
// inserted, and answers with the documented schema + rows ({f: [{v}]}) shape.
import type { TableDef } from '../../schemas/define.js';
import { storedColumns } from '../../schemas/generate.js';
import type { StoredRow, Warehouse } from '../../functions/platform/warehouse.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { HttpSandbox, type SandboxAnswer, type SandboxRequest } from './http-sandbox.js';
import { catalog } from '../../functions/sources/all.js';

interface InsertAllBody {
  rows?: Array<{ insertId?: string; json?: Record<string, unknown> }>;
  skipInvalidRows?: boolean;
}

export interface InsertAllCall {
  table: string;
  rows: number;
  bytes: number;
  insertIds: string[];
  skipInvalidRows: boolean;
}

function bqError(code: number, message: string, reason: string): SandboxAnswer {
  return { status: code, body: { error: { code, message, errors: [{ message, reason }] } } };
}

/** Why BigQuery would refuse this row, or null. */
function rowProblem(table: TableDef, json: Record<string, unknown>): string | null {
  const columns = new Map(storedColumns(table));
  for (const name of Object.keys(json)) if (!columns.has(name)) return `no such field: ${name}.`;
  for (const [name, c] of columns) {
    const v = json[name];
    if (v === null || v === undefined) {
      if (c.required) return `Missing required field: ${name}.`;
      continue;
    }
    const ok =
      c.type === 'STRING'
        ? typeof v === 'string'
        : c.type === 'JSON'
          ? typeof v === 'string' && isJsonText(v)
          : c.type === 'INT64'
            ? Number.isInteger(typeof v === 'string' ? Number(v) : v)
            : c.type === 'FLOAT64'
              ? typeof v === 'number' || (typeof v === 'string' && Number.isFinite(Number(v)))
              : c.type === 'BOOL'
                ? typeof v === 'boolean'
                : typeof v === 'string' && !Number.isNaN(Date.parse(v));
    if (!ok) return `Cannot convert value to ${c.type.toLowerCase()}: ${name}.`;
  }
  return null;
}

function isJsonText(v: string): boolean {
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}

/** How long BigQuery remembers an insertId for dedup ("at least one minute", best effort). */
export const DEDUP_WINDOW_MS = 60_000;

export class BigQueryStub extends HttpSandbox {
  readonly inserts: InsertAllCall[] = [];
  /** Rows accepted per table, by insertId: the first copy and when it was accepted. */
  readonly stored = new Map<string, Map<string, { json: Record<string, unknown>; at: number }>>();
  /** Every accepted row per table, repeats after the dedup window included. */
  readonly accepted = new Map<string, number>();
  readonly queries: Array<{ query: string; defaultDataset: unknown; parameters: unknown }> = [];
  private duck: Warehouse | null = null;

  constructor(
    readonly projectId: string,
    readonly dataset: string,
    /** The clock the dedup window runs on (tests pass their fake clock). */
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
    const base = '/bigquery/v2/projects/:project';
    this.route('POST', `${base}/datasets/:dataset/tables/:table/insertAll`, (req, p) =>
      this.insertAll(req, p),
    );
    this.route('POST', `${base}/queries`, (req) => this.query(req));
  }

  private async insertAll(req: SandboxRequest, p: Record<string, string>): Promise<SandboxAnswer> {
    if (p.project !== this.projectId || p.dataset !== this.dataset)
      return bqError(404, `Not found: Dataset ${p.project}:${p.dataset}`, 'notFound');
    const table = catalog.tables.find((t) => t.name === p.table);
    if (!table)
      return bqError(404, `Not found: Table ${p.project}:${p.dataset}.${p.table}`, 'notFound');
    if (req.bytes.length > 10 * 1024 * 1024)
      return bqError(400, 'Request payload size exceeds the limit: 10485760 bytes.', 'invalid');
    const body = JSON.parse(req.body) as InsertAllBody;
    const rows = body.rows ?? [];
    if (rows.length > 50_000)
      return bqError(400, 'too many rows present in the request', 'invalid');
    this.inserts.push({
      table: table.name,
      rows: rows.length,
      bytes: req.bytes.length,
      insertIds: rows.map((r) => r.insertId ?? ''),
      skipInvalidRows: body.skipInvalidRows === true,
    });
    const problems = rows.map((r) => rowProblem(table, r.json ?? {}));
    const anyBad = problems.some((x) => x !== null);
    const insertErrors = problems.flatMap((problem, index) => {
      if (problem)
        return [{ index, errors: [{ reason: 'invalid', location: '', message: problem }] }];
      // Without skipInvalidRows one bad row stops the whole request.
      if (anyBad && !body.skipInvalidRows)
        return [{ index, errors: [{ reason: 'stopped', location: '', message: '' }] }];
      return [];
    });
    if (!anyBad || body.skipInvalidRows) {
      const kept =
        this.stored.get(table.name) ??
        new Map<string, { json: Record<string, unknown>; at: number }>();
      const accepted: StoredRow[] = [];
      const now = this.now();
      rows.forEach((r, i) => {
        const id = r.insertId ?? `auto-${this.inserts.length}-${i}`;
        const seen = kept.get(id);
        if (problems[i] || (seen && now - seen.at < DEDUP_WINDOW_MS)) return;
        kept.set(id, { json: r.json ?? {}, at: now });
        const n = (this.accepted.get(table.name) ?? 0) + 1;
        this.accepted.set(table.name, n);
        // A repeat past the window is a second row (the mirror's key must differ).
        accepted.push(fromInsertAll(table, r.json ?? {}, seen ? `${id}#${n}` : id));
      });
      this.stored.set(table.name, kept);
      if (accepted.length > 0) await (await this.warehouse()).insert(table, accepted);
    }
    return {
      status: 200,
      body: {
        kind: 'bigquery#tableDataInsertAllResponse',
        ...(insertErrors.length > 0 ? { insertErrors } : {}),
      },
    };
  }

  private async warehouse(): Promise<Warehouse> {
    this.duck ??= await openDuckDbWarehouse(':memory:', catalog.schema);
    return this.duck;
  }

  private async query(req: SandboxRequest): Promise<SandboxAnswer> {
    const body = JSON.parse(req.body) as {
      query: string;
      defaultDataset?: { datasetId?: string };
      queryParameters?: Array<{
        name: string;
        parameterType: { type: string };
        parameterValue?: { value?: string | null };
      }>;
    };
    this.queries.push({
      query: body.query,
      defaultDataset: body.defaultDataset,
      parameters: body.queryParameters,
    });
    if (body.defaultDataset?.datasetId !== this.dataset)
      return bqError(400, 'Table name missing dataset while no default dataset is set', 'invalid');
    const params: Record<string, string | number | boolean | null> = {};
    for (const q of body.queryParameters ?? []) {
      const v = q.parameterValue?.value ?? null;
      params[q.name] =
        v === null ? null : ['INT64', 'FLOAT64'].includes(q.parameterType.type) ? Number(v) : v;
    }
    const result = await (await this.warehouse()).query(body.query, params);
    const names = result[0] ? Object.keys(result[0]) : [];
    const sample = (name: string) => result.find((r) => r[name] !== null)?.[name];
    const fields = names.map((name) => {
      const v = sample(name);
      const type =
        typeof v === 'number'
          ? Number.isInteger(v)
            ? 'INTEGER'
            : 'FLOAT'
          : typeof v === 'boolean'
            ? 'BOOLEAN'
            : 'STRING';
      return { name, type, mode: 'NULLABLE' };
    });
    return {
      status: 200,
      body: {
        kind: 'bigquery#queryResponse',
        jobReference: {
          projectId: this.projectId,
          jobId: `job_${this.queries.length}`,
          location: 'US',
        },
        jobComplete: true,
        totalRows: String(result.length),
        schema: { fields },
        rows: result.map((r) => ({
          f: names.map((n) => ({ v: r[n] === null || r[n] === undefined ? null : String(r[n]) })),
        })),
      },
    };
  }

  async close(): Promise<void> {
    await this.duck?.close();
    await this.stop();
  }
}

/** An insertAll row back in the shape the DuckDB adapter takes (JSON text parsed). */
function fromInsertAll(
  table: TableDef,
  json: Record<string, unknown>,
  insertId: string,
): StoredRow {
  const row: Record<string, unknown> = { ...json, insert_id: insertId };
  for (const [name, c] of storedColumns(table))
    if (c.type === 'JSON' && typeof row[name] === 'string') row[name] = JSON.parse(row[name]);
  return row as StoredRow;
}
