// Store wrappers that fail on cue, for the fault suite: a warehouse that rejects some rows
// once (like a BigQuery partial insertAll failure) and a raw store whose write fails once.
import type { TableDef } from '../../schemas/define.js';
import type { RawObjectWriter, RawStore } from '../../functions/platform/raw-store.js';
import type { InsertOutcome, StoredRow, Warehouse } from '../../functions/platform/warehouse.js';

export function partiallyFailingWarehouse(
  inner: Warehouse,
  table: string,
  rejectEvery: number,
  times = 1,
): Warehouse {
  let left = times;
  return {
    kind: inner.kind,
    ensureSchema: () => inner.ensureSchema(),
    query: (sql, params) => inner.query(sql, params),
    close: () => inner.close(),
    async insert(def: TableDef, rows: readonly StoredRow[]): Promise<InsertOutcome> {
      if (def.name !== table || left <= 0) return inner.insert(def, rows);
      left -= 1;
      const kept = rows.filter((_, i) => i % rejectEvery !== 0);
      const rejected = rows
        .filter((_, i) => i % rejectEvery === 0)
        .map((r) => ({ insertId: r.insert_id, reason: 'backendError: stopped' }));
      const outcome = await inner.insert(def, kept);
      return { ...outcome, rejected };
    },
  };
}

/** Everything of a raw store but its writers: the wrappers below change only writing. */
function readsOf(inner: RawStore): Omit<RawStore, 'openWriter'> {
  return {
    kind: inner.kind,
    describe: (p) => inner.describe(p),
    read: (p) => inner.read(p),
    readLines: (p) => inner.readLines(p),
    list: (p) => inner.list(p),
  };
}

/**
 * A raw store that also writes every object a second time as the next segment of its run
 * (`…~9.ndjson`): the answers of a run landed twice, in two objects.
 */
export function rawStoreLandingTwice(inner: RawStore): RawStore {
  return {
    ...readsOf(inner),
    async openWriter(path: string): Promise<RawObjectWriter> {
      const writer = await inner.openWriter(path);
      const copy = await inner.openWriter(path.replace(/(~\d+)?\.ndjson/, '~9.ndjson'));
      return {
        close: async () => {
          await copy.close();
          return writer.close();
        },
        abort: async () => {
          await copy.abort();
          await writer.abort();
        },
        async writeLine(line: string) {
          await writer.writeLine(line);
          await copy.writeLine(line);
        },
      };
    },
  };
}

export function rawStoreFailingOnce(inner: RawStore, failOnLine: number): RawStore {
  let lines = 0;
  let failed = false;
  return {
    ...readsOf(inner),
    async openWriter(path: string): Promise<RawObjectWriter> {
      const writer = await inner.openWriter(path);
      return {
        close: () => writer.close(),
        abort: () => writer.abort(),
        async writeLine(line: string) {
          lines += 1;
          if (!failed && lines === failOnLine) {
            failed = true;
            throw new Error('raw store write failed: 503 Service Unavailable (injected)');
          }
          await writer.writeLine(line);
        },
      };
    },
  };
}

/**
 * A raw store whose `afterLines`-th line never lands until `release()`: the run writing it
 * hangs there, as a run does whose instance is killed (never released) or stalls while a
 * second delivery of its message runs (released afterwards). Only the first run is held.
 */
export function pausingRawStore(
  inner: RawStore,
  afterLines: number,
): { store: RawStore; paused: Promise<void>; release(): void } {
  let lines = 0;
  let tripped = false;
  let onPause: () => void = () => undefined;
  let release: () => void = () => undefined;
  const paused = new Promise<void>((ok) => (onPause = ok));
  const gate = new Promise<void>((ok) => (release = ok));
  const store: RawStore = {
    ...readsOf(inner),
    async openWriter(path: string): Promise<RawObjectWriter> {
      const writer = await inner.openWriter(path);
      const held = !tripped;
      return {
        close: () => writer.close(),
        abort: () => writer.abort(),
        async writeLine(line: string) {
          if (held && !tripped && ++lines >= afterLines) {
            tripped = true;
            onPause();
            await gate;
          }
          await writer.writeLine(line);
        },
      };
    },
  };
  return { store, paused, release: () => release() };
}

/** Self-check fault: every insertId random, as if rows had no stable identity. */
export function randomInsertIds(inner: Warehouse): Warehouse {
  let n = 0;
  return {
    kind: inner.kind,
    ensureSchema: () => inner.ensureSchema(),
    query: (sql, params) => inner.query(sql, params),
    close: () => inner.close(),
    insert: (def, rows) =>
      inner.insert(
        def,
        rows.map((r) => ({ ...r, insert_id: `random-${++n}-${Math.random()}` })),
      ),
  };
}
