// What a mapper is: a pure function from one landed raw line to typed rows of tables. Live
// runs (core/ingest.ts), replay and `fanpulse map` all go through the same mapper.
import type { RowOf, TableDef } from '../../schemas/define.js';
import type { QualityCounters } from '../platform/quality.js';
import type { RawLine, RunIdentity } from '../platform/raw-landing.js';

export interface TableRows<T extends TableDef = TableDef> {
  table: T;
  rows: Array<RowOf<T>>;
}

export function tableRows<T extends TableDef>(table: T, rows: Array<RowOf<T>>): TableRows {
  return { table, rows } as unknown as TableRows;
}

export interface EntityMapper {
  readonly source: string;
  readonly entity: string;
  readonly description: string;
  map(line: RawLine, run: RunIdentity, quality: QualityCounters): TableRows[];
}
