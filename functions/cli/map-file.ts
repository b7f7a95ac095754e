// `fanpulse map <entity> <file>`: the typed rows of raw answers, for checking a mapper
// against a real answer. Accepts a landed NDJSON object or one bare API answer (JSON).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipIfNeeded } from '../platform/raw-store.js';
import { catalog } from '../sources/all.js';
import { parseRawObjectPath, rawLineSchema, type RawLine } from '../platform/raw-landing.js';
import { QualityCounters } from '../platform/quality.js';
import { UsageError } from './errors.js';

export interface MapResult {
  rows: Array<{ table: string; row: Record<string, unknown> }>;
  quality: Record<string, number>;
}

export class MapInputError extends UsageError {}

export async function mapFile(
  entityName: string,
  file: string,
  context: Record<string, unknown> = {},
): Promise<MapResult> {
  const mapper = catalog.findMapperByEntity(entityName);
  if (!mapper) {
    throw new MapInputError(
      `unknown entity "${entityName}"; known: ${catalog.mappers.map((m) => `${m.source}.${m.entity}`).join(', ')}`,
    );
  }
  let text: string;
  try {
    text = gunzipIfNeeded(file, await readFile(file));
  } catch (error) {
    throw new MapInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const fromName = parseRawObjectPath(
    `raw/${mapper.source}/${mapper.entity}/dt=0000-00-00/${basename(file)}`,
  );
  const lines = toRawLines(text, mapper.source, mapper.entity, context, file);
  const quality = new QualityCounters();
  const rows: MapResult['rows'] = [];
  for (const line of lines) {
    const run = {
      runId: fromName?.runId ?? line.run_id,
      runTime: fromName?.runTime ?? new Date(line.fetched_at),
    };
    for (const { table, rows: tableRows } of mapper.map(line, run, quality)) {
      for (const row of tableRows)
        rows.push({ table: table.name, row: row as Record<string, unknown> });
    }
  }
  return { rows, quality: quality.summary() };
}

function toRawLines(
  text: string,
  source: string,
  entity: string,
  context: Record<string, unknown>,
  file: string,
): RawLine[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new MapInputError(`${file} is empty`);
  const whole = tryJson(trimmed);
  if (whole !== undefined && !rawLineSchema.safeParse(whole).success) {
    // A bare API answer: wrap it as a landed line would be.
    return [
      {
        source,
        entity,
        run_id: 'map',
        fetched_at: new Date().toISOString(),
        request: { method: 'GET', url: file },
        status: 200,
        context,
        body: whole,
      },
    ];
  }
  return trimmed.split('\n').map((l, i) => {
    const parsed = rawLineSchema.safeParse(tryJson(l));
    if (!parsed.success)
      throw new MapInputError(
        `${file} line ${i + 1} is neither a landed raw line nor a JSON answer`,
      );
    return { ...parsed.data, context: { ...parsed.data.context, ...context } };
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
