// What each deployable function is and what it may touch: the one source Terraform reads
// (terraform/generated/functions.json) to create the functions, their service accounts,
// the topics, the secrets and every IAM grant. A function gets exactly the access listed
// here: a source's function what its source module declares (functions/sources/registry.ts),
// the two HTTP faces what is written below.
import { jobsEntryPoint, type SourceModule } from '../core/source.js';
import { CHATBOT_SECRET_IDS } from '../faces/chatbot/config.js';
import { EVENTS_SECRET_IDS } from '../faces/events/config.js';
import { topicForJob, topicForSource } from '../platform/queue.js';
import { allSources } from '../sources/all.js';
import { HEAP_POLICY, nodeOptionsFor } from './heap.js';

export const FUNCTIONS_EXPORT_PATH = 'terraform/generated/functions.json';

/** Topic short name (no environment prefix) that keeps messages Pub/Sub gave up on. */
const DEAD_LETTER_TOPIC = 'dead-letter';

export interface DeployFunction {
  /** Entry point registered in functions/index.ts (cloudEvent or http). */
  entryPoint: string;
  /** Short kebab-case name: the function, service account and log names end with it. */
  id: string;
  kind: 'http' | 'pubsub';
  description: string;
  /** Topic short name the function is triggered by (pubsub functions only). */
  consumes: string | null;
  /** Topic short names the function publishes to (fan-out, re-published deferrals). */
  publishes: string[];
  /** Secret Manager ids the function reads; Terraform grants accessor on exactly these. */
  secrets: string[];
  /** Raw bucket (raw landing and the state store): read-write, read or none. */
  storage: 'read-write' | 'read' | 'none';
  /**
   * BigQuery dataset: write (stream rows into existing tables, nothing else), read (read
   * tables and views) or none. Terraform grants write as a row-insert custom role.
   */
  warehouse: 'write' | 'read' | 'none';
  /** Runs BigQuery query jobs (the chatbot's index); only these get bigquery.jobUser. */
  queries: boolean;
  /** Invocable by anyone on the internet (webhooks); everything else is not. */
  public: boolean;
  /**
   * Memory of one instance (Cloud Functions gen2 syntax), shared by its concurrent requests.
   * Terraform's default for the function (function_settings.<name>.memory overrides it).
   */
  memory: string;
  /**
   * V8 heap flags derived from `memory` (deploy/heap.ts), job functions only: Terraform sets
   * them as NODE_OPTIONS, recomputed for an environment's own memory. null: V8's defaults.
   */
  nodeOptions: string | null;
}

/** Built-in memory per source function; the others get DEFAULT_MEMORY. */
const SOURCE_MEMORY: Readonly<Record<string, string>> = {
  // Up to 4 runs side by side on each of 5 instances (a run buffers at most 500 rows per
  // table and streams its raw answers).
  spotify: '1Gi',
  // Replays stream raw objects line by line, but may load whole days of them.
  platform: '1Gi',
};
const DEFAULT_MEMORY = '512Mi';

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Every deployable function, Pub/Sub subscribers first, then the two HTTP faces. */
export function deployFunctions(sources: readonly SourceModule[] = allSources): DeployFunction[] {
  // A subscriber re-publishes deferred and not-yet-due jobs to its own topic, and the
  // Spotify planners fan out to it, so every subscriber publishes where it consumes.
  const subscribers = sources.map((source): DeployFunction => ({
    entryPoint: jobsEntryPoint(source.name),
    id: kebab(jobsEntryPoint(source.name)),
    kind: 'pubsub',
    description: source.description,
    consumes: topicForSource(source.name),
    publishes: [topicForSource(source.name)],
    secrets: [...source.secrets],
    // Platform jobs (replay) read raw objects; all keep run state in the same bucket.
    storage: 'read-write',
    // Job runs stream rows (RowWriter → Warehouse.insert); only spotify.chatbot_index
    // (functions/sources/spotify/chatbot/) queries, to build the chatbot's index snapshot.
    warehouse: 'write',
    queries: source.name === 'spotify',
    public: false,
    memory: SOURCE_MEMORY[source.name] ?? DEFAULT_MEMORY,
    nodeOptions: nodeOptionsFor(SOURCE_MEMORY[source.name] ?? DEFAULT_MEMORY),
  }));
  return [
    ...subscribers,
    {
      entryPoint: 'chatbot',
      id: 'chatbot',
      kind: 'http',
      description:
        'Music chatbot webhook (Kakao i OpenBuilder skill, Facebook Messenger); answers from the prebuilt artist index (the warehouse as fallback) and queues collect jobs for unknown artists.',
      consumes: null,
      publishes: [topicForJob('spotify.any', '')],
      secrets: [...CHATBOT_SECRET_IDS],
      // Reads the index snapshot; writes resolved names and per-day collect markers.
      storage: 'read-write',
      warehouse: 'read',
      // Without a snapshot, the artist index is built from queries (index-loader.ts).
      queries: true,
      public: true,
      // Holds a 10,000-artist index (~250 MiB RSS measured) with room for 80 requests.
      memory: '1Gi',
      // V8's defaults: the index is held on purpose; a cap would need its own measurements.
      nodeOptions: null,
    },
    {
      entryPoint: 'events',
      id: 'events',
      kind: 'http',
      description:
        'Marketing event webhook (AppsFlyer-style push); validates and queues accepted events as events.ingest jobs.',
      consumes: null,
      publishes: [topicForJob('events.ingest', '')],
      secrets: [...EVENTS_SECRET_IDS],
      storage: 'none',
      warehouse: 'none',
      queries: false,
      public: true,
      memory: DEFAULT_MEMORY,
      nodeOptions: null,
    },
  ];
}

export interface FunctionsExport {
  generated_by: string;
  dead_letter_topic: string;
  /** How Terraform derives a job function's NODE_OPTIONS from its memory (deploy/heap.ts). */
  heap: { old_space_percent: number; semi_space_mib: number };
  /** Every job topic: consumed or published by some function. */
  topics: string[];
  /** Every secret id some function reads. */
  secrets: string[];
  /** Keyed by entry point. */
  functions: Record<
    string,
    Omit<DeployFunction, 'entryPoint' | 'nodeOptions'> & {
      entry_point: string;
      node_options: string | null;
    }
  >;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

export function functionsExport(
  list: readonly DeployFunction[] = deployFunctions(),
): FunctionsExport {
  const functions: FunctionsExport['functions'] = {};
  for (const f of list) {
    const { entryPoint, nodeOptions, ...rest } = f;
    functions[entryPoint] = {
      entry_point: entryPoint,
      ...rest,
      node_options: nodeOptions,
      publishes: sortedUnique(rest.publishes),
      secrets: sortedUnique(rest.secrets),
    };
  }
  return {
    generated_by: 'npm run schedules (from functions/deploy/manifest.ts); do not edit',
    dead_letter_topic: DEAD_LETTER_TOPIC,
    heap: {
      old_space_percent: HEAP_POLICY.oldSpacePercent,
      semi_space_mib: HEAP_POLICY.semiSpaceMiB,
    },
    topics: sortedUnique(
      list.flatMap((f) => [...(f.consumes ? [f.consumes] : []), ...f.publishes]),
    ),
    secrets: sortedUnique(list.flatMap((f) => f.secrets)),
    functions,
  };
}

export function functionsExportText(): string {
  return JSON.stringify(functionsExport(), null, 2) + '\n';
}
