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
}

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
    },
  ];
}

export interface FunctionsExport {
  generated_by: string;
  dead_letter_topic: string;
  /** Every job topic: consumed or published by some function. */
  topics: string[];
  /** Every secret id some function reads. */
  secrets: string[];
  /** Keyed by entry point. */
  functions: Record<string, Omit<DeployFunction, 'entryPoint'> & { entry_point: string }>;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

export function functionsExport(
  list: readonly DeployFunction[] = deployFunctions(),
): FunctionsExport {
  const functions: FunctionsExport['functions'] = {};
  for (const f of list) {
    const { entryPoint, ...rest } = f;
    functions[entryPoint] = {
      entry_point: entryPoint,
      ...rest,
      publishes: sortedUnique(rest.publishes),
      secrets: sortedUnique(rest.secrets),
    };
  }
  return {
    generated_by: 'npm run schedules (from functions/deploy/manifest.ts); do not edit',
    dead_letter_topic: DEAD_LETTER_TOPIC,
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
