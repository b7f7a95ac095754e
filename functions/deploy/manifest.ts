// What each deployable function is and what it may touch: the one source Terraform reads
// (terraform/generated/functions.json) to create the functions, their service accounts,
// the topics, the secrets and every IAM grant. A function gets exactly the access listed
// here, so a new topic, secret or bucket use starts with an edit to this file.
import { topicForJob } from '../platform/queue.js';
import { pubsubEntryPoints, topicForSource } from '../pubsub/entry-points.js';
import { SPOTIFY_SECRET_IDS } from '../spotify/config.js';
import { INSTAGRAM_SECRET_IDS } from '../instagram/config.js';
import { CHATBOT_SECRET_IDS } from '../chatbot/config.js';
import { EVENTS_SECRET_IDS } from '../events/config.js';

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
  /** BigQuery dataset: write (insert rows, query), read (query) or none. */
  warehouse: 'write' | 'read' | 'none';
  /** Invocable by anyone on the internet (webhooks); everything else is not. */
  public: boolean;
}

const DESCRIPTIONS: Record<string, string> = {
  spotify: 'Runs Spotify jobs (podcasts, artists, catalogue) from its Pub/Sub topic.',
  instagram: 'Runs Instagram jobs (brand profiles, media, hashtags) from its Pub/Sub topic.',
  events: 'Loads accepted marketing events into Cloud Storage and BigQuery.',
  platform: 'Runs platform jobs such as replaying raw data into the warehouse.',
};

const SECRETS_OF_SOURCE: Record<string, readonly string[]> = {
  spotify: SPOTIFY_SECRET_IDS,
  instagram: INSTAGRAM_SECRET_IDS,
  events: [],
  platform: [],
};

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Every deployable function, Pub/Sub subscribers first, then the two HTTP faces. */
export function deployFunctions(): DeployFunction[] {
  // A subscriber re-publishes deferred and not-yet-due jobs to its own topic, and the
  // Spotify planners fan out to it, so every subscriber publishes where it consumes.
  const subscribers = pubsubEntryPoints.map((e): DeployFunction => ({
    entryPoint: e.name,
    id: kebab(e.name),
    kind: 'pubsub',
    description: DESCRIPTIONS[e.source] ?? `Runs ${e.source} jobs from its Pub/Sub topic.`,
    consumes: topicForSource(e.source),
    publishes: [topicForSource(e.source)],
    secrets: [...(SECRETS_OF_SOURCE[e.source] ?? [])],
    // Platform jobs (replay) read raw objects; all keep run state in the same bucket.
    storage: 'read-write',
    warehouse: 'write',
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
