// Data-quality counters of one run: what was rejected or stored as NULL, per table and
// check, with one sample reason each. They go to the run summary and the data_quality table.

export interface QualityEntry {
  table: string;
  check: string;
  count: number;
  sample: string | null;
}

export class QualityCounters {
  private readonly entries = new Map<string, QualityEntry>();

  count(table: string, check: string, sample?: string): void {
    const id = `${table}\u0000${check}`;
    const entry = this.entries.get(id) ?? { table, check, count: 0, sample: null };
    entry.count += 1;
    if (entry.sample === null && sample) entry.sample = sample.slice(0, 300);
    this.entries.set(id, entry);
  }

  /** A field that failed validation and was stored as NULL. */
  nulledField(table: string, field: string, reason: string): void {
    this.count(table, `nulled_field:${field}`, reason);
  }

  /** A whole record that could not be used. */
  rejectedRecord(table: string, reason: string): void {
    this.count(table, 'rejected_record', reason);
  }

  list(): QualityEntry[] {
    return [...this.entries.values()];
  }

  total(): number {
    return this.list().reduce((sum, e) => sum + e.count, 0);
  }

  summary(): Record<string, number> {
    return Object.fromEntries(this.list().map((e) => [`${e.table}.${e.check}`, e.count]));
  }
}
