// `fanpulse map <entity> <file>`: the typed rows of raw answers, for checking a mapper
// against a real answer. Accepts a landed NDJSON object or one bare API answer (JSON).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipIfNeeded } from '../platform/raw-store.js';
import { catalog } from '../sources/all.js';
import { parseRawObjectPath, rawLineSchema, type RawLine } from '../platform/raw-landing.js';
import { QualityCounters } from '../platform/quality.js';
import { isRecord } from '../platform/fields.js';
import { UsageError } from './errors.js';

export interface MapResult {
  rows: Array<{ table: string; row: Record<string, unknown> }>;
  quality: Record<string, number>;
}

export class MapInputError extends UsageError {}

/** The Spotify object type each by-id entity maps, and the item type of each page entity. */
const SPOTIFY_TYPES: Readonly<Record<string, { body?: string; items?: string }>> = {
  show: { body: 'show' },
  album: { body: 'album' },
  track: { body: 'track' },
  artist: { body: 'artist' },
  show_episodes: { items: 'episode' },
  album_tracks: { items: 'track' },
  artist_albums: { items: 'album' },
};

/** The message of an error envelope (Spotify's or Graph's), or null. */
function errorEnvelope(body: unknown): string | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const e = body.error;
  const code = e.code ?? e.status;
  return `${typeof e.message === 'string' ? e.message : 'no message'}${code !== undefined ? ` (code ${String(code)})` : ''}`;
}

/** Why a line is not an answer of this entity, judged by Spotify's own `type` fields. */
function wrongType(entity: string, source: string, body: unknown): string | null {
  const want = source === 'spotify' ? SPOTIFY_TYPES[entity] : undefined;
  if (!want || !isRecord(body)) return null;
  if (want.body && typeof body.type === 'string' && body.type !== want.body)
    return `it is a Spotify ${body.type}, not a ${want.body}`;
  if (want.items && typeof body.type === 'string')
    return `it is a Spotify ${body.type}, not a page of ${want.items}s`;
  if (want.items && Array.isArray(body.items)) {
    const types = new Set(
      body.items.filter(isRecord).map((i) => (typeof i.type === 'string' ? i.type : null)),
    );
    types.delete(null);
    if (types.size > 0 && !types.has(want.items))
      return `its items are ${[...types].join(', ')}s, not ${want.items}s`;
  }
  return null;
}

/**
 * Refuses to report rows from an answer the mapper could not read: an error envelope, an
 * answer of another entity type, a line without the context the mapper needs (named), or
 * an answer that gave no rows because it was malformed.
 */
function assertReadable(
  entity: string,
  source: string,
  lines: readonly RawLine[],
  rows: number,
  quality: QualityCounters,
): void {
  for (const [i, line] of lines.entries()) {
    const where = lines.length > 1 ? `line ${i + 1}: ` : '';
    const envelope = errorEnvelope(line.body);
    if (envelope !== null)
      throw new MapInputError(`${where}the answer is an error, not a ${entity}: ${envelope}`);
    const wrong = wrongType(entity, source, line.body);
    if (wrong !== null)
      throw new MapInputError(`${where}not an answer of ${source}.${entity}: ${wrong}`);
  }
  if (rows > 0) return;
  const entries = quality.list();
  const missing = entries
    .map((e) => /without context\.([\w/]+)/.exec(e.sample ?? '')?.[1])
    .find((k) => k !== undefined);
  if (missing !== undefined) {
    const keys = missing.split('/');
    throw new MapInputError(
      `${source}.${entity} needs context keys ${keys.join(', ')}; pass --context '${JSON.stringify(Object.fromEntries(keys.map((k) => [k, '...'])))}'`,
    );
  }
  const unreadable = entries.filter((e) => /malformed_answer|rejected_record/.test(e.check));
  if (unreadable.length > 0)
    throw new MapInputError(
      `no rows: the answer is not a readable ${source}.${entity} (${unreadable.map((e) => `${e.check}: ${e.sample ?? e.count}`).join('; ')})`,
    );
}

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
  assertReadable(mapper.entity, mapper.source, lines, rows.length, quality);
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
