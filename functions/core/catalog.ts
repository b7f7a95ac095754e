// What a set of sources adds up to: their jobs, schedules, mappers, tables and views. The
// CLI, the deploy manifest and the schema generators read the catalogue of every source
// (functions/sources/all.ts); a deployed function builds one over its own source only.
import type { TableDef, ViewDef, WarehouseSchema } from '../../schemas/define.js';
import type { EntityMapper } from './mapper.js';
import type { JobDefinition, Schedule } from './job.js';
import { loadSource, type SourceEntry, type SourceModule } from './source.js';
import { schemaOf } from './tables.js';

/** What the runner needs: the jobs it may run and the mappers replay may use. */
export interface JobCatalog {
  findJob(name: string): JobDefinition | undefined;
  findMapper(source: string, entity: string): Promise<EntityMapper | undefined>;
}

export interface ScheduledJob extends Schedule {
  job: string;
  source: string;
}

export interface Catalog extends JobCatalog {
  readonly sources: readonly SourceModule[];
  readonly jobs: readonly JobDefinition[];
  readonly mappers: readonly EntityMapper[];
  /** The core's tables, then each source's, in registry order. */
  readonly tables: readonly TableDef[];
  /** Every `latest_*` view, then each source's own views. */
  readonly views: readonly ViewDef[];
  /** The tables and views a warehouse creates (the generators' input). */
  readonly schema: WarehouseSchema;
  schedules(): ScheduledJob[];
  /** `entity` or `source.entity`, when exactly one mapper matches. */
  findMapperByEntity(name: string): EntityMapper | undefined;
  tableByName(name: string): TableDef;
}

function uniqueNames(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${kind} ${name} is declared twice`);
    seen.add(name);
  }
}

export function catalogOf(sources: readonly SourceModule[]): Catalog {
  const jobs = sources.flatMap((s) => s.jobs);
  const mappers = sources.flatMap((s) => s.mappers);
  const { tables, views } = schemaOf(
    sources.flatMap((s) => s.tables),
    sources.flatMap((s) => s.views),
  );
  uniqueNames(
    'job',
    jobs.map((j) => j.name),
  );
  uniqueNames(
    'table or view',
    [...tables, ...views].map((t) => t.name),
  );
  const findMapperNow = (source: string, entity: string) =>
    mappers.find((m) => m.source === source && m.entity === entity);
  return {
    sources,
    jobs,
    mappers,
    tables,
    views,
    schema: { tables, views },
    findJob: (name) => jobs.find((job) => job.name === name),
    findMapper: async (source, entity) => findMapperNow(source, entity),
    schedules: () =>
      jobs.flatMap((job) =>
        job.schedules.map((s) => ({ ...s, job: job.name, source: job.source })),
      ),
    findMapperByEntity: (name) => {
      const [source, entity] = name.includes('.') ? name.split('.', 2) : [undefined, name];
      const matches = mappers.filter(
        (m) => m.entity === entity && (source === undefined || m.source === source),
      );
      return matches.length === 1 ? matches[0] : undefined;
    },
    tableByName: (name) => {
      const table = tables.find((t) => t.name === name);
      if (!table) throw new Error(`unknown table ${name}`);
      return table;
    },
  };
}

export interface FunctionCatalog extends JobCatalog {
  /** The core's and this source's tables and views (what a local warehouse creates). */
  readonly schema: WarehouseSchema;
}

/**
 * The catalogue of a deployed function: its own source's jobs; mappers of another source
 * (replay) are loaded through the registry when first asked for, that source alone.
 */
export function functionCatalog(
  registry: readonly SourceEntry[],
  own: SourceModule,
): FunctionCatalog {
  const local = catalogOf([own]);
  return {
    schema: local.schema,
    findJob: local.findJob,
    findMapper: async (source, entity) =>
      source === own.name
        ? local.findMapper(source, entity)
        : (await loadSource(registry, source))?.mappers.find((m) => m.entity === entity),
  };
}
