// What the fault suite compares between a faulted run and its undisturbed reference (same
// messages, same run ids, same publish times):
//   - base tables: one entry per (natural key, run id) with its stable values; a row beyond
//     the first of an entry is doubled, an entry the reference has and the faulted run lacks
//     (or holds with other values) is lost. job_runs and data_quality describe attempts, not
//     data, and are left out.
//   - latest_* views: as the readers see the data (one row per key).
//   - raw objects: per (source, entity, run id) the requests whose answers were landed, over
//     every segment of the run; a request landed twice is doubled, a request the reference
//     landed and the faulted run did not is lost.
import { catalog } from '../../functions/sources/all.js';
import { parseRawObjectPath, rawLineSchema } from '../../functions/platform/raw-landing.js';
import type { RawStore } from '../../functions/platform/raw-store.js';

export type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface LatestView {
  view: string;
  key: readonly string[];
}

/** entry id → stable values, one per row (a doubled entry has several). */
export type Snapshot = Map<string, string[]>;

export interface Comparison {
  compared: number;
  lost: number;
  doubled: number;
  /** Entries only the faulted run has. */
  extra: number;
  /** A few entries lost or extra, for the failure message. */
  examples: string[];
}

const VOLATILE = new Set(['run_id', 'collected_at', 'insert_id']);
const ATTEMPT_TABLES = new Set(['job_runs', 'data_quality']);

function stable(row: Record<string, unknown>, drop: ReadonlySet<string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k]) => !drop.has(k))));
}

function add(snapshot: Snapshot, id: string, value: string): void {
  const seen = snapshot.get(id);
  if (seen) seen.push(value);
  else snapshot.set(id, [value]);
}

/** Every base table's rows by table, natural key and run id. */
export async function baseTables(query: Query): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const drop = new Set(['collected_at', 'insert_id']);
  for (const table of catalog.tables) {
    if (ATTEMPT_TABLES.has(table.name)) continue;
    for (const row of await query(`SELECT * FROM ${table.name}`)) {
      const id = [table.name, ...table.key.map((k) => String(row[k])), String(row.run_id)];
      add(out, id.join('|'), stable(row, drop));
    }
  }
  return out;
}

export async function latestViews(query: Query, views: readonly LatestView[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const { view, key } of views)
    for (const row of await query(`SELECT * FROM ${view}`))
      add(out, [view, ...key.map((k) => String(row[k]))].join('|'), stable(row, VOLATILE));
  return out;
}

/** Each harness's sandbox listens on its own port: requests compare by path and query. */
function withoutOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/**
 * Landed requests by (source, entity, run id). A run that checkpoints lands in segments
 * (`…_{runId}~N.ndjson`, one object each), so objects of one run are read as one; a request
 * landed twice (in one object or in two segments) is doubled.
 */
export async function rawObjects(store: RawStore): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const path of await store.list('raw/')) {
    const parsed = parseRawObjectPath(path);
    if (!parsed) continue;
    const id = `${parsed.source}/${parsed.entity}/${parsed.runId}`;
    for (const text of (await store.read(path)).split('\n')) {
      if (text.trim() === '') continue;
      const line = rawLineSchema.parse(JSON.parse(text));
      add(
        out,
        `${id}|${line.request.method} ${withoutOrigin(line.request.url)}`,
        String(line.status),
      );
    }
  }
  return out;
}

/**
 * Entries of `reference` missing or different in `actual`, and rows beyond one per entry.
 * Entries `tolerated` says are expected to differ (a scenario's documented behaviour) are
 * left out of lost and extra, and out of doubled only for raw answers when asked.
 */
export function compare(
  reference: Snapshot,
  actual: Snapshot,
  tolerated: (id: string) => boolean = () => false,
  /** Raw answers: a tolerated entry may also be a request made twice (never a row). */
  repeatsTolerated = false,
): Comparison {
  let compared = 0;
  const examples: string[] = [];
  let lost = 0;
  let doubled = 0;
  for (const [id, values] of reference) {
    compared += values.length;
    const got = actual.get(id);
    if ((!got || got[0] !== values[0]) && !tolerated(id)) {
      lost += 1;
      if (examples.length < 3)
        examples.push(`lost ${id}: ${values[0]} → ${got?.[0]}`.slice(0, 300));
    }
  }
  let extra = 0;
  for (const [id, values] of actual) {
    const expected = reference.get(id)?.length ?? 0;
    if (expected === 0 && !tolerated(id)) {
      extra += 1;
      if (examples.length < 6) examples.push(`extra ${id}`.slice(0, 200));
    }
    const extraRows =
      repeatsTolerated && tolerated(id) ? 0 : Math.max(0, values.length - Math.max(1, expected));
    if (extraRows > 0 && examples.length < 6) examples.push(`doubled ${id}`.slice(0, 200));
    doubled += extraRows;
  }
  return { compared, lost, doubled, extra, examples };
}
