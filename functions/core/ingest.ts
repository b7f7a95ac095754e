// The one-way path of every answer: land it raw, map the landed line to rows, write the
// rows. Live runs and replays go through the same mapper with the same line, so a replay
// produces exactly the rows the live run produced.
import type { JobContext } from './job.js';
import { isRecord } from '../platform/fields.js';
import type { QualityCounters } from '../platform/quality.js';
import type { RawLine, RunIdentity } from '../platform/raw-landing.js';

import type { EntityMapper, TableRows } from './mapper.js';

export { tableRows, type EntityMapper, type TableRows } from './mapper.js';

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

/** A string the job put in the raw line's context (e.g. the market), or null. */
export function contextString(line: RawLine, key: string): string | null {
  const v = line.context[key];
  return typeof v === 'string' ? v : null;
}

/** A number the job put in the raw line's context (e.g. a page offset), or 0. */
export function contextNumber(line: RawLine, key: string): number {
  const v = line.context[key];
  return typeof v === 'number' ? v : 0;
}

/**
 * The context strings a mapper cannot map without (e.g. the artist a page of albums belongs
 * to). When one is missing or empty the line is counted as malformed in `table` and null is
 * returned: the mapper then writes nothing.
 */
export function requiredContext<K extends string>(
  line: RawLine,
  keys: readonly K[],
  table: string,
  quality: QualityCounters,
  what = `context.${keys.join('/')}`,
): Record<K, string> | null {
  const values = {} as Record<K, string>;
  for (const key of keys) {
    const value = contextString(line, key);
    if (!value) {
      quality.count(table, 'malformed_answer', `raw line without ${what}`);
      return null;
    }
    values[key] = value;
  }
  return values;
}

/**
 * The array under `key` of an answer's body (e.g. `data`, `items`, `artists`). When it is
 * missing the answer is counted as malformed in `table` and nothing is mapped from it.
 */
export function listIn(
  body: unknown,
  key: string,
  line: RawLine,
  table: string,
  quality: QualityCounters,
): unknown[] {
  const list = isRecord(body) ? body[key] : undefined;
  if (Array.isArray(list)) return list;
  quality.count(table, 'malformed_answer', `${line.request.url}: no ${key} array`);
  return [];
}
