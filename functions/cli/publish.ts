// Pub/Sub commands: `publish` puts a job message on its topic (the emulator's when
// PUBSUB_EMULATOR_HOST is set, else the cloud project's), `schedules` writes the schedule
// and deploy exports Terraform reads.
import type { Command } from 'commander';
import { parseJobMessage } from '../core/runner.js';
import { FUNCTIONS_EXPORT_PATH } from '../deploy/manifest.js';
import { SCHEDULES_EXPORT_PATH, terraformExports } from '../deploy/terraform-exports.js';
import type { Env } from '../platform/env.js';
import { InvalidInputError } from '../platform/errors.js';
import { topicForJob, type JobMessage } from '../platform/queue.js';
import { createServices } from '../platform/runtime.js';
import { RUN_ID_ATTRIBUTE } from '../faces/pubsub/republish.js';
import { catalog } from '../sources/all.js';
import { parseParamArgs } from './args.js';
import { addJobHelp } from './commands.js';
import { UsageError } from './errors.js';
import { syncGeneratedFiles } from './generated-files.js';
import { jobParamsFromCli, requireJob } from './job-params.js';
import { answers } from './ports.js';
import { LOCAL_PROJECT } from './local-project.js';
import { isoTime } from './validate.js';

export interface PublishCommandOptions {
  runId?: string;
  notBefore?: string;
  attribute?: string[];
  /** Environment to read settings from (tests); process.env otherwise. */
  env?: Env;
}

function attributesFrom(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--attribute wants key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Validates the job like a subscriber would, then publishes it; resolves with its id. */
export async function publishJob(
  name: string,
  args: readonly string[],
  options: PublishCommandOptions = {},
): Promise<{ messageId: string; topic: string; message: JobMessage }> {
  const env = options.env ?? process.env;
  // Every value is checked before anything is contacted.
  const notBefore = options.notBefore ? isoTime('--not-before', options.notBefore) : undefined;
  const message: JobMessage = {
    job: name,
    params: jobParamsFromCli(requireJob(name), parseParamArgs(args)),
    requestedAt: new Date().toISOString(),
    ...(notBefore ? { notBefore: notBefore.toISOString() } : {}),
  };
  // Rejects what a subscriber would reject here instead of in the function's logs.
  parseJobMessage(catalog, message);
  const attributes = attributesFrom(options.attribute);
  if (options.runId) attributes[RUN_ID_ATTRIBUTE] = options.runId;
  const project =
    env.GOOGLE_CLOUD_PROJECT ?? (env.PUBSUB_EMULATOR_HOST ? LOCAL_PROJECT : undefined);
  if (!project) {
    throw new InvalidInputError(
      'set GOOGLE_CLOUD_PROJECT (or PUBSUB_EMULATOR_HOST for the emulator) to publish',
    );
  }
  // Without this, the client retries for over a minute and prints pages of gRPC errors.
  const emulator = env.PUBSUB_EMULATOR_HOST;
  if (emulator && !(await answers(emulator)))
    throw new UsageError(
      `nothing answers at PUBSUB_EMULATOR_HOST=${emulator}: is \`npm run dev\` running?`,
    );
  // A laptop talking to the emulator is not on GCE: without this, the auth library probes
  // the metadata server and prints a MetadataLookupWarning on every publish.
  if (emulator) process.env.METADATA_SERVER_DETECTION ??= 'none';
  const services = createServices({
    env: { ...env, FANPULSE_QUEUE: 'pubsub', GOOGLE_CLOUD_PROJECT: project },
    sink: () => undefined,
  });
  try {
    const queue = await services.queue();
    const messageId = await queue.publish(message, { attributes });
    await queue.flush();
    return { messageId, topic: topicForJob(name, services.config.topicPrefix), message };
  } finally {
    await services.close();
  }
}

export function registerPubSubCommands(program: Command): void {
  const publish = program
    .command('publish')
    .description(
      'publish a job message to its Pub/Sub topic (the emulator when PUBSUB_EMULATOR_HOST is set), e.g. publish spotify.podcast_shows --term "data hackers"',
    )
    .argument('<name>', 'job name; `fanpulse jobs` lists them')
    .argument('[params...]', 'parameters as --name value or name=value (JSON for lists)')
    .option('--run-id <id>', `run id for the job (attribute ${RUN_ID_ATTRIBUTE})`)
    .option('--not-before <time>', 'earliest time the job may run (ISO 8601)')
    .option(
      '--attribute <key=value>',
      'message attribute (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .allowUnknownOption()
    .action(async (name: string, params: string[], options: PublishCommandOptions) => {
      const published = await publishJob(name, params, options);
      console.log(published.messageId);
      console.error(
        `published ${published.message.job} to ${published.topic} as message ${published.messageId}`,
      );
    });
  addJobHelp(publish);

  program
    .command('schedules')
    .description(
      `write ${SCHEDULES_EXPORT_PATH} and ${FUNCTIONS_EXPORT_PATH} (what Terraform deploys: schedules, functions, topics, secrets)`,
    )
    .option('--check', 'exit 1 if a checked-in file differs instead of writing')
    .action(async (o: { check?: boolean }) => {
      for (const { path, state } of await syncGeneratedFiles(
        terraformExports(),
        o.check === true,
      )) {
        if (state === 'same') console.error(`${path} is up to date`);
        else if (state === 'written') console.error(`wrote ${path}`);
        else {
          console.error(`stale: ${path}; run npm run schedules`);
          process.exitCode = 1;
        }
      }
    });
}
