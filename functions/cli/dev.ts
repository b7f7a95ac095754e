// `fanpulse dev` (npm run dev): the whole loop on a laptop. Starts the Pub/Sub emulator
// unless PUBSUB_EMULATOR_HOST points at one, serves every function of functions/index.ts
// with functions-framework on consecutive ports, and points one push subscription per job
// topic at its function (with a retry and a dead-letter policy), so `fanpulse publish`
// and the planners' fan-out travel through Pub/Sub exactly as in the cloud.
//
// functions-framework's own CLI serves one --target per process; here every function is
// served from ONE process (functions-framework's getTestServer builds the same Express
// server its CLI does), so all of them share one Services and one DuckDB writer.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { entryPoints, type EntryPoint } from '../faces/entry-points.js';
import { processServicesOptions, setProcessServices } from '../faces/process-services.js';
import { loadPlatformConfig } from '../platform/config.js';
import { topicForSource } from '../platform/queue.js';
import { createServices } from '../platform/runtime.js';
import { catalog } from '../sources/all.js';
import { UsageError } from './errors.js';
import { LOCAL_PROJECT } from './local-project.js';
import { portOption, requireFreePorts } from './ports.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/functions/index.js, next to dist/functions/cli/. */
export const INDEX_MODULE = resolve(here, '..', 'index.js');

export interface EmulatorProcess {
  host: string;
  stop(): void;
}

/** Starts `gcloud beta emulators pubsub start` in its own process group. */
export async function startEmulatorProcess(
  port: number,
  project: string,
  timeoutMs = 60_000,
): Promise<EmulatorProcess> {
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'gcloud',
    ['beta', 'emulators', 'pubsub', 'start', `--host-port=${host}`, `--project=${project}`],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(
        new Error(
          `the Pub/Sub emulator did not start within ${timeoutMs / 1000} s (is \`gcloud beta emulators pubsub\` installed, with Java? see docs/pubsub.md)`,
        ),
      );
    }, timeoutMs);
    let lastLine = '';
    const watch = (chunk: Buffer) => {
      lastLine =
        chunk
          .toString()
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .pop() ?? lastLine;
      if (/Server started, listening on/.test(chunk.toString())) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(
        new Error(
          `could not start gcloud (${error.message}): install the Google Cloud CLI and its Pub/Sub emulator, or set PUBSUB_EMULATOR_HOST to a running emulator`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the Pub/Sub emulator exited with code ${code}: ${lastLine}`));
    });
  });
  // The emulator must not keep this process alive by itself (a test process shares one and
  // stops it on exit); `dev` stays up because its servers listen.
  for (const stream of [child.stdout, child.stderr])
    (stream as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
  child.unref();
  return { host, stop };
}

export interface DevOptions {
  port: string;
  project?: string;
  emulatorPort: string;
  only?: string;
  deadLetter: boolean;
}

export async function runDev(options: DevOptions): Promise<void> {
  const project = options.project ?? process.env.GOOGLE_CLOUD_PROJECT ?? LOCAL_PROJECT;
  // A bad setting or port fails here, before anything starts.
  loadPlatformConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: project });
  const plan = await planPorts(options);
  let emulator: EmulatorProcess | null = null;
  const servers: Server[] = [];
  const stopAll = () => {
    for (const server of servers) server.close();
    emulator?.stop();
  };
  // Whatever ends this process (a crash included), the emulator's JVM must not outlive it.
  process.once('exit', stopAll);
  try {
    if (!process.env.PUBSUB_EMULATOR_HOST) {
      console.error(`starting the Pub/Sub emulator on 127.0.0.1:${plan.emulatorPort}...`);
      emulator = await startEmulatorProcess(plan.emulatorPort, project);
      process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    }
    // The functions read these on their first delivery (one Services per process).
    process.env.GOOGLE_CLOUD_PROJECT = project;
    process.env.FANPULSE_QUEUE ??= 'pubsub';
    // Not on GCE: no metadata-server probe (and its MetadataLookupWarning) on each client.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    // The emulator redelivers a refused message within seconds and dead-letters it after 5
    // attempts, so a not-yet-due message is re-published sooner than in the cloud.
    process.env.FANPULSE_NOT_BEFORE_NACK_WINDOW_SECONDS ??= '8';
    const config = loadPlatformConfig(process.env);
    const urls = await serveFunctions(plan.functions, servers);
    const targets = entryPoints
      .filter((e) => e.source !== null && urls.has(e.name))
      .map((e) => ({
        topic: topicForSource(e.source!, config.topicPrefix),
        url: urls.get(e.name)!,
      }));
    // Loaded here so that other commands do not pay for the Pub/Sub client library.
    const { ensurePushSubscriptions } = await import('../faces/pubsub/push-setup.js');
    const subscriptions = await ensurePushSubscriptions(targets, {
      projectId: project,
      apiEndpoint: process.env.PUBSUB_EMULATOR_HOST,
      minimumBackoffSeconds: 1,
      maximumBackoffSeconds: 10,
      ...(options.deadLetter
        ? { deadLetterTopic: `${config.topicPrefix}dead-letter`, maxDeliveryAttempts: 5 }
        : {}),
    });
    for (const s of subscriptions) console.error(`${s.topic} → push ${s.endpoint}`);
    console.error(
      `ready: PUBSUB_EMULATOR_HOST=${process.env.PUBSUB_EMULATOR_HOST} GOOGLE_CLOUD_PROJECT=${project} npm run cli -- publish <job> ...`,
    );
  } catch (error) {
    stopAll();
    throw error;
  }
  await untilStopped(stopAll);
}

interface PortPlan {
  emulatorPort: number;
  functions: Array<{ entry: EntryPoint; port: number }>;
}

/**
 * The functions to serve on consecutive ports from --port (stepping over the emulator's:
 * 8081.. meets 8085), every port checked free, so nothing is left half started.
 */
async function planPorts(options: DevOptions): Promise<PortPlan> {
  const basePort = portOption('--port', options.port);
  const emulatorPort = process.env.PUBSUB_EMULATOR_HOST
    ? Number(process.env.PUBSUB_EMULATOR_HOST.split(':').pop())
    : portOption('--emulator-port', options.emulatorPort);
  const wanted = options.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chosen = entryPoints.filter((f) => !wanted || wanted.includes(f.name));
  const unknown = (wanted ?? []).filter((w) => !chosen.some((f) => f.name === w));
  if (unknown.length > 0)
    throw new UsageError(`--only names functions that do not exist: ${unknown.join(', ')}`);
  const functions: PortPlan['functions'] = [];
  let port = basePort - 1;
  for (const entry of chosen) {
    port += 1;
    if (port === emulatorPort) port += 1;
    functions.push({ entry, port });
  }
  await requireFreePorts([
    ...(process.env.PUBSUB_EMULATOR_HOST
      ? []
      : [{ port: emulatorPort, for: 'the Pub/Sub emulator' }]),
    ...functions.map((f) => ({ port: f.port, for: f.entry.name })),
  ]);
  return { emulatorPort, functions };
}

/**
 * Serves the planned functions from this process (each server added to `servers` as it
 * listens, for the caller to close), all sharing one Services whose warehouse holds every
 * table. Resolves with each function's URL.
 */
async function serveFunctions(
  functions: PortPlan['functions'],
  servers: Server[],
): Promise<Map<string, string>> {
  setProcessServices(createServices(processServicesOptions(process.env, catalog.schema)));
  await import(pathToFileURL(INDEX_MODULE).href);
  // The same functions-framework instance index.js registered its functions with.
  const require = createRequire(INDEX_MODULE);
  const testing = require('@google-cloud/functions-framework/testing') as {
    getTestServer(name: string): Server;
  };
  const urls = new Map<string, string>();
  for (const { entry, port } of functions) {
    const server = testing.getTestServer(entry.name);
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', ok);
    });
    servers.push(server);
    urls.set(entry.name, `http://127.0.0.1:${port}`);
    console.error(`${entry.name} (${entry.signatureType}) on http://127.0.0.1:${port}/`);
  }
  return urls;
}

/** Resolves after SIGINT, SIGTERM or SIGHUP, once `stop` ran. */
function untilStopped(stop: () => void): Promise<void> {
  return new Promise<void>((done) => {
    const shutdown = () => {
      stop();
      done();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    process.once('SIGHUP', shutdown);
  });
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'serve every function locally with functions-framework, wired to the Pub/Sub emulator by push subscriptions',
    )
    .option('--port <port>', 'port of the first function; the others follow', '8081')
    .option('--project <id>', `project id (default GOOGLE_CLOUD_PROJECT or ${LOCAL_PROJECT})`)
    .option(
      '--emulator-port <port>',
      'port for the emulator started when PUBSUB_EMULATOR_HOST is unset',
      '8085',
    )
    .option('--only <names>', 'comma-separated function names to serve')
    .option('--no-dead-letter', 'no dead-letter policy on the push subscriptions')
    .action(async (o: DevOptions) => {
      await runDev(o);
      process.exit(0);
    });
}
