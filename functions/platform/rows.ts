// Per-run row sink: validates rows against their table, stamps insert_id, buffers and
// flushes in batches, and counts what was written and what was rejected.
import type { RowOf, TableDef } from '../../schemas/define.js';
import type { Logger } from './logger.js';
import type { QualityCounters } from './quality.js';
import { insertIdFor, type StoredRow, type Warehouse } from './warehouse.js';

const FLUSH_AT = 500;

export class RowWriter {
  private readonly buffers = new Map<string, { table: TableDef; rows: StoredRow[] }>();
  readonly written = new Map<string, number>();
  insertRequests = 0;
  /** Rows the warehouse refused; a run with any must not count as succeeded. */
  warehouseRejected = 0;
  firstRejection: string | null = null;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly quality: QualityCounters,
    private readonly log: Logger,
  ) {}

  async add<T extends TableDef>(table: T, rows: ReadonlyArray<RowOf<T>>): Promise<void> {
    let entry = this.buffers.get(table.name);
    if (!entry) {
      entry = { table, rows: [] };
      this.buffers.set(table.name, entry);
    }
    for (const row of rows) {
      const parsed = table.rowSchema.safeParse(row);
      if (!parsed.success) {
        const reason = parsed.error.issues
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ');
        this.quality.count(table.name, 'rejected_row', reason);
        continue;
      }
      const data = parsed.data as Record<string, unknown>;
      entry.rows.push({ ...data, insert_id: insertIdFor(table, data) } as StoredRow);
    }
    if (entry.rows.length >= FLUSH_AT) await this.flushTable(entry);
  }

  async flush(): Promise<void> {
    for (const entry of this.buffers.values()) await this.flushTable(entry);
  }

  private async flushTable(entry: { table: TableDef; rows: StoredRow[] }): Promise<void> {
    if (entry.rows.length === 0) return;
    const rows = entry.rows;
    entry.rows = [];
    const outcome = await this.warehouse.insert(entry.table, rows);
    this.insertRequests += outcome.requests;
    this.written.set(
      entry.table.name,
      (this.written.get(entry.table.name) ?? 0) + outcome.inserted,
    );
    for (const rejected of outcome.rejected) {
      this.quality.count(entry.table.name, 'warehouse_rejected_row', rejected.reason);
      this.warehouseRejected += 1;
      this.firstRejection ??= `${entry.table.name}: ${rejected.reason}`;
    }
    if (outcome.rejected.length > 0) {
      this.log.error('warehouse rejected rows', {
        table: entry.table.name,
        rejected: outcome.rejected.length,
        sample: outcome.rejected.slice(0, 3),
      });
    }
  }

  rowsPerTable(): Record<string, number> {
    return Object.fromEntries(this.written);
  }
}
