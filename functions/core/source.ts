// What a source is: one typed module per folder under functions/sources/ that says
// everything the rest of the system needs to know about it. The registry
// (functions/sources/registry.ts) lists them; index.ts, the Pub/Sub dispatch, the CLI,
// the deploy manifest, the schema generators and Terraform's generated files all read it.
import type { TableDef, ViewDef } from '../../schemas/define.js';
import type { EntityMapper } from './mapper.js';
import type { JobDefinition } from './job.js';

export interface SourceModule {
  /** Lower-case name: jobs are `<name>.<job>`, raw objects `raw/<name>/…`. */
  readonly name: string;
  /** What the source's Pub/Sub function does (deploy manifest → Terraform). */
  readonly description: string;
  /** Secret Manager ids its function reads; Terraform grants accessor on exactly these. */
  readonly secrets: readonly string[];
  /** Its jobs; their schedules become Cloud Scheduler jobs. */
  readonly jobs: readonly JobDefinition[];
  /** How its raw answers become rows (live runs, replay and `fanpulse map`). */
  readonly mappers: readonly EntityMapper[];
  /** Its tables; each gets a `latest_*` view. */
  readonly tables: readonly TableDef[];
  /** Views beyond the `latest_*` ones. */
  readonly views: readonly ViewDef[];
}

/**
 * A line of the registry: the name, known without loading anything, and how to load the
 * module. A deployed function imports only its own source's module through `load`.
 */
export interface SourceEntry {
  readonly name: string;
  load(): Promise<SourceModule>;
}

/** Checks that everything a source declares is named after it. */
export function defineSource(source: SourceModule): SourceModule {
  for (const job of source.jobs) {
    if (job.source !== source.name || !job.name.startsWith(`${source.name}.`))
      throw new Error(`job ${job.name} (source ${job.source}) is not of source ${source.name}`);
  }
  for (const mapper of source.mappers) {
    if (mapper.source !== source.name)
      throw new Error(`mapper ${mapper.source}.${mapper.entity} is not of source ${source.name}`);
  }
  return source;
}

/** The Pub/Sub-triggered entry point (functions/index.ts) of a source: `<name>Jobs`. */
export function jobsEntryPoint(source: string): string {
  return `${source}Jobs`;
}

/** Loads one source by name (its module and nothing else), or undefined if unknown. */
export async function loadSource(
  registry: readonly SourceEntry[],
  name: string,
): Promise<SourceModule | undefined> {
  const entry = registry.find((e) => e.name === name);
  if (!entry) return undefined;
  const source = await entry.load();
  if (source.name !== entry.name)
    throw new Error(`registry entry ${entry.name} loaded source ${source.name}`);
  return source;
}

/** Loads every source of the registry, in registry order. */
export async function loadSources(registry: readonly SourceEntry[]): Promise<SourceModule[]> {
  const loaded = await Promise.all(registry.map((e) => loadSource(registry, e.name)));
  return loaded.filter((s): s is SourceModule => s !== undefined);
}
