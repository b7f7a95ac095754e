// One definition per table. Everything else (TS row types, the zod row validator,
// BigQuery JSON schemas, DuckDB DDL, the latest_* views and the data dictionary) is
// derived from it, so a column exists in exactly one place.
import { z } from 'zod';

export type ColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'DATE' | 'JSON';

export interface ColumnDef<T extends ColumnType = ColumnType, R extends boolean = boolean> {
  readonly type: T;
  readonly required: R;
  readonly description: string;
}

const make =
  <T extends ColumnType>(type: T) =>
  (description: string): ColumnDef<T, false> => ({ type, required: false, description });

/** Column builders: nullable by default, because sources omit fields; wrap in `required()`. */
export const col = {
  string: make('STRING'),
  int: make('INT64'),
  float: make('FLOAT64'),
  bool: make('BOOL'),
  timestamp: make('TIMESTAMP'),
  date: make('DATE'),
  json: make('JSON'),
};

export function required<T extends ColumnType>(column: ColumnDef<T, false>): ColumnDef<T, true> {
  return { ...column, required: true };
}

type TsOf<T extends ColumnType> = T extends 'STRING' | 'TIMESTAMP' | 'DATE'
  ? string
  : T extends 'INT64' | 'FLOAT64'
    ? number
    : T extends 'BOOL'
      ? boolean
      : unknown;

type Columns = Record<string, ColumnDef>;

export type RowOfColumns<C extends Columns> = {
  [K in keyof C]: C[K] extends ColumnDef<infer T, infer R>
    ? R extends true
      ? TsOf<T>
      : TsOf<T> | null
    : never;
};

/** Columns every table carries; the warehouse fills insert_id. */
export const standardColumns = {
  collected_at: required(
    col.timestamp('When the run that collected this row started (UTC); the partition column.'),
  ),
  run_id: required(
    col.string('The run that wrote the row: the Pub/Sub message id, or the CLI run id.'),
  ),
} as const;

export const insertIdColumn = required(
  col.string(
    'Deterministic hash of table, natural key and run id (of table and key alone where the table says so: events); BigQuery insertId and exact dedup key.',
  ),
);

export interface TableDef<C extends Columns = Columns> {
  readonly name: string;
  readonly description: string;
  /** Natural key: one row per key per run; the latest_* view keeps one row per key. */
  readonly key: readonly string[];
  readonly columns: C;
  /** Every column, standard ones included, in storage order. */
  readonly allColumns: Readonly<Record<string, ColumnDef>>;
  readonly clustering: readonly string[];
  readonly latestView: string;
  /**
   * What insert_id hashes: `run` (table, key, run id: each run is a snapshot) or `key`
   * (table, key: the row is the key's one fact, e.g. a pushed event, and any redelivery of
   * it, in whatever run, is the same row).
   */
  readonly insertIdScope: 'run' | 'key';
  /**
   * Columns that only some observations carry (full objects: a track's popularity and ISRC,
   * an album's label and UPC; simplified ones leave them NULL). The latest view takes each
   * one's latest non-null value, so a newer simplified row never hides an older full one.
   */
  readonly fullOnly: readonly string[];
  /** Validates a whole row, standard columns included (output is the row unchanged). */
  readonly rowSchema: z.ZodType;
}

export type RowOf<T> = T extends TableDef<infer C> ? RowOfColumns<C> & StandardRow : never;
export interface StandardRow {
  collected_at: string;
  run_id: string;
}

const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function zodFor(column: ColumnDef): z.ZodType {
  const base: z.ZodType = (() => {
    switch (column.type) {
      case 'STRING':
        return z.string();
      case 'INT64':
        return z.number().int();
      case 'FLOAT64':
        return z.number().finite();
      case 'BOOL':
        return z.boolean();
      case 'TIMESTAMP':
        return z.string().regex(ISO_TIMESTAMP, 'ISO-8601 timestamp');
      case 'DATE':
        return z.string().regex(ISO_DATE, 'YYYY-MM-DD date');
      case 'JSON':
        return z.unknown();
    }
  })();
  return column.required ? base : base.nullable();
}

export function defineTable<C extends Columns>(spec: {
  name: string;
  description: string;
  key: readonly ((keyof C & string) | keyof typeof standardColumns)[];
  columns: C;
  clustering?: readonly ((keyof C & string) | keyof typeof standardColumns)[];
  insertIdScope?: TableDef['insertIdScope'];
  fullOnly?: readonly (keyof C & string)[];
}): TableDef<C> {
  if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) throw new Error(`bad table name ${spec.name}`);
  for (const name of Object.keys(spec.columns)) {
    if (name in standardColumns || name === 'insert_id')
      throw new Error(`${spec.name}.${name} is a standard column`);
  }
  const allColumns: Record<string, ColumnDef> = { ...spec.columns, ...standardColumns };
  const shape: Record<string, z.ZodType> = {};
  for (const [name, column] of Object.entries(allColumns)) shape[name] = zodFor(column);
  return {
    name: spec.name,
    description: spec.description,
    key: spec.key,
    columns: spec.columns,
    allColumns,
    clustering: (spec.clustering ?? spec.key).slice(0, 4),
    latestView: `latest_${spec.name}`,
    insertIdScope: spec.insertIdScope ?? 'run',
    fullOnly: spec.fullOnly ?? [],
    rowSchema: z.strictObject(shape),
  };
}

/** A view written once in SQL that both BigQuery and DuckDB accept; `ref` qualifies names. */
export interface ViewDef {
  readonly name: string;
  readonly description: string;
  readonly sql: (ref: (name: string) => string) => string;
  /** Tables or views this one reads, so they are created first. */
  readonly dependsOn: readonly string[];
}

export function defineView(spec: ViewDef): ViewDef {
  return spec;
}

/**
 * latest_<table>: one row per natural key, the most recent collection wins; run_id then
 * insert_id break ties, so the choice is exact and repeatable. Where the table names
 * `fullOnly` columns, each of them is its latest non-null value over the key's history, and
 * a tie on collected_at goes to the row carrying more of them (the fuller object).
 */
export function latestViewOf(table: TableDef): ViewDef {
  const key = table.key.join(', ');
  const newest = 'collected_at DESC, run_id DESC, insert_id DESC';
  if (table.fullOnly.length === 0)
    return {
      name: table.latestView,
      description: `One row per ${table.key.join(' + ')} from ${table.name}: the most recently collected.`,
      dependsOn: [table.name],
      sql: (ref) =>
        `SELECT * FROM ${ref(table.name)} WHERE TRUE\n` +
        `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${newest}) = 1`,
    };
  // `observed.` names the stored column, not the merged one the SELECT list replaces it with.
  const fuller = table.fullOnly
    .map((c) => `(CASE WHEN observed.${c} IS NULL THEN 0 ELSE 1 END)`)
    .join(' + ');
  const history = `PARTITION BY ${key} ORDER BY ${newest} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`;
  const merged = table.fullOnly
    .map((c) => `  FIRST_VALUE(${c} IGNORE NULLS) OVER (${history}) AS ${c}`)
    .join(',\n');
  return {
    name: table.latestView,
    description: `One row per ${table.key.join(' + ')} from ${table.name}: the most recently collected, with ${table.fullOnly.join(', ')} taken from the latest observation that carried them (a newer simplified object never hides an older full one).`,
    dependsOn: [table.name],
    sql: (ref) =>
      `SELECT * REPLACE (\n${merged}\n) FROM ${ref(table.name)} AS observed WHERE TRUE\n` +
      `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY collected_at DESC, ${fuller} DESC, run_id DESC, insert_id DESC) = 1`,
  };
}

/** What a warehouse holds: tables and views (in declaration order). */
export interface WarehouseSchema {
  readonly tables: readonly TableDef[];
  readonly views: readonly ViewDef[];
}

/** Views ordered so that each comes after what it reads. */
export function viewsInDependencyOrder(
  tables: readonly TableDef[],
  views: readonly ViewDef[],
): ViewDef[] {
  const done = new Set(tables.map((t) => t.name));
  const ordered: ViewDef[] = [];
  let pending = [...views];
  while (pending.length > 0) {
    const ready = pending.filter((v) => v.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0)
      throw new Error(`views with missing dependencies: ${pending.map((v) => v.name).join(', ')}`);
    for (const v of ready) {
      ordered.push(v);
      done.add(v.name);
    }
    pending = pending.filter((v) => !ready.includes(v));
  }
  return ordered;
}
