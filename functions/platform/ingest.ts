// The one-way path of every answer: land it raw, map the landed line to rows, write the
// rows. Live runs and replays go through the same mapper with the same line, so a replay
// produces exactly the rows the live run produced.
import type { RowOf, TableDef } from '../../schemas/define.js';
import type { JobContext } from '../jobs/types.js';
import type { QualityCounters } from './quality.js';
import type { RawLine, RunIdentity } from './raw-landing.js';

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

export interface Answer {
  url: string;
  status: number;
  body: unknown;
  method?: string;
}

export async function ingest(
  ctx: JobContext,
  mapper: EntityMapper,
  answer: Answer,
  context: Record<string, unknown> = {},
): Promise<TableRows[]> {
  const line = await ctx.landing.record(mapper.source, mapper.entity, answer, context);
  const mapped = mapper.map(line, ctx.run, ctx.quality);
  for (const { table, rows } of mapped) await ctx.rows.add(table, rows);
  return mapped;
}

export function standardFields(run: RunIdentity): { collected_at: string; run_id: string } {
  return { collected_at: run.runTime.toISOString(), run_id: run.runId };
}
